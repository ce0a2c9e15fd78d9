"""The integer-code engine behind ``compute`` gives exactly the numbers of the slow path
it replaced (``metrics_slow_reference.py``: string-keyed pandas groupbys, statsmodels per
group), on random tables with missing values, open tickets, empty groups, ties and
tickets crossing period ends; and its building blocks equal pandas and statsmodels."""

import numpy as np
import pandas as pd
import pytest
from metrics_slow_reference import reference_compute
from statsmodels.duration.survfunc import SurvfuncRight

from svcinsight import metrics
from svcinsight.metrics import grouped
from svcinsight.metrics.context import key_codes, ticket_positions


def _with_missing(rng, values, share):
    values = pd.array(values)
    values[rng.random(len(values)) < share] = pd.NA
    return values


def random_tables(rng, n=1500, tz="Asia/Shanghai", feedback_channel=False):
    """Tickets over about four months and their feedback, with every kind of gap."""
    start = pd.Timestamp("2026-02-20", tz=tz)
    # whole minutes: many equal durations, so ties (and Kaplan-Meier curves at exactly 1/2) occur
    created = start + pd.to_timedelta(rng.integers(0, 120 * 24 * 60, n), unit="min")
    first = created + pd.to_timedelta(rng.integers(0, 48 * 60, n) // 10 * 10, unit="min")
    resolved = first + pd.to_timedelta(rng.integers(0, 10 * 24 * 60, n) // 30 * 30, unit="min")
    first = pd.Series(first).where(rng.random(n) > 0.15)
    resolved = pd.Series(resolved).where(rng.random(n) > 0.25)
    # a few resolved "before" creation: negative durations must not break anything
    resolved = resolved.where(rng.random(n) > 0.01, pd.Series(created) - pd.Timedelta(5, "min"))
    due = pd.Series(created + pd.to_timedelta(rng.choice([2, 24, 72], n), unit="h")).where(rng.random(n) > 0.3)
    tickets = pd.DataFrame({
        "ticket_id": [f"T{i:05d}" for i in range(n)],
        "channel": _with_missing(rng, rng.choice(["chat", "email", "phone", "电话"], n), 0.05),
        "priority": _with_missing(rng, rng.choice(["urgent", "important", "normal"], n), 0.05),
        "category": _with_missing(rng, rng.choice(["complaint", "request", "consultation"], n), 0.05),
        "created_at": pd.Series(created),
        "first_response_at": first,
        "resolved_at": resolved,
        "due_at": due,
        "contacts": _with_missing(rng, rng.integers(1, 4, n), 0.1).astype("Int64"),
        "reopened": _with_missing(rng, rng.integers(0, 2, n) * (rng.random(n) < 0.3), 0.1).astype("Int64"),
        "escalated": _with_missing(rng, rng.random(n) < 0.2, 0.1).astype("boolean"),
        "agent_id": _with_missing(rng, rng.choice([f"a{i}" for i in range(12)], n), 0.05),
        "handle_minutes": pd.Series(np.round(rng.lognormal(2.5, 0.6, n))).where(rng.random(n) > 0.1),
    })
    # a channel used in the first week only: its later months are empty groups
    tickets.loc[tickets["created_at"] < start + pd.Timedelta(7, "D"), "channel"] = "传真"
    m = n // 2
    linked = rng.integers(0, n + n // 10, m)  # some point to tickets that do not exist
    submitted = pd.Series(start + pd.to_timedelta(rng.integers(0, 125 * 24 * 60, m), unit="min"))
    followed = submitted + pd.to_timedelta(rng.integers(0, 180, m), unit="min")
    feedback = pd.DataFrame({
        "feedback_id": [f"F{i}" for i in range(m)],
        "ticket_id": _with_missing(rng, [f"T{i:05d}" for i in linked], 0.2),
        "submitted_at": submitted.where(rng.random(m) > 0.02),
        "csat": _with_missing(rng, rng.integers(1, 6, m), 0.2).astype("Int64"),
        "nps": _with_missing(rng, rng.integers(0, 11, m), 0.3).astype("Int64"),
        "ces": _with_missing(rng, rng.integers(1, 8, m), 0.4).astype("Int64"),
        "followed_up_at": followed.where(rng.random(m) < 0.5),
    })
    if feedback_channel:  # a channel only the feedback knows makes groups without tickets
        feedback["channel"] = _with_missing(rng, rng.choice(["chat", "app", "email"], m), 0.6)
    return tickets, feedback


CASES = {
    "by channel, month": {"by": "channel"},
    "no grouping, month, one thread": {"threads": 1},
    "two keys, week": {"by": ["channel", "priority"], "freq": "W"},
    "day, New York time (DST)": {"freq": "D", "tz": "America/New_York"},
    "quarter, feedback with its own channel": {"by": "channel", "freq": "Q", "feedback_channel": True},
    "as_of in the middle: open tickets": {"by": "category", "as_of": "2026-04-10 13:00"},
    "requested periods beyond the data": {"by": "channel", "periods": [pd.Period("2026-09", "M")]},
}


@pytest.mark.parametrize("case", list(CASES))
def test_same_numbers_as_the_slow_path(case, rng):
    options = dict(CASES[case])
    tz = options.pop("tz", "Asia/Shanghai")
    tickets, feedback = random_tables(rng, tz=tz, feedback_channel=options.pop("feedback_channel", False))
    if "as_of" in options:
        options["as_of"] = pd.Timestamp(options["as_of"], tz=tz)
    threads = options.pop("threads", 2)
    expected = reference_compute(tickets, feedback, **options)
    got = metrics.compute(tickets, feedback, threads=threads, **options)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["metric"].nunique() == 25
    if "channel" in np.atleast_1d(options.get("by", ())):
        assert got.loc[got["metric"] == "tickets_created", "n"].eq(0).any()  # empty groups are there


def test_same_numbers_on_the_business_clock(rng):
    from svcinsight.calendar import BusinessCalendar

    cal = BusinessCalendar({"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")], "sat": [("10:00", "16:00")]})
    tickets, feedback = random_tables(rng, n=600)
    expected = reference_compute(tickets, feedback, by="channel", calendar=cal)
    pd.testing.assert_frame_equal(metrics.compute(tickets, feedback, by="channel", calendar=cal), expected,
                                  check_exact=True)


@pytest.mark.parametrize("threads", [1, 2])
def test_feedback_groups_with_and_without_waiting_for_the_lookup(rng, threads):
    # whether feedback falls in "(unknown)" is settled early by a row without a ticket id,
    # and otherwise only once the lookup has run (while the ticket families already run)
    tickets, feedback = random_tables(rng, n=700)
    tickets["channel"] = tickets["channel"].fillna("chat")  # no ticket of its own in "(unknown)"
    has_id = feedback[feedback["ticket_id"].notna()]
    found = has_id[has_id["ticket_id"].isin(tickets["ticket_id"])]
    for fb, unknown in ((feedback, True), (has_id, True), (found, False)):
        expected = reference_compute(tickets, fb, by="channel")
        got = metrics.compute(tickets, fb, by="channel", threads=threads)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert (got["channel"] == "(unknown)").any() == unknown


def test_a_subset_of_metrics_is_the_same_rows(rng):
    tickets, feedback = random_tables(rng, n=800)
    asked = ["resolution_km_median_h", "nps", "backlog_open", "handle_minutes_median", "survey_response_rate"]
    expected = reference_compute(tickets, feedback, by="channel")
    expected = expected[expected["metric"].isin(asked)].reset_index(drop=True)
    got = metrics.compute(tickets, feedback, by="channel", metrics=asked)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_no_tickets_gives_an_empty_frame_not_an_error():
    tz = "Asia/Shanghai"
    empty = pd.DataFrame({"ticket_id": pd.Series([], dtype="str"), "channel": pd.Series([], dtype="str"),
                          "created_at": pd.Series([], dtype=f"datetime64[ns, {tz}]"),
                          "resolved_at": pd.Series([], dtype=f"datetime64[ns, {tz}]")})
    m = metrics.compute(empty, by="channel", as_of=pd.Timestamp("2026-01-01", tz=tz))
    assert list(m.columns) == ["channel", "period", "metric", "value", "numerator", "denominator", "n"]
    assert m.empty


def test_grouped_quantiles_and_medians_equal_pandas(rng, monkeypatch):
    for partition_max in (grouped.PARTITION_MAX_GROUPS, 0):  # per-group partition, padded sorts
        monkeypatch.setattr(grouped, "PARTITION_MAX_GROUPS", partition_max)
        for n_groups, n in ((1, 1), (4, 3000), (300, 5000)):
            groups = rng.integers(-1, n_groups, n)
            values = np.round(rng.lognormal(1, 2, n), 1) * rng.choice([1, -1], n, p=[0.95, 0.05])
            values[rng.random(n) < 0.05] = np.nan
            series, keep = pd.Series(values), groups >= 0
            expected = (series[keep].groupby(groups[keep]).quantile([0.5, 0.9]).unstack(-1)
                        .reindex(index=range(n_groups), columns=[0.5, 0.9]).to_numpy())
            np.testing.assert_array_equal(grouped.quantiles(values, groups, n_groups, (0.5, 0.9)), expected)
            expected = series[keep].groupby(groups[keep]).median().reindex(range(n_groups)).to_numpy()
            np.testing.assert_array_equal(grouped.medians(values, groups, n_groups), expected)


def _statsmodels_median(durations, finished):
    if not len(durations) or not finished.any():
        return np.nan
    return SurvfuncRight(np.clip(durations, 0, None), finished.astype(int)).quantile(0.5)


def test_kaplan_meier_medians_equal_statsmodels(rng, monkeypatch):
    for partition_max in (grouped.PARTITION_MAX_GROUPS, 0):
        monkeypatch.setattr(grouped, "PARTITION_MAX_GROUPS", partition_max)
        n_groups, n = 40, 6000
        groups = rng.integers(0, n_groups, n)
        # integer durations: ties between events and censored values at the same time
        durations = rng.integers(-2, 60, n).astype(float)
        finished = rng.random(n) < rng.uniform(0.3, 1.0, n_groups)[groups]
        finished[groups == 7] = False  # a group with no event at all: NaN
        got = grouped.km_medians(grouped.sort_within_groups(np.where(finished, durations, np.nan), groups, n_groups),
                                 grouped.sort_within_groups(np.where(finished, np.nan, durations), groups, n_groups))
        expected = [_statsmodels_median(durations[groups == g], finished[groups == g]) for g in range(n_groups)]
        np.testing.assert_array_equal(got, expected)
        assert np.isnan(got[7])


def test_kaplan_meier_median_where_the_curve_is_exactly_one_half(rng):
    # no censoring and an even count: S falls to 1/2 exactly at the middle time, and
    # which side of 1/2 the rounded curve lands on decides the median; ours rounds as statsmodels does
    for size in range(2, 400, 2):
        durations = np.sort(rng.integers(0, 10 * size, size).astype(float))
        finished = np.ones(size, dtype=bool)
        one = np.zeros(size, dtype=int)
        got = grouped.km_medians(grouped.sort_within_groups(durations, one, 1),
                                 grouped.sort_within_groups(np.array([]), one[:0], 1))
        assert got[0] == _statsmodels_median(durations, finished), size


def test_segmented_running_sums_restart_exactly(rng, monkeypatch):
    counts = rng.integers(0, 50, 30)
    terms = rng.normal(size=int(counts.sum()))
    expected = np.concatenate([np.cumsum(part) for part in np.split(terms, np.cumsum(counts)[:-1])])
    for partition_max in (grouped.PARTITION_MAX_GROUPS, 0):
        monkeypatch.setattr(grouped, "PARTITION_MAX_GROUPS", partition_max)
        np.testing.assert_array_equal(grouped.segmented_cumsum(terms, counts), expected)


def test_feedback_ticket_lookup_takes_the_first_of_repeated_ids():
    ids = pd.Series(["a", "b", "a", None, "c"], dtype="str")
    feedback = pd.DataFrame({"ticket_id": pd.Series(["a", "c", None, "zz", "b"], dtype="str")})
    assert ticket_positions(ids, feedback).tolist() == [0, 4, -1, -1, 1]
    # ids that are not text take pandas' path with the same answer
    numbers = pd.DataFrame({"ticket_id": [3, 1, 9]})
    assert ticket_positions(pd.Series([1, 2, 3]), numbers).tolist() == [2, 0, -1]


def test_group_keys_read_as_text_with_missing_values_named():
    codes, names = key_codes(pd.Series([1, "1", None, "(unknown)", 2.5], dtype=object))
    assert [names[c] for c in codes] == ["1", "1", "(unknown)", "(unknown)", "2.5"]


def test_unit_values_add_up_to_the_computed_metrics(rng):
    from svcinsight.metrics import metric_values

    tickets, feedback = random_tables(rng, n=800)
    m = metrics.compute(tickets, feedback)
    for metric in ("resolution_rate", "fcr_rate", "escalation_rate", "first_response_sla_rate",
                   "resolution_sla_rate", "frt_median_h", "resolution_median_h"):
        rows = metric_values(tickets, metric, feedback=feedback)
        month = rows["created_at"].dt.tz_localize(None).dt.to_period("M")
        per_month = rows.groupby(month)["value"]
        expected = per_month.median() if metric.endswith("median_h") else per_month.mean()
        got = m[m["metric"] == metric].set_index("period")["value"]
        np.testing.assert_allclose(got.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12, err_msg=metric)
    # compute leaves FCR out when nothing tells one contact from several; so do the unit values
    with pytest.raises(ValueError, match="contacts or a reopened"):
        metric_values(tickets.drop(columns=["contacts", "reopened"]), "fcr_rate")

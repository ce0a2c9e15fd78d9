"""The plan's quick paths give the numbers of the plain computations they replace.

- bootstrap statistics from draw counts (:mod:`svcinsight.plan.resampling`) against
  ``np.median`` / ``np.quantile`` / ``mean`` over explicit resamples;
- a sized opportunity's intervals against the plain bootstrap (explicit draws from the
  same seed), its "after" values against ``metric_values`` on the whole rewritten window,
  and combinations of fixes against applying every fix from the data as it is;
- the satisfaction model's flags, worked out for many states in one pass, against one
  state at a time; the stage thresholds against the two full passes they replace;
- ticket positions in Arrow against ``Index.get_indexer``; the plan's window feedback,
  partly tagged by the report, against tagging it all.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
import yaml

import svcinsight as si
from svcinsight.feedback.drivers import stage_delays
from svcinsight.feedback.tagging import tag
from svcinsight.metrics import metric_values
from svcinsight.plan import resampling
from svcinsight.plan.fixes import State, apply, positions, rewritten
from svcinsight.plan.measure import same_values, statistic, summarise
from svcinsight.plan.resampling import Resamples
from svcinsight.plan.satisfaction import _TICKET_FLAGS, _ticket_flag, _usable_thresholds

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
N_BOOT = 60


# -- resamples ---------------------------------------------------------------------------------

def _data(rng, n: int, kind: int) -> np.ndarray:
    if kind == 0:
        return rng.integers(0, 4, n).astype(float)  # many ties
    if kind == 1:
        return rng.normal(size=n)
    if kind == 2:
        return np.round(rng.exponential(3, n), 1)
    return (rng.random(n) < 0.3).astype(float)  # a rate's 0/1 values


@pytest.mark.parametrize("band", ["usual", "narrow"])
def test_quantiles_from_counts_equal_numpy_on_explicit_resamples(rng, monkeypatch, band):
    if band == "narrow":  # every resample's order statistic falls outside the band: the fallback
        monkeypatch.setattr(resampling, "band_width", lambda n: 1)
    for trial in range(120):
        n = int(rng.integers(2, 12)) if trial % 3 == 0 else int(rng.integers(12, 300))
        values = _data(rng, n, trial % 4)
        draws = rng.integers(0, n, size=(int(rng.integers(1, 25)), n), dtype=np.int32)
        resamples = Resamples.from_draws(draws, n)
        for q in (0.5, 0.9, 0.1, 0.25, 1.0, 0.0):
            plain = np.median(values[draws], axis=1) if q == 0.5 else np.quantile(values[draws], q, axis=1)
            assert np.array_equal(resamples.quantiles(values, q), plain), (n, q)


def test_means_from_counts_equal_the_means_of_explicit_resamples(rng):
    for trial in range(60):
        n = int(rng.integers(2, 400))
        before = _data(rng, n, trial % 4)
        after = before.copy()
        changed = rng.random(n) < 0.1
        after[changed] = _data(rng, int(changed.sum()), trial % 4)
        draws = rng.integers(0, n, size=(20, n), dtype=np.int32)
        resamples = Resamples.from_draws(draws, n)
        sums = resamples.sums(before)
        for values, got in ((before, sums / n), (after, resamples.changed_sums(sums, before, after) / n)):
            plain = values[draws].mean(axis=1)
            if trial % 4 == 3:  # sums of 0/1 are exact: the same numbers
                assert np.array_equal(got, plain)
            else:
                np.testing.assert_allclose(got, plain, rtol=1e-12, atol=1e-12)


def test_resamples_are_the_generators_draws():
    n, n_boot = 257, 30
    draws = np.random.default_rng([3, 4]).integers(0, n, size=(n_boot, n), dtype=np.int32)
    counts = Resamples.draw(np.random.default_rng([3, 4]), n_boot, n).drawn.T
    assert counts.shape == (n_boot, n) and (counts.sum(axis=1) == n).all()
    assert np.array_equal(counts, np.stack([np.bincount(line, minlength=n) for line in draws]))


# -- a unit's opportunities --------------------------------------------------------------------

@pytest.fixture(scope="module")
def opps():
    ds = si.demo.generate(seed=0, months=3, tickets_per_month=700, units=["ecommerce"])
    benchmarks = yaml.safe_load((ROOT / "params" / "_defaults.yaml").read_text())["benchmarks"]
    goals = yaml.safe_load((ROOT / "params" / "ecommerce.yaml").read_text())["goals"]
    return si.plan.opportunities(ds, benchmarks=benchmarks, targets=goals, resolution_stages={"resolved"},
                                 n_boot=N_BOOT)


def _plain_interval(measure, metric: str, label: str, before: np.ndarray, after: np.ndarray):
    """The interval as the plan defines it: explicit resamples from the (metric, scope) seed."""
    rng = np.random.default_rng([measure.seed, zlib.crc32(f"{metric}|{label}".encode())])
    draws = rng.integers(0, len(before), size=(measure.n_boot, len(before)), dtype=np.int32)
    diff = summarise(after[draws], metric) - summarise(before[draws], metric)
    tail = (1 - measure.confidence) / 2
    return np.quantile(diff, [tail, 1 - tail])


def test_intervals_and_after_values_equal_the_plain_computation(opps):
    m = opps._measure
    assert {"stage", "handoff", "rework", "response", "tag", "segment"} <= set(opps.table["kind"])
    scopes = {s.label: s for s in opps._scopes}
    window = m.in_window
    bootstrapped = 0
    for row in opps.effects.itertuples(index=False):
        cand = opps.candidate(row.opportunity)
        state = opps.state(row.opportunity)
        assert state is opps.state([row.opportunity])  # kept, not rebuilt
        if cand.fixes:
            plain_state = apply(m.baseline, cand.fixes)
            pd.testing.assert_frame_equal(state.tickets, plain_state.tickets)
        changes, deltas = m.changes(state, cand.tags)
        base = m.base(row.metric)
        after = m.after(state, row.metric, deltas, cand.targets)
        if get_family(row.metric) != "satisfaction" and state is not m.baseline and not cand.targets:
            # the whole rewritten window, recomputed
            full = metric_values(state.tickets[window], row.metric, as_of=m.as_of, calendar=m.calendar,
                                 sla=m.sla)["value"].astype(float).reindex(base.index)
            np.testing.assert_array_equal(after.to_numpy(), full.to_numpy())
        inside = m.mask(row.metric, base.index, scopes[row.segment].where)
        b, a = base.to_numpy()[inside], after.to_numpy()[inside]
        if np.array_equal(a, b) or (row.metric == "csat_mean" and changes is not None):
            continue
        low, high = _plain_interval(m, row.metric, row.segment, b, a)
        if statistic(row.metric) is None:
            assert row.ci_low == pytest.approx(low, rel=1e-9, abs=1e-12)
            assert row.ci_high == pytest.approx(high, rel=1e-9, abs=1e-12)
        else:  # the same order statistics: the same numbers
            assert (row.ci_low, row.ci_high) == (low, high)
        bootstrapped += 1
    assert bootstrapped > 30


def get_family(metric: str) -> str:
    return si.metrics.get(metric).family


def test_combinations_equal_applying_every_fix_from_the_data_as_it_is(opps):
    ids = [i for i in opps.ids if opps.candidate(i).fixes][:4]
    m = opps._measure
    for k in range(1, len(ids) + 1):
        kept = opps.state(ids[:k])
        plain = apply(m.baseline, [fix for i in ids[:k] for fix in opps.candidate(i).fixes])
        pd.testing.assert_frame_equal(kept.tickets, plain.tickets)
        for name in ("ticket", "entered", "end", "known"):
            assert np.array_equal(getattr(kept.timeline, name), getattr(plain.timeline, name))
        assert np.array_equal(kept.changed, plain.changed)


def test_rewritten_tickets_are_those_whose_row_differs(opps):
    m = opps._measure
    base = m.baseline.tickets
    for i in opps.ids:
        state = opps.state(i)
        differs = np.zeros(len(base), dtype=bool)
        for column in base.columns:
            now, was = state.tickets[column], base[column]
            differs |= ~((now == was).fillna(False).to_numpy(dtype=bool) | (now.isna() & was.isna()).to_numpy())
        assert np.array_equal(rewritten(state, m.baseline), np.flatnonzero(differs)), i


def test_a_duration_median_and_90th_percentile_summarise_the_same_values(opps):
    m = opps._measure
    tickets = m.baseline.tickets[m.in_window]
    for duration in ("frt", "resolution"):
        values = [metric_values(tickets, f"{duration}_{s}_h", as_of=m.as_of)["value"] for s in ("median", "p90")]
        pd.testing.assert_series_equal(*values)
        assert same_values(f"{duration}_median_h") == same_values(f"{duration}_p90_h")


def test_after_values_on_the_business_clock_equal_the_whole_window_recomputed(opps):
    calendar = si.calendar.BusinessCalendar({"mon-fri": ["09:00-12:00", "13:30-18:00"], "sat": ["10:00-16:00"]},
                                            holidays="CN", timezone="Asia/Shanghai")
    m = opps._measure
    measure = type(m)(m.baseline, m.in_window, m.answers, m.model, as_of=m.as_of, calendar=calendar, sla=m.sla,
                      n_boot=0)
    states = [opps.state(i) for i in opps.ids if opps.candidate(i).fixes]
    metrics = ["frt_median_h", "resolution_p90_h", "first_response_sla_rate", "resolution_sla_rate", "fcr_rate"]
    measure.prepare([(s, ()) for s in states[:3]], metrics=metrics)  # some in one frame, the rest one by one
    for state in states:
        for metric in metrics:
            full = metric_values(state.tickets[m.in_window], metric, as_of=m.as_of, calendar=calendar,
                                 sla=m.sla)["value"].astype(float).reindex(measure.base(metric).index)
            np.testing.assert_array_equal(measure.after(state, metric).to_numpy(), full.to_numpy())


# -- the satisfaction model ----------------------------------------------------------------------

def _plain_flags(model, state: State, rows: np.ndarray) -> pd.DataFrame:
    """One state's flags, its events handed to the driver model's own stage delays."""
    out = pd.DataFrame(False, index=rows, columns=model.process_drivers)
    position = model.ticket[rows]
    tickets = state.tickets.iloc[position]
    for name in (d for d in model.process_drivers if d in _TICKET_FLAGS):
        out[name] = _ticket_flag(name, tickets, model.resolution_limit[position])
    limits = {s: h for s, h in model.thresholds.items() if f"slow: {s}" in model.process_drivers}
    events = state.events()
    events = events[events["ticket_id"].isin(tickets["ticket_id"]) & events["stage"].isin(list(limits))]
    frame = model.answers.iloc[model.modelled[rows]][["ticket_id", "submitted_at"]].reset_index(drop=True)
    _, over, _ = stage_delays(frame, events, limits)
    for stage in limits:
        if stage in over.columns:
            out[f"slow: {stage}"] = over[stage].to_numpy(dtype=bool)
    return out


def test_flags_of_many_states_at_once_equal_one_state_at_a_time(opps):
    model = opps._measure.model
    assert any(d.startswith("slow: ") for d in model.process_drivers)
    pairs = [(model.state, np.arange(len(model.modelled)))]
    for i in opps.ids:
        state = opps.state(i)
        pairs.append((state, np.flatnonzero(state.changed[model.ticket])))
    pairs.append((pairs[1][0], np.array([], dtype=np.int64)))
    together = model.flags_of(pairs)
    assert sum(f.to_numpy().sum() for f in together) > 100
    for (state, rows), flags in zip(pairs, together):
        pd.testing.assert_frame_equal(flags, _plain_flags(model, state, rows))
    pd.testing.assert_frame_equal(model.baseline, together[0])


def test_drivers_from_the_answered_tickets_visits_equal_those_from_all_visits(opps):
    model = opps._measure.model
    everything = si.feedback.drivers(model.answers, model.state.tickets, model.state.events(),
                                     include=("tickets", "stages"), benchmarks=model.thresholds, min_count=30)
    fitted = model.table.iloc[:len(everything)]
    assert (everything["kind"] == "stage").sum() >= 3
    pd.testing.assert_frame_equal(fitted.reset_index(drop=True), everything, check_dtype=False)


def test_stage_thresholds_equal_two_full_passes(opps):
    model = opps._measure.model
    frame = model.answers.iloc[model.modelled].reset_index(drop=True)
    events = model.state.events()
    benchmarks = {"qc result pending": 4.0, "in progress": 1.0, "awaiting customer": 24.0, "refund": 24.0}
    for min_count in (5, 30, 10_000):
        visited, over, thresholds = stage_delays(frame, events, benchmarks)
        medians = stage_delays(frame, events, None)[2]
        within = (visited & ~over).sum()
        plain = {s: float(medians.get(s, h) if s in benchmarks and within.get(s, 0) < min_count else h)
                 for s, h in thresholds.items()}
        assert _usable_thresholds(frame, events, benchmarks, min_count) == plain


# -- positions and feedback ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str", object])
def test_positions_equal_get_indexer(rng, dtype):
    ids = pd.Series([f"T{i}" for i in rng.permutation(500)], dtype=dtype)
    wanted = pd.Series([f"T{i}" for i in rng.integers(0, 700, 900)] + [None], dtype=dtype)
    assert np.array_equal(positions(wanted, ids), pd.Index(ids).get_indexer(wanted))


def test_positions_of_repeated_ids_fail_as_get_indexer_does():
    ids = pd.Series(["a", "b", "a"], dtype="string[pyarrow]")
    with pytest.raises(Exception, match="unique"):
        positions(pd.Series(["a"], dtype="string[pyarrow]"), ids)


def test_window_feedback_reuses_the_months_tags_and_equals_tagging_it_all():
    from svcinsight.studies.monthly import UnitData
    from svcinsight.studies.plan import _window_feedback
    from svcinsight.unit import UnitParams

    ds = si.demo.generate(seed=2, months=3, tickets_per_month=300, units=["ecommerce"])
    fb = ds.feedback.sample(frac=1.0, random_state=1)  # any order
    month = pd.Period(fb["submitted_at"].max().strftime("%Y-%m"), freq="M")
    tz = "Asia/Shanghai"
    taxonomy = si.feedback.load_taxonomy()
    params = UnitParams(unit="ecommerce", sources={"tickets": {"path": "tickets.csv"}})

    def unit():
        return UnitData(params=params, month=month, data=si.Dataset(tickets=ds.tickets, feedback=fb),
                        latest=fb["submitted_at"].max() - pd.Timedelta(days=2))

    plain, shared = unit(), unit()
    start = (month - 2).start_time.tz_localize(tz)
    stamps = fb["submitted_at"]
    expected = tag(fb[(stamps >= start) & (stamps < plain.month_end) & (stamps <= plain.as_of)], taxonomy)
    pd.testing.assert_frame_equal(_window_feedback(plain, start, plain.month_end, taxonomy), expected)
    month_tags = shared.tagged_month_feedback()  # the report's feedback sections ran first
    assert len(month_tags) > 20
    reused = _window_feedback(shared, start, shared.month_end, taxonomy)
    pd.testing.assert_frame_equal(reused, expected)
    assert shared.tagged_feedback_since(start) is reused  # the drivers chart reads the same frame

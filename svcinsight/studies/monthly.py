"""One unit's month, loaded once: validated params, the unit's canonical tables over its
report window, their quality ledgers, the report month and the data's as-of time.

A monthly notebook's validation cell is one call:
``unit_report = si.studies.unit_month(unit=..., month=..., params_path=...)``. The
tables hold the unit's rows of its report window (the report month, the 13 months
before it and the tickets still open then; see :mod:`svcinsight.unit.window`), read
from the staged store when the run made one (``staged_store``), else from the raw
sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight import io as si_io
from svcinsight.calendar import BusinessCalendar
from svcinsight.dataset import Dataset
from svcinsight.feedback.tagging import tag as tag_feedback
from svcinsight.feedback.taxonomy import load_taxonomy
from svcinsight.ids import among
from svcinsight.metrics import compute as compute_metrics
from svcinsight.metrics import latest_timestamp
from svcinsight.metrics.compute import add_changes
from svcinsight.staging import read_unit
from svcinsight.unit.params import ParamsError, UnitParams, load_params
from svcinsight.unit.sources import load_sources, scope_to_unit, unused_rows
from svcinsight.unit.window import ReportWindow, parse_month, trim


@dataclass
class UnitData:
    """One unit's report inputs for one month: what every section of its pages reads.

    Numbers computed from it (metrics per grouping, the tagged feedback, the plan) are
    computed once and kept, so each number reads the same in every section.
    """

    params: UnitParams
    month: pd.Period
    data: Dataset
    ledgers: dict = field(default_factory=dict)
    scope: dict = field(default_factory=dict)
    source_data: Dataset | None = field(default=None, repr=False)  # every unit's rows, for pilots' controls
    window: ReportWindow | None = None  # the months read (None: everything in ``data``)
    latest: pd.Timestamp | None = None  # the latest timestamp of the unit's whole history
    created: pd.Series | None = field(default=None, repr=False)  # created_at of all its tickets
    staged_store: str | None = None  # the store the data came from (None: the raw sources)
    unused: dict = field(default_factory=dict)  # kept rows no number can count: see unused_rows()
    _metrics_cache: dict = field(default_factory=dict, repr=False)

    @property
    def timezone(self) -> str:
        return self.params.timezone

    @property
    def month_start(self) -> pd.Timestamp:
        return self.month.start_time.tz_localize(self.timezone)

    @property
    def month_end(self) -> pd.Timestamp:
        """Exclusive end of the report month."""
        return (self.month + 1).start_time.tz_localize(self.timezone)

    @property
    def as_of(self) -> pd.Timestamp:
        """The latest timestamp in the unit's data, capped at the month's end.

        Tickets still open at this instant count as open in the report. The latest
        timestamp is the whole history's, also when ``data`` holds a window of it.
        """
        latest = self.latest
        if latest is None:
            latest = latest_timestamp(self.data.tickets, self.data.events, self.data.feedback)
        if latest is pd.NaT or latest >= self.month_end:
            return self.month_end
        return latest

    def quality(self) -> pd.DataFrame:
        """All sources' ledgers as one table."""
        return si_io.QualityLedger.combine(list(self.ledgers.values()))

    def metrics(self, by: tuple[str, ...] = ()) -> pd.DataFrame:
        """All metrics per month (and ``by`` groups) as of the report's as-of time, computed
        once per grouping and reused by every section that needs them.

        Months before the report window are left out: only the tickets still open in it
        were read from them, so their numbers would be partial.
        """
        key = tuple(by)
        if key not in self._metrics_cache:
            frame = compute_metrics(
                self.data.tickets, self.data.feedback, self.data.orders, by=key, as_of=self.as_of,
                sla=self.params.sla, calendar=self.calendar, periods=[self.month - 1, self.month])
            if self.window is not None and self.window.first is not None:
                frame = frame[frame["period"] >= self.window.first].reset_index(drop=True)
            self._metrics_cache[key] = add_changes(frame, by=key)
        return self._metrics_cache[key]

    @property
    def ticket_history(self) -> pd.DataFrame:
        """``created_at`` of every ticket of the unit, whole history (the volume chart)."""
        created = self.created if self.created is not None else self.data.tickets["created_at"]
        return pd.DataFrame({"created_at": created})

    def remember(self, key, make):
        """``make()``, computed on the first call for ``key`` and kept for the report."""
        if key not in self._metrics_cache:
            self._metrics_cache[key] = make()
        return self._metrics_cache[key]

    # -- the report month's rows ----------------------------------------------------------
    def month_tickets(self) -> pd.DataFrame:
        """Tickets created in the report month."""
        t = self.data.tickets
        return t[(t["created_at"] >= self.month_start) & (t["created_at"] < self.month_end)]

    def month_events(self) -> pd.DataFrame | None:
        """Stage events of the tickets created in the report month (``None`` without events)."""
        events = self.data.events
        if events is None or events.empty:
            return None
        return events[among(events["ticket_id"], self.month_tickets()["ticket_id"])]

    # -- feedback, tagged once ------------------------------------------------------------
    @property
    def taxonomy(self):
        """The feedback taxonomy: the default one, extended by the unit's own (params)."""
        def load():
            extension = self.params.taxonomy
            if isinstance(extension, str):
                extension = str((Path(self.params.source_file).parent / extension).resolve())
            return load_taxonomy(extend=extension or None)
        return self.remember("_taxonomy", load)

    def _feedback_between(self, start: pd.Timestamp) -> pd.DataFrame | None:
        fb = self.data.feedback
        if fb is None or "submitted_at" not in fb.columns or "comment" not in fb.columns:
            return None
        stamps = fb["submitted_at"]
        return fb[(stamps >= start) & (stamps < self.month_end) & (stamps <= self.as_of)]

    def tagged_month_feedback(self) -> pd.DataFrame | None:
        """The month's feedback with tags and stages (computed once per report)."""
        return self.tagged_feedback_since(self.month_start)

    def tagged_feedback_since(self, start: pd.Timestamp) -> pd.DataFrame | None:
        """Feedback submitted from ``start`` to the end of the report month, tagged once per
        report and start. Each comment is tagged on its own, so answers of the report month
        keep the tags the month's sections gave them and only earlier ones are tagged again
        (the drivers chart and the improvement plan read the last three months)."""
        key = ("_tagged_since", start)
        cache = self._metrics_cache
        if key not in cache:
            fb = self._feedback_between(start)
            if fb is None or start >= self.month_start or not fb.index.is_unique:
                cache[key] = None if fb is None else tag_feedback(fb, self.taxonomy)
            else:
                month = self.tagged_feedback_since(self.month_start)
                earlier = fb[~fb.index.isin(month.index)]
                cache[key] = pd.concat([tag_feedback(earlier, self.taxonomy), month]).loc[fb.index]
        return cache[key]


    @property
    def calendar(self):
        """The unit's business calendar, or None for the 24x7 clock."""
        if not self.params.calendar:
            return None
        if "_calendar" not in self._metrics_cache:
            self._metrics_cache["_calendar"] = BusinessCalendar.from_params(
                {"timezone": self.timezone, **self.params.calendar})
        return self._metrics_cache["_calendar"]


def unit_month(*, unit: str, month: str, params_path: str | Path, staged_store: str | Path | None = None) -> UnitData:
    """Validate a notebook's parameters and load the unit's data, once.

    Parameters
    ----------
    unit : str
        The unit the notebook was started for; must match the params file's ``unit``.
    month : str
        Report month, ``YYYY-MM``.
    params_path : str or Path
        The unit's params file.
    staged_store : str or Path, optional
        A staged store (``svcinsight stage``; a run passes its own). The unit's
        partitions are read from it; a source without a valid staged copy there (never
        staged, or changed since) is read raw, as without a store.

    Either way the data hold the unit's report window (see
    :mod:`svcinsight.staging.window`), and the numbers are the same.
    """
    params = load_params(params_path)
    if params.unit != unit:
        raise ParamsError(f"{params_path}: file is for unit {params.unit!r}, notebook was started for {unit!r}")
    period = parse_month(month)
    window = ReportWindow.for_month(period, goals=params.goals)
    staged = None
    if staged_store is not None:
        staged = read_unit(staged_store, params, period)
    if staged is not None:
        data, ledgers, scope, source_data = staged.data, staged.ledgers, staged.scope, None
        latest, created, unused = staged.latest, staged.created, staged.unused
    else:
        source_data, ledgers = load_sources(params)
        whole, scope = scope_to_unit(source_data, params.business_unit)
        latest = latest_timestamp(whole.tickets, whole.events, whole.feedback)
        created = whole.tickets["created_at"]
        unused = unused_rows(whole)
        data = trim(whole, window)
        del whole
    if scope["tickets"]["unit"] == 0:
        where = (params.sources.tickets or params.sources.events).describe()
        raise ParamsError(f"{params_path}: no tickets for business_unit {params.business_unit!r} in {where}")
    return UnitData(params=params, month=period, data=data, ledgers=ledgers, scope=scope, source_data=source_data,
                    window=window, latest=latest, created=created, unused=unused,
                    staged_store=None if staged is None else str(staged_store))

"""One pilot of one unit, its data loaded once: the pilot notebook's validation call.

``study = si.studies.pilot_study(unit=..., pilot=..., params_path=...)`` reads the
unit's params, picks the pilot from its ``pilots:`` list, loads the tickets and
feedback once without narrowing them to the unit (the control units live in the same
sources) and checks that the pilot and control units are in the data. The monthly
report's pilot section gets the same study from its own loaded data
(:func:`for_unit`). The pages (:mod:`svcinsight.pages.pilot`) show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight import staging
from svcinsight.calendar import BusinessCalendar
from svcinsight.dataset import Dataset
from svcinsight.metrics import get, latest_timestamp
from svcinsight.pilot.definition import PilotDefinition
from svcinsight.pilot.evaluate import Evaluation, control_units, evaluate
from svcinsight.pilot.windows import WEEK, PilotWindows, pilot_windows
from svcinsight.unit.params import ParamsError, UnitParams, load_params
from svcinsight.unit.sources import load_sources


@dataclass
class PilotStudy:
    """One pilot of one unit, its data loaded once, ready for the notebook's cells."""

    params: UnitParams
    definition: PilotDefinition
    data: Dataset
    ledgers: dict = field(default_factory=dict)
    calendar: BusinessCalendar | None = None
    holidays: str | None = "CN"
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def language(self) -> str:
        return self.params.language

    @property
    def zh(self) -> bool:
        return self.language == "zh"

    @property
    def as_of(self) -> pd.Timestamp:
        """The latest timestamp in the data: what had happened by then counts."""
        if "as_of" not in self._cache:
            self._cache["as_of"] = latest_timestamp(self.data.tickets, self.data.feedback)
        return self._cache["as_of"]

    @property
    def controls(self) -> list[str]:
        return control_units(self.data, self.definition) or []

    @property
    def evaluation(self) -> Evaluation:
        """Every metric evaluated (computed on first use, then kept)."""
        if "evaluation" not in self._cache:
            self._cache["evaluation"] = evaluate(
                self.data, self.definition, language=self.language, as_of=self.as_of,
                calendar=self.calendar, holidays=self.holidays)
        return self._cache["evaluation"]

    def windows(self) -> PilotWindows:
        """The windows the designs compare (by ticket creation time)."""
        done = [r for r in self.evaluation.results if r is not None and r.windows is not None]
        if done:
            return done[0].windows
        d = self.definition
        return pilot_windows(self.data.tickets["created_at"], pilot_start=d.start, pre=d.pre,
                             post=d.post, pilot_end=d.end)


def pilot_study(*, unit: str, pilot: str | int | None = None, params_path: str | Path | None = None,
                params: UnitParams | None = None, data: Dataset | None = None, ledgers: dict | None = None,
                staged_store: str | Path | None = None) -> PilotStudy:
    """Validate the pilot notebook's parameters and load the data, once.

    Parameters
    ----------
    unit : str
        The unit the notebook was started for; must match the params file's ``unit``.
    pilot : str, int or None
        The pilot's ``name`` in the params' ``pilots:`` list (or its position); ``None``
        when the list has exactly one.
    params_path : str or Path
        The unit's params file (parsed here), unless ``params`` are given.
    params : UnitParams, optional
        The unit's params already parsed (the monthly report passes its own).
    data, ledgers : Dataset and dict, optional
        The unit's sources already loaded (all units, not scoped to this one), so a
        caller that has them (the monthly report) does not read them again.
    staged_store : str or Path, optional
        A staged store (see :mod:`svcinsight.staging`): the pilot's units are read
        from it over the weeks the evaluation compares; without a valid staged copy
        of the tickets or feedback the raw sources are read.

    Raises
    ------
    svcinsight.unit.ParamsError
        The params are invalid, name no such pilot, or the data lack its units.
    """
    if params is None:
        params = load_params(params_path)
    where = params_path if params_path is not None else params.source_file
    if params.unit != unit:
        raise ParamsError(f"{where}: file is for unit {params.unit!r}, notebook was started for {unit!r}")
    definition = params.pilot(pilot)
    # the designs need tickets and answers only; stage events are the bulk of a source
    # and are not read
    cache = {}
    if data is None and staged_store is not None:
        staged = _read_staged(staged_store, params, definition)
        if staged is not None:
            # the latest time of every unit's data, as the whole sources have it
            data, ledgers, cache["as_of"] = staged.data, staged.ledgers, staged.as_of
    if data is None:
        needed = params.sources.model_copy(update={"events": None, "orders": None})
        data, ledgers = load_sources(params.model_copy(update={"sources": needed}))
    column = definition.unit_column
    if column not in data.tickets.columns:
        raise ParamsError(f"{where}: the tickets have no {column!r} column to find unit "
                          f"{definition.unit!r} (map one in sources.tickets.columns)")
    present = set(data.tickets[column].astype("string").dropna().unique())
    wanted = [definition.unit] + (list(definition.controls) if isinstance(definition.controls, tuple) else [])
    missing = [u for u in wanted if u not in present]
    if missing:
        source = (params.sources.tickets or params.sources.events).describe()
        raise ParamsError(f"{where}: pilot {definition.name!r}: unit(s) {missing} have no tickets in "
                          f"{source} (units there: {', '.join(sorted(present))})")
    needs_feedback = [m for m in definition.metrics if get(m).family == "satisfaction"]
    if needs_feedback and data.feedback is None:
        raise ParamsError(f"{where}: pilot {definition.name!r} judges {', '.join(needs_feedback)}, "
                          "which need a feedback source")
    calendar = None
    if params.calendar:
        calendar = BusinessCalendar.from_params({"timezone": params.timezone, **params.calendar})
    holidays = params.calendar.get("holidays", "CN") if params.calendar else "CN"
    return PilotStudy(params=params, definition=definition, data=data, ledgers=ledgers,
                      calendar=calendar, holidays=holidays, _cache=cache)


def for_unit(unit_report, definition: PilotDefinition) -> PilotStudy:
    """A pilot of a monthly report's unit: from the staged store when the report's data
    came from it, else from the sources the report already loaded; its params are the
    report's own (not parsed again)."""
    params = unit_report.params
    if unit_report.staged_store is not None:
        return pilot_study(unit=params.unit, pilot=definition.name, params=params,
                           staged_store=unit_report.staged_store)
    return pilot_study(unit=params.unit, pilot=definition.name, params=params,
                       data=unit_report.source_data, ledgers=unit_report.ledgers)


# -- what a pilot asks of the staged store -----------------------------------------------

def _read_staged(store, params: UnitParams, definition: PilotDefinition) -> staging.StoreRows | None:
    """The pilot's tickets and feedback from the store: its units and controls (every
    unit's when its controls are ``all`` or not listed: its chart then shows every
    other unit), from one month before its earliest window on, plus earlier tickets
    still unresolved then. When those rows would not place the windows where the whole
    history does (a unit missing, or no row before the earliest window start), the whole
    history of those units is read instead. ``None`` without a valid staged copy."""
    units = None
    if isinstance(definition.controls, tuple) and definition.unit_column == "business_unit":
        units = sorted({definition.unit, *definition.controls})
    spans = staging.time_spans(store, params, units=units)
    if spans is None:
        return None
    first = _first_month(definition, list(spans.values()))
    rows = staging.read_since(store, params, units=units, first_month=first)
    if rows is not None and first is not None and not _covers(store, params, units, rows, spans, definition):
        rows = staging.read_since(store, params, units=units, first_month=None)
    return rows


def _windows(definition: PilotDefinition, span) -> PilotWindows:
    d = definition
    return pilot_windows(pd.Series(list(span)), pilot_start=d.start, pre=d.pre, post=d.post, pilot_end=d.end)


def _first_month(definition: PilotDefinition, spans) -> str | None:
    """A month before the earliest window any of the pilot's metrics can get (the chart
    shows a week before it), or ``None`` when it cannot be told."""
    earliest = None
    for span in spans:
        if span is None:
            continue
        try:
            begin = _windows(definition, span).pre.start - WEEK
        except ValueError:
            return None  # the design reports it; read everything so it reports the same
        earliest = begin if earliest is None else min(earliest, begin)
    if earliest is None:
        return None
    return str(earliest.tz_localize(None).to_period("M") - 1)


def _covers(store, params, units, rows: staging.StoreRows, spans: dict, definition: PilotDefinition) -> bool:
    """Whether the rows read place every window where the whole history does: every
    unit is there, and each kind of timestamp has a row at or before the earliest
    window start."""
    tickets = rows.data.tickets
    staged_units = staging.units_staged(store, params, units=units)
    read_units = set(tickets["business_unit"].dropna().astype(str)) if staged_units else set()
    if read_units != staged_units:
        return False
    for name, column in (("tickets", "created_at"), ("feedback", "submitted_at")):
        frame, span = getattr(rows.data, name), spans.get(name)
        if span is None or frame is None or column not in frame.columns:
            continue
        stamps = frame[column].dropna()
        if stamps.empty or stamps.min() > _windows(definition, span).pre.start:
            return False
    return True

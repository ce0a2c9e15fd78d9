"""The pilot notebook's one validation call, and the few displays its cells show.

``study = si.pilot.prepare(unit=..., pilot=..., params_path=...)`` reads the unit's
params, picks the pilot from its ``pilots:`` list, loads the tickets and feedback once
without narrowing them to the unit (the control units live in the same sources) and
checks that the pilot and control units are in the data. Every later cell calls a method of the
returned :class:`PilotStudy`.

Params files belong to the report layer: :func:`prepare` imports
:mod:`svcinsight.report` when it runs, and nothing else in :mod:`svcinsight.pilot`
depends on it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight._version import software_versions
from svcinsight.dataset import Dataset
from svcinsight.metrics import get, latest_timestamp
from svcinsight.pilot.definition import PilotDefinition
from svcinsight.pilot.evaluate import Evaluation, control_units, evaluate
from svcinsight.pilot.result import DESIGNS
from svcinsight.pilot.texts import TEXTS
from svcinsight.pilot.windows import PilotWindows, pilot_windows

_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib")


@dataclass
class PilotStudy:
    """One pilot of one unit, its data loaded once, ready for the notebook's cells."""

    params: object
    definition: PilotDefinition
    data: Dataset
    ledgers: dict = field(default_factory=dict)
    calendar: object | None = None
    holidays: str | None = "CN"
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def language(self) -> str:
        return getattr(self.params, "language", "en")

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

    # -- displays ------------------------------------------------------------------------
    def title(self):
        """The report's heading: pilot, unit and the data's as-of time."""
        from IPython.display import HTML

        d = self.definition
        heading = f"{d.name} — {d.unit}"
        as_of = self.as_of.strftime("%Y-%m-%d %H:%M %Z")
        line = f"试点评估 · 数据截至 {as_of}" if self.zh else f"Pilot evaluation · data as of {as_of}"
        return HTML(f"<h1>{html.escape(heading)}</h1><p><em>{html.escape(line)}</em></p>")

    def heading(self, key: str):
        """A section heading and its short explanation in the report's language."""
        from IPython.display import Markdown

        title, intro = TEXTS[key][self.language]
        parts = ([f"## {html.escape(title)}"] if title else []) + ([html.escape(intro)] if intro else [])
        return Markdown("\n\n".join(parts))

    def describe(self) -> pd.DataFrame:
        """What changed, where and when, and how it is judged."""
        d, zh = self.definition, self.zh
        design = DESIGNS[d.resolved_design][zh]
        labels = ("；" if zh else "; ").join(get(m).label_zh if zh else get(m).label_en for m in d.metrics)
        rows = [
            ("试点" if zh else "Pilot", d.name),
            ("变更内容" if zh else "What changed", d.change or "–"),
            ("试点单元" if zh else "Unit", d.unit),
            ("开始" if zh else "Start", d.start.isoformat()),
            ("结束" if zh else "End", d.end.isoformat() if d.end else ("进行中" if zh else "ongoing")),
            ("对照单元" if zh else "Control units", ", ".join(self.controls) or "–"),
            ("设计" if zh else "Design", design),
            ("指标" if zh else "Metrics", labels),
            ("聚类" if zh else "Errors clustered by", d.cluster),
            ("分层调整" if zh else "Adjusted for", ", ".join(d.adjust_for) or "–"),
            ("多重比较校正" if zh else "Multiplicity correction", d.correction.capitalize()),
        ]
        return pd.DataFrame(rows, columns=["", ""]).style.hide(axis="index").hide(axis="columns")

    def windows_table(self) -> pd.DataFrame:
        """Each window's days and its tickets in the pilot unit and the controls."""
        windows = self.windows()
        table = windows.to_frame(self.language)
        tickets = self.data.tickets
        unit = tickets[self.definition.unit_column].astype("string")
        where = windows.assign(tickets["created_at"])
        pilot = unit == self.definition.unit
        counts = []
        for label in ("pre", "post"):
            inside = (where == label).fillna(False)
            counts.append((int((inside & pilot).sum()), int((inside & unit.isin(self.controls)).sum())))
        table["试点单元工单" if self.zh else "tickets, pilot unit"] = [c[0] for c in counts]
        if self.controls:
            table["对照单元工单" if self.zh else "tickets, controls"] = [c[1] for c in counts]
        return table.style.hide(axis="index").format(precision=0, thousands=",")

    def results_table(self):
        """Per metric: design, effect, interval, p-value, adjusted p-value, outcome."""
        return self.evaluation.formatted(self.language).style.hide(axis="index")

    def verdicts(self):
        """The plain sentences, one per metric."""
        from IPython.display import HTML

        items = "".join(f"<li>{html.escape(v)}</li>" for v in self.evaluation.verdicts(self.language))
        return HTML(f"<ul>{items}</ul>")

    def warnings_table(self):
        """Every design warning, or a sentence saying there are none."""
        table = self.evaluation.warnings(self.language)
        if table.empty:
            note = "所有设计检查均通过。" if self.zh else "Every design check passed."
            return pd.DataFrame({"": [note]}).style.hide(axis="index")
        return table.style.hide(axis="index")

    def chart(self):
        """Each metric over time in the pilot unit and the controls; returns the Figure."""
        from svcinsight.pilot.plots import metric_panels

        d = self.definition
        return metric_panels(self.data.tickets, metrics=d.metrics, treated=d.unit,
                             pilot_start=d.start, controls=self.controls, windows=self.windows(),
                             feedback=self.data.feedback, as_of=self.as_of, calendar=self.calendar,
                             unit_column=d.unit_column, language=self.language)

    def provenance(self):
        """The parameters and software versions this evaluation was made with."""
        p, d = self.params, self.definition
        rows = [("unit", p.unit), ("pilot", d.name), ("language", p.language), ("timezone", p.timezone),
                ("params file", Path(p.source_file).name if p.source_file else "")]
        for name in self.data.tables():
            rows.append((f"source: {name}", getattr(p.sources, name).describe()))
        rows += software_versions(_PACKAGES)
        return pd.DataFrame(rows, columns=["item", "value"]).style.hide(axis="index")


def prepare(*, unit: str, pilot: str | int | None = None, params_path: str | Path,
            data: Dataset | None = None, ledgers: dict | None = None,
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
        The unit's params file.
    data, ledgers : Dataset and dict, optional
        The unit's sources already loaded (all units, not scoped to this one), so a
        caller that has them (the monthly report) does not read them again.
    staged_store : str or Path, optional
        A staged store (see :mod:`svcinsight.staging`): the pilot's units are read
        from it over the weeks the evaluation compares; without a valid staged copy
        of the tickets or feedback the raw sources are read.

    Returns
    -------
    PilotStudy

    Raises
    ------
    svcinsight.report.ParamsError
        The params are invalid, name no such pilot, or the data lack its units.
    """
    from svcinsight.report import ParamsError, load_params, load_sources

    params = load_params(params_path)
    if params.unit != unit:
        raise ParamsError(f"{params_path}: file is for unit {params.unit!r}, notebook was started for {unit!r}")
    raw = _choose(params.pilots, pilot, params_path, ParamsError)
    try:
        definition = PilotDefinition.parse(raw, default_unit=params.business_unit or params.unit)
    except (ValueError, TypeError) as error:
        raise ParamsError(f"{params_path}: pilots: {error}") from None
    # the designs need tickets and answers only; stage events are the bulk of a source
    # and are not read
    cache = {}
    if data is None and staged_store is not None:
        from svcinsight.staging import read_pilot

        staged = read_pilot(staged_store, params, [definition])
        if staged is not None:
            # the latest time of every unit's data, as the whole sources have it
            data, ledgers, cache["as_of"] = staged.data, staged.ledgers, staged.as_of
    if data is None:
        needed = params.sources.model_copy(update={"events": None, "orders": None})
        data, ledgers = load_sources(params.model_copy(update={"sources": needed}))
    column = definition.unit_column
    if column not in data.tickets.columns:
        raise ParamsError(f"{params_path}: the tickets have no {column!r} column to find unit "
                          f"{definition.unit!r} (map one in sources.tickets.columns)")
    present = set(data.tickets[column].astype("string").dropna().unique())
    wanted = [definition.unit] + (list(definition.controls) if isinstance(definition.controls, tuple) else [])
    missing = [u for u in wanted if u not in present]
    if missing:
        raise ParamsError(f"{params_path}: pilot {definition.name!r}: unit(s) {missing} have no tickets in "
                          f"{(params.sources.tickets or params.sources.events).describe()} (units there: {', '.join(sorted(present))})")
    needs_feedback = [m for m in definition.metrics if get(m).family == "satisfaction"]
    if needs_feedback and data.feedback is None:
        raise ParamsError(f"{params_path}: pilot {definition.name!r} judges {', '.join(needs_feedback)}, "
                          "which need a feedback source")
    calendar = None
    if params.calendar:
        from svcinsight.calendar import BusinessCalendar

        calendar = BusinessCalendar.from_params({"timezone": params.timezone, **params.calendar})
    holidays = params.calendar.get("holidays", "CN") if params.calendar else "CN"
    return PilotStudy(params=params, definition=definition, data=data, ledgers=ledgers,
                      calendar=calendar, holidays=holidays, _cache=cache)


def _choose(pilots: list, pilot, params_path, error_type) -> dict:
    if not pilots:
        raise error_type(f"{params_path}: no pilots: add a `pilots:` list to evaluate one")
    names = [str(p.get("name", "")) for p in pilots]
    if pilot is None:
        if len(pilots) > 1:
            raise error_type(f"{params_path}: several pilots ({', '.join(names)}); set the notebook's "
                             "`pilot` parameter to one of them")
        return pilots[0]
    if isinstance(pilot, int) and not isinstance(pilot, bool):
        if not 0 <= pilot < len(pilots):
            raise error_type(f"{params_path}: pilot number {pilot} does not exist ({len(pilots)} pilots)")
        return pilots[pilot]
    if pilot not in names:
        raise error_type(f"{params_path}: no pilot named {pilot!r}; pilots: {', '.join(names)}")
    return pilots[names.index(pilot)]

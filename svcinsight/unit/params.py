"""A business unit's report parameters: ``params/<unit>.yaml``, validated.

Shared defaults in ``_defaults.yaml`` beside the unit files are merged under each
unit's own keys. Unknown or misspelt keys are errors that name the file and the key
(papermill itself would only warn). Relative source paths are resolved against the
params file's folder; ``${NAME}`` in a source URL is taken from the environment when
the data is loaded, so secrets never enter a notebook parameter or a report.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "shop.yaml").write_text("unit: shop\\nsources:\\n  tickets: data/t.csv\\n")
>>> p = load_params(folder / "shop.yaml")
>>> p.unit, p.language, p.timezone
('shop', 'en', 'Asia/Shanghai')
>>> p.sources.tickets.path.name
't.csv'
"""

from __future__ import annotations

import os
import re
import zoneinfo
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svcinsight import config
from svcinsight.pilot.definition import PilotDefinition
from svcinsight.validation import problem_lines

DEFAULTS_FILE = "_defaults.yaml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ParamsError(ValueError):
    """A params file is missing, unreadable or invalid; the message names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Strict):
    """Where one canonical table comes from and how its columns map."""

    path: Path | None = None
    url: str | None = None
    query: str | None = None
    table: str | None = None
    sheet_name: str | int = 0
    encoding: str | None = None
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    formats: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    extra_columns: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_location(self) -> SourceSpec:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of 'path' or 'url'")
        if self.url is not None and not (self.query or self.table):
            raise ValueError("a SQL 'url' needs a 'query' or a 'table'")
        return self

    def location(self) -> str | Path:
        """The path, or the URL with ``${VAR}`` taken from the environment."""
        if self.path is not None:
            return self.path
        def _env(match: re.Match) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ParamsError(f"source URL needs the environment variable {name}, which is not set")
            return os.environ[name]
        return _ENV_REF.sub(_env, self.url)

    def describe(self) -> str:
        """A safe description (a URL's password is never shown)."""
        if self.path is not None:
            return str(self.path)
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.url)


class ProcessParams(_Strict):
    """How to read the unit's event log: which stages answer, resolve and close a ticket
    (also used to derive the tickets table when a unit has only an event log)."""

    resolution_stages: list[str] = Field(default_factory=list)
    first_response_stages: list[str] | None = None
    closed_stages: list[str] | None = None
    terminal_stages: list[str] | None = None
    waiting_stages: list[str] | None = None  # stages that are waits; default: recognised by name


class Sources(_Strict):
    tickets: SourceSpec | None = None
    events: SourceSpec | None = None
    feedback: SourceSpec | None = None
    orders: SourceSpec | None = None


class OpportunitySettings(_Strict):
    """What the unit knows about one opportunity (keyed by its id, e.g. ``stage: agent review``)."""

    effort: Literal["low", "medium", "high"] | int | None = Field(None)
    owner: str | None = None
    exclude: bool = False

    @field_validator("effort")
    @classmethod
    def _effort_scale(cls, value):
        if isinstance(value, int) and not 1 <= value <= 5:
            raise ValueError("effort is 1-5, or low, medium or high")
        return value


class PlannedPilot(_Strict):
    """The plan behind a pilot that ``si.unit.write_pilot_plans`` wrote (keyed by pilot name)."""

    opportunity: str
    primary_metric: str
    baseline: float | None = None
    expected: float | None = None
    effect: float
    effect_kind: Literal["ratio", "difference", "probability"]
    n_per_window: int = Field(ge=1)
    weeks: int = Field(ge=1)
    power: float = Field(gt=0, le=1)
    alpha: float = Field(gt=0, le=0.5)
    design_effect: float = Field(1.0, ge=1)
    decision_rule: str = ""


class PlanParams(_Strict):
    """Settings of the improvement plan (``plan:``): the window it sizes opportunities on,
    the pilots' power, what the unit knows about each opportunity, and the plans of the
    pilots it proposed. The significance level is the one the pilot evaluation uses
    (``si.config``), so a plan is judged at the level it was sized for."""

    window_months: int = Field(3, ge=1, le=36)
    power: float = Field(0.8, gt=0, lt=1)
    pilots_top: int = Field(3, ge=0, le=10)
    max_weeks: int = Field(26, ge=1, le=104)
    bootstrap: int = Field(200, ge=0, le=5000)
    opportunities: dict[str, OpportunitySettings] = Field(default_factory=dict)
    pilots: dict[str, PlannedPilot] = Field(default_factory=dict)


class UnitParams(_Strict):
    """Validated parameters of one business unit's report."""

    unit: str
    title: str | None = None
    language: Literal["en", "zh"] = config.DEFAULT_LANGUAGE
    timezone: str = config.DEFAULT_TIMEZONE
    business_unit: str | None = None
    sources: Sources
    sla: dict[str, float] = Field(default_factory=lambda: dict(config.FIRST_RESPONSE_TARGET_HOURS))
    calendar: dict[str, Any] = Field(default_factory=dict)
    benchmarks: dict[str, float] = Field(default_factory=dict)
    process: ProcessParams = Field(default_factory=lambda: ProcessParams())
    goals: list[dict[str, Any]] = Field(default_factory=list)
    pilots: list[PilotDefinition] = Field(default_factory=list)
    taxonomy: dict[str, Any] | str | None = None
    plan: PlanParams = Field(default_factory=lambda: PlanParams())
    source_file: Path | None = None

    @model_validator(mode="after")
    def _tickets_or_event_log(self) -> UnitParams:
        if self.sources.tickets is None:
            if self.sources.events is None:
                raise ValueError("sources need tickets, or events to derive the tickets from")
            if not self.process.resolution_stages:
                raise ValueError("without a tickets source, process.resolution_stages must name the stages "
                                 "that resolve a ticket in the event log (to derive the tickets table)")
        return self

    @model_validator(mode="before")
    @classmethod
    def _typed_pilots(cls, raw: Any) -> Any:
        """Each ``pilots:`` entry as a :class:`PilotDefinition`, run by the unit's
        ``business_unit`` (or ``unit``) unless it names another."""
        if isinstance(raw, dict) and isinstance(raw.get("pilots"), list):
            default_unit = raw.get("business_unit") or raw.get("unit")
            raw = {**raw, "pilots": [PilotDefinition.parse(p, default_unit=default_unit)
                                     if isinstance(p, dict) else p for p in raw["pilots"]]}
        return raw

    def pilot(self, pilot: str | int | None = None) -> PilotDefinition:
        """One of the unit's pilots: by ``name``, by position, or the only one (``None``)."""
        where = self.source_file or self.unit
        names = [p.name for p in self.pilots]
        if not self.pilots:
            raise ParamsError(f"{where}: no pilots: add a `pilots:` list to evaluate one")
        if pilot is None:
            if len(self.pilots) > 1:
                raise ParamsError(f"{where}: several pilots ({', '.join(names)}); set the notebook's "
                                  "`pilot` parameter to one of them")
            return self.pilots[0]
        if isinstance(pilot, int) and not isinstance(pilot, bool):
            if not 0 <= pilot < len(self.pilots):
                raise ParamsError(f"{where}: pilot number {pilot} does not exist ({len(self.pilots)} pilots)")
            return self.pilots[pilot]
        if pilot not in names:
            raise ParamsError(f"{where}: no pilot named {pilot!r}; pilots: {', '.join(names)}")
        return self.pilots[names.index(pilot)]

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name like Asia/Shanghai)") from None
        return value

    @field_validator("unit")
    @classmethod
    def _safe_unit_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", value):
            raise ValueError("unit must be letters, digits, '_' or '-' (it names the report file)")
        return value

    @property
    def display_title(self) -> str:
        return self.title or self.unit.replace("_", " ").title()


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"params file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping of keys at the top level")
    return data


def _merge(base: dict, over: dict) -> dict:
    """Deep-merge ``over`` onto ``base`` (mappings merge, everything else replaces)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _normalise_sources(raw: Any, folder: Path) -> Any:
    """Accept ``tickets: file.csv`` shorthand and resolve relative paths."""
    if not isinstance(raw, dict):
        return raw
    out = {}
    for name, spec in raw.items():
        if isinstance(spec, str):
            spec = {"url": spec} if "://" in spec else {"path": spec}
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            path = Path(spec["path"]).expanduser()
            spec = {**spec, "path": path if path.is_absolute() else (folder / path).resolve()}
        out[name] = spec
    return out


def _describe_errors(path: Path, exc: ValidationError) -> str:
    return f"{path}: invalid params\n" + "\n".join(problem_lines(exc))


def load_params(path: str | Path) -> UnitParams:
    """Read, merge with ``_defaults.yaml`` and validate one unit's params file."""
    path = Path(path).resolve()
    raw = _read_yaml(path)
    defaults_path = path.parent / DEFAULTS_FILE
    if defaults_path.exists() and defaults_path != path:
        raw = _merge(_read_yaml(defaults_path), raw)
    raw["sources"] = _normalise_sources(raw.get("sources"), path.parent)
    raw.setdefault("source_file", path)
    try:
        return UnitParams(**raw)
    except ValidationError as exc:
        raise ParamsError(_describe_errors(path, exc)) from None


def unit_files(params_dir: str | Path, units: list[str] | None = None) -> dict[str, Path]:
    """The unit params files in a folder, by unit name (file stem); ``_*`` files are shared."""
    folder = Path(params_dir)
    if not folder.is_dir():
        raise ParamsError(f"params folder not found: {folder}")
    found = {p.stem: p for p in sorted(folder.glob("*.yaml")) if not p.name.startswith("_")}
    if units:
        unknown = [u for u in units if u not in found]
        if unknown:
            raise ParamsError(
                f"no params file for unit(s) {', '.join(unknown)} in {folder}; "
                f"units there: {', '.join(found) or 'none'}"
            )
        found = {u: found[u] for u in units}
    return found

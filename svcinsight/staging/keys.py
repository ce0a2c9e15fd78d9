"""What names a staged source and what invalidates it.

A staged source is named by a **key**: a hash of everything that shapes the loaded
table (the table, its location, column mapping, formats, value maps, extra columns,
encoding, sheet, the unit's timezone, and for a table partitioned by its tickets the
tickets' key). Units whose params describe the same source the same way share one key,
so the demo units, which all read ``../data/demo/*.csv`` with the same mapping, stage
each file once.

A staged copy is valid while its **fingerprint** is unchanged: the source file's path,
size and modification time (every file's, for a folder of Parquet files), the
svcinsight version and the staging format, and the fingerprints of the tables it was
partitioned by. A SQL source is fingerprinted by its URL (password masked) and query;
a database can change with neither changing, so :func:`svcinsight.staging.stage`
reads a SQL source again every time it runs (a ``sqlite:///`` file also counts its
file state).

Examples
--------
>>> from svcinsight.unit.params import SourceSpec
>>> a = SourceSpec(path="/data/tickets.csv", columns={"ticket_id": "No"})
>>> b = SourceSpec(path="/data/tickets.csv", columns={"ticket_id": "Number"})
>>> source_key("tickets", a, "Asia/Shanghai") == source_key("tickets", a, "Asia/Shanghai")
True
>>> source_key("tickets", a, "Asia/Shanghai") == source_key("tickets", b, "Asia/Shanghai")
False
>>> source_fingerprint(SourceSpec(url="postgresql://me:secret@db/x", query="SELECT 1"))["url"]
'postgresql://me:***@db/x'
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from svcinsight._version import __version__

#: Bumped when the layout of a staged copy changes; older copies are staged again.
FORMAT = 1

TABLES = ("tickets", "events", "feedback", "orders")
#: Tables partitioned by the business unit and created month of their ticket.
FOLLOW_TICKETS = ("events", "feedback")


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _spec_payload(spec) -> dict:
    # the URL as written in params (``${VAR}`` unexpanded): no secret enters the key
    return spec.model_dump(mode="json")


def source_key(table: str, spec, timezone: str, *, tickets_key: str | None = None,
               derived: dict | None = None) -> str:
    """The key of one staged table (a hex digest)."""
    payload = {"table": table, "timezone": timezone, "format": FORMAT,
               "spec": None if spec is None else _spec_payload(spec)}
    if tickets_key is not None:
        payload["tickets"] = tickets_key
    if derived is not None:
        payload["derived"] = derived
    return _digest(payload)


def _file_state(path: Path) -> dict | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def path_state(path: Path) -> dict:
    """Size and modification time of a file, or of every file in a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return {"path": str(path), "files": {str(p.relative_to(path)): _file_state(p) for p in files}}
    return {"path": str(path), **(_file_state(path) or {"missing": True})}


def is_sql(spec) -> bool:
    return spec is not None and spec.path is None


def source_fingerprint(spec) -> dict:
    """The state of one source as it is now (see the module's notes)."""
    if not is_sql(spec):
        return path_state(spec.path)
    state = {"url": spec.describe(), "query": spec.query, "table": spec.table}
    sqlite = re.match(r"sqlite:///([^?]+)", spec.url)
    if sqlite and "${" not in sqlite.group(1):
        state["file"] = path_state(Path(sqlite.group(1)))
    return state


@dataclass(frozen=True)
class PlannedSource:
    """One table of a unit, as the store names and fingerprints it."""

    table: str
    key: str
    fingerprint: dict
    spec: object = field(repr=False, compare=False)
    tickets: PlannedSource | None = field(default=None, repr=False, compare=False)
    derived_from: PlannedSource | None = field(default=None, repr=False, compare=False)

    @property
    def folder_name(self) -> str:
        return f"{self.table}-{self.key[:16]}"

    @property
    def refresh_always(self) -> bool:
        """A database source: read again by every ``stage`` call."""
        own = is_sql(self.spec)
        return own or any(dep is not None and dep.refresh_always for dep in (self.tickets, self.derived_from))

    def describe(self) -> str:
        if self.spec is not None:
            return self.spec.describe()
        return f"tickets derived from {self.derived_from.describe()}"


def plan_sources(params) -> dict[str, PlannedSource]:
    """``{table: PlannedSource}`` of every table a unit's params name (tickets derived
    from the event log when there is no tickets source)."""
    tz = params.timezone
    sources = params.sources
    common = {"svcinsight": __version__, "format": FORMAT}
    planned: dict[str, PlannedSource] = {}
    if sources.events is not None:
        events_key_base = source_key("events", sources.events, tz)
    if sources.tickets is not None:
        key = source_key("tickets", sources.tickets, tz)
        planned["tickets"] = PlannedSource("tickets", key, {**common, "source": source_fingerprint(sources.tickets)},
                                           sources.tickets)
    else:
        raw_events = PlannedSource("events", events_key_base,
                                   {**common, "source": source_fingerprint(sources.events)}, sources.events)
        derived = {"process": params.process.model_dump(mode="json")}
        key = source_key("tickets", None, tz, derived={**derived, "events": events_key_base})
        planned["tickets"] = PlannedSource("tickets", key, {**common, "derived": derived,
                                                            "events": raw_events.fingerprint},
                                           None, derived_from=raw_events)
    tickets = planned["tickets"]
    for name in ("events", "feedback", "orders"):
        spec = getattr(sources, name)
        if spec is None:
            continue
        if name in FOLLOW_TICKETS:
            key = source_key(name, spec, tz, tickets_key=tickets.key)
            fingerprint = {**common, "source": source_fingerprint(spec), "tickets": tickets.fingerprint}
            planned[name] = PlannedSource(name, key, fingerprint, spec, tickets=tickets)
        else:
            planned[name] = PlannedSource(name, source_key(name, spec, tz),
                                          {**common, "source": source_fingerprint(spec)}, spec)
    return planned

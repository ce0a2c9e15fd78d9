"""Stage the sources of a group of units: each distinct source is parsed, validated
and written once into the store, or left alone when its staged copy is still valid.

Examples
--------
>>> import tempfile, pathlib
>>> import svcinsight as si
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> _ = si.demo.write(si.demo.generate(seed=1, months=2, tickets_per_month=20, units=["finance", "ecommerce"]),
...                   base / "data", format="csv")
>>> for unit in ("finance", "ecommerce"):
...     _ = (base / f"{unit}.yaml").write_text(
...         f"unit: {unit}\\nbusiness_unit: {unit}\\nsources:\\n  tickets: data/tickets.csv\\n"
...         "  feedback: data/feedback.csv\\n")
>>> outcomes = stage([base / "finance.yaml", base / "ecommerce.yaml"], base / "_staged")
>>> [(o.table, o.status, o.units) for o in outcomes]
[('tickets', 'staged', ['finance', 'ecommerce']), ('feedback', 'staged', ['finance', 'ecommerce'])]
>>> [o.status for o in stage([base / "finance.yaml"], base / "_staged")]
['up to date', 'up to date']
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from svcinsight.io.chunks import CHUNK_ROWS, read_table_in_chunks
from svcinsight.io.sources import file_format
from svcinsight.process.derive import derive_tickets
from svcinsight.staging.keys import PlannedSource, plan_sources
from svcinsight.staging.store import StagedTable, TableWriter, write_table
from svcinsight.staging.ticket_index import TicketIndex
from svcinsight.unit.params import ParamsError, UnitParams, load_params
from svcinsight.unit.sources import load_source, note_load
from svcinsight.unit.window import local_month

log = logging.getLogger(__name__)

#: Where ``svcinsight run`` and ``svcinsight stage`` keep the store, inside the output folder.
STORE_FOLDER = "_staged"


def store_path(output: str | Path) -> Path:
    """The staged store of a reports folder: ``<output>/_staged``."""
    return Path(output) / STORE_FOLDER


@dataclass
class StageOutcome:
    """What :func:`stage` did with one source."""

    table: str
    source: str
    status: str  # "staged", "up to date" or "failed"
    units: list[str] = field(default_factory=list)
    rows: int | None = None
    partitions: int | None = None
    seconds: float = 0.0
    folder: str | None = None
    error: str | None = None


def valid_copy(store: str | Path, planned: PlannedSource) -> StagedTable | None:
    """The staged copy of ``planned`` if it is there and its fingerprint matches."""
    staged = StagedTable.open(Path(store) / planned.folder_name)
    if staged is None or staged.manifest.get("fingerprint") != _jsonable(planned.fingerprint):
        return None
    return staged


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def _partition(name: str, frame: pd.DataFrame, ticket_keys: TicketIndex | None):
    """(positions, unit, month, has_units) of the rows of one table (or one chunk of it)."""
    n = len(frame)
    positions = np.arange(n)
    if name == "tickets":
        unit = (frame["business_unit"].astype("string") if "business_unit" in frame.columns
                else pd.Series(pd.NA, index=frame.index, dtype="string"))
        return positions, unit.reset_index(drop=True), local_month(frame["created_at"]).reset_index(drop=True), \
            "business_unit" in frame.columns
    if name == "orders":
        unit = (frame["business_unit"].astype("string") if "business_unit" in frame.columns
                else pd.Series(pd.NA, index=frame.index, dtype="string"))
        month = (local_month(frame["date"]) if "date" in frame.columns
                 else pd.Series(pd.NA, index=frame.index, dtype="string"))
        return positions, unit.reset_index(drop=True), month.reset_index(drop=True), "business_unit" in frame.columns
    has_units = ticket_keys is not None and ticket_keys.has_units
    if ticket_keys is not None and "ticket_id" in frame.columns:
        ticket_unit, ticket_month = ticket_keys.lookup(frame["ticket_id"])
    else:
        ticket_unit = ticket_month = pd.Series(pd.NA, index=range(n), dtype="string")
    if name == "events":
        return positions, ticket_unit, ticket_month, has_units
    # feedback: in its own business unit and its ticket's (once when they agree)
    month = (local_month(frame["submitted_at"]).reset_index(drop=True) if "submitted_at" in frame.columns
             else pd.Series(pd.NA, index=range(n), dtype="string"))
    if "business_unit" not in frame.columns:
        return positions, ticket_unit, month, has_units
    own = frame["business_unit"].astype("string").reset_index(drop=True)
    unit = own.fillna(ticket_unit)
    second = (own.notna() & ticket_unit.notna() & (own != ticket_unit)).fillna(False).to_numpy(dtype=bool)
    if second.any():
        extra = np.flatnonzero(second)
        positions = np.concatenate([positions, extra])
        unit = pd.concat([unit, ticket_unit.iloc[extra]], ignore_index=True)
        month = pd.concat([month, month.iloc[extra]], ignore_index=True)
    return positions, unit, month, True


def _manifest(plan: PlannedSource, rows: int, has_units: bool) -> dict:
    return {
        "key": plan.key, "source": plan.describe(), "fingerprint": _jsonable(plan.fingerprint),
        "rows": rows, "has_units": bool(has_units),
        "staged_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _reads_in_chunks(plan: PlannedSource) -> bool:
    """Whether a source is a delimited-text file its table reads on its own (not tickets
    derived from events, nor the events they are derived from)."""
    spec = plan.spec
    if spec is None or spec.path is None or spec.query is not None or spec.table is not None:
        return False
    if plan.derived_from is not None or (plan.tickets is not None and plan.tickets.derived_from is not None):
        return False
    try:
        return file_format(Path(spec.location())) == "csv"
    except ValueError:
        return False  # the loader reports the unknown file type


def _stage_in_chunks(params, plan: PlannedSource, folder: Path, ticket_keys: TicketIndex | None,
                     chunk_rows: int) -> tuple[StagedTable, TicketIndex | None]:
    """Load and write a source ``chunk_rows`` rows at a time; for tickets, also the index
    their events and feedback are partitioned by."""
    spec = plan.spec
    note_load(plan.table, spec)
    load = read_table_in_chunks(
        plan.table, spec.location(), spec.columns or None, rows=chunk_rows, timezone=params.timezone,
        formats=spec.formats or None, values=spec.values or None, encoding=spec.encoding,
        extra_columns=tuple(spec.extra_columns), source_name=spec.describe(),
    )
    index = TicketIndex(load.keys) if plan.table == "tickets" else None
    writer = TableWriter(folder, table=plan.table)
    try:
        has_units = False
        for chunk in load:
            positions, unit, month, has_units = _partition(plan.table, chunk, ticket_keys)
            if index is not None:
                index.extend(None, unit=unit, month=month)
            writer.write(chunk, unit=unit, month=month, positions=positions)
            del chunk, positions, unit, month
        staged = writer.finish(manifest=_manifest(plan, writer.rows, has_units), ledger=load.ledger)
    except BaseException:
        writer.abort()
        raise
    return staged, index


def _load(params, planned: PlannedSource, cache: dict):
    """The loaded table and its ledger (derived tickets have none)."""
    if planned.derived_from is not None:
        events, _ = _load_cached(params, "events", planned.derived_from.key, cache)
        proc = params.process
        tickets = derive_tickets(events, resolution_stages=proc.resolution_stages,
                                 first_response_stages=proc.first_response_stages,
                                 closed_stages=proc.closed_stages)
        return tickets, None
    if planned.table == "events" and planned.tickets is not None and planned.tickets.derived_from is not None:
        return _load_cached(params, "events", planned.tickets.derived_from.key, cache)
    return load_source(params, planned.table)


def _load_cached(params, name: str, key: str, cache: dict):
    if key not in cache:
        cache[key] = load_source(params, name)
    return cache[key]


def _groups(members: list[list[int]], count: int) -> list[list[int]]:
    """Indices ``0..count-1`` of the units split into groups that share no source;
    ``members`` lists, per source, the indices of the units reading it."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for units in members:
        for i in units[1:]:
            parent[root(i)] = root(units[0])
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def stage(params_files, store: str | Path, *, force: bool = False, workers: int = 1,
          chunk_rows: int | None = CHUNK_ROWS) -> list[StageOutcome]:
    """Stage every source the units' params name into ``store``.

    Parameters
    ----------
    params_files : iterable of path or UnitParams
        The units' params files (or validated params). A file that does not validate is
        skipped: its report fails with the params error.
    store : path
        The store folder (``<output>/_staged`` in a run; see :func:`store_path`).
    force : bool
        Stage every source again, valid copies included.
    workers : int
        Processes staging side by side; units that share no source are staged in
        parallel (each process parses one group's sources).
    chunk_rows : int or None
        Delimited-text sources (.csv, .tsv, .txt) are parsed and written this many rows
        at a time, so a large shared file stages in memory bounded by the chunk; the
        staged copy and its ledger are the same as those of a load in one piece.
        ``None`` loads every source whole.

    Returns
    -------
    list of StageOutcome
        One per distinct source, in staging order (tickets first). A source that cannot
        be loaded is ``failed`` with the loader's error; the units reading it then load
        their raw sources in the notebook and fail there as they would without staging.
    """
    store = Path(store)
    planned: dict[str, tuple[PlannedSource, object, list[str]]] = {}
    readers: dict[str, list[int]] = {}
    valid: list = []
    for item in params_files:
        try:
            params = item if isinstance(item, UnitParams) else load_params(item)
        except ParamsError:
            continue
        valid.append(params)
        for plan in plan_sources(params).values():
            if plan.key not in planned:
                planned[plan.key] = (plan, params, [])
            planned[plan.key][2].append(params.unit)
            readers.setdefault(plan.key, []).append(len(valid) - 1)
    tables = ("tickets", "events", "feedback", "orders")
    groups = [[valid[i] for i in group] for group in _groups(list(readers.values()), len(valid))]
    if workers > 1 and len(groups) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(groups)),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(partial(stage, store=store, force=force, chunk_rows=chunk_rows), groups))
        return sorted((o for part in parts for o in part), key=lambda o: tables.index(o.table))
    order = sorted(planned.values(), key=lambda item: tables.index(item[0].table))
    outcomes: list[StageOutcome] = []
    fresh: dict[str, TicketIndex] = {}  # units and months of tickets staged in this call, by key
    failed: set[str] = set()
    cache: dict = {}
    for plan, params, units in order:
        started = time.perf_counter()
        outcome = StageOutcome(plan.table, plan.describe(), "up to date", units,
                               folder=str(store / plan.folder_name))
        outcomes.append(outcome)
        current = None if (force or plan.refresh_always) else valid_copy(store, plan)
        dependency = plan.tickets
        if current is not None and (dependency is None or dependency.key not in fresh):
            outcome.rows = current.manifest.get("rows")
            outcome.partitions = len(current.manifest["partitions"])
            outcome.seconds = time.perf_counter() - started
            continue
        if dependency is not None and dependency.key in failed:
            outcome.status, outcome.error = "failed", "its tickets could not be staged"
            failed.add(plan.key)
            continue
        try:
            ticket_keys = None
            if plan.table in ("events", "feedback"):
                ticket_keys = fresh.get(dependency.key)
                if ticket_keys is None:
                    ticket_keys = TicketIndex.from_staged(valid_copy(store, dependency))
            folder = store / plan.folder_name
            if chunk_rows is not None and _reads_in_chunks(plan):
                staged, index = _stage_in_chunks(params, plan, folder, ticket_keys, chunk_rows)
            else:
                frame, ledger = _load(params, plan, cache)
                positions, unit, month, has_units = _partition(plan.table, frame, ticket_keys)
                staged = write_table(frame, folder, table=plan.table, unit=unit, month=month,
                                     positions=positions, manifest=_manifest(plan, len(frame), has_units),
                                     ledger=ledger)
                index = TicketIndex.from_frame(frame, unit, month) if plan.table == "tickets" else None
                del frame
            if index is not None:
                fresh[plan.key] = index
            outcome.status, outcome.rows = "staged", staged.manifest["rows"]
            outcome.partitions = len(staged.manifest["partitions"])
        except Exception as exc:  # reported per source; the notebooks meet the same error on the raw source  # noqa: BLE001
            outcome.status = "failed"
            outcome.error = "".join(traceback.format_exception_only(exc)).strip()
            failed.add(plan.key)
            log.warning("staging %s from %s failed: %s", plan.table, plan.describe(), outcome.error)
        outcome.seconds = time.perf_counter() - started
    return outcomes


def _up_to_date(files, store: Path) -> bool:
    """Whether every source of these units has a valid staged copy (a cheap check: no
    process to start when nothing changed)."""
    for item in files:
        try:
            params = item if isinstance(item, UnitParams) else load_params(item)
        except ParamsError:
            continue
        for plan in plan_sources(params).values():
            if plan.refresh_always or valid_copy(store, plan) is None:
                return False
    return True


def stage_for_run(params_files, output: str | Path, *, workers: int = 1) -> Path | None:
    """Stage a run's sources into ``<output>/_staged`` before its notebooks start, and
    return the store (``None`` when nothing could be staged).

    Staging runs in a short-lived child process, so that the run's own process does
    not keep the memory of parsing every source while its workers render. What was
    done is written to ``<output>/_staged/stage.json``; a source that failed is read
    raw by its notebooks, which then fail with the loader's own error. ``workers``
    processes stage units that share no source side by side.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    store = store_path(output)
    # params objects travel to the child as they are (parsed once, in the run's process)
    files = [p if isinstance(p, UnitParams) else Path(p) for p in params_files]
    if _up_to_date(files, store):
        return store
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = pool.submit(stage, files, store, workers=workers).result()
    if not outcomes:
        return None
    from dataclasses import asdict

    summary = {"staged_at": datetime.now().astimezone().isoformat(timespec="seconds"),
               "sources": [asdict(o) for o in outcomes]}
    store.mkdir(parents=True, exist_ok=True)
    (store / "stage.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    for o in outcomes:
        if o.status == "failed":
            log.warning("staging %s from %s failed (its reports read it raw): %s", o.table, o.source, o.error)
    return store if any(o.status != "failed" for o in outcomes) else None

"""Writing pilot plans to a unit's params file, keeping everything else in it.

Each plan becomes an entry of ``pilots:`` (the format ``notebooks/pilot_evaluation.ipynb``
reads, checked as a :class:`~svcinsight.pilot.PilotDefinition`) and a record under
``plan: pilots:`` keyed by the pilot's name. Params files are written by people: the
lines are added to the text, so comments and layout stay as they were, and the result
is parsed back and checked before it replaces the file (atomically).

Examples
--------
>>> lines = ["unit: shop", "pilots:", "  - name: old", "    start: 2026-01-05", "# end"]
>>> _add_pilots(lines, [{"name": "new", "start": "2026-02-02"}], "shop.yaml")[1:6]
['pilots:', '  - name: old', '    start: 2026-01-05', '  - name: new', "    start: '2026-02-02'"]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from svcinsight.files import write_atomically
from svcinsight.pilot.definition import PilotDefinition
from svcinsight.plan.pilots import PilotPlan, PilotPlans
from svcinsight.unit.params import ParamsError, load_params


def write_pilot_plans(plans: PilotPlans | Sequence[PilotPlan], params_path: str | Path) -> Path:
    """Add the plans' pilots to a unit's params file (created if missing).

    Each plan becomes an entry of ``pilots:`` (what ``pilot_evaluation.ipynb`` evaluates)
    and a record under ``plan: pilots:`` keyed by the pilot's name. The file's other
    lines, comments included, are kept as they are; a pilot whose name is already in
    the file is an error (rename or remove it first). The file is replaced atomically and
    checked: it must still load, and each new pilot must be a valid
    :class:`~svcinsight.pilot.PilotDefinition`.

    Returns the path written.
    """
    plans = list(plans)
    path = Path(params_path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    current = yaml.safe_load(text) or {} if text else {}
    if not isinstance(current, dict):
        raise ValueError(f"{path}: expected a mapping of keys at the top level")  # noqa: TRY004 (a file's content)
    present = {str(p.get("name")) for p in current.get("pilots") or [] if isinstance(p, dict)}
    recorded = set((current.get("plan") or {}).get("pilots") or {})
    clash = sorted({p.name for p in plans} & (present | recorded))
    if clash:
        raise ValueError(f"{path}: pilot(s) {clash} already in the file; rename or remove them first")
    names = [p.name for p in plans]
    if len(set(names)) != len(names):
        raise ValueError(f"two plans share a name: {names}")
    for plan in plans:  # fail before touching the file
        PilotDefinition.parse(plan.definition())
    loaded_before = bool(text) and _loads(path)
    if not text and plans:
        text = f"unit: {plans[0].params_unit}\nbusiness_unit: {plans[0].params_unit}\n"
    lines = text.splitlines()
    lines = _add_pilots(lines, [p.definition() for p in plans], path)
    lines = _add_records(lines, {p.name: p.record() for p in plans}, path)
    new_text = "\n".join(lines) + "\n"
    parsed = yaml.safe_load(new_text)
    got = [p for p in parsed.get("pilots") or [] if isinstance(p, dict) and p.get("name") in names]
    if len(got) != len(plans) or set((parsed.get("plan") or {}).get("pilots") or {}) < set(names):
        raise ValueError(f"{path}: could not add the pilots without rewriting the file by hand "
                         "(is `pilots:` or `plan:` written in flow style?)")
    for entry in got:
        PilotDefinition.parse(entry)
    write_atomically(path, new_text)
    if loaded_before and not _loads(path):
        write_atomically(path, text if text.endswith("\n") else text + "\n")
        load_params(path)  # raises with the reason (the file is back as it was)
    return path


def _loads(path: Path) -> bool:
    """Whether the params file loads (with its defaults)."""
    try:
        load_params(path)
    except ParamsError:
        return False
    return True


def _top_block(lines: list[str], key: str) -> tuple[int, int] | None:
    """(line of ``key:``, line after its block) of a top-level key, or None."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(key)}\s*:", line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
        end += 1
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


def _dump(value) -> list[str]:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=1000).splitlines()


def _add_pilots(lines: list[str], entries: list[dict], path: Path) -> list[str]:
    if not entries:
        return lines
    block = _top_block(lines, "pilots")
    items = _dump(entries)
    if block is None:
        return lines + ["pilots:"] + ["  " + line for line in items]
    start, end = block
    head = lines[start].split("#", 1)[0].strip()
    if head not in ("pilots:",):
        if head in ("pilots: []", "pilots: null", "pilots:~", "pilots: ~"):
            lines = lines[:start] + ["pilots:"] + lines[start + 1:]
        else:
            raise ValueError(f"{path}: `pilots:` is written in flow style; write it as a block list to add pilots")
    dash = next((re.match(r"^(\s*)-", line).group(1) for line in lines[start + 1:end]
                 if re.match(r"^\s*-", line)), "  ")
    return lines[:end] + [dash + line for line in items] + lines[end:]


def _add_records(lines: list[str], records: dict, path: Path) -> list[str]:
    if not records:
        return lines
    flow = [f"{_dump({name: None})[0].rsplit(':', 1)[0]}: {_flow(record)}" for name, record in records.items()]
    block = _top_block(lines, "plan")
    if block is None:
        return lines + ["plan:", "  pilots:"] + ["    " + line for line in flow]
    start, end = block
    if lines[start].split("#", 1)[0].strip() != "plan:":
        raise ValueError(f"{path}: `plan:` is written in flow style; write it as a block mapping to add pilots")
    children = [i for i in range(start + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    indent = re.match(r"^(\s*)", lines[children[0]]).group(1) if children else "  "
    sub = next((i for i in children if re.match(rf"^{indent}pilots\s*:", lines[i])), None)
    if sub is None:
        return lines[:end] + [indent + "pilots:"] + [indent * 2 + line for line in flow] + lines[end:]
    if lines[sub].split("#", 1)[0].strip() not in ("pilots:",):
        raise ValueError(f"{path}: `plan: pilots:` is written in flow style; write it as a block mapping")
    stop = sub + 1
    while stop < end and (not lines[stop].strip() or len(lines[stop]) - len(lines[stop].lstrip()) > len(indent)):
        stop += 1
    while stop - 1 > sub and not lines[stop - 1].strip():
        stop -= 1
    inner = next((re.match(r"^(\s*)", lines[i]).group(1) for i in range(sub + 1, stop) if lines[i].strip()),
                 indent * 2)
    return lines[:stop] + [inner + line for line in flow] + lines[stop:]


def _flow(record: dict) -> str:
    return yaml.safe_dump(record, default_flow_style=True, sort_keys=False, allow_unicode=True,
                          width=100000).strip()

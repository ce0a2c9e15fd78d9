"""What a report was made from, so that a re-run can skip a report whose inputs have not
changed: the params file and the shared ``_defaults.yaml``, the notebook, every source
file (size and modification time), the taxonomy file if one is named, the report's own
parameters and the svcinsight version.

A source read from a SQL URL can change without any file changing, so a report with one
has no fingerprint and is always rendered again.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> f = folder / "a.txt"
>>> _ = f.write_text("x")
>>> file_state(f)["size"]
1
>>> file_state(folder / "missing.txt") is None
True
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from svcinsight._version import __version__
from svcinsight.unit.params import DEFAULTS_FILE, UnitParams


def file_state(path: str | Path) -> dict | None:
    """Size and modification time (ns) of a file, or ``None`` when it does not exist."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return {"path": str(Path(path).resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def file_hash(path: str | Path) -> str | None:
    """SHA-256 of a file's content, or ``None`` when it does not exist."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def inputs_fingerprint(params: UnitParams, params_path: str | Path, notebook: str | Path,
                       parameters: dict) -> dict | None:
    """Everything the report depends on, as a JSON-able mapping; ``None`` when an input
    cannot be fingerprinted (a SQL source), so the report is always rendered again."""
    params_path = Path(params_path).resolve()
    sources = {}
    for name in ("tickets", "events", "feedback", "orders"):
        spec = getattr(params.sources, name)
        if spec is None:
            continue
        if spec.path is None:
            return None  # a database can change without any file changing
        sources[name] = file_state(spec.path)
    taxonomy = None
    if isinstance(params.taxonomy, str):
        candidate = Path(params.taxonomy)
        candidate = candidate if candidate.is_absolute() else params_path.parent / candidate
        taxonomy = file_hash(candidate) if candidate.is_file() else params.taxonomy
    return {
        "svcinsight": __version__,
        "parameters": {k: str(v) for k, v in sorted(parameters.items())},
        "params": file_hash(params_path),
        "defaults": file_hash(params_path.parent / DEFAULTS_FILE),
        "notebook": file_hash(notebook),
        "sources": sources,
        "taxonomy": taxonomy,
    }


def read_fingerprint(path: str | Path) -> dict | None:
    """A stored fingerprint, or ``None`` when there is none (or it is unreadable)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

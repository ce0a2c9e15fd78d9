"""Writing a file so that readers see either the old one or the whole new one.

Every page, summary, export and params file svcinsight writes goes through
:func:`write_atomically`, so a run that dies half-way publishes nothing half-written.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "page.html"
>>> write_atomically(path, "<p>ok</p>")
>>> path.read_text()
'<p>ok</p>'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def readable(path: str | Path) -> None:
    """Give a temporary file (created private by mkstemp) the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` is either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        readable(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""Reading XES event logs (IEEE 1849) into one row per event.

The log is streamed with :func:`xml.etree.ElementTree.iterparse` and each trace is
cleared once read, so memory grows with the number of events kept, not with the XML.
Trace attributes become columns prefixed ``case:`` (the trace's ``concept:name`` is
``case:concept:name``), event attributes keep their keys (``concept:name``,
``time:timestamp``, ``org:resource`` ...). Values stay strings as the file writes them;
the loader parses them by the canonical column's kind. Log-level attributes,
``global`` defaults, classifiers, nested meta-attributes and ``list``/``container``
values are ignored.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

#: XES elements that carry one key/value attribute.
ATTRIBUTE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})

#: Prefix of trace-level attribute columns.
CASE_PREFIX = "case:"

_GZIP_MAGIC = b"\x1f\x8b"


def read_xes(path: str | Path) -> pd.DataFrame:
    """One row per ``<event>`` of the XES file at ``path`` (plain or gzip-compressed).

    Compression is recognised from the file's first bytes, not its name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = '''<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
    ...   <trace><string key="concept:name" value="T1"/>
    ...     <event><string key="concept:name" value="Triage"/>
    ...            <date key="time:timestamp" value="2024-01-02T09:00:00+08:00"/></event>
    ...   </trace>
    ... </log>'''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "log.xes"
    ...     _ = path.write_text(log, encoding="utf-8")
    ...     events = read_xes(path)
    >>> events.columns.tolist()
    ['case:concept:name', 'concept:name', 'time:timestamp']
    >>> events.iloc[0].tolist()
    ['T1', 'Triage', '2024-01-02T09:00:00+08:00']
    """
    path = Path(path)
    with path.open("rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    opener = gzip.open if compressed else open
    with opener(path, "rb") as handle:
        rows = _events(handle)
    return pd.DataFrame(rows).astype("string")


def _events(handle) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    open_tags: list[str] = []  # local names of the elements enclosing the current one
    root = None
    trace: dict[str, str] = {}
    trace_events: list[dict[str, str]] = []
    event: dict[str, str] = {}
    for action, element in ElementTree.iterparse(handle, events=("start", "end")):
        tag = _local_name(element.tag)
        if action == "start":
            if root is None:
                root = element
            if tag == "trace":
                trace, trace_events = {}, []
            elif tag == "event":
                event = {}
            open_tags.append(tag)
            continue
        open_tags.pop()
        parent = open_tags[-1] if open_tags else None
        if tag in ATTRIBUTE_TAGS and parent in ("event", "trace"):
            key = element.get("key")
            if key is not None:
                if parent == "event":
                    event[key] = element.get("value")
                else:
                    trace[CASE_PREFIX + key] = element.get("value")
        elif tag == "event":
            # Events outside a trace (an "event stream" log) have no case attributes.
            (trace_events if "trace" in open_tags else rows).append(event)
            element.clear()
        elif tag == "trace":
            # Trace attributes may follow the events in a hand-written file, so they
            # are joined only once the whole trace has been read.
            rows.extend({**trace, **e} for e in trace_events)
            trace_events = []
            element.clear()
            if root is not None:
                # Cleared traces would otherwise stay attached to the log element.
                root.clear()
    return rows


def _local_name(tag: str) -> str:
    # iterparse spells a namespaced tag "{http://www.xes-standard.org/}event".
    return tag.rsplit("}", 1)[-1]

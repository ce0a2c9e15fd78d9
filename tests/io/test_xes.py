"""XES event logs: plain and gzip, namespaces, trace attributes, default mapping."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

import svcinsight as si
from svcinsight.io.xes import read_xes

# Two traces in the IEEE 1849 layout, with the parts a reader must step over: extension
# and global declarations, a classifier, a log-level attribute, a meta-attribute nested
# in an event attribute, and a list attribute.
XES_LOG = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
  <global scope="event"><string key="concept:name" value="UNKNOWN"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="Helpdesk sample"/>
  <trace>
    <string key="concept:name" value="Case1"/>
    <string key="channel" value="电话"/>
    <event>
      <string key="concept:name" value="Assign seriousness"/>
      <string key="lifecycle:transition" value="complete"/>
      <string key="org:resource" value="Value 1"/>
      <string key="org:group" value="Level 1"/>
      <date key="time:timestamp" value="2010-01-13T08:40:25.000+02:00"/>
    </event>
    <event>
      <string key="concept:name" value="Resolve ticket">
        <string key="note" value="meta-attribute, not a column"/>
      </string>
      <string key="lifecycle:transition" value="complete"/>
      <string key="org:resource" value="Value 2"/>
      <string key="org:group" value="Level 2"/>
      <date key="time:timestamp" value="2010-01-13T10:00:00.000+02:00"/>
      <list key="tags"><values><string key="t" value="x"/></values></list>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="Case2"/>
    <event>
      <string key="concept:name" value="Assign seriousness"/>
      <string key="lifecycle:transition" value="start"/>
      <string key="org:resource" value="Value 1"/>
      <string key="org:group" value="Level 1"/>
      <date key="time:timestamp" value="2010-02-01T23:30:00.000+01:00"/>
      <int key="priority" value="2"/>
    </event>
  </trace>
</log>
"""


@pytest.fixture(params=["plain", "gzip"])
def xes_path(request, tmp_path):
    if request.param == "plain":
        path = tmp_path / "helpdesk.xes"
        path.write_text(XES_LOG, encoding="utf-8")
    else:
        path = tmp_path / "helpdesk.xes.gz"
        path.write_bytes(gzip.compress(XES_LOG.encode("utf-8")))
    return path


def test_one_row_per_event_with_case_attributes(xes_path):
    frame = read_xes(xes_path)
    assert len(frame) == 3
    assert frame["case:concept:name"].tolist() == ["Case1", "Case1", "Case2"]
    assert frame["concept:name"].tolist() == [
        "Assign seriousness", "Resolve ticket", "Assign seriousness",
    ]
    assert frame["case:channel"].tolist()[:2] == ["电话", "电话"]
    assert pd.isna(frame.loc[2, "case:channel"])
    assert frame.loc[2, "priority"] == "2"
    # Log-level attributes, globals, meta-attributes and lists are not columns.
    assert not {"note", "tags", "t", "case:note"} & set(frame.columns)
    values = set(frame.stack().tolist())
    assert "Helpdesk sample" not in values and "UNKNOWN" not in values


def test_default_event_mapping(xes_path, load):
    events, ledger = load(si.io.read_events, xes_path, timezone="Europe/Rome")
    assert list(events.columns) == ["ticket_id", "stage", "entered_at", "team", "agent_id"]
    assert events["ticket_id"].tolist() == ["Case1", "Case1", "Case2"]
    assert events["team"].tolist() == ["Level 1", "Level 2", "Level 1"]
    assert events["agent_id"].tolist() == ["Value 1", "Value 2", "Value 1"]
    assert events.loc[0, "entered_at"] == pd.Timestamp("2010-01-13T06:40:25Z")
    assert str(events["entered_at"].dt.tz) == "Europe/Rome"
    assert ledger.rows_in == 3 and ledger.encoding is None


def test_stage_from_activity_and_transition(xes_path, load):
    events, _ = load(
        si.io.read_events, xes_path,
        {"ticket_id": "case:concept:name", "stage": ["concept:name", "lifecycle:transition"],
         "entered_at": "time:timestamp"},
        extra_columns=("case:channel",),
    )
    assert events["stage"].tolist() == [
        "Assign seriousness complete", "Resolve ticket complete", "Assign seriousness start",
    ]
    # team and agent_id come from the XES defaults; the extra column comes last.
    assert list(events.columns) == ["ticket_id", "stage", "entered_at", "team", "agent_id",
                                    "case:channel"]


def test_default_mapping_only_for_attributes_present(tmp_path, load):
    path = tmp_path / "bare.xes"
    path.write_text(
        '<log><trace><string key="concept:name" value="T9"/>'
        '<event><string key="concept:name" value="Open"/>'
        '<date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event>'
        "</trace></log>",
        encoding="utf-8",
    )
    events, _ = load(si.io.read_events, path, timezone="UTC")
    assert list(events.columns) == ["ticket_id", "stage", "entered_at"]
    assert events.loc[0, "entered_at"] == pd.Timestamp("2024-01-01", tz="UTC")


def test_trace_attributes_after_events_still_apply(tmp_path):
    path = tmp_path / "late.xes"
    path.write_text(
        '<log><trace><event><string key="concept:name" value="Open"/></event>'
        '<string key="concept:name" value="T7"/></trace></log>',
        encoding="utf-8",
    )
    assert read_xes(path)["case:concept:name"].tolist() == ["T7"]


def test_tickets_from_xes_need_a_mapping(xes_path):
    with pytest.raises(si.io.SchemaError, match="created_at") as excinfo:
        si.io.read_tickets(xes_path)
    assert "case:concept:name" in str(excinfo.value)  # the columns present are listed


def test_gzip_recognised_by_content_not_name(tmp_path):
    path = tmp_path / "log.xes"  # compressed despite the plain name
    path.write_bytes(gzip.compress(XES_LOG.encode("utf-8")))
    assert len(read_xes(path)) == 3


def test_defaults_fill_in_what_columns_leave_out(xes_path, load):
    events, _ = load(si.io.read_events, xes_path,
                     {"stage": ["concept:name", "lifecycle:transition"], "team": "org:resource"})
    assert events["ticket_id"].tolist() == ["Case1", "Case1", "Case2"]
    assert events.loc[2, "stage"] == "Assign seriousness start"
    assert events["team"].tolist() == ["Value 1", "Value 2", "Value 1"]  # the user's choice wins

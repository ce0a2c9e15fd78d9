"""A report reads the same numbers from the staged store as from the raw sources:
the same tables, metrics, as-of time, ledgers and every section the notebook shows,
also when its window leaves months out and old tickets are still open."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler
from pandas.testing import assert_frame_equal
from staging_workspace import demo_workspace, long_workspace, write_unit

import svcinsight as si
from svcinsight import staging
from svcinsight.pages import monthly as sections
from svcinsight.studies.monthly import unit_month as prepare

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.filterwarnings("ignore:no mainland-China holiday data")  # the long history's 2024


def _ecommerce(params: Path) -> Path:
    """The demo's e-commerce params (goals with a start, the smart-routing pilot)."""
    shutil.copy(ROOT / "params" / "ecommerce.yaml", params / "ecommerce.yaml")
    return params / "ecommerce.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    params = demo_workspace(base, units=("ecommerce", "finance"), tickets_per_month=40)
    files = [_ecommerce(params), write_unit(params, "finance", "language: zh\n")]
    store = base / "_staged"
    staging.stage(files, store)
    return files, store, "2026-10", files[0]


@pytest.fixture(scope="module")
def long(tmp_path_factory):
    base = tmp_path_factory.mktemp("long")
    params = long_workspace(base)
    files = [_ecommerce(params), write_unit(params, "finance", "language: zh\n")]
    store = base / "_staged"
    staging.stage(files, store)
    return files, store, "2026-06", files[1]


def _figure_digest(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba")
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def _shown(value):
    """What a section puts on the page, in a comparable form."""
    if isinstance(getattr(value, "figure", None), Figure):  # a chart as a report cell shows it
        return ("figure", _figure_digest(value.figure))
    if isinstance(value, Styler):
        return ("table", value.set_uuid("t").to_html())
    if isinstance(value, pd.DataFrame):
        return ("frame", value.to_html())
    # a pandas Styler inside HTML carries a random id
    return (type(value).__name__, re.sub(r"T_[0-9a-f]{5}", "T_", str(getattr(value, "data", repr(value)))))


SECTIONS = {
    "title": sections.title, "headline": sections.headline_table, "scorecard": sections.scorecard,
    "trends": sections.trends, "volume": sections.volume_charts,
    "channel": lambda u: sections.breakdown(u, "channel"), "priority": lambda u: sections.breakdown(u, "priority"),
    "sla": sections.sla_by_priority, "pilots": sections.pilot_summary, "process map": sections.process_map,
    "bottlenecks": sections.bottleneck_table, "handoffs": sections.handoff_table, "rework": sections.rework_table,
    "top issues": sections.top_issues, "drivers": sections.driver_chart, "mix": sections.mix,
    "quality": sections.quality, "quality issues": sections.quality_issues, "scope": sections.scope,
}


@pytest.mark.parametrize("workspace", ["demo", "long"])
def test_the_report_reads_the_same_numbers_from_the_store_as_from_the_sources(workspace, request):
    # demo: e-commerce, its goals and pilot, the whole history in the window; long: a
    # Chinese report whose window leaves months out, with tickets open since then
    _, store, month, chosen = request.getfixturevalue(workspace)
    for path in [chosen]:
        unit = si.unit.load_params(path).unit
        raw = prepare(unit=unit, month=month, params_path=path)
        staged = prepare(unit=unit, month=month, params_path=path, staged_store=store)
        assert raw.staged_store is None and staged.staged_store == str(store)
        for name in raw.data.tables():
            assert_frame_equal(getattr(raw.data, name), getattr(staged.data, name), obj=f"{unit} {name}")
        assert raw.as_of == staged.as_of and str(raw.as_of.tz) == str(staged.as_of.tz)
        assert raw.scope == staged.scope
        assert_frame_equal(raw.quality(), staged.quality())
        assert_frame_equal(raw.ticket_history, staged.ticket_history)
        for by in ((), ("channel",), ("priority",), ("category",)):
            assert_frame_equal(raw.metrics(by), staged.metrics(by), obj=f"{unit} metrics by {by}")
        for name, section in SECTIONS.items():
            assert _shown(section(raw)) == _shown(section(staged)), f"{unit}: section {name} differs"


def test_the_window_reads_recent_months_and_the_tickets_still_open_then(long):
    files, store, month, _ = long
    params = si.unit.load_params(files[1])  # finance: no goal, so the 13-month window
    part = staging.read_unit(store, params, month)
    assert str(part.window.first) == "2025-05" and str(part.window.last) == month
    t = part.data.tickets
    start = pd.Timestamp("2025-05-01", tz=params.timezone)
    old = t[t["created_at"] < start]
    # the five tickets left open in the first months are carried, and nothing else from before
    assert len(old) >= 5 and old["resolved_at"].isna().sum() == 5
    assert ((old["resolved_at"] >= start) | old["resolved_at"].isna()).all()
    assert t["created_at"].max() < pd.Timestamp("2026-07-01", tz=params.timezone)
    # the months before the window opened are those holding a carried ticket; later months are not read
    months = sorted({p.parts[-2].removeprefix("month=") for p in part.files["tickets"]})
    opened_old = [m for m in months if m < "2025-05"]
    assert opened_old and set(opened_old) == set(old["created_at"].dt.strftime("%Y-%m"))
    assert max(months) == month
    # the backlog counts the carried tickets: 5 open since 2024 at every month end
    raw = prepare(unit="finance", month=month, params_path=files[1])
    backlog = raw.metrics().query("metric == 'backlog_open'").set_index("period")["value"]
    assert (backlog >= 5).all() and backlog.index.min() == pd.Period("2025-05", "M")
    # the whole history still feeds the volume chart and the scope table
    assert raw.ticket_history["created_at"].min() < pd.Timestamp("2024-12-01", tz=params.timezone)
    assert raw.scope["tickets"]["unit"] > len(raw.data.tickets)


def test_a_pilot_reads_its_weeks_from_the_store_with_the_same_evaluation(long):
    files, store, _, _ = long
    raw = si.studies.pilot_study(unit="ecommerce", pilot="smart routing", params_path=files[0])
    staged = si.studies.pilot_study(unit="ecommerce", pilot="smart routing", params_path=files[0], staged_store=store)
    assert len(staged.data.tickets) < 0.6 * len(raw.data.tickets)  # months before the windows left out
    assert raw.as_of == staged.as_of and raw.controls == staged.controls == ["finance"]
    assert str(raw.windows()) == str(staged.windows())
    assert_frame_equal(raw.evaluation.table, staged.evaluation.table)
    assert_frame_equal(raw.evaluation.warnings(), staged.evaluation.warnings())
    for name in ("windows_table", "results_table", "verdicts", "describe"):
        show = getattr(si.pages.pilot, name)
        assert _shown(show(raw)) == _shown(show(staged)), name
    assert _figure_digest(si.pages.pilot.chart(raw)) == _figure_digest(si.pages.pilot.chart(staged))

"""The process map renders to PNG (Agg backend) for a demo unit and the help-desk log."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from process_tables import DEMO_BENCHMARKS, event_table

from svcinsight import process
from svcinsight.process.processmap import COLOURS


def stage_labels(ax) -> set[str]:
    """Stage names as drawn (first lines of each box's text, wrapped names rejoined)."""
    names = set()
    for text in ax.texts:
        if text.get_gid() == "stage":
            lines = text.get_text().split("\n")
            visits_line = next(i for i, line in enumerate(lines) if line.endswith(("visit", "visits")))
            names.add(" ".join(lines[:visits_line]))
    return names


def box_colours(ax) -> list[str]:
    return [mcolors.to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, FancyBboxPatch)]


def test_finance_map_renders_with_every_stage_and_the_bottleneck_in_red(demo_unit, tmp_path):
    events = demo_unit("finance")
    ax = process.process_map(events, benchmarks=DEMO_BENCHMARKS, title="Finance")
    path = tmp_path / "finance.png"
    ax.figure.savefig(path, dpi=80)
    assert path.stat().st_size > 10_000
    assert stage_labels(ax) == set(events["stage"].unique())
    assert ax.get_title(loc="left") == "Finance"
    review = next(t for t in ax.texts if t.get_text().startswith("agent review"))
    assert "median 1.9 h" in review.get_text()
    assert COLOURS["over"] in box_colours(ax)
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert 10 <= len(arrows) <= 30
    assert max(a.get_linewidth() for a in arrows) > 4 * min(a.get_linewidth() for a in arrows)


def test_helpdesk_map_renders_its_14_activities(helpdesk, tmp_path):
    fig, ax = plt.subplots(figsize=(12, 7))
    returned = process.process_map(helpdesk, ax=ax, top_flows=25)
    assert returned is ax
    path = tmp_path / "helpdesk.png"
    fig.savefig(path, dpi=80)
    assert path.stat().st_size > 10_000
    assert stage_labels(ax) == set(helpdesk["stage"].unique()) and len(stage_labels(ax)) == 14
    assert set(box_colours(ax)) == {COLOURS["none"]}  # no benchmarks given


def test_layout_reads_left_to_right_and_caps_the_stage_count():
    rows = []
    for i in range(6):
        rows += [(f"T{i}", "new", "2026-04-01 09:00"), (f"T{i}", "work", "2026-04-01 10:00"),
                 (f"T{i}", "closed", "2026-04-01 12:00")]
    rows += [("X", "new", "2026-04-01 09:00"), ("X", "rare", "2026-04-01 09:30")]
    ax = process.process_map(event_table(rows), terminal_stages={"closed"}, max_stages=3,
                             benchmarks={"work": 1.5})
    x = {t.get_text().split("\n")[0]: t.get_position()[0] for t in ax.texts if t.get_gid() == "stage"}
    assert set(x) == {"new", "work", "closed"}
    assert x["new"] < x["work"] < x["closed"]
    assert COLOURS["amber"] in box_colours(ax)  # 2 h against 1.5 h

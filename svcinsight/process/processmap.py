"""The process map: stages as boxes in their typical order, flows as arrows, time as colour.

Layout: the main path (the most common path of finished tickets) runs straight along the
middle row, left to right. Every other stage takes a column by its median progress
along the tickets' paths (0 = first event, 1 = last) and sits above or below the middle,
busiest nearest; stages share a column only when they are alternatives (little flow
between them), so no two steps of one sequence are stacked, and the middle row stays
free where the main path passes. Arrows carry the busiest flows, their width
proportional to the tickets moving; arrows back (rework, reopen) bend and are drawn in a
muted red. A box is coloured by its median time against its benchmark: green within it,
amber up to twice it, red beyond, grey without a benchmark or for a terminal stage.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from itertools import pairwise

import pandas as pd

from svcinsight.process.durations import time_in_stage
from svcinsight.process.flows import flows_from_timed
from svcinsight.process.stages import stats_from_timed
from svcinsight.process.variants import main_path

#: Box colours: within benchmark, up to twice it, beyond, no benchmark or no duration.
COLOURS = {"within": "#b8e0c8", "amber": "#f7d08a", "over": "#f2a199", "none": "#e3e3e3"}
#: Ratio of median to benchmark where amber turns red.
RED_FROM = 2.0

#: Stages within this much median progress (0-1 along the path) may share a column ...
SAME_COLUMN = 0.25
#: ... unless this share of the smaller one's visits flows between them.
LINKED_SHARE = 0.25
#: Boxes a column holds at most.
MAX_ROWS = 6

_BOX_W, _BOX_H = 0.78, 0.62
_FORWARD, _BACK = "#4d5b6a", "#b5524a"


def process_map(
    events: pd.DataFrame,
    *,
    benchmarks: Mapping[str, float] | None = None,
    ax=None,
    top_flows: int = 30,
    max_stages: int | None = 25,
    title: str | None = None,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
    language: str = "en",
):
    """Draw the process map of an event log on a matplotlib Axes.

    Parameters
    ----------
    events : DataFrame
        Canonical events (time in stage as in :func:`~svcinsight.process.time_in_stage`).
    benchmarks : mapping of str to float, optional
        Benchmark hours per stage; colours the boxes (see the module docstring).
    ax : matplotlib Axes, optional
        Where to draw; default a new figure sized to the map.
    top_flows : int
        How many flows (stage to stage transitions, busiest first) get an arrow.
    max_stages : int or None
        Draw only the most visited stages (and the flows between them); None: all.
    language : {"en", "zh"}
        Language of the box texts and the legend.
    title : str, optional
        Axes title.
    as_of, calendar, terminal_stages
        As for :func:`~svcinsight.process.stage_stats`.

    Returns
    -------
    matplotlib Axes
        With one text per box (``stage``, visits, median hours); nothing is shown.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> ts = lambda h: pd.Timestamp("2026-04-01", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["A", "A", "A", "B", "B", "B", "B"],
    ...     "stage": ["new", "review", "closed", "new", "review", "review", "closed"],
    ...     "entered_at": [ts(h) for h in (0, 1, 3, 0, 2, 5, 6)]})
    >>> ax = process_map(events, benchmarks={"review": 1.0}, terminal_stages={"closed"})
    >>> sorted(t.get_text().split("\\n")[0] for t in ax.texts if t.get_gid() == "stage")
    ['closed', 'new', 'review']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    _cjk_glyphs()
    zh = language == "zh"
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    stats = stats_from_timed(timed)
    if max_stages is not None and len(stats) > max_stages:
        keep = set(stats.nlargest(max_stages, "visits", keep="first")["stage"])
        stats = stats[stats["stage"].isin(keep)].reset_index(drop=True)
    moves = flows_from_timed(timed)
    moves = moves[moves["from_stage"].isin(stats["stage"]) & moves["to_stage"].isin(stats["stage"])]
    layout = _layout(timed, stats, moves)
    moves = moves[moves["from_stage"] != moves["to_stage"]].head(top_flows)

    n_cols = int(layout["col"].max()) + 1 if len(layout) else 1
    n_rows = int(layout["y"].max() - layout["y"].min()) + 1 if len(layout) else 1
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 1.35 * n_cols + 0.6), max(3.0, 0.85 * n_rows + 1.2)),
                             layout="constrained")

    benchmarks = dict(benchmarks or {})
    boxes = {}
    for row in stats.itertuples(index=False):
        x, y = layout.loc[row.stage, ["x", "y"]]
        # A terminal stage is where tickets rest: the odd timed visit (a closed ticket
        # reopened) would read as the stage's typical time.
        resting = row.stage in timed.attrs["terminal_stages"]
        median = ("" if resting or pd.isna(row.median_hours)
                  else f"\n{'中位' if zh else 'median'} {_hours(row.median_hours)}")
        colour = COLOURS["none" if resting else _band(row.median_hours, benchmarks.get(row.stage))]
        box = FancyBboxPatch((x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                             boxstyle="round,pad=0.0,rounding_size=0.08", facecolor=colour,
                             edgecolor="#555555", linewidth=0.8, zorder=3)
        ax.add_artist(box)  # the limits are set below: no data limits to update
        boxes[row.stage] = box
        visits = (f"{row.visits:,} 次访问" if zh else f"{row.visits:,} visit" + ("s" if row.visits != 1 else ""))
        ax.text(x, y, f"{textwrap.fill(str(row.stage), 18)}\n{visits}{median}", ha="center",
                va="center", fontsize=6.5, zorder=4, gid="stage", linespacing=1.15)

    widest = max(int(moves["count"].max()), 1) if len(moves) else 1
    for flow in moves.itertuples(index=False):
        a, b = layout.loc[flow.from_stage], layout.loc[flow.to_stage]
        back = b["col"] < a["col"] or (b["col"] == a["col"] and b["key"] <= a["key"])
        # Along the middle row the main path runs straight; other arrows bend a little,
        # arrows back (rework, reopen) bend more and in red.
        bend = 0.35 if back else (0.0 if a["y"] == b["y"] == 0 else 0.12)
        width = 0.6 + 5.0 * flow.count / widest
        ax.add_artist(FancyArrowPatch(
            posA=(a["x"], a["y"]), posB=(b["x"], b["y"]), patchA=boxes[flow.from_stage],
            patchB=boxes[flow.to_stage], connectionstyle=f"arc3,rad={bend}",
            arrowstyle=f"-|>,head_length={2 + width * 0.6:.1f},head_width={1.5 + width * 0.4:.1f}",
            linewidth=width, color=_BACK if back else _FORWARD, alpha=0.55, zorder=2,
            shrinkA=1, shrinkB=1,
        ))

    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(float(layout["y"].min()) - 0.7, float(layout["y"].max()) + 0.7)
    ax.set_axis_off()
    labels = (["达标", f"不超过基准{RED_FROM:g}倍", f"超过基准{RED_FROM:g}倍", "无基准", "流转（宽度=工单数）",
               "回流（返工、重开）"] if zh else
              ["within benchmark", f"up to {RED_FROM:g}x benchmark", f"over {RED_FROM:g}x benchmark",
               "no benchmark", "flow (width = tickets)", "flow back (rework, reopen)"])
    legend = [
        Patch(facecolor=COLOURS["within"], edgecolor="#555555", label=labels[0]),
        Patch(facecolor=COLOURS["amber"], edgecolor="#555555", label=labels[1]),
        Patch(facecolor=COLOURS["over"], edgecolor="#555555", label=labels[2]),
        Patch(facecolor=COLOURS["none"], edgecolor="#555555", label=labels[3]),
        Line2D([], [], color=_FORWARD, alpha=0.55, linewidth=2.5, label=labels[4]),
        Line2D([], [], color=_BACK, alpha=0.55, linewidth=2.5, label=labels[5]),
    ]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncols=3, frameon=False,
              fontsize=7, handlelength=1.2)
    if title:
        ax.set_title(title, loc="left", fontsize=10)
    return ax


def _layout(timed: pd.DataFrame, stats: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Column (typical order) and row of each stage, with its drawing centre."""
    shown = timed[timed["stage"].isin(stats["stage"])]
    # Relative progress along the path (0 = first event, 1 = last) puts stages of long
    # and short paths on one scale: closing stages land right, whatever the path length.
    length = shown.groupby(shown["ticket_id"])["position"].transform("max")
    progress = (shown["position"] / length.where(length > 0, 1)).to_numpy(dtype=float)
    by_stage = pd.Series(progress).groupby(shown["stage"].to_numpy(dtype=object))
    frame = pd.DataFrame({"stage": stats["stage"].to_numpy(dtype=object),
                          "visits": stats["visits"].to_numpy()})
    frame["progress"] = frame["stage"].map(by_stage.median()).to_numpy()
    frame["mean_progress"] = frame["stage"].map(by_stage.mean()).to_numpy()

    # The main path runs straight along the middle row, in its own order.
    spine = [stage for stage in main_path(timed) if stage in set(frame["stage"])]
    key = frame.set_index("stage")["progress"].copy()
    for before, stage in pairwise(spine):
        key[stage] = max(key[stage], key[before] + 1e-9)
    frame["key"] = frame["stage"].map(key).to_numpy()
    frame = frame.sort_values(["key", "mean_progress", "stage"], kind="stable").reset_index(drop=True)

    visits = dict(zip(frame["stage"], frame["visits"]))
    between: dict[frozenset, int] = {}
    for move in moves.itertuples(index=False):
        pair = frozenset((move.from_stage, move.to_stage))
        between[pair] = between.get(pair, 0) + int(move.count)

    def linked(a: str, b: str) -> bool:
        return between.get(frozenset((a, b)), 0) >= LINKED_SHARE * min(visits[a], visits[b])

    def fits(stage: str, members: list[str], start: float, at: float) -> bool:
        # Stack only alternatives at about the same progress: a stage that feeds another
        # (or is fed by it) goes to the next column, as does a second main-path stage.
        return (at - start <= SAME_COLUMN and len(members) < MAX_ROWS
                and not (stage in spine and any(m in spine for m in members))
                and not any(linked(stage, m) for m in members))

    columns: list[list[str]] = []
    starts: list[float] = []
    for stage, at in zip(frame["stage"], frame["key"]):
        if columns and fits(stage, columns[-1], starts[-1], at):
            columns[-1].append(stage)
        else:
            columns.append([stage])
            starts.append(at)

    spine_cols = [c for c, members in enumerate(columns) if any(m in spine for m in members)]
    y = {}
    for c, members in enumerate(columns):
        main = [m for m in members if m in spine]
        others = sorted((m for m in members if m not in spine), key=lambda m: (-visits[m], m))
        # Keep the middle row free where the main path passes a column it has no stage in.
        crossed = not main and bool(spine_cols) and spine_cols[0] < c < spine_cols[-1]
        slots = [0.0] + [float(k * sign) for k in range(1, len(members) + 1) for sign in (1, -1)]
        if crossed:
            slots = slots[1:]
        for stage, slot in zip(main + others, slots):
            y[stage] = slot
    frame["col"] = frame["stage"].map({m: c for c, members in enumerate(columns) for m in members})
    frame["x"] = frame["col"].astype(float)
    frame["y"] = frame["stage"].map(y).astype(float)
    return frame.set_index("stage")


def _band(median: float, benchmark: float | None) -> str:
    if benchmark is None or pd.isna(median) or not benchmark > 0:
        return "none"
    ratio = median / benchmark
    return "within" if ratio <= 1 else ("amber" if ratio <= RED_FROM else "over")


def _hours(x: float) -> str:
    if x < 1:
        return f"{x * 60:.0f} min"
    return f"{x:.1f} h" if x < 100 else f"{x:,.0f} h"


def _cjk_glyphs() -> None:
    """Stage names may be Chinese: use the project's CJK font set-up where present."""
    # svcinsight.plots loads matplotlib and seaborn: only when a map is drawn
    from svcinsight.plots import use_cjk_font

    use_cjk_font()


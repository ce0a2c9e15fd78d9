"""Charts for reports: each takes a tidy frame, draws on the given Axes (or a new
one) and returns the Axes; nothing here calls ``show()``.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> t = pd.DataFrame({
...     "created_at": pd.date_range("2026-10-01", periods=48, freq="6h", tz="Asia/Shanghai"),
...     "channel": ["phone", "chat"] * 24,
... })
>>> ax = daily_volume(t, by="channel")
>>> ax.get_ylabel()
'Tickets created'
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.layout_engine import ConstrainedLayoutEngine

CJK_FAMILY = "Noto Sans CJK SC"


@lru_cache(maxsize=1)
def use_cjk_font() -> bool:
    """Let charts draw Chinese labels as glyphs, not empty boxes.

    Registers Noto Sans CJK (shipped by the ``manimgx-fonts-cjk`` package, SIL OFL 1.1)
    with matplotlib and puts it after the default font, so Latin text keeps its look and
    CJK characters fall back to it. Returns False when the font package is missing.

    >>> use_cjk_font()
    True
    """
    try:
        import manimgx_fonts_cjk
    except ImportError:
        return False
    for path in Path(manimgx_fonts_cjk.__file__).parent.glob("*.tt[cf]"):
        font_manager.fontManager.addfont(str(path))
    # the variable font registers one weight only; matplotlib says so on every lookup
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    # matplotlib falls back glyph by glyph along font.family: the usual font first
    families = list(plt.rcParams["font.family"])
    if CJK_FAMILY not in families:
        plt.rcParams["font.family"] = [*families, CJK_FAMILY]
    return True


class ShownFigure:
    """A finished, closed figure as a report cell shows it.

    Jupyter's inline backend draws a figure it displays with ``bbox_inches="tight"``,
    which lays the whole figure out once more only to crop it; the report's figures are
    laid out by matplotlib's constrained layout already, so this draws the PNG once at
    the figure's own size (about 40% quicker for the 13-month trend grid). ``savefig``
    would also lay a constrained figure out twice (in a draw of its own, then in the
    real draw): the layout is computed once here and kept, the same pixels. Everything
    else is the figure's: ``shown.figure``, ``shown.axes``, ``shown.savefig(...)``.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = plt.subplots(figsize=(2, 1), layout="constrained")
    >>> shown = shown_once(fig)
    >>> shown._repr_png_()[:8] == b"\\x89PNG\\r\\n\\x1a\\n", shown.axes == [ax], plt.fignum_exists(fig.number)
    (True, True, False)
    """

    def __init__(self, figure) -> None:
        self.figure = figure
        self._png: bytes | None = None

    def _repr_png_(self) -> bytes:
        if self._png is None:
            import io

            buffer = io.BytesIO()
            engine = self.figure.get_layout_engine()
            if isinstance(engine, ConstrainedLayoutEngine):
                # savefig lays a constrained figure out in a draw of its own and again in
                # the real draw; lay it out once here, at the dpi the PNG is drawn at, and
                # keep the positions, so the figure is drawn once
                try:
                    engine.execute(self.figure)
                except ValueError:  # as Figure.draw: a layout that cannot be solved is left alone
                    pass
                else:
                    self.figure.set_layout_engine(None)
            self.figure.savefig(buffer, format="png", dpi=self.figure.dpi, facecolor=self.figure.get_facecolor(),
                                edgecolor=self.figure.get_edgecolor())
            self._png = buffer.getvalue()
        return self._png

    def __getattr__(self, name):
        return getattr(self.figure, name)

    def __repr__(self) -> str:
        return repr(self.figure)


def shown_once(figure) -> ShownFigure:
    """``figure`` closed (pyplot will not show it again) and wrapped to be shown once by
    the cell that returns it."""
    plt.close(figure)
    return ShownFigure(figure)


def _latin_families() -> list[str]:
    """The font families without the CJK fallback: for tick labels that are only dates
    and numbers, which never need it (a fallback font makes text layout slower)."""
    return [f for f in plt.rcParams["font.family"] if f != CJK_FAMILY]


def _new_axes(ax, size=(9, 3.2)):
    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def daily_volume(tickets: pd.DataFrame, *, by: str | None = "channel", ax=None,
                 title: str | None = None, ylabel: str = "Tickets created",
                 legend_title: str | None = None, missing: str = "(none)"):
    """Tickets created per day, stacked by ``by`` (e.g. channel); days are labelled
    ``MM-DD`` so the axis reads the same in every report language. Tickets without a
    ``by`` value are counted under ``missing``, never dropped.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-10-01 09:00", "2026-10-02 10:00"]).tz_localize("Asia/Shanghai"),
    ...                   "channel": ["phone", None]})
    >>> ax = daily_volume(t, legend_title="渠道", missing="（无）")
    >>> [text.get_text() for text in ax.get_legend().get_texts()], ax.get_legend().get_title().get_text()
    (['phone', '（无）'], '渠道')
    """
    import matplotlib.dates as mdates

    ax = _new_axes(ax)
    day = tickets["created_at"].dt.tz_localize(None).dt.normalize()
    if by and by in tickets.columns:
        counts = (tickets.assign(day=day, group=tickets[by].astype("object").where(tickets[by].notna(), missing))
                  .groupby(["day", "group"]).size().unstack(fill_value=0).sort_index())
        # days without tickets are zeros, not gaps the area would bridge
        counts = counts.reindex(pd.date_range(counts.index.min(), counts.index.max(), freq="D"), fill_value=0)
        counts = counts[counts.sum().sort_values(ascending=False).index]
        palette = sns.color_palette("colorblind", n_colors=len(counts.columns))
        ax.stackplot(counts.index, counts.to_numpy().T, labels=[str(c) for c in counts.columns],
                     colors=palette, alpha=0.9, linewidth=0)
        ax.legend(title=by if legend_title is None else legend_title, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0))
    else:
        counts = day.value_counts().sort_index()
        counts = counts.reindex(pd.date_range(counts.index.min(), counts.index.max(), freq="D"), fill_value=0)
        ax.plot(counts.index, counts.to_numpy())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.tick_params(labelfontfamily=_latin_families())  # days and counts
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left")
    sns.despine(ax=ax)
    return ax


def monthly_volume(tickets: pd.DataFrame, *, highlight: pd.Period | None = None, ax=None,
                   title: str | None = None, ylabel: str = "Tickets created"):
    """Tickets created per month over the whole history; ``highlight`` marks the report month."""
    ax = _new_axes(ax)
    month = tickets["created_at"].dt.tz_localize(None).dt.to_period("M")
    counts = month.value_counts().sort_index()
    labels = [str(p) for p in counts.index]
    colors = ["#d55e00" if highlight is not None and p == highlight else "#0072b2" for p in counts.index]
    ax.bar(labels, counts.to_numpy(), color=colors)
    ax.tick_params(axis="x", labelrotation=45)
    ax.tick_params(labelfontfamily=_latin_families())  # months (YYYY-MM) and counts
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left")
    sns.despine(ax=ax)
    return ax


def metric_trends(frame: pd.DataFrame, *, metrics: list[str], labels: dict | None = None,
                  targets: dict | None = None, highlight: pd.Period | None = None, ncols: int = 3,
                  percent: set | None = None):
    """Small multiples: one panel per metric of a ``metrics.compute`` frame over its periods.

    ``targets`` maps a metric to a target value drawn as a dashed line; ``percent`` names
    the metrics shown as percentages. Returns the Figure.
    """
    use_cjk_font()
    labels = labels or {}
    targets = targets or {}
    percent = percent or set()
    shown = [m for m in metrics if m in set(frame["metric"])]
    nrows = max(1, -(-len(shown) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.4 * nrows), layout="constrained",
                             squeeze=False)
    # one time axis for every panel, labelled under each column's lowest panel: the months
    # line up across the grid and are read once. Fixed month ticks (every other month
    # back from the latest when there are many): no date locator to rerun at each layout pass.
    periods = sorted(set(frame.loc[frame["metric"].isin(shown), "period"]))
    starts = [p.to_timestamp() for p in periods]
    step = max(1, -(-len(periods) // 7))
    ticks = starts[::-1][::step][::-1]
    if starts:
        pad = (starts[-1] - starts[0]) * 0.05 if len(starts) > 1 else pd.Timedelta(days=15)
        xlim = (starts[0] - pad, starts[-1] + pad)
    for ax, metric in zip(axes.flat, shown):
        rows = frame[frame["metric"] == metric].sort_values("period")
        x = rows["period"].dt.to_timestamp()
        scale = 100.0 if metric in percent else 1.0
        ax.plot(x, rows["value"] * scale, marker="o", markersize=3, color="#0072b2")
        if highlight is not None and (rows["period"] == highlight).any():
            point = rows[rows["period"] == highlight]
            ax.plot(point["period"].dt.to_timestamp(), point["value"] * scale, "o", color="#d55e00")
        if metric in targets:
            ax.axhline(targets[metric] * scale, linestyle="--", color="#009e73", linewidth=1)
        ax.set_title(labels.get(metric, metric) + (" (%)" if metric in percent else ""), loc="left", fontsize=9)
        ax.set_xlim(*xlim)
        ax.set_xticks(ticks, [f"{t:%Y-%m}" for t in ticks])
        # dates and numbers: the usual font alone (no CJK fallback to consult per glyph)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7, labelfontfamily=_latin_families(),
                       labelbottom=False)
        ax.tick_params(axis="y", labelsize=7, labelfontfamily=_latin_families())
        sns.despine(ax=ax)
    for ax in list(axes.flat)[len(shown):]:
        ax.set_visible(False)
    for column in range(ncols):  # a column's lowest shown panel carries the months
        filled = [ax for ax in axes[:, column] if ax.get_visible()]
        if filled:
            filled[-1].tick_params(axis="x", labelbottom=True)
    return fig


def driver_effects(drivers: pd.DataFrame, *, ax=None, xlabel: str = "Effect on CSAT (points)",
                   label: str = "label"):
    """Horizontal effects with 95% intervals, one row per driver (output of
    :func:`svcinsight.feedback.drivers`)."""
    rows = drivers.iloc[::-1]
    ax = _new_axes(ax, size=(8, 0.45 * len(rows) + 1.2))
    y = range(len(rows))
    ax.errorbar(rows["effect"], list(y), xerr=[rows["effect"] - rows["ci_low"], rows["ci_high"] - rows["effect"]],
                fmt="o", color="#d55e00", ecolor="#999999", capsize=3)
    ax.axvline(0, color="#666666", linewidth=0.8)
    ax.set_yticks(list(y))
    ax.set_yticklabels(rows[label] if label in rows.columns else rows.index)
    ax.set_xlabel(xlabel)
    sns.despine(ax=ax, left=True)
    return ax

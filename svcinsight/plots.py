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

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns


def _new_axes(ax, size=(9, 3.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def daily_volume(tickets: pd.DataFrame, *, by: str | None = "channel", ax=None,
                 title: str | None = None, ylabel: str = "Tickets created"):
    """Tickets created per day, stacked by ``by`` (e.g. channel)."""
    ax = _new_axes(ax)
    day = tickets["created_at"].dt.tz_localize(None).dt.normalize()
    if by and by in tickets.columns:
        counts = (tickets.assign(day=day, group=tickets[by].fillna("(none)"))
                  .groupby(["day", "group"]).size().unstack(fill_value=0).sort_index())
        counts = counts[counts.sum().sort_values(ascending=False).index]
        palette = sns.color_palette("colorblind", n_colors=len(counts.columns))
        counts.plot.area(ax=ax, linewidth=0, color=palette, alpha=0.9)
        ax.legend(title=by, frameon=False, ncols=min(6, len(counts.columns)), loc="upper left",
                  bbox_to_anchor=(0, -0.15))
    else:
        day.value_counts().sort_index().plot(ax=ax)
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
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left")
    sns.despine(ax=ax)
    return ax

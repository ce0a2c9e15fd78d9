"""Charts of a pilot: the metric week by week in the pilot unit and the controls, with
the pilot start and the compared windows marked. Each function returns its Axes (or
Figure for several panels); nothing here calls ``show()``.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=3, start="2026-04-01", tickets_per_month=200)
>>> ax = metric_over_time(ds.tickets, metric="fcr_rate", treated="ecommerce",
...                       pilot_start="2026-06-01")
>>> ax.get_ylabel(), [t.get_text() for t in ax.get_legend().get_texts()]
('First contact resolution (%)', ['Pilot unit (ecommerce)', 'Controls (3 units)'])
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from svcinsight import plots as base_plots
from svcinsight.metrics import compute, get

PILOT_COLOUR, CONTROL_COLOUR, WINDOW_COLOUR = "#d55e00", "#0072b2", "#999999"


def metric_over_time(tickets: pd.DataFrame, *, metric: str, treated, pilot_start, controls=None,
                     windows=None, freq: str = "W", feedback: pd.DataFrame | None = None, as_of=None,
                     calendar=None, unit_column: str = "business_unit", language: str = "en", ax=None):
    """The metric per week (or day) for the pilot unit and the pooled control units.

    Parameters
    ----------
    tickets, feedback : DataFrame
        Canonical tables with every unit to show.
    metric : str
        A metric id; its catalogue value per period is drawn (e.g. the weekly median).
    treated : str or sequence of str
        The pilot unit(s).
    pilot_start : date or str
        Marked by a vertical line.
    controls : sequence of str, optional
        Control units, pooled into one line (default: every other unit; ``[]`` for none).
    windows : PilotWindows, optional
        Shaded, and the x-axis limited to them.
    freq : {"W", "D", "M"}
    as_of, calendar
        As in :func:`svcinsight.metrics.compute`.
    language : {"en", "zh"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    base_plots.use_cjk_font()
    zh = language == "zh"
    treated_units = [treated] if isinstance(treated, str) else list(treated)
    units = tickets[unit_column].astype("string")
    if controls is None:
        controls = sorted(set(units.dropna().unique()) - set(treated_units))
    group = pd.Series(pd.NA, index=tickets.index, dtype="string")
    group[units.isin(treated_units).fillna(False).to_numpy()] = "pilot"
    group[units.isin(list(controls)).fillna(False).to_numpy()] = "controls"
    keep = group.notna().to_numpy()
    scoped = tickets[keep].assign(_group=group[keep])
    fb = feedback
    if fb is not None and "ticket_id" in fb.columns:
        fb = fb[fb["ticket_id"].isin(scoped["ticket_id"])]
    frame = compute(scoped, fb, by="_group", freq=freq, metrics=[metric], as_of=as_of, calendar=calendar)
    frame = frame[frame["n"] > 0]
    m = get(metric)
    scale = 100.0 if m.unit == "fraction" else 1.0
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2), layout="constrained")
    names = {"pilot": (f"试点单元（{'、'.join(treated_units)}）" if zh else f"Pilot unit ({', '.join(treated_units)})"),
             "controls": (f"对照单元（{len(controls)}个）" if zh else f"Controls ({len(controls)} unit{'' if len(controls) == 1 else 's'})")}
    for name, colour, width in (("pilot", PILOT_COLOUR, 2.2), ("controls", CONTROL_COLOUR, 1.4)):
        part = frame[frame["_group"] == name].sort_values("period")
        if windows is not None:
            starts = part["period"].dt.start_time
            lo, hi = windows.pre.start.tz_localize(None), windows.post.end.tz_localize(None)
            part = part[(starts >= lo - pd.Timedelta(days=7)) & (starts < hi)]
        if part.empty:
            continue
        ax.plot(part["period"].dt.start_time, part["value"] * scale, color=colour, linewidth=width,
                marker="o", markersize=2.5, label=names[name])
    start = pd.Timestamp(pilot_start)
    start = start.tz_localize(None) if start.tzinfo is not None else start
    ax.axvline(start, color="black", linestyle="--", linewidth=1)
    if windows is not None:
        for window in (windows.pre, windows.post):
            ax.axvspan(window.start.tz_localize(None), window.end.tz_localize(None),
                       color=WINDOW_COLOUR, alpha=0.08 if window.label == "pre" else 0.16, linewidth=0)
    ax.set_ylabel(m.display_label(language) + (" (%)" if scale == 100.0 else ""), fontsize=9)
    ax.set_xlabel("")
    ax.legend(frameon=False, loc="best", fontsize=8)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.annotate(("试点开始 " if zh else "pilot start ") + f"{start:%Y-%m-%d}", xy=(start, 0.0),
                xycoords=("data", "axes fraction"), xytext=(3, 4), textcoords="offset points", fontsize=8)
    sns.despine(ax=ax)
    return ax


def metric_panels(tickets: pd.DataFrame, *, metrics, treated, pilot_start, controls=None,
                  windows=None, ncols: int = 2, **kwargs):
    """One :func:`metric_over_time` panel per metric; returns the Figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import svcinsight as si
    >>> ds = si.demo.generate(seed=0, months=3, start="2026-04-01", tickets_per_month=100)
    >>> fig = metric_panels(ds.tickets, metrics=["fcr_rate", "frt_median_h", "resolution_rate"],
    ...                     treated="ecommerce", pilot_start="2026-06-01")
    >>> sum(ax.get_visible() for ax in fig.axes)
    3
    """
    base_plots.use_cjk_font()  # before the figure: its axis labels take the font families then
    metrics = list(metrics)
    ncols = max(1, min(ncols, len(metrics)))
    nrows = max(1, math.ceil(len(metrics) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.0 * nrows), layout="constrained",
                             squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        metric_over_time(tickets, metric=metric, treated=treated, pilot_start=pilot_start,
                         controls=controls, windows=windows, ax=ax, **kwargs)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    return fig

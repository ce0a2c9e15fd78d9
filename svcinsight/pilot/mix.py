"""Channel or category mix: did it move between the windows (or move differently in
the pilot and control units), and does comparing within each channel change the answer?
Simpson's paradox is flagged when the crude and stratified effects disagree in sign.

Examples
--------
>>> import numpy as np
>>> y = np.r_[np.ones(70), np.zeros(30), np.ones(20), np.zeros(80)]   # 0/1 outcome
>>> arm = np.array(["pre"] * 100 + ["post"] * 100)
>>> channel = np.r_[["chat"] * 90, ["phone"] * 10, ["chat"] * 20, ["phone"] * 80]
>>> crude, stratified, table = stratified_difference(y, arm, channel)
>>> round(crude, 2), table.index.tolist()
(-0.5, ['chat', 'phone'])
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcinsight.pilot.result import DesignWarning
from svcinsight.stats import display

#: A stratum mix moved by at least this total variation distance (share of rows that
#: would have to change stratum) ...
MIX_SHIFT_TVD = 0.05
#: ... and significantly at this level gets a warning.
MIX_SHIFT_ALPHA = 0.01

#: Column names as a Chinese reader knows them.
COLUMN_NAMES_ZH = {"channel": "渠道", "category": "类别", "priority": "优先级", "team": "团队",
                   "agent_id": "坐席"}


def _tvd_and_test(counts_a: pd.Series, counts_b: pd.Series) -> tuple[float, float]:
    """Total variation distance between two stratum distributions and the chi-square
    test of their homogeneity."""
    table = pd.concat([counts_a, counts_b], axis=1).fillna(0)
    table = table[table.sum(axis=1) > 0]
    shares = table / table.sum(axis=0)
    tvd = 0.5 * float((shares.iloc[:, 1] - shares.iloc[:, 0]).abs().sum())
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return tvd, math.nan
    pvalue = float(sps.chi2_contingency(table.to_numpy()).pvalue)
    return tvd, pvalue


def _largest_move(counts_a: pd.Series, counts_b: pd.Series) -> tuple[str, float, float]:
    share_a = counts_a / counts_a.sum()
    share_b = (counts_b / counts_b.sum()).reindex(share_a.index.union(counts_b.index)).fillna(0)
    share_a = share_a.reindex(share_b.index).fillna(0)
    name = (share_b - share_a).abs().idxmax()
    return str(name), float(share_a[name]), float(share_b[name])


def stratified_difference(y, arm, stratum, *, treated=None) -> tuple[float, float, pd.DataFrame]:
    """Crude and stratum-weighted effects of ``y``: the difference of means after minus
    before, or with ``treated`` the difference-in-differences of means.

    The per-stratum effects are averaged with inverse-variance weights under equal
    variances, :math:`w_s = 1 / \\sum_a 1/n_{a,s}` over the arms: for two arms the
    Mantel-Haenszel weights :math:`n_{1s}n_{2s}/(n_{1s}+n_{2s})`, which for a 0/1
    outcome give the Mantel-Haenszel risk difference. A stratum missing from an arm
    is left out of the stratified effect.

    Returns
    -------
    (crude, stratified, table)
        ``table``: one row per stratum with ``n_<arm>`` and ``mean_<arm>`` for each arm
        (``pre``/``post``, or ``pilot_pre`` ... ``control_post``), its ``effect`` and its
        share of the ``weight``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([1, 1, 0, 1, 0, 0, 0, 1.0])
    >>> arm = np.array(["pre"] * 4 + ["post"] * 4)
    >>> stratum = np.array(["a", "a", "b", "b", "a", "b", "b", "b"])
    >>> crude, stratified, table = stratified_difference(y, arm, stratum)
    >>> round(crude, 3), round(stratified, 3)
    (-0.5, -0.464)
    """
    if treated is None:
        group = np.full(len(arm), "all", dtype=object)
        contrast = {("all", "post"): 1.0, ("all", "pre"): -1.0}
    else:
        group = np.where(np.asarray(treated, dtype=bool), "pilot", "control").astype(object)
        contrast = {("pilot", "post"): 1.0, ("pilot", "pre"): -1.0,
                    ("control", "post"): -1.0, ("control", "pre"): 1.0}
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "group": group,
                          "arm": np.asarray(arm, dtype=object),
                          "stratum": pd.Series(stratum).astype("string").fillna("(missing)").to_numpy()})
    cells = frame.groupby(["stratum", "group", "arm"])["y"].agg(["size", "mean"])
    names = {key: key[1] if treated is None else f"{key[0]}_{key[1]}" for key in contrast}
    strata = cells.index.get_level_values("stratum").unique()
    sizes = pd.DataFrame(index=strata)
    means = pd.DataFrame(index=strata)
    crude = 0.0
    for key, coefficient in contrast.items():
        try:
            part = cells.xs(key, level=("group", "arm"))
        except KeyError:
            part = pd.DataFrame({"size": [], "mean": []})
        sizes[names[key]] = part["size"].reindex(strata).fillna(0).astype(int)
        means[names[key]] = part["mean"].reindex(strata)
        chosen = frame["y"][(frame["group"] == key[0]) & (frame["arm"] == key[1])]
        crude += coefficient * (chosen.mean() if len(chosen) else math.nan)
    effect = sum(coefficient * means[names[key]] for key, coefficient in contrast.items())
    complete = (sizes > 0).all(axis=1)
    weight = pd.Series(0.0, index=strata)
    weight[complete] = 1.0 / (1.0 / sizes[complete]).sum(axis=1)
    total = weight.sum()
    stratified = float((weight[complete] * effect[complete]).sum() / total) if total > 0 else math.nan
    table = pd.concat([sizes.add_prefix("n_"), means.add_prefix("mean_")], axis=1)
    table["effect"] = effect
    table["weight"] = weight / total if total > 0 else weight
    table.index.name = "stratum"
    return float(crude), stratified, table


def mix_check(y, arm, stratum, *, column: str, scale, se: float, treated=None,
              language_labels: tuple[str, str] = ("tickets", "工单")) -> tuple[list[DesignWarning], pd.DataFrame]:
    """Warn when the ``column`` mix moved, and flag Simpson's paradox.

    Parameters
    ----------
    y : array
        Values on the analysis scale (logs for durations).
    arm : array of {"pre", "post"}
    stratum : array
        Each row's ``column`` value (channel, category).
    column : str
        Name of the stratum column, for the sentence.
    scale : callable
        ``scale(effect, language) -> str``: an analysis-scale effect as the reader sees
        it (``"+5.1 pts"``, ``"-12.0%"``).
    se : float
        Standard error of the design's effect on the analysis scale: a stratified effect
        more than two of them from the crude one means the mix changed the answer.
    treated : array of bool, optional
        For difference-in-differences: the mix shift of the pilot and the control
        units are both checked, and the effects are differences-in-differences.

    Returns
    -------
    (warnings, table)
        ``table`` is the stratified comparison (see :func:`stratified_difference`).
    """
    arm = np.asarray(arm)
    stratum = pd.Series(stratum).astype("string").fillna("(missing)").to_numpy()
    crude, stratified, table = stratified_difference(y, arm, stratum, treated=treated)
    table.attrs.update(crude=crude, stratified=stratified, column=column)
    out: list[DesignWarning] = []
    groups = [("", np.ones(len(arm), bool))] if treated is None else [
        ("pilot", np.asarray(treated, bool)), ("control", ~np.asarray(treated, bool))]
    moved = []
    for name, rows in groups:
        before = pd.Series(stratum[rows & (arm == "pre")]).value_counts()
        after = pd.Series(stratum[rows & (arm == "post")]).value_counts()
        if before.empty or after.empty:
            continue
        tvd, pvalue = _tvd_and_test(before, after)
        if tvd >= MIX_SHIFT_TVD and pvalue < MIX_SHIFT_ALPHA:
            moved.append((name, tvd, *_largest_move(before, after)))
    name_zh = COLUMN_NAMES_ZH.get(column, column)
    if moved:
        parts_en, parts_zh = [], []
        for name, tvd, level, share_a, share_b in moved:
            who_en = {"": "", "pilot": " in the pilot unit", "control": " in the control units"}[name]
            who_zh = {"": "", "pilot": "试点单元", "control": "对照单元"}[name]
            shift = display.format_number(100 * tvd, decimals=1)
            parts_en.append(f"{who_en.strip() + ': ' if who_en else ''}{level} {display.format_percent(share_a)} -> "
                            f"{display.format_percent(share_b)} of rows, a total shift of {shift} pts")
            parts_zh.append(f"{who_zh + '：' if who_zh else ''}{level}占比 {display.format_percent(share_a)} → "
                            f"{display.format_percent(share_b)}，总变动{shift}个百分点")
        out.append(DesignWarning(
            "mix_shift",
            f"The {column} mix shifted between the windows ({'; '.join(parts_en)}). Compared "
            f"within each {column}, the effect is {scale(stratified, 'en')} "
            f"(crude {scale(crude, 'en')}).",
            f"前后窗口的{name_zh}构成发生了变化（{'；'.join(parts_zh)}）。按{name_zh}分层比较，效应为"
            f"{scale(stratified, 'zh')}（未分层 {scale(crude, 'zh')}）。"))
    differs = not math.isnan(stratified) and abs(stratified - crude) > 2.0 * se
    if differs and crude * stratified < 0:
        hint = f"adjust_for=['{column}']" if treated is not None else f"tables['by_{column}']"
        out.append(DesignWarning(
            "simpson",
            f"Simpson's paradox by {column}: overall the effect is {scale(crude, 'en')}, but "
            f"within each {column} it is {scale(stratified, 'en')}. The overall figure reflects the "
            f"changed {column} mix; read the comparison within {column} ({hint}).",
            f"按{name_zh}出现辛普森悖论：总体效应为{scale(crude, 'zh')}，但在各{name_zh}内部为"
            f"{scale(stratified, 'zh')}。总体数字反映的是{name_zh}构成的变化，应看分层后的比较。"))
    return out, table

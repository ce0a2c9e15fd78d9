"""Design checks: the reasons a pilot comparison can mislead, each a plain sentence in
English and Chinese.

* calendar: windows with a different weekday or public-holiday mix;
* mix: a channel or category mix that moved between the windows (or moved
  differently in the pilot and the control units), with the stratified comparison and
  Simpson's paradox flagged when the crude and stratified effects disagree in sign;
* clusters: too few agents (or teams) for cluster-robust errors;
* skew: values too skewed for a t-based interval at the sample size;
* response rate: a survey response rate that changed, so that other customers answer;
* pre-trend: the metric already moving before the pilot.

Each check returns a list of :class:`~svcinsight.pilot.result.DesignWarning` (empty
when the design passes) and, where it computes one, a supporting table. The mix check
and its stratified comparison are in :mod:`svcinsight.pilot.mix`.

Examples
--------
>>> from svcinsight.pilot.windows import Window, PilotWindows
>>> import pandas as pd
>>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
>>> w = PilotWindows(pre=Window("pre", ts("2026-09-07"), ts("2026-09-28")),
...                  post=Window("post", ts("2026-09-28"), ts("2026-10-19")), pilot_start=ts("2026-09-28"))
>>> [x.check for x in calendar_check(w)]   # National Day falls after the start
['holiday_mix']
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcinsight.calendar.holiday_data import CountryHolidays
from svcinsight.pilot.mix import COLUMN_NAMES_ZH
from svcinsight.pilot.regression import MIN_CLUSTERS, MIN_TREATED_CLUSTERS
from svcinsight.pilot.result import DesignWarning
from svcinsight.pilot.rows import value_unit
from svcinsight.stats import display

#: Weekday or holiday shares of the two windows further apart than this get a warning.
CALENDAR_SHARE_TOLERANCE = 0.02
#: Cochran's rule: a t interval for a mean needs n > 25 x skewness squared.
SKEW_FACTOR = 25.0
#: A survey response rate that moved by at least this much (and significantly) is flagged.
RESPONSE_RATE_CHANGE = 0.03
#: Fewer weeks than this before the pilot and no pre-trend test is attempted.
MIN_PRE_PERIODS = 4

_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@lru_cache(maxsize=8)
def country_holidays(code: str):
    """The country's official days off and make-up days (one cached reader per code)."""
    return CountryHolidays(code)


def calendar_table(windows, *, holidays: str | None = "CN") -> pd.DataFrame:
    """Days per window: total, each weekday, public-holiday days off, make-up working days.

    Examples
    --------
    >>> from svcinsight.pilot.windows import Window, PilotWindows
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
    >>> w = PilotWindows(pre=Window("pre", ts("2026-09-21"), ts("2026-09-28")),
    ...                  post=Window("post", ts("2026-09-28"), ts("2026-10-05")), pilot_start=ts("2026-09-28"))
    >>> calendar_table(w)[["days", "holidays", "makeup_days"]]
          days  holidays  makeup_days
    pre      7         1            0
    post     7         3            0
    """
    rows = {}
    missing: list[int] = []
    for window in (windows.pre, windows.post):
        dates = window.dates()
        row = {"days": len(dates)}
        counts = np.bincount(dates.day_of_week, minlength=7)
        row.update({day: int(c) for day, c in zip(_WEEKDAYS_EN, counts)})
        off = makeup = 0
        if holidays:
            days_off, makeup_days, gaps = country_holidays(holidays).days(dates.year.min(), dates.year.max())
            missing += gaps
            as_dates = set(dates.date)
            off, makeup = len(as_dates & days_off), len(as_dates & makeup_days)
        row.update(holidays=off, makeup_days=makeup)
        rows[window.label] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["years_without_holiday_data"] = sorted(set(missing))
    return table


def calendar_check(windows, *, holidays: str | None = "CN", table: pd.DataFrame | None = None
                   ) -> list[DesignWarning]:
    """Warn when the windows differ in weekday or public-holiday mix.

    Contact volume, staffing and handling times follow the week and the holidays; a
    before/after comparison carries any difference in that mix into its effect.
    Shares of days (not counts) are compared, so windows of unequal length are fair.
    ``table`` is :func:`calendar_table`'s result when the caller already has it.
    """
    if table is None:
        table = calendar_table(windows, holidays=holidays)
    pre, post = table.loc["pre"], table.loc["post"]
    out = []
    weekday_shares = table[list(_WEEKDAYS_EN)].div(table["days"], axis=0)
    gap = (weekday_shares.loc["post"] - weekday_shares.loc["pre"]).abs()
    if gap.max() >= CALENDAR_SHARE_TOLERANCE:
        day = int(np.argmax(gap.to_numpy()))
        en_day, zh_day = _WEEKDAYS_EN[day], _WEEKDAYS_ZH[day]
        share_pre, share_post = weekday_shares.iloc[0, day], weekday_shares.iloc[1, day]
        out.append(DesignWarning(
            "weekday_mix",
            f"The windows have a different weekday mix ({en_day}s are "
            f"{display.format_percent(share_pre)} of the days before and "
            f"{display.format_percent(share_post)} after); use whole weeks on both sides.",
            f"前后窗口的星期构成不同（{zh_day}在试点前占{display.format_percent(share_pre)}，"
            f"试点后占{display.format_percent(share_post)}）；请两侧都使用整周。"))
    for column, en_name, zh_name in (("holidays", "public-holiday days off", "法定节假日"),
                                     ("makeup_days", "make-up working days", "调休上班日")):
        share_pre, share_post = pre[column] / pre["days"], post[column] / post["days"]
        if abs(share_post - share_pre) >= CALENDAR_SHARE_TOLERANCE:
            out.append(DesignWarning(
                "holiday_mix",
                f"The windows hold different numbers of {en_name}: {int(pre[column])} of "
                f"{int(pre['days'])} days before, {int(post[column])} of {int(post['days'])} after; "
                "volumes and staffing differ on those days, so part of the change may be the calendar.",
                f"前后窗口的{zh_name}天数不同：试点前{int(pre['days'])}天中有{int(pre[column])}天，"
                f"试点后{int(post['days'])}天中有{int(post[column])}天；这些日子的来量和排班不同，"
                "部分变化可能来自日历。"))
    years = table.attrs["years_without_holiday_data"]
    if years:
        listed = ", ".join(map(str, years))
        out.append(DesignWarning(
            "holiday_mix",
            f"No official {holidays} holiday schedule is known for {listed}; the holiday "
            "check counted statutory holidays only.",
            f"{listed}年没有{holidays}官方节假日安排数据；节假日检查只计入法定节日。"))
    return out


# -- clusters, skew, response rate, pre-trend -------------------------------------------

def cluster_check(fit, *, cluster: str) -> list[DesignWarning]:
    """Warn when the clusters are too few for cluster-robust errors, or when the errors
    ignore clustering altogether."""
    name_zh = COLUMN_NAMES_ZH.get(cluster, cluster)
    if fit.method == "iid OLS":
        return [DesignWarning(
            "few_clusters",
            f"The errors treat every row as independent (inference='iid'); rows of one {cluster} "
            "move together, so the interval is too narrow and the p-value too small. Use it for "
            "comparison only.",
            f"标准误把每条记录视为独立（inference='iid'）；同一{name_zh}的记录相互关联，区间会偏窄、"
            "p值偏小，仅供对比。")]
    if fit.n_clusters >= MIN_CLUSTERS and fit.n_treated_clusters >= MIN_TREATED_CLUSTERS:
        return []
    counts_en = (f"Only {fit.n_clusters} {cluster} clusters ({fit.n_treated_clusters} in the pilot "
                 f"unit): cluster-robust errors reject too often with fewer than {MIN_CLUSTERS} "
                 f"clusters or {MIN_TREATED_CLUSTERS} treated ones")
    counts_zh = (f"只有{fit.n_clusters}个{name_zh}聚类（试点单元{fit.n_treated_clusters}个）：聚类数少于"
                 f"{MIN_CLUSTERS}或试点单元少于{MIN_TREATED_CLUSTERS}时，聚类稳健标准误会过多地拒绝原假设")
    if fit.method.startswith("wild"):
        return [DesignWarning(
            "few_clusters",
            f"{counts_en}, so the p-value and interval come from the {fit.method}. With very few "
            "treated clusters even that is approximate.",
            f"{counts_zh}，因此p值和区间改用野聚类自助法（wild cluster bootstrap）；试点单元聚类极少时它也只是近似。")]
    return [DesignWarning(
        "few_clusters",
        f"{counts_en}; this result uses them anyway (inference='cluster'). The default "
        "(inference='auto') switches to the wild cluster bootstrap.",
        f"{counts_zh}；本结果仍使用了它（inference='cluster'）。默认设置（inference='auto'）会改用野聚类自助法。")]


def skew_check(groups: dict, *, what: str = "values", what_zh: str = "数值") -> list[DesignWarning]:
    """Warn when a group's values are too skewed for its size (Cochran's rule).

    A t-based interval for a mean is trustworthy when :math:`n > 25\\,G_1^2`, with
    :math:`G_1` the sample skewness (Cochran 1977; Boos & Hughes-Oliver 2000).

    Parameters
    ----------
    groups : mapping of name to array
        The values each mean is taken over, on the scale the test uses (logs for durations).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> [w.check for w in skew_check({"before": rng.lognormal(0, 2, 40), "after": rng.normal(size=40)})]
    ['skew']
    """
    worst = None
    for name, values in groups.items():
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        if values.size < 3 or np.ptp(values) == 0:
            continue
        g1 = float(sps.skew(values, bias=False))
        needed = SKEW_FACTOR * g1 * g1
        if values.size < needed and (worst is None or needed / values.size > worst[3] / worst[2]):
            worst = (name, g1, values.size, needed)
    if worst is None:
        return []
    name, g1, n, needed = worst
    return [DesignWarning(
        "skew",
        f"The {what} are heavily skewed for the sample size ({name}: skewness {g1:.1f} with "
        f"n = {n:,}; a t interval needs about {needed:,.0f}): treat the interval and p-value "
        "as approximate.",
        f"{what_zh}的偏度相对样本量过大（{name}：偏度{g1:.1f}，n = {n:,}；t区间约需{needed:,.0f}个）："
        "区间和p值只能作近似参考。")]


def response_rate_check(rate_rows: pd.DataFrame, arm, *, treated=None, alpha: float = 0.05
                        ) -> tuple[list[DesignWarning], pd.DataFrame]:
    """Warn when the survey response rate changed between the windows (before/after) or
    changed differently in the pilot and control units (difference-in-differences).

    Satisfaction is measured on those who answer; when the share who answer moves, the
    answering customers are a different mix and a satisfaction change may be theirs.

    Parameters
    ----------
    rate_rows : DataFrame
        Resolved tickets with ``value`` 1 if answered (see
        :func:`svcinsight.pilot.rows.survey_response_rows`).
    arm : array of {"pre", "post"} (or missing)
    treated : array of bool, optional
    """
    frame = pd.DataFrame({"answered": rate_rows["value"].to_numpy(dtype=float),
                          "arm": np.asarray(arm, dtype=object)})
    frame = frame[pd.notna(frame["arm"])]
    frame["group"] = "all" if treated is None else np.where(
        np.asarray(treated, bool)[pd.notna(np.asarray(arm, dtype=object))], "pilot", "control")
    table = frame.groupby(["group", "arm"])["answered"].agg(["size", "mean"]).rename(
        columns={"size": "resolved", "mean": "response_rate"})
    if len(table) < (2 if treated is None else 4):
        return [], table
    rate = table["response_rate"]
    variance = (rate * (1 - rate) / table["resolved"])
    if treated is None:
        change = rate[("all", "post")] - rate[("all", "pre")]
        se = math.sqrt(variance.sum())
        before, after = rate[("all", "pre")], rate[("all", "post")]
    else:
        change = (rate[("pilot", "post")] - rate[("pilot", "pre")]) - (
            rate[("control", "post")] - rate[("control", "pre")])
        se = math.sqrt(variance.sum())
        before, after = rate[("pilot", "pre")], rate[("pilot", "post")]
    pvalue = float(2 * sps.norm.sf(abs(change) / se)) if se > 0 else math.nan
    table.attrs.update(change=change, pvalue=pvalue)
    if abs(change) < RESPONSE_RATE_CHANGE or not pvalue < alpha:
        return [], table
    against_en = "" if treated is None else " (relative to the control units: " + \
        display.format_effect(change, "difference", "%") + ")"
    against_zh = "" if treated is None else "（相对对照单元：" + \
        display.format_effect(change, "difference", "%", "zh") + "）"
    return [DesignWarning(
        "response_rate",
        f"The survey response rate changed from {display.format_percent(before)} to "
        f"{display.format_percent(after)}{against_en}: the customers who answer may differ "
        "between the windows, so part of a satisfaction change may be who answered.",
        f"调研回复率从{display.format_percent(before)}变为{display.format_percent(after)}{against_zh}："
        "前后回答的客户可能不同，满意度的部分变化可能来自回答者构成。")], table


def trend_check(slope: float, pvalue: float, *, alpha: float, scale_per_week, design: str,
                drift=None) -> list[DesignWarning]:
    """Turn a pre-period trend test into a warning when it is significant.

    ``slope`` is per week on the analysis scale; ``scale_per_week(x, language)`` writes it.
    ``drift`` (analysis scale), for before/after, is how much the trend alone would
    move the metric between the windows' midpoints.
    """
    if math.isnan(pvalue) or pvalue >= alpha:
        return []
    p = display.format_pvalue(pvalue)
    if design == "diff_in_diff":
        return [DesignWarning(
            "pre_trend",
            f"Before the pilot the pilot unit was already drifting against the controls by "
            f"{scale_per_week(slope, 'en')} per week ({p}); difference-in-differences assumes "
            "parallel trends, so the effect may partly be that drift.",
            f"试点前，试点单元相对对照单元已每周变化{scale_per_week(slope, 'zh')}（{p}）；双重差分"
            "假定趋势平行，效应中可能部分是这一趋势。")]
    if design == "its":
        return [DesignWarning(
            "pre_trend",
            f"The metric was already trending before the pilot ({scale_per_week(slope, 'en')} "
            f"per week, {p}); the level change is measured against that trend continued, "
            "which is an assumption.",
            f"指标在试点前已有趋势（每周{scale_per_week(slope, 'zh')}，{p}）；水平变化是相对于该趋势"
            "延续的预测来衡量的，这是一个假设。")]
    extra_en = extra_zh = ""
    if drift is not None:
        extra_en = f"; continued, it alone would move the metric by {scale_per_week(drift, 'en')} between the windows"
        extra_zh = f"；若延续，仅此趋势就会使前后窗口相差{scale_per_week(drift, 'zh')}"
    return [DesignWarning(
        "pre_trend",
        f"The metric was already moving before the pilot ({scale_per_week(slope, 'en')} per "
        f"week, {p}){extra_en}. A before/after comparison cannot separate that trend from the pilot.",
        f"指标在试点前已在变化（每周{scale_per_week(slope, 'zh')}，{p}）{extra_zh}。前后对比无法把"
        "这一趋势与试点效果分开。")]


def effect_formatter(metric):
    """``f(x, language)`` writing an analysis-scale effect as a reader sees it: a log
    ratio as a percentage change for durations, else a difference in the metric's unit."""
    if metric.kind == "duration":
        return lambda x, language="en": display.format_effect(math.exp(x), "ratio", "", language)
    if metric.kind == "ordinal":
        return lambda x, language="en": (f"平均分 {display.format_effect(x, 'difference', '', language)}"
                                         if language == "zh" else
                                         f"{display.format_effect(x, 'difference', '', language)} in mean score")
    unit = value_unit(metric)
    return lambda x, language="en": display.format_effect(x, "difference", unit, language)


def weekly_trend(y, at, window) -> tuple[float, float, int]:
    """Slope per week of the weekly means of ``y`` inside ``window`` and its p-value.

    Weekly means are regressed on the week number by least squares (statsmodels OLS):
    a plain test with one point per week, so that tickets of a busy week do not count
    as independent evidence of a trend. Returns ``(slope, pvalue, weeks)``; NaN with
    fewer than :data:`MIN_PRE_PERIODS` weeks.
    """
    import statsmodels.api as sm

    inside = window.contains(at).to_numpy()
    week = np.floor(((at[inside] - window.start) / pd.Timedelta(days=7)).to_numpy()).astype(int)
    means = pd.Series(np.asarray(y, dtype=float)[inside]).groupby(week).mean()
    if len(means) < MIN_PRE_PERIODS:
        return math.nan, math.nan, len(means)
    fit = sm.OLS(means.to_numpy(), sm.add_constant(means.index.to_numpy(dtype=float))).fit()
    return float(fit.params[1]), float(fit.pvalues[1]), len(means)

"""The one place numbers become text: significant figures, percentages, p-values, units.

Computation never rounds; everything a reader sees passes through here, so a value
reads the same in a sentence, a table and an HTML cell.

Examples
--------
>>> from svcinsight.stats.display import format_number, format_percent, format_pvalue
>>> format_number(4.21387), format_number(1234.56), format_number(-0.0004567)
('4.21', '1,235', '-0.000457')
>>> format_percent(0.8413), format_percent(0.0587, signed=True)
('84.1%', '+5.9%')
>>> format_pvalue(0.00004), format_pvalue(0.04213), format_pvalue(0.0496, alpha=0.05)
('p < 0.001', 'p = 0.042', 'p = 0.0496')
"""

from __future__ import annotations

import math

#: What ``value1``/``value2`` are, where the sentence has to say it (en, zh).
VALUE_KINDS = {
    "geometric_mean": ("geometric means", "几何均值"),
    "mean_score": ("mean scores", "平均分"),
    "km_median": ("Kaplan-Meier medians", "Kaplan-Meier中位数"),
}

#: Default metric names per kind when the caller gives no label (en, zh).
DEFAULT_LABELS = {
    "proportion": ("The proportion", "比例"),
    "mean": ("The mean", "均值"),
    "duration": ("The duration", "时长"),
    "ordinal": ("The score", "评分"),
    "nps": ("NPS", "净推荐值"),
    "rate": ("The rate", "发生率"),
}

# Units of values and differences in Chinese; others are shown as given.
_UNITS_ZH = {"h": "小时", "min": "分钟", "d": "天", "s": "秒", "pts": "分"}

_NA = "NA"


def format_number(
    x: float, *, digits: int = 3, decimals: int | None = None, signed: bool = False
) -> str:
    """A number with ``digits`` significant figures (or fixed ``decimals``).

    Significant figures drop trailing zeros (``0.5``, not ``0.500``); fixed decimals
    keep them (``+5.0``), except that a non-zero value that would show as zero gets
    two significant figures instead. Thousands are separated by commas.

    Examples
    --------
    >>> format_number(0.5), format_number(78.25, decimals=1), format_number(0.004, decimals=1)
    ('0.5', '78.2', '0.004')
    >>> format_number(3.1, decimals=1, signed=True), format_number(float("nan"))
    ('+3.1', 'NA')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return _NA
    x = float(x)
    if math.isinf(x):
        return ("+∞" if signed else "∞") if x > 0 else "-∞"
    strip = decimals is None
    if decimals is None:
        decimals = _significant_decimals(x, digits)
    elif x != 0 and round(abs(x), decimals) == 0:
        decimals, strip = _significant_decimals(x, 2), True
    text = f"{abs(x):,.{decimals}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    if float(text.replace(",", "")) == 0:
        return text
    if x < 0:
        return "-" + text
    return ("+" if signed else "") + text


def _significant_decimals(x: float, digits: int) -> int:
    if x == 0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(x))))


def format_percent(x: float, *, decimals: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: ``0.782`` -> ``'78.2%'``.

    Examples
    --------
    >>> format_percent(0.782), format_percent(-0.259, signed=True)
    ('78.2%', '-25.9%')
    """
    text = format_number(100.0 * x, decimals=decimals, signed=signed)
    return text if text == _NA else text + "%"


def format_pvalue(p: float, alpha: float | None = None) -> str:
    """``'p < 0.001'`` or ``'p = 0.042'``; never a rounding that crosses ``alpha``.

    With ``alpha`` given, a p-value just under it (0.0496) gets the digits it needs
    not to read as 0.050 next to the word "significant".

    Examples
    --------
    >>> format_pvalue(0.2134), format_pvalue(0.9999), format_pvalue(0.04996, alpha=0.05)
    ('p = 0.213', 'p > 0.999', 'p = 0.04996')
    """
    if p is None or math.isnan(p):
        return "p = " + _NA
    if p < 0.001:
        return "p < 0.001"
    if p > 0.999:
        return "p > 0.999"
    decimals = 3
    while alpha is not None and decimals < 8:
        shown = round(p, decimals)
        if (shown < alpha) == (p < alpha):
            break
        decimals += 1
    return f"p = {p:.{decimals}f}"


def format_level(fraction: float) -> str:
    """A level as a percentage without noise: ``0.05`` -> ``'5%'``, ``0.975`` -> ``'97.5%'``.

    Examples
    --------
    >>> format_level(0.05), format_level(0.9)
    ('5%', '90%')
    """
    return f"{round(100.0 * fraction, 10):g}%"


def unit_text(unit: str, language: str) -> str:
    """The unit as a reader of ``language`` writes it (``'h'`` -> ``'小时'`` in zh)."""
    return _UNITS_ZH.get(unit, unit) if language == "zh" else unit


def format_value(x: float, unit: str, language: str = "en") -> str:
    """A group's value with its unit.

    ``unit="%"`` means the value is a fraction shown as a percentage; ``"pts"`` means
    points on a score's own scale (NPS), shown bare.

    Examples
    --------
    >>> format_value(0.782, "%"), format_value(4.213, "h"), format_value(4.213, "h", "zh")
    ('78.2%', '4.21 h', '4.21小时')
    >>> format_value(31.04, "pts")
    '31.0'
    """
    if unit == "%":
        return format_percent(x)
    if unit == "pts":
        return format_number(x, decimals=1)
    text = format_number(x)
    if not unit or text == _NA:
        return text
    return text + unit_text(unit, language) if language == "zh" else f"{text} {unit}"


def format_bound(x: float, effect_kind: str, unit: str) -> str:
    """An interval limit or an effect without its unit, signed where a sign means something.

    Examples
    --------
    >>> format_bound(0.031, "difference", "%"), format_bound(0.74, "ratio", "h")
    ('+3.1', '-26.0%')
    >>> format_bound(0.5623, "probability", "")
    '0.562'
    """
    if effect_kind == "ratio":
        if x == 0:
            return "-100.0%"
        return format_percent(x - 1.0, signed=True)
    if effect_kind == "probability":
        return format_number(x, decimals=3)
    if unit == "%":
        return format_number(100.0 * x, decimals=1, signed=True)
    if unit == "pts":
        return format_number(x, decimals=1, signed=True)
    return format_number(x, signed=True)


def format_effect(x: float, effect_kind: str, unit: str, language: str = "en") -> str:
    """The effect as the sentence states it: ``'+5.9 pts'``, ``'-26.0%'``, ``'+1.2 min'``.

    Examples
    --------
    >>> format_effect(0.0587, "difference", "%"), format_effect(0.0587, "difference", "%", "zh")
    ('+5.9 pts', '+5.9个百分点')
    >>> format_effect(0.5623, "probability", "", "en")
    'probability of superiority 0.562'
    """
    text = format_bound(x, effect_kind, unit)
    if effect_kind == "ratio" or text == _NA:
        return text
    if effect_kind == "probability":
        return ("优势概率 " if language == "zh" else "probability of superiority ") + text
    if unit == "%":
        return text + ("个百分点" if language == "zh" else " pts")
    if not unit:
        return text
    return text + unit_text(unit, language) if language == "zh" else f"{text} {unit}"

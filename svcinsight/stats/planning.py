"""Before a pilot: sample size, power and minimum detectable effect for each metric kind,
with the design effect of clustered tickets."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd
from scipy import optimize
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from svcinsight.stats import display
from svcinsight.stats import inputs as _inputs

KINDS = ("proportion", "mean", "duration", "ordinal", "nps", "rate")

# How each kind's effect is shown, as (effect_kind, unit) for display.format_effect.
EFFECT_DISPLAY = {
    "proportion": ("difference", "%"),
    "mean": ("difference", ""),
    "duration": ("ratio", ""),
    "ordinal": ("probability", ""),
    "nps": ("difference", "pts"),
    "rate": ("ratio", ""),
}
_METHODS = {
    "proportion": "normal approximation on Cohen's h (arcsine), as R pwr.2p2n.test",
    "mean": "two-sample t-test power, as R pwr.t2n.test",
    "duration": "two-sample t-test power on log durations",
    "ordinal": "Noether's normal approximation for the probability of superiority",
    "nps": "normal approximation with the multinomial NPS variance",
    "rate": "normal approximation for the log rate ratio (Wald)",
}


# One sentence per language and solved quantity.
_PLAN_SENTENCES = {
    ("en", "n"): (
        "To detect {effect}{baseline} with {power} power at the {level} level ({sides}), "
        "you need {sizes}{deff}."
    ),
    ("en", "power"): (
        "With {sizes}{deff}, the power to detect {effect}{baseline} at the {level} level "
        "({sides}) is {power}."
    ),
    ("en", "effect"): (
        "With {sizes}{deff}, the smallest effect detectable with {power} power at the "
        "{level} level ({sides}) is {effect}{baseline}."
    ),
    (
        "zh",
        "n",
    ): "在{level}显著性水平（{sides}）下以{power}的把握度检测到{effect}{baseline}，需要{sizes}{deff}。",
    (
        "zh",
        "power",
    ): "{sizes}{deff}时，在{level}显著性水平（{sides}）下检测到{effect}{baseline}的把握度为{power}。",
    ("zh", "effect"): (
        "{sizes}{deff}时，在{level}显著性水平（{sides}）下以{power}的把握度"
        "可检测的最小效应为{effect}{baseline}。"
    ),
}


@dataclass(frozen=True, kw_only=True)
class PowerPlan:
    """A pilot plan: effect, sample sizes and power at one significance level.

    Attributes
    ----------
    kind : str
        Metric kind (see :data:`KINDS`).
    solved_for : {"n", "power", "effect"}
        Which quantity was computed from the others.
    effect : float
        The effect, on the kind's scale (see :func:`sample_size`).
    n1, n2 : float
        Sample sizes of group 1 and 2 (``n2 = ratio * n1``), design effect included;
        exposures for rates. Not rounded; round up to plan.
    power, alpha : float
    alternative : str
    ratio, icc, cluster_size, design_effect : float
        ``design_effect = 1 + (cluster_size - 1) * icc``.
    standardized_effect : float
        The effect on the scale of the power engine (Cohen's d or h, or its analogue).
    baseline : object
        The baseline given (proportion, (promoters, detractors), or rate), if any.
    method : str
    """

    kind: str
    solved_for: str
    effect: float
    n1: float
    n2: float
    power: float
    alpha: float
    alternative: str
    ratio: float
    icc: float
    cluster_size: float
    design_effect: float
    standardized_effect: float
    baseline: Any = None
    method: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row with every field."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row["baseline"] = repr(self.baseline) if isinstance(self.baseline, tuple) else self.baseline
        return pd.DataFrame([row])

    def summary(self, language: str = "en") -> str:
        """The plan in one sentence.

        Examples
        --------
        >>> from svcinsight import stats
        >>> print(stats.sample_size("proportion", effect=0.05, baseline=0.78).summary())
        To detect +5.0 pts from 78.0% with 80% power at the 5% level (two-sided), you need 983 per group.
        """
        if language not in ("en", "zh"):
            raise ValueError(f"language must be 'en' or 'zh', not {language!r}")
        zh = language == "zh"
        effect_kind, unit = EFFECT_DISPLAY[self.kind]
        effect = display.format_effect(self.effect, effect_kind, unit, language)
        baseline = self._baseline_text(language)
        power = (
            display.format_level(self.power)
            if self.solved_for != "power"
            else display.format_percent(self.power)
        )
        level = display.format_level(self.alpha)
        sides = (
            ("双侧" if self.alternative == "two-sided" else "单侧")
            if zh
            else ("two-sided" if self.alternative == "two-sided" else "one-sided")
        )
        sizes = self._sizes_text(language)
        deff = ""
        if self.design_effect != 1:
            deff = (
                f"（含设计效应{self.design_effect:.3g}）"
                if zh
                else f" (design effect {self.design_effect:.3g} included)"
            )
        template = _PLAN_SENTENCES[language, self.solved_for]
        return template.format(
            effect=effect,
            baseline=baseline,
            power=power,
            level=level,
            sides=sides,
            sizes=sizes,
            deff=deff,
        )

    def _baseline_text(self, language: str) -> str:
        zh = language == "zh"
        if self.baseline is None:
            return ""
        if self.kind == "proportion":
            text = display.format_percent(self.baseline)
        elif self.kind == "nps":
            promoters, detractors = self.baseline
            text = "NPS " + display.format_number(100 * (promoters - detractors), decimals=1)
        else:
            text = display.format_number(self.baseline)
        return f"（基线{text}）" if zh else f" from {text}"

    def _sizes_text(self, language: str) -> str:
        zh = language == "zh"
        n1 = display.format_number(math.ceil(self.n1 - 1e-9), digits=15)
        n2 = display.format_number(math.ceil(self.n2 - 1e-9), digits=15)
        what = ("暴露量" if zh else "an exposure of ") if self.kind == "rate" else ""
        if self.ratio == 1:
            return f"每组{what}{n1}" if zh else f"{what}{n1} per group"
        return (
            f"组1{what}：{n1}，组2{what}：{n2}"
            if zh
            else f"{what}{n1} in group 1 and {n2} in group 2"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>" + self.to_frame().to_html(
            index=False, border=0
        )

    def __str__(self) -> str:
        return self.summary()


def sample_size(
    kind: str,
    *,
    effect: float,
    baseline=None,
    sd: float | None = None,
    alpha: float | None = None,
    power: float = 0.8,
    ratio: float = 1.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    alternative: str = "two-sided",
    overdispersion: float = 1.0,
) -> PowerPlan:
    """Sample size needed to detect ``effect`` with the given power.

    Parameters
    ----------
    kind : {"proportion", "mean", "duration", "ordinal", "nps", "rate"}
        What the effect is:

        - ``"proportion"``: difference p2 - p1 (0.05 = 5 points); ``baseline`` = p1.
        - ``"mean"``: difference of means; ``sd`` = the common standard deviation.
        - ``"duration"``: ratio of geometric means (0.8 = 20% shorter); ``sd`` = the
          standard deviation of log durations (about 1 for typical ticket times).
        - ``"ordinal"``: probability of superiority P(X2 > X1) + P(=)/2 (e.g. 0.56), as
          :func:`compare_ordinal` reports it.
        - ``"nps"``: NPS difference in points; ``baseline`` = (promoter share,
          detractor share) of group 1, or ``sd`` = SD of one answer's score in points.
        - ``"rate"``: rate ratio (0.8 = 20% fewer); ``baseline`` = group 1's events per
          unit of exposure; sizes are exposures.
    effect : float
        The effect to detect (group 2 against group 1).
    baseline, sd : optional
        As the kind needs (above).
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    power : float
        Wanted probability of a significant result when the effect is real.
    ratio : float
        ``n2 / n1``.
    icc, cluster_size : float
        Intra-cluster correlation and mean cluster size (e.g. tickets per agent):
        sizes are multiplied by the design effect ``1 + (cluster_size - 1) * icc``.
    alternative : {"two-sided", "larger", "smaller"}
    overdispersion : float
        For rates: variance / mean of the counts (1 = Poisson).

    Returns
    -------
    PowerPlan
        With ``n1`` (and ``n2 = ratio * n1``) solved; not rounded.

    Notes
    -----
    Each kind is turned into a standardised effect and solved with statsmodels'
    ``NormalIndPower`` or ``TTestIndPower``:

    - proportion: Cohen's :math:`h = 2\\arcsin\\sqrt{p_2} - 2\\arcsin\\sqrt{p_1}` (R pwr);
    - mean: :math:`d = \\delta / sd`; duration: :math:`d = \\log(\\text{ratio}) / sd_{\\log}`;
    - ordinal: Noether (1987), :math:`d = \\sqrt{12}(p - 1/2)`; it ignores ties, which
      only lowers the variance, so with many tied 1-5 scores it errs on the safe side;
    - nps: :math:`d = \\delta/100 / \\sqrt{p_{pro} + p_{det} - (p_{pro} - p_{det})^2}`
      (both groups assumed to share group 1's variance);
    - rate: :math:`d = \\log\\rho\\,\\sqrt{\\lambda_1 (1 + 1/r) / (\\phi (1 + 1/(r\\rho)))}`,
      the Wald test of the log rate ratio with variance under the alternative (the
      same power as statsmodels' ``power_poisson_ratio_2indep(method_var="alt")``).

    Clustering: tickets handled by one agent resemble each other, so n tickets carry
    the information of n / (1 + (m - 1) ICC) independent ones (Donner & Klar 2000).

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences,
       2nd ed. Erlbaum.
    .. [2] Noether, G. E. (1987). Sample size determination for some common
       nonparametric tests. JASA 82, 645-647.
    .. [3] Donner, A. & Klar, N. (2000). Design and Analysis of Cluster Randomization
       Trials in Health Research. Arnold.

    Examples
    --------
    How many tickets per arm to see FCR rise 5 points from 78%?

    >>> from svcinsight import stats
    >>> plan = stats.sample_size("proportion", effect=0.05, baseline=0.78)
    >>> round(plan.n1, 1)
    982.0
    >>> round(stats.sample_size("proportion", effect=0.05, baseline=0.78, icc=0.02, cluster_size=50).n1)
    1944
    """
    spec = _Spec(kind, baseline, sd, alpha, ratio, icc, cluster_size, alternative, overdispersion)
    power = _probability(power, "power")
    d = spec.standardize(effect)
    if d == 0:
        raise ValueError("an effect of zero cannot be detected with any sample size")
    n_independent = spec.engine.solve_power(
        effect_size=d,
        nobs1=None,
        alpha=spec.alpha,
        power=power,
        ratio=spec.ratio,
        alternative=spec.alternative,
    )
    n1 = float(n_independent) * spec.design_effect
    return spec.plan("n", effect=effect, n1=n1, power=power, d=d)


def power(
    kind: str,
    *,
    n: float,
    effect: float,
    baseline=None,
    sd: float | None = None,
    alpha: float | None = None,
    ratio: float = 1.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    alternative: str = "two-sided",
    overdispersion: float = 1.0,
) -> PowerPlan:
    """Power to detect ``effect`` with ``n`` in group 1 (and ``ratio * n`` in group 2).

    Parameters are those of :func:`sample_size`, with ``n`` (group 1's size, or
    exposure for rates, design effect not yet applied) instead of ``power``.

    Examples
    --------
    R: ``pwr.2p.test(h = ES.h(0.69, 0.68), n = 10000)`` gives power 0.3310592.

    >>> from svcinsight import stats
    >>> round(stats.power("proportion", n=10_000, effect=0.01, baseline=0.68).power, 4)
    0.3311
    """
    spec = _Spec(kind, baseline, sd, alpha, ratio, icc, cluster_size, alternative, overdispersion)
    n = _positive(n, "n")
    d = spec.standardize(effect)
    achieved = spec.engine.power(
        effect_size=d,
        nobs1=n / spec.design_effect,
        alpha=spec.alpha,
        ratio=spec.ratio,
        alternative=spec.alternative,
    )
    return spec.plan("power", effect=effect, n1=n, power=float(achieved), d=d)


def mde(
    kind: str,
    *,
    n: float,
    baseline=None,
    sd: float | None = None,
    alpha: float | None = None,
    power: float = 0.8,
    ratio: float = 1.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    alternative: str = "two-sided",
    direction: str | None = None,
    overdispersion: float = 1.0,
) -> PowerPlan:
    """Minimum detectable effect with ``n`` in group 1 at the given power.

    Parameters are those of :func:`sample_size`, with ``n`` instead of ``effect``, and:

    direction : {"increase", "decrease"}, optional
        Which way the effect goes; it matters for proportions and rates, whose
        scale is not symmetric. Defaults to the alternative's direction, and to
        "increase" for a two-sided test.

    Examples
    --------
    With 1,000 tickets per arm, what FCR rise from 78% can a pilot detect?

    >>> from svcinsight import stats
    >>> round(stats.mde("proportion", n=1000, baseline=0.78).effect, 4)
    0.0496
    >>> round(stats.mde("duration", n=200, sd=1.0, direction="decrease").effect, 3)
    0.755
    """
    spec = _Spec(kind, baseline, sd, alpha, ratio, icc, cluster_size, alternative, overdispersion)
    n = _positive(n, "n")
    power = _probability(power, "power")
    if direction is None:
        direction = "decrease" if spec.alternative == "smaller" else "increase"
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    if (direction, spec.alternative) in (("increase", "smaller"), ("decrease", "larger")):
        raise ValueError(f"direction={direction!r} contradicts alternative={spec.alternative!r}")
    one_way = "two-sided" if spec.alternative == "two-sided" else "larger"
    d = abs(
        float(
            spec.engine.solve_power(
                effect_size=None,
                nobs1=n / spec.design_effect,
                alpha=spec.alpha,
                power=power,
                ratio=spec.ratio,
                alternative=one_way,
            )
        )
    )
    d = d if direction == "increase" else -d
    effect = spec.unstandardize(d)
    return spec.plan("effect", effect=effect, n1=n, power=power, d=d)


class _Spec:
    """The kind, its scale parameters and the design, checked once."""

    def __init__(
        self, kind, baseline, sd, alpha, ratio, icc, cluster_size, alternative, overdispersion
    ):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.kind = kind
        self.alpha = _inputs.resolve_alpha(alpha)
        self.alternative = _inputs.resolve_alternative(alternative)
        self.ratio = _positive(ratio, "ratio")
        if not 0 <= icc < 1:
            raise ValueError(f"icc must be in [0, 1), not {icc!r}")
        if cluster_size < 1:
            raise ValueError(f"cluster_size must be >= 1, not {cluster_size!r}")
        self.icc, self.cluster_size = float(icc), float(cluster_size)
        self.design_effect = 1.0 + (self.cluster_size - 1.0) * self.icc
        self.overdispersion = float(overdispersion)
        if self.overdispersion < 1:
            raise ValueError(f"overdispersion must be >= 1, not {overdispersion!r}")
        self.engine = TTestIndPower() if kind in ("mean", "duration") else NormalIndPower()
        self.baseline, self.sd = baseline, sd
        if kind in ("mean", "duration"):
            self.sd = _positive(sd, "sd")
        elif kind == "proportion":
            self.baseline = _probability(baseline, "baseline")
        elif kind == "rate":
            self.baseline = _positive(baseline, "baseline (events per unit of exposure)")
        elif kind == "nps":
            self.score_sd = self._nps_sd(baseline, sd)

    @staticmethod
    def _nps_sd(baseline, sd) -> float:
        if baseline is not None:
            try:
                promoters, detractors = (float(v) for v in baseline)
            except (TypeError, ValueError):
                raise ValueError("baseline for NPS is (promoter share, detractor share)") from None
            if promoters < 0 or detractors < 0 or promoters + detractors > 1:
                raise ValueError(
                    f"NPS baseline shares {baseline!r} must be >= 0 and sum to at most 1"
                )
            variance = promoters + detractors - (promoters - detractors) ** 2
            if variance <= 0:
                raise ValueError("this NPS baseline has no variance (all answers in one group)")
            return math.sqrt(variance)
        return _positive(sd, "sd (or baseline shares)") / 100.0

    def standardize(self, effect: float) -> float:
        effect = float(effect)
        if self.kind == "mean":
            return effect / self.sd
        if self.kind == "duration":
            return math.log(_positive(effect, "effect (a ratio)")) / self.sd
        if self.kind == "proportion":
            target = self.baseline + effect
            if not 0 <= target <= 1:
                raise ValueError(f"baseline + effect = {target:g} is not a proportion")
            return float(proportion_effectsize(target, self.baseline))
        if self.kind == "ordinal":
            if not 0 < effect < 1:
                raise ValueError(
                    f"effect for 'ordinal' is a probability of superiority in (0, 1), not {effect!r}"
                )
            return math.sqrt(12.0) * (effect - 0.5)
        if self.kind == "nps":
            return effect / 100.0 / self.score_sd
        rho = _positive(effect, "effect (a rate ratio)")
        return self._rate_d(rho)

    def _rate_d(self, rho: float) -> float:
        r = self.ratio
        scale = self.baseline * (1.0 + 1.0 / r) / (self.overdispersion * (1.0 + 1.0 / (r * rho)))
        return math.log(rho) * math.sqrt(scale)

    def unstandardize(self, d: float) -> float:
        if self.kind == "mean":
            return d * self.sd
        if self.kind == "duration":
            return math.exp(d * self.sd)
        if self.kind == "proportion":
            angle = math.asin(math.sqrt(self.baseline)) + d / 2.0
            if not 0 <= angle <= math.pi / 2:
                raise ValueError("no proportion is far enough from the baseline for this power")
            return math.sin(angle) ** 2 - self.baseline
        if self.kind == "ordinal":
            effect = 0.5 + d / math.sqrt(12.0)
            if not 0 < effect < 1:
                raise ValueError("no probability of superiority is large enough for this power")
            return effect
        if self.kind == "nps":
            return d * self.score_sd * 100.0

        # Solve for rho numerically. Upwards the standardised effect grows with rho;
        # downwards it peaks and falls again (few events in group 2 make the log ratio
        # noisy), so search only between 1 and that peak: the smallest detectable drop.
        def gap(log_rho: float) -> float:
            return self._rate_d(math.exp(log_rho)) - d

        if d > 0:
            return math.exp(optimize.brentq(gap, 0.0, 50.0))
        peak = optimize.minimize_scalar(
            lambda x: self._rate_d(math.exp(x)), bounds=(-50.0, 0.0), method="bounded"
        ).x
        if gap(peak) > 0:
            raise ValueError("no drop in the rate is detectable with this exposure and power")
        return math.exp(optimize.brentq(gap, peak, 0.0))

    def plan(
        self, solved_for: str, *, effect: float, n1: float, power: float, d: float
    ) -> PowerPlan:
        return PowerPlan(
            kind=self.kind,
            solved_for=solved_for,
            effect=float(effect),
            n1=float(n1),
            n2=float(n1) * self.ratio,
            power=float(power),
            alpha=self.alpha,
            alternative=self.alternative,
            ratio=self.ratio,
            icc=self.icc,
            cluster_size=self.cluster_size,
            design_effect=self.design_effect,
            standardized_effect=float(d),
            baseline=self.baseline,
            method=_METHODS[self.kind],
        )


def _positive(value, name: str) -> float:
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not value > 0
    ):
        raise ValueError(f"{name} must be a positive number, not {value!r}")
    return float(value)


def _probability(value, name: str) -> float:
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < 1
    ):
        raise ValueError(f"{name} must be a number in (0, 1), not {value!r}")
    return float(value)

import math

import pytest
from scipy import stats as sps
from statsmodels.stats.rates import power_poisson_ratio_2indep

from svcinsight import stats


def test_t_sample_size_matches_pwr(reference):
    # R: pwr.t.test(d = 2/3, power = 0.9, sig.level = 0.05) -> n = 48.26427
    ref = reference("power")["t_n"]
    plan = stats.sample_size("mean", effect=ref["d"], sd=1.0, power=ref["power"])
    # pwr solves with uniroot(tol = .Machine$double.eps^0.25), about 1e-4, so R's n is
    # itself only that accurate (statsmodels' root: 48.2642758).
    assert plan.n1 == pytest.approx(ref["n"], abs=1e-4)
    assert plan.n2 == plan.n1 and plan.solved_for == "n"


def test_t_power_matches_pwr(reference):
    # R: pwr.t.test(d = 1, n = 30, sig.level = 0.05) -> power = 0.967708258242517
    ref = reference("power")["t_power"]
    plan = stats.power("mean", n=ref["n"], effect=3.0 * ref["d"], sd=3.0)
    assert plan.power == pytest.approx(ref["power"], rel=1e-9)


def test_two_proportion_power_matches_pwr(reference):
    # R: pwr.2p.test(h = ES.h(0.69, 0.68), n = 10000) -> h = 0.0215284, power = 0.3310592
    ref = reference("power")["two_p_power"]
    plan = stats.power(
        "proportion", n=ref["n"], effect=ref["p_after"] - ref["p_before"], baseline=ref["p_before"]
    )
    assert plan.standardized_effect == pytest.approx(ref["h"], abs=5e-8)
    assert plan.power == pytest.approx(ref["power"], abs=5e-8)


def test_two_proportion_power_for_a_tiny_h_matches_pwr(reference):
    # R: pwr.2p.test(h = 0.01, n = 80) -> 0.05045832927039234; "greater" -> 0.0568695...
    # A baseline/effect pair whose Cohen's h is exactly 0.01:
    ref = reference("power")["two_p_small_h"]
    p1 = 0.5
    p2 = math.sin(math.asin(math.sqrt(p1)) + ref["h"] / 2) ** 2
    two = stats.power("proportion", n=ref["n"], effect=p2 - p1, baseline=p1)
    greater = stats.power(
        "proportion", n=ref["n"], effect=p2 - p1, baseline=p1, alternative="larger"
    )
    assert two.power == pytest.approx(ref["power_two_sided"], rel=1e-9)
    assert greater.power == pytest.approx(ref["power_greater"], rel=1e-9)


def test_rate_power_equals_statsmodels_poisson_power():
    # Independent implementation: statsmodels' power_poisson_ratio_2indep with the
    # variance under the alternative; its rate1 is the group whose size is nobs1.
    for rho, ratio, phi in ((0.8, 1.0, 1.0), (1.3, 2.0, 1.0), (0.7, 0.5, 2.5)):
        ours = stats.power(
            "rate", n=50_000, effect=rho, baseline=0.002, ratio=ratio, overdispersion=phi
        ).power
        theirs = power_poisson_ratio_2indep(
            0.002,
            0.002 * rho,
            50_000,
            nobs_ratio=ratio,
            value=1,
            dispersion=phi,
            alternative="two-sided",
            method_var="alt",
        ).power
        assert ours == pytest.approx(theirs, rel=1e-10)


def test_ordinal_sample_size_is_noethers_formula():
    # Noether (1987): N = (z_{1-a/2} + z_{1-b})^2 / (12 c (1 - c) (p - 1/2)^2), c = n1/N.
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)
    total = z**2 / (12 * 0.25 * 0.06**2)
    plan = stats.sample_size("ordinal", effect=0.56)
    # NormalIndPower also counts the far tail, which moves n by far less than 0.01
    assert plan.n1 + plan.n2 == pytest.approx(total, rel=1e-4)


def test_nps_sample_size_uses_the_multinomial_variance():
    promoters, detractors = 0.5, 0.15
    sd = math.sqrt(promoters + detractors - (promoters - detractors) ** 2)
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)
    plan = stats.sample_size("nps", effect=10, baseline=(promoters, detractors))
    assert plan.n1 == pytest.approx(2 * (z * sd / 0.10) ** 2, rel=1e-4)
    same = stats.sample_size("nps", effect=10, sd=100 * sd)
    assert same.n1 == pytest.approx(plan.n1, rel=1e-12)


def test_duration_plans_work_on_the_log_scale():
    shorter = stats.sample_size("duration", effect=0.8, sd=1.0)
    as_mean = stats.sample_size("mean", effect=math.log(0.8), sd=1.0)
    assert shorter.n1 == pytest.approx(as_mean.n1, rel=1e-12)
    mde = stats.mde("duration", n=shorter.n1, sd=1.0, direction="decrease")
    assert mde.effect == pytest.approx(0.8, rel=1e-6)


def test_design_effect_multiplies_the_sample_size():
    plain = stats.sample_size("proportion", effect=0.05, baseline=0.78)
    clustered = stats.sample_size(
        "proportion", effect=0.05, baseline=0.78, icc=0.02, cluster_size=50
    )
    assert clustered.design_effect == pytest.approx(1.98)
    assert clustered.n1 == pytest.approx(plain.n1 * 1.98, rel=1e-12)
    # and divides the information in a given n
    assert stats.power(
        "proportion", n=clustered.n1, effect=0.05, baseline=0.78, icc=0.02, cluster_size=50
    ).power == pytest.approx(0.8, abs=1e-6)


@pytest.mark.parametrize(
    "kind, options",
    [
        ("proportion", {"baseline": 0.78}),
        ("mean", {"sd": 12.0}),
        ("duration", {"sd": 0.9}),
        ("ordinal", {}),
        ("nps", {"baseline": (0.45, 0.2)}),
        ("rate", {"baseline": 0.003}),
    ],
)
def test_sample_size_power_and_mde_agree(kind, options):
    effect = {
        "proportion": 0.04,
        "mean": 3.0,
        "duration": 0.85,
        "ordinal": 0.55,
        "nps": 8.0,
        "rate": 0.8,
    }[kind]
    n = stats.sample_size(kind, effect=effect, power=0.8, ratio=1.5, **options).n1
    assert stats.power(kind, n=n, effect=effect, ratio=1.5, **options).power == pytest.approx(
        0.8, abs=1e-5
    )
    direction = "decrease" if kind in ("duration", "rate") else "increase"
    found = stats.mde(kind, n=n, power=0.8, ratio=1.5, direction=direction, **options).effect
    assert found == pytest.approx(effect, rel=1e-4)


def test_planning_uses_the_configured_alpha():
    from svcinsight.config import config_context

    with config_context(alpha=0.1):
        loose = stats.sample_size("mean", effect=1.0, sd=5.0)
    strict = stats.sample_size("mean", effect=1.0, sd=5.0)
    assert loose.alpha == 0.1 and loose.n1 < strict.n1


def test_plans_read_as_sentences():
    plan = stats.sample_size("proportion", effect=0.05, baseline=0.78, icc=0.02, cluster_size=50)
    assert plan.summary() == (
        "To detect +5.0 pts from 78.0% with 80% power at the 5% level (two-sided), "
        "you need 1,945 per group (design effect 1.98 included)."
    )
    assert plan.summary("zh") == (
        "在5%显著性水平（双侧）下以80%的把握度检测到+5.0个百分点（基线78.0%），需要每组1,945（含设计效应1.98）。"
    )
    rate = stats.power("rate", n=20_000, effect=0.8, baseline=0.002)
    assert rate.summary().startswith(
        "With an exposure of 20,000 per group, the power to detect -20.0% from 0.002"
    )
    assert "<p>" in plan._repr_html_() and plan.to_frame().shape[0] == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.sample_size("speed", effect=1.0),
        lambda: stats.sample_size("mean", effect=1.0),  # no sd
        lambda: stats.sample_size("proportion", effect=0.3, baseline=0.8),  # beyond 1
        lambda: stats.sample_size("ordinal", effect=1.2),
        lambda: stats.sample_size("mean", effect=0.0, sd=1.0),
        lambda: stats.sample_size("mean", effect=1.0, sd=1.0, icc=1.0),
        lambda: stats.sample_size("mean", effect=1.0, sd=1.0, power=1.0),
        lambda: stats.mde("mean", n=50, sd=1.0, direction="decrease", alternative="larger"),
        lambda: stats.power("rate", n=-5, effect=0.8, baseline=0.01),
        lambda: stats.sample_size("nps", effect=5, baseline=(0.8, 0.5)),
    ],
)
def test_bad_plans_are_rejected(call):
    with pytest.raises(ValueError):
        call()

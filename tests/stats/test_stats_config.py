import threading

import pytest

from svcinsight import config, stats
from svcinsight.config import config_context, get_config, set_config


def test_defaults():
    settings = get_config()
    assert settings["alpha"] == 0.05 and settings["confidence"] == 0.95
    assert settings["n_bootstrap"] >= 1000 and settings["seed"] is not None


def test_context_changes_intervals_and_sentences_then_restores():
    before = stats.compare_proportions(40, 100, 55, 100)
    with config_context(alpha=0.1):
        inside = stats.compare_proportions(40, 100, 55, 100)
        assert get_config()["confidence"] == 0.9
    after = stats.compare_proportions(40, 100, 55, 100)
    assert inside.alpha == 0.1 and inside.ci_high - inside.ci_low < before.ci_high - before.ci_low
    assert "90% CI" in inside.summary() and "at the 10% level" in inside.summary()
    assert after.alpha == 0.05 and (after.ci_low, after.ci_high) == (before.ci_low, before.ci_high)


def test_context_restores_after_an_error_and_nests():
    with pytest.raises(RuntimeError), config_context(confidence=0.99):
        raise RuntimeError("boom")
    assert get_config()["alpha"] == 0.05
    with config_context(alpha=0.1):
        with config_context(n_bootstrap=10):
            assert get_config()["alpha"] == 0.1 and get_config()["n_bootstrap"] == 10
        assert get_config()["n_bootstrap"] == 2000


def test_explicit_alpha_beats_the_configured_one():
    with config_context(alpha=0.1):
        assert stats.compare_means([1, 2, 3], [2, 3, 5], alpha=0.01).alpha == 0.01


def test_set_config_persists_until_changed():
    try:
        set_config(confidence=0.9)
        assert get_config()["alpha"] == 0.1
        assert stats.compare_nps([9, 10, 6] * 5, [9, 10, 10] * 5).alpha == 0.1
    finally:
        set_config(alpha=0.05)
    assert get_config()["confidence"] == 0.95


@pytest.mark.parametrize(
    "settings, error",
    [
        ({"alpha": 0}, ValueError),
        ({"alpha": 0.6}, ValueError),
        ({"alpha": "0.05"}, ValueError),
        ({"alpha": True}, ValueError),
        ({"confidence": 1.0}, ValueError),
        ({"alpha": 0.1, "confidence": 0.95}, ValueError),
        ({"n_bootstrap": -1}, ValueError),
        ({"n_bootstrap": 2.5}, ValueError),
        ({"seed": -3}, ValueError),
        ({"alpah": 0.1}, TypeError),
    ],
)
def test_bad_values_are_rejected_and_nothing_changes(settings, error):
    with pytest.raises(error):
        set_config(**settings)
    with pytest.raises(error), config_context(**settings):
        pass
    assert get_config() == {"alpha": 0.05, "confidence": 0.95, "n_bootstrap": 2000, "seed": 0}


def test_bad_alpha_in_a_call_is_rejected():
    with pytest.raises(ValueError, match="alpha"):
        stats.compare_means([1, 2, 3], [2, 3, 5], alpha=1.5)


def test_a_context_in_one_thread_does_not_leak_into_another():
    entered, done = threading.Event(), threading.Event()
    seen = {}

    def worker():
        with config_context(alpha=0.2):
            entered.set()
            done.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(5)
    seen["main"] = get_config()["alpha"]
    done.set()
    thread.join()
    assert seen["main"] == 0.05


def test_existing_constants_are_untouched():
    assert config.DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert config.FIRST_RESPONSE_TARGET_HOURS["urgent"] == 0.5

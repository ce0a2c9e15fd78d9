"""Text sentiment: accuracy on held-out ChnSentiCorp reviews and a small English set,
ranges, the neutral/missing convention, and sentiment from scores."""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from svcinsight import feedback
from svcinsight.demo.comments import THEMES

HERE = Path(__file__).parent


def balanced_accuracy(label: np.ndarray, score: np.ndarray) -> float:
    predicted = score >= 0.5
    return 0.5 * (predicted[label == 1].mean() + (~predicted[label == 0]).mean())


@pytest.fixture(scope="module")
def reviews(hotel_reviews):
    frame = hotel_reviews
    frame = frame[frame["review"].notna() & (frame["review"].str.strip() != "")]
    # The split of scripts/train_sentiment.py, restated: held out when the crc32 of the
    # review (NFKC, whitespace removed) is 0 mod 5. The model never saw these.
    key = frame["review"].map(lambda t: re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)))
    frame["held_out"] = key.map(lambda t: zlib.crc32(t.encode("utf-8")) % 5 == 0)
    return frame


def test_held_out_chinese_balanced_accuracy(reviews):
    held = reviews[reviews["held_out"]]
    assert len(held) == 1540 and held["label"].sum() == 1061
    score = feedback.sentiment(held["review"]).to_numpy()
    # Measured 0.879 (accuracy 0.883); the margin allows for platform float noise only.
    assert balanced_accuracy(held["label"].to_numpy(), score) >= 0.87


def test_training_part_is_not_held_out(reviews):
    # Sanity on the split itself: about a fifth, both classes on both sides.
    share = reviews["held_out"].mean()
    assert 0.18 < share < 0.22
    assert reviews.groupby("held_out")["label"].mean().between(0.6, 0.75).all()


def test_english_small_set():
    data = pd.read_csv(HERE / "english_sentiment.tsv", sep="\t", comment="#")
    score = feedback.sentiment(data["text"]).to_numpy()
    # Written with the lexicon by the same author: measured 1.00, indicative only.
    assert balanced_accuracy(data["label"].to_numpy(), score) >= 0.9


def test_demo_comment_templates_polarity():
    # The demo's templates carry their polarity; the Chinese service lexicon was written
    # knowing them, so this is a check of the service wording, not an independent test.
    rows = [(theme.positive, template.format(hours=5, minutes=20, days=4))
            for theme in THEMES.values() for language in ("zh", "en")
            for template in getattr(theme, language)]
    positive = np.array([p for p, _ in rows])
    score = feedback.sentiment([t for _, t in rows]).to_numpy()
    assert ((score >= 0.5) == positive).mean() >= 0.9


@pytest.mark.parametrize(("better", "worse"), [
    ("服务非常好，很满意", "服务非常差，很失望"),
    ("房间干净，前台热情", "房间很脏，前台态度恶劣"),
    ("退款很快就到账了", "退款太慢了，一直没人理"),
    ("Great service, thank you", "Terrible service, never again"),
    ("The agent was friendly", "The agent was rude"),
    ("服務很好", "服務很差"),
])
def test_clearly_positive_scores_above_clearly_negative(better, worse):
    score = feedback.sentiment([better, worse])
    assert score.iloc[0] > 0.5 > score.iloc[1]


def test_scores_in_unit_interval_and_missing_is_nan(reviews):
    sample = reviews["review"].sample(500, random_state=1)
    score = feedback.sentiment(sample)
    assert score.between(0, 1).all()
    assert score.index.equals(sample.index) and score.name == "sentiment"
    blank = feedback.sentiment(["", "   ", None, "12345", "!!!"])
    assert blank.isna().all()
    assert feedback.sentiment("ok fine").iloc[0] == 0.5  # English with no lexicon word


def test_traditional_full_width_and_entities_score_like_simplified():
    score = feedback.sentiment(["服務態度很差，退貨太慢", "服务态度很差，退货太慢",
                                "&#26381;务态度很差，退货太慢", "服务态度很差，退货太慢！"])
    assert score.iloc[0] == pytest.approx(score.iloc[1])
    assert score.iloc[2] == pytest.approx(score.iloc[1])


def test_sentiment_for_prefers_scores():
    frame = pd.DataFrame({
        "csat": pd.array([1, 5, None, None, None], dtype="Int64"),
        "nps": pd.array([10, 0, 8, None, None], dtype="Int64"),
        "comment": ["很好", "很差", "很差", "服务很差，太慢了", None],
    })
    score = feedback.sentiment_for(frame)
    assert score.iloc[:3].tolist() == [0.0, 1.0, 0.8]
    assert score.iloc[3] < 0.5 and np.isnan(score.iloc[4])
    negative = feedback.negative(frame)
    assert negative.iloc[:4].tolist() == [True, False, False, True]
    assert pd.isna(negative.iloc[4])

"""Benchmark: text sentiment and tagging throughput, and held-out sentiment accuracy.

On the ChnSentiCorp hotel reviews (``../shared/data``; 7,765 non-empty reviews, mean 129
characters) and on the demo's feedback comments (about 10,000, short): comments per
second of ``si.feedback.sentiment`` and ``si.feedback.tag`` (best of ``--repeat`` runs,
after one warm-up run that loads the model, lexicons and the taxonomy), the balanced
accuracy of ``sentiment`` on the 1,540 reviews held out from training (the split of
``scripts/train_sentiment.py``), and whether training again reproduces the shipped
model byte for byte (``--skip-retrain`` leaves that out; it takes a few seconds).

Run from the project root::

    .venv/bin/python benchmarks/bench_sentiment.py [--repeat 3] [--skip-retrain]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from train_sentiment import DATA, OUT, held_out, load, train

import svcinsight as si
from svcinsight import feedback


def best_time(function, repeat: int) -> float:
    function()  # warm-up: files are read and cached on first use
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-retrain", action="store_true")
    args = parser.parse_args()

    reviews = load(DATA)
    demo = si.demo.generate(seed=0).feedback
    demo_comments = demo.loc[demo["comment"].notna(), ["comment"]].reset_index(drop=True)
    review_frame = reviews.rename(columns={"review": "comment"})[["comment"]]

    print(f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"{platform.machine()} {platform.system()}")
    print(f"{'what':<34}{'comments':>10}{'seconds':>10}{'comments/s':>12}")
    for name, frame in (("hotel reviews", review_frame), ("demo comments", demo_comments)):
        for what, call in (("sentiment", lambda f=frame: feedback.sentiment(f["comment"])),
                           ("tag", lambda f=frame: feedback.tag(f))):
            seconds = best_time(call, args.repeat)
            print(f"{what + ', ' + name:<34}{len(frame):>10,}{seconds:>10.3f}"
                  f"{len(frame) / seconds:>12,.0f}")

    held = reviews[held_out(reviews["review"])]
    label = held["label"].to_numpy()
    score = feedback.sentiment(held["review"]).to_numpy()
    predicted = score >= 0.5
    recall_pos, recall_neg = predicted[label == 1].mean(), (~predicted[label == 0]).mean()
    print(f"held-out reviews: {len(held)} ({label.sum()} positive, {len(held) - label.sum()} negative)")
    print(f"  balanced accuracy {0.5 * (recall_pos + recall_neg):.3f} "
          f"(recall positive {recall_pos:.3f}, negative {recall_neg:.3f}), "
          f"accuracy {(predicted == (label == 1)).mean():.3f}")

    tagged = feedback.tag(review_frame)
    print(f"hotel reviews left untagged by the default taxonomy: "
          f"{len(feedback.untagged(tagged)) / tagged['comment'].notna().sum():.1%}")

    if not args.skip_retrain:
        start = time.perf_counter()
        same = train(reviews) == OUT.read_text(encoding="utf-8")
        print(f"retraining reproduces sentiment_zh.tsv byte for byte: {same} "
              f"({time.perf_counter() - start:.1f} s)")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()

"""A small demo workspace the report tests share: data on disk and a params folder whose
defaults point at it; each test module writes its own unit files."""

from pathlib import Path

import svcinsight as si

DEFAULTS = ("sources:\n  tickets: ../data/tickets.csv\n  events: ../data/events.csv\n"
            "  feedback: ../data/feedback.csv\n  orders: ../data/orders.csv\n")


def demo_workspace(base: Path, units=("ecommerce",), *, seed: int = 3, tickets_per_month: int = 40) -> Path:
    """Write small demo data for ``units`` under ``base/data`` and return ``base/params``."""
    ds = si.demo.generate(seed=seed, tickets_per_month=tickets_per_month, units=list(units))
    si.demo.write(ds, base / "data", format="csv")
    params = base / "params"
    params.mkdir()
    (params / "_defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    return params

"""`svcinsight run --plans`: each unit's improvement plan is rendered beside its monthly
report (staged data, same failure rules) and linked from the index."""

import json

import pytest
from report_workspace import demo_workspace

from svcinsight.cli import main

MONTH = "2026-10"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("plans")
    params = demo_workspace(base, units=("ecommerce", "finance"), tickets_per_month=60)
    (params / "ecommerce.yaml").write_text("unit: ecommerce\nbusiness_unit: ecommerce\n", encoding="utf-8")
    (params / "finance.yaml").write_text("unit: finance\nbusiness_unit: finance\nlanguage: zh\n", encoding="utf-8")
    (params / "broken.yaml").write_text("unit: broken\nsources:\n  tickets: ../data/nowhere.csv\n", encoding="utf-8")
    code = main(["run", "--month", MONTH, "--params-dir", str(params), "--output", str(base / "reports"),
                 "--plans", "--no-progress", "--workers", "2"])
    return base / "reports" / MONTH, code


def test_each_unit_gets_its_plan_report(run_dir):
    out, code = run_dir
    assert code == 1  # the broken unit fails, the others publish
    summary = {u["unit"]: u for u in json.loads((out / "run.json").read_text(encoding="utf-8"))["units"]}
    for unit in ("ecommerce", "finance"):
        plan = summary[f"{unit}--plan"]
        assert plan["status"] == "ok", plan["error"]
        assert plan["parent"] == unit
    page = (out / "ecommerce--plan.html").read_text(encoding="utf-8")
    assert "Improvement plan" in page and "import svcinsight" not in page
    assert "改进计划" in (out / "finance--plan.html").read_text(encoding="utf-8")
    # the broken unit's plan fails with it and is never published
    assert summary["broken--plan"]["status"] == "failed" and not (out / "broken--plan.html").exists()


def test_index_links_the_plans(run_dir):
    out, _ = run_dir
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'improvement plan: <a href="ecommerce--plan.html">' in index
    assert 'improvement plan: <a href="finance--plan.html">' in index

"""The improvement-plan notebook end to end, as users run it (demo data on disk, a params
file, papermill on the svcinsight kernel, HTML as the runner renders it), and the plan's
displays in Chinese."""

import json
from pathlib import Path

import pytest

import svcinsight as si

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "improvement_plan.ipynb"

pytestmark = pytest.mark.slow

DEFAULTS = """\
sources:
  tickets: ../data/tickets.csv
  events: ../data/events.csv
  feedback: ../data/feedback.csv
process:
  resolution_stages: [resolved]
benchmarks: {qc result pending: 4, in progress: 1, agent review: 0.5, return approval: 2}
"""
UNIT = """\
unit: {unit}
business_unit: {unit}
language: {language}
goals:
  - {{name: FCR 80% -> 90%, metric: fcr_rate, target: 0.9, deadline: 2027-03-31}}
plan:
  opportunities:
    "rework: in progress": {{effort: low, owner: service lead}}
    "handoff: qc result pending": {{effort: 4, owner: QC manager}}
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan_notebook")
    ds = si.demo.generate(seed=5, months=8, tickets_per_month=300)
    si.demo.write(ds, root / "data", format="csv")
    params = root / "params"
    params.mkdir()
    (params / "_defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    (params / "ecommerce.yaml").write_text(UNIT.format(unit="ecommerce", language="en"), encoding="utf-8")
    (params / "finance.yaml").write_text(UNIT.format(unit="finance", language="zh"), encoding="utf-8")
    return root


def test_committed_notebook_has_parameters_kernel_and_no_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "svcinsight"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "si.studies.plan_study(" in "".join(code[1]["source"])


def test_notebook_renders_the_plan_to_html(workspace):
    import papermill as pm

    from svcinsight.report.html_export import to_html

    out = workspace / "plan.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="svcinsight", cwd=str(workspace),
                        parameters={"unit": "ecommerce", "month": "2026-04",
                                    "params_path": str(workspace / "params" / "ecommerce.yaml")},
                        progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # ranked, impact/effort
    page = to_html(out)
    assert "<h1>Improvement plan — Ecommerce</h1>" in page
    for heading in ("Opportunities, ranked", "The evidence", "By customer segment", "The plan against the targets",
                    "Proposed pilots", "For the params file"):
        assert heading in page
    assert "qc result pending: hand-off from qc within 4.0 h" in page
    assert "Adopt the change if" in page and "unit_column" in page  # decision rules, params YAML
    assert "QC manager" in page and "[" in page  # owner from params; intervals as [lo, hi]
    assert "Papermill runs this notebook" not in page  # notes for the notebook's readers stay out


def test_plan_displays_in_chinese(workspace):
    study = si.studies.plan_study(unit="finance", month="2026-04", params_path=workspace / "params" / "finance.yaml")
    assert si.pages.plan.heading(study, "pilots").data.startswith("## 建议的试点")
    ranked = si.pages.plan.ranked_table(study).to_html()
    assert "机会" in ranked and "对目标的贡献" in ranked and "个百分点" in ranked
    assert "首次响应按时达标" in ranked
    assert "试点" in si.pages.plan.pilot_table(study).to_html() and "周数" in si.pages.plan.pilot_table(study).to_html()
    fig = si.pages.plan.ranked_chart(study)
    assert fig.axes[0].get_xlabel() == "弥补目标差距的比例（%）"
    assert "计划与目标" in si.pages.plan.summary(study.unit).data

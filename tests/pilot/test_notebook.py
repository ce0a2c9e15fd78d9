"""The pilot notebook end to end, as users run it: demo data on disk, a params file with
a pilot, papermill on the svcinsight kernel."""

import json
from pathlib import Path

import pytest

import svcinsight as si

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "pilot_evaluation.ipynb"

pytestmark = pytest.mark.slow

PILOTS = """\
pilots:
  - name: smart routing
    change: Contacts are routed by intent and customer history to an agent with the right skills
    start: 2026-06-01
    metrics: [frt_median_h, fcr_rate, csat_mean]
    controls: all
    cluster: agent_id
"""


def test_committed_notebook_has_parameters_kernel_and_no_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "svcinsight"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "si.studies.pilot_study(" in "".join(code[1]["source"])


def test_notebook_runs_end_to_end_on_small_demo_data(tmp_path):
    import papermill as pm

    ds = si.demo.generate(seed=3, tickets_per_month=150)
    si.demo.write(ds, tmp_path / "data", format="csv")
    params = tmp_path / "params"
    params.mkdir()
    (params / "_defaults.yaml").write_text(
        "sources:\n  tickets: ../data/tickets.csv\n  feedback: ../data/feedback.csv\n", encoding="utf-8")
    (params / "ecommerce.yaml").write_text(
        "unit: ecommerce\nbusiness_unit: ecommerce\n" + PILOTS, encoding="utf-8")
    out = tmp_path / "pilot.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="svcinsight", cwd=str(tmp_path),
                        parameters={"unit": "ecommerce", "pilot": "smart routing",
                                    "params_path": str(params / "ecommerce.yaml")},
                        progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "\n".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    markdown = "\n".join("".join(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "<h1>smart routing — ecommerce</h1>" in html
    assert "First response time, median" in html and "difference-in-differences" in html
    assert "Holm-adjusted" in html and "against the control units" in html  # the verdicts
    assert "## Results by metric" in markdown and "## Before you trust it" in markdown
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert "svcinsight" in html and "params file" in html  # provenance

"""The exploration notebook runs on the real files in ../shared/data, as users run it."""

from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_explore_notebook_runs_on_the_real_data(shared_data, tmp_path):
    out = tmp_path / "explore.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "explore_real_data.ipynb"), str(out),
                        parameters={"data_dir": str(shared_data)}, kernel_name="svcinsight",
                        progress_bar=False, cwd=str(ROOT / "notebooks"))
    nb = nbformat.read(out, as_version=4)
    texts = "".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "")
                    for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "rows_in=924, rows_kept=924" in texts    # the 311 ledger
    assert "Take in charge ticket" in texts         # stage stats of the help-desk log
    assert "[phone]" in texts or "[email]" in texts  # redacted review text
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 1                               # the process map


def test_explore_notebook_names_a_missing_data_folder(tmp_path):
    with pytest.raises(pm.PapermillExecutionError, match="data folder not found"):
        pm.execute_notebook(str(ROOT / "notebooks" / "explore_real_data.ipynb"), str(tmp_path / "x.ipynb"),
                            parameters={"data_dir": str(tmp_path / "nowhere")}, kernel_name="svcinsight",
                            progress_bar=False, cwd=str(ROOT / "notebooks"))

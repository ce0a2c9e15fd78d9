"""A notebook edited in JupyterLab is what the next `svcinsight run` renders: the runner
takes notebooks/monthly_report.ipynb from the working folder, and a changed notebook is a
changed input, so a report rendered before the edit is rendered again."""

import json
import shutil
import uuid
from pathlib import Path

import pytest
from report_workspace import demo_workspace

import svcinsight as si

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2026-10"
# plain words only: nbconvert would escape &<>"' in the HTML
SENTENCE = "Note from the service director: chat queues were re-staffed on 3 October."

pytestmark = pytest.mark.slow


def _edit_as_jupyterlab_would(path: Path, sentence: str) -> None:
    """Add a markdown cell after the cell that follows the parameters cell, and save the
    notebook the way JupyterLab does (one-space indent, UTF-8, trailing newline)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    params = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    after = next(i for i in range(params + 1, len(cells)) if cells[i]["cell_type"] == "code")
    cells.insert(after + 1, {"cell_type": "markdown", "id": uuid.uuid4().hex[:8], "metadata": {},
                             "source": [sentence]})
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_a_notebook_edited_in_jupyterlab_renders_in_the_next_run(tmp_path, monkeypatch):
    params = demo_workspace(tmp_path)
    (params / "ecommerce.yaml").write_text("unit: ecommerce\nbusiness_unit: ecommerce\n", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for source in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy2(source, notebooks / source.name)
    monkeypatch.chdir(tmp_path)  # the runner looks for notebooks/ in the working folder first

    def run():
        [result] = si.report.run(MONTH, params_dir=params, units=["ecommerce"], output=tmp_path / "reports",
                                 workers=1, progress=False)
        assert result.unit == "ecommerce"
        return result

    before = run()
    assert before.status == "ok", before.error
    assert SENTENCE not in Path(before.output).read_text(encoding="utf-8")
    assert run().status == "skipped"  # unchanged inputs: not rendered again

    _edit_as_jupyterlab_would(notebooks / "monthly_report.ipynb", SENTENCE)
    after = run()
    # nothing but the notebook changed: its content is in the report's fingerprint
    assert after.status == "ok", after.error or f"status {after.status!r}: the edited notebook was not rendered"
    html = Path(after.output).read_text(encoding="utf-8")
    assert SENTENCE in html, "the markdown cell added in the working folder's notebook is not in the report"

"""Re-runs skip unchanged reports; a changed input or --force renders again; one log per
report; a dead kernel is retried once; a cell past the timeout fails the unit."""

import json
import os
from pathlib import Path

import nbformat
import pytest
from report_workspace import demo_workspace

import svcinsight as si
from svcinsight import cli
from svcinsight.report.render import render_unit

MONTH = "2026-10"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    base = tmp_path_factory.mktemp("rerun")
    params = demo_workspace(base)
    (params / "ecommerce.yaml").write_text("unit: ecommerce\nbusiness_unit: ecommerce\n", encoding="utf-8")
    return base


def _statuses(base: Path) -> dict:
    summary = json.loads((base / "reports" / MONTH / "run.json").read_text(encoding="utf-8"))
    return {u["unit"]: u["status"] for u in summary["units"]}


def _run(base: Path, **kwargs):
    return si.report.run(MONTH, params_dir=base / "params", output=base / "reports", progress=False, **kwargs)


def test_rerun_skips_unchanged_and_rerenders_on_change_or_force(workspace, capsys):
    html = workspace / "reports" / MONTH / "ecommerce.html"
    first = _run(workspace)
    assert [r.status for r in first] == ["ok"], first[0].error
    rendered_at = html.stat().st_mtime_ns

    # the per-unit log has the notebook's cell log and the runner's notes
    log = Path(first[0].log)
    assert log == workspace / "reports" / MONTH / "_logs" / "ecommerce.log"
    text = log.read_text(encoding="utf-8")
    assert "Executing Cell" in text and "ok:" in text and "ecommerce" in text

    second = _run(workspace)
    assert [r.status for r in second] == ["skipped"]
    assert _statuses(workspace) == {"ecommerce": "skipped"}
    assert html.stat().st_mtime_ns == rendered_at
    index = (workspace / "reports" / MONTH / "index.html").read_text(encoding="utf-8")
    assert 'href="ecommerce.html"' in index

    # the CLI shows it and exits 0 when only ok/skipped
    args = ["run", "--month", MONTH, "--params-dir", str(workspace / "params"),
            "--output", str(workspace / "reports"), "--no-progress"]
    assert cli.main(args) == 0
    assert "skipped" in capsys.readouterr().out

    # touching a source file renders again
    source = workspace / "data" / "feedback.csv"
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    third = _run(workspace)
    assert [r.status for r in third] == ["ok"]
    assert html.stat().st_mtime_ns != rendered_at
    rendered_at = html.stat().st_mtime_ns

    # unchanged again: skipped; --force renders it anyway
    assert [r.status for r in _run(workspace)] == ["skipped"]
    assert cli.main(args + ["--force"]) == 0
    assert _statuses(workspace) == {"ecommerce": "ok"}
    assert html.stat().st_mtime_ns != rendered_at


def test_changed_defaults_or_missing_html_render_again(workspace):
    assert [r.status for r in _run(workspace)] in (["skipped"], ["ok"])
    defaults = workspace / "params" / "_defaults.yaml"
    defaults.write_text(defaults.read_text(encoding="utf-8") + "# a comment changes the file\n", encoding="utf-8")
    assert [r.status for r in _run(workspace)] == ["ok"]
    (workspace / "reports" / MONTH / "ecommerce.html").unlink()
    assert [r.status for r in _run(workspace)] == ["ok"]


def _tiny_notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell('unit = month = params_path = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code),
        nbformat.v4.new_markdown_cell("# Done"),
    ]
    nbformat.write(nb, path)
    return path


def test_a_dead_kernel_is_retried_once(workspace, tmp_path):
    marker = tmp_path / "died-once"
    code = (f"import os, pathlib\nmarker = pathlib.Path({str(marker)!r})\n"
            "if not marker.exists():\n    marker.touch()\n    os._exit(1)\nprint('survived')")
    nb = _tiny_notebook(tmp_path / "dies_once.ipynb", code)
    result = render_unit(workspace / "params" / "ecommerce.yaml", MONTH, output=tmp_path / "out",
                         notebook=nb, timeout=60)
    assert result.status == "ok", result.error
    assert result.attempts == 2
    log = Path(result.log).read_text(encoding="utf-8")
    assert "retrying once" in log and "survived" in log

    always = _tiny_notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)")
    failed = render_unit(workspace / "params" / "ecommerce.yaml", MONTH, output=tmp_path / "out2",
                         notebook=always, timeout=60)
    assert failed.status == "failed" and failed.attempts == 2
    assert "kernel died" in failed.error.lower()
    assert not (tmp_path / "out2" / MONTH / "ecommerce.html").exists()


def test_a_cell_past_the_timeout_fails_the_unit(workspace, tmp_path):
    nb = _tiny_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    result = render_unit(workspace / "params" / "ecommerce.yaml", MONTH, output=tmp_path / "out",
                         notebook=nb, timeout=2)
    assert result.status == "failed"
    assert "timed out" in result.error and "2s" in result.error
    assert not (tmp_path / "out" / MONTH / "ecommerce.html").exists()

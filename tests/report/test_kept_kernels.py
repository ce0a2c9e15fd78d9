"""A worker's kernel is kept between its reports only when that is safe: reset in between
(no names, figures or execution counts carried over), never after a failure, shut down
at the end."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from report_workspace import demo_workspace

from svcinsight.report.kernels import KERNELS, kept_kernels
from svcinsight.report.render import render_unit

MONTH = "2026-10"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def params(tmp_path_factory):
    folder = demo_workspace(tmp_path_factory.mktemp("kept"))
    path = folder / "ecommerce.yaml"
    path.write_text("unit: ecommerce\nbusiness_unit: ecommerce\n", encoding="utf-8")
    return path


def _notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "svcinsight", "display_name": "svcinsight", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("unit = month = params_path = None", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def _outputs(result) -> tuple[list, str]:
    nb = json.loads(Path(result.notebook).read_text(encoding="utf-8"))
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c["outputs"])
    return counts, text


def test_kept_kernel_is_reset_between_reports_and_dropped_after_a_failure(params, tmp_path):
    leaves = _notebook(tmp_path / "leaves.ipynb", "import matplotlib.pyplot as plt, os, sys\n"
                       "left_behind = 1\nfig = plt.figure()\nos.chdir('/')\nprint('pid', os.getpid())\n"
                       "import weakref\nclass Cycle: pass\ncycle = Cycle(); cycle.me = cycle\n"
                       "sys.last_cycle = weakref.ref(cycle)  # survives the reset only as a weak reference")
    checks = _notebook(tmp_path / "checks.ipynb", "import matplotlib.pyplot as plt, os\n"
                       "print('leaked' if 'left_behind' in dir() else 'clean', len(plt.get_fignums()),\n"
                       "      os.getcwd(), 'pid', os.getpid())\n"
                       "import gc, sys\nprint('cycle', 'collected' if getattr(sys, 'last_cycle', lambda: None)() is None "
                       "else 'kept', 'frozen', gc.get_freeze_count() > 0)")
    fails = _notebook(tmp_path / "fails.ipynb", "import os\nprint('pid', os.getpid())\nraise ValueError('bad data')")
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"  # another unit's params folder: its notebook starts there
    shutil.copytree(params.parent, elsewhere)
    with kept_kernels():
        first = render_unit(params, MONTH, output=out / "1", notebook=leaves, timeout=60)
        second = render_unit(params, MONTH, output=out / "2", notebook=checks, timeout=60)
        moved = render_unit(elsewhere / params.name, MONTH, output=out / "5", notebook=checks, timeout=60)
        failed = render_unit(params, MONTH, output=out / "3", notebook=fails, timeout=60)
        after = render_unit(params, MONTH, output=out / "4", notebook=checks, timeout=60)
        assert len(KERNELS._managers) == 1  # the healthy kernel of the last report, kept
    assert not KERNELS._managers and not KERNELS.enabled  # all shut down at the end
    assert [r.status for r in (first, second, failed, after)] == ["ok", "ok", "failed", "ok"]
    pid = _outputs(first)[1].split("pid ")[1].split()[0]
    counts, text = _outputs(second)
    assert f"pid {pid}" in text, "the second report should run in the first one's kernel"
    assert text.startswith(f"clean 0 {params.parent}")  # no names, no figures; its params folder again
    # the first report's garbage (a reference cycle) was collected, not frozen for good;
    # the survivors of the reset are frozen out of the report's collections
    assert "cycle collected frozen True" in text
    assert counts == _outputs(first)[0] == [1, 2, 3]  # execution counts as in a fresh kernel
    assert "reusing this worker's kernel" in Path(second.log).read_text(encoding="utf-8")
    # the reset ran when the report ended, in its folder; the next unit's folder is set after
    assert moved.status == "ok" and _outputs(moved)[1].startswith(f"clean 0 {elsewhere}")
    assert f"pid {pid}" in _outputs(moved)[1]
    # the failed report ran in the kept kernel; the kernel was then dropped, not reused
    assert f"pid {pid}" in _outputs(failed)[1]
    assert f"pid {pid}" not in _outputs(after)[1] and _outputs(after)[1].startswith("clean 0")


def test_outside_a_batch_every_report_gets_its_own_kernel(params, tmp_path):
    show = _notebook(tmp_path / "pid.ipynb", "import os\nprint('pid', os.getpid())")
    runs = [render_unit(params, MONTH, output=tmp_path / str(i), notebook=show, timeout=60) for i in range(2)]
    assert [r.status for r in runs] == ["ok", "ok"]
    assert _outputs(runs[0])[1] != _outputs(runs[1])[1]
    assert not KERNELS._managers


def test_the_notebook_is_written_once_at_the_end_also_after_a_timeout(params, tmp_path):
    slow = _notebook(tmp_path / "slow.ipynb", "print('started')\nimport time\ntime.sleep(30)")
    result = render_unit(params, MONTH, output=tmp_path / "out", notebook=slow, timeout=2)
    assert result.status == "failed" and "timed out" in result.error
    # papermill no longer writes it around every cell; it is still kept, as far as it ran
    counts, text = _outputs(result)
    assert counts[0] == 1 and "started" in text

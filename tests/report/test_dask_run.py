"""The batch on Dask distributed gives what the local run gives: same statuses and errors,
same numbers (summaries, exports, index, report pages), same exit code from the CLI."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from report_workspace import demo_workspace

import svcinsight as si
from svcinsight import cli

distributed = pytest.importorskip("distributed")

MONTH = "2026-10"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Two good units (one zh), one whose notebook fails mid-run and one with broken params."""
    base = tmp_path_factory.mktemp("dask")
    params = demo_workspace(base, units=("ecommerce", "finance"))
    (params / "ecommerce.yaml").write_text("unit: ecommerce\nbusiness_unit: ecommerce\n", encoding="utf-8")
    (params / "finance.yaml").write_text("unit: finance\nbusiness_unit: finance\nlanguage: zh\n", encoding="utf-8")
    # no rows for this unit: its notebook fails in the validation cell
    (params / "retail.yaml").write_text("unit: retail\nbusiness_unit: retail\n", encoding="utf-8")
    (params / "broken.yaml").write_text("unit: broken\nbusiness_unit: broken\ntimezon: UTC\n", encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def local(workspace):
    return si.report.run(MONTH, params_dir=workspace / "params", output=workspace / "local", progress=False)


@pytest.fixture(scope="module")
def on_dask(workspace):
    """The same batch on a Dask cluster reached by its address, output given as a file:// URL."""
    from distributed import LocalCluster

    # threads in this process: the cluster starts in a second; reports render side by side
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        yield si.report.run(MONTH, params_dir=workspace / "params", output=(workspace / "dask").as_uri(),
                            executor="dask", scheduler=cluster.scheduler_address, progress=False)


def _run_json(out: Path) -> list[dict]:
    units = json.loads((out / MONTH / "run.json").read_text(encoding="utf-8"))["units"]
    for u in units:
        u.pop("seconds")
        for key in ("output", "notebook", "log"):  # the same file, under each run's own folder
            u[key] = u[key] and str(Path(u[key]).relative_to(out))
    return units


def _page(path: Path) -> str:
    """A report page without what differs between any two renders: pandas Styler's random
    table ids, the id papermill gives the cell it injects, and the render time."""
    text = Path(path).read_text(encoding="utf-8")
    text = re.sub(r"T_[0-9a-f]{5}", "T_", text)
    text = re.sub(r'cell-id=[0-9a-f-]+"', 'cell-id="', text)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "(time)", text)


def test_same_results_and_run_summary(workspace, local, on_dask):
    assert [(r.unit, r.status, r.error, r.attempts) for r in on_dask] == \
        [(r.unit, r.status, r.error, r.attempts) for r in local]
    assert {r.unit: r.status for r in on_dask} == {"broken": "failed", "ecommerce": "ok", "finance": "ok",
                                                   "retail": "failed"}
    assert _run_json(workspace / "dask") == _run_json(workspace / "local")


def test_same_numbers_exports_and_index(workspace, local, on_dask):
    for unit in ("ecommerce", "finance"):
        work = f"{MONTH}/_work/{unit}.summary.json"
        dask_summary = json.loads((workspace / "dask" / work).read_text(encoding="utf-8"))
        assert dask_summary == json.loads((workspace / "local" / work).read_text(encoding="utf-8"))
        assert dask_summary["headline"][0]["value"] > 0  # numbers, not empty summaries
        csv = f"{MONTH}/exports/{unit}-tickets.csv"
        assert (workspace / "dask" / csv).read_bytes() == (workspace / "local" / csv).read_bytes()
        xlsx = f"{MONTH}/exports/{unit}-tickets.xlsx"
        pd.testing.assert_frame_equal(pd.read_excel(workspace / "dask" / xlsx),
                                      pd.read_excel(workspace / "local" / xlsx))
    generated = re.compile(r"generated [^<]*\.")
    index = {run: generated.sub("", (workspace / run / MONTH / "index.html").read_text(encoding="utf-8"))
             for run in ("local", "dask")}
    assert index["dask"] == index["local"] and "retail" in index["dask"]


def test_same_report_pages_and_failures_kept(workspace, local, on_dask):
    # the local run rendered finance in the kernel ecommerce's report had used (reset in
    # between); its page must still equal the one from a kernel of its own
    assert "reusing this worker's kernel" in Path({r.unit: r for r in local}["finance"].log).read_text(encoding="utf-8")
    for unit in ("ecommerce", "finance"):
        assert _page(workspace / "dask" / MONTH / f"{unit}.html") == _page(workspace / "local" / MONTH / f"{unit}.html")
    failed = {r.unit: r for r in on_dask}["retail"]
    assert "retail" in failed.error and failed.output is None
    assert Path(failed.notebook).exists() and not (workspace / "dask" / MONTH / "retail.html").exists()
    # each report's log holds its own notebook's lines only, though two rendered at once
    log = (workspace / "dask" / MONTH / "_logs" / "finance.log").read_text(encoding="utf-8")
    assert "report finance:" in log and "report ecommerce:" not in log


def test_cli_dask_local_cluster_exit_codes(workspace, capsys):
    params, out = str(workspace / "params"), str(workspace / "cli")
    code = cli.main(["run", "--month", MONTH, "--params-dir", params, "--output", out, "--units",
                     "ecommerce,retail", "--executor", "dask", "--workers", "1", "--no-progress"])
    assert code == 1
    assert (Path(out) / MONTH / "ecommerce.html").exists() and not (Path(out) / MONTH / "retail.html").exists()
    assert "1 of 2 unit(s) failed: retail" in capsys.readouterr().err
    assert cli.main(["run", "--month", MONTH, "--params-dir", params, "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "dask executor" in capsys.readouterr().err


def test_dask_missing_is_a_clear_error(workspace, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(si.report.ReportError, match=r"pip install 'svcinsight\[dask\]'"):
        si.report.run(MONTH, params_dir=workspace / "params", output=workspace / "none", units=["ecommerce"],
                      executor="dask", progress=False)

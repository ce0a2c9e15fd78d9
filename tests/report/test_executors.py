"""Executors return one result per job, in job order, on every executor; a job that
cannot give its own result becomes that report's failure, and the batch goes on."""

import pytest

from svcinsight.report.executors import Job, run_jobs
from svcinsight.report.results import ReportError, UnitResult


def _ok(name):
    return UnitResult(name, "ok", 0.0, output=f"{name}.html")


def _crash(name):
    raise RuntimeError(f"worker lost while rendering {name}")


def _jobs():
    return [Job("a", _ok, ("a",), {}), Job("b--pilot-x", _crash, ("b",), {}, parent="b"), Job("c", _ok, ("c",), {})]


def _check(results):
    assert [(r.unit, r.status) for r in results] == [("a", "ok"), ("b--pilot-x", "failed"), ("c", "ok")]
    lost = results[1]
    assert lost.parent == "b" and "RuntimeError" in lost.error and "worker lost while rendering b" in lost.error


def test_local_executor_reports_a_lost_job_and_goes_on():
    seen = []
    _check(run_jobs(_jobs(), workers=1, on_result=seen.append))
    assert [r.unit for r in seen] == ["a", "b--pilot-x", "c"]


def test_dask_executor_reports_a_lost_job_and_goes_on():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        _check(run_jobs(_jobs(), executor="dask", scheduler=cluster.scheduler_address))


def test_unknown_executor_or_scheduler_without_dask_is_refused():
    with pytest.raises(ReportError, match="unknown executor 'ray'"):
        run_jobs([], executor="ray")
    with pytest.raises(ReportError, match="needs the dask executor"):
        run_jobs([], scheduler="tcp://127.0.0.1:8786")

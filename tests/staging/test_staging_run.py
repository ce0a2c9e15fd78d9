"""In a run, every raw source is parsed once (by the staging step), and the unit and
pilot notebooks read the staged store: no notebook parses a raw CSV."""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from staging_workspace import demo_workspace, write_unit

import svcinsight as si
from svcinsight.unit.sources import LOAD_LOG_VARIABLE

MONTH = "2026-10"

pytestmark = pytest.mark.slow


def _loads(log) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_a_run_parses_each_source_once_and_its_notebooks_read_the_store(tmp_path, monkeypatch):
    params = demo_workspace(tmp_path, units=("ecommerce", "finance"), tickets_per_month=20)
    write_unit(params, "ecommerce", "pilots:\n  - name: smart routing\n    start: 2026-06-01\n"
                                    "    metrics: [fcr_rate]\n    controls: all\n")
    write_unit(params, "finance")
    log = tmp_path / "loads.jsonl"
    monkeypatch.setenv(LOAD_LOG_VARIABLE, str(log))  # the kernels inherit it
    output = tmp_path / "reports"
    results = si.report.run(MONTH, params_dir=params, output=output, workers=2, progress=False)
    assert {r.unit: r.status for r in results} == {
        "ecommerce": "ok", "finance": "ok", "ecommerce--pilot-smart-routing": "ok"}
    loads = _loads(log)
    # four sources, each parsed once, all by the staging process (not this one, no notebook)
    assert sorted(entry["table"] for entry in loads) == ["events", "feedback", "orders", "tickets"]
    assert len({entry["pid"] for entry in loads}) == 1 and loads[0]["pid"] != os.getpid()
    store = output / "_staged"
    assert json.loads((store / "stage.json").read_text(encoding="utf-8"))["sources"][0]["status"] == "staged"
    # the store reached both notebooks as a parameter (a path: no secret)
    for name in ("ecommerce", "ecommerce--pilot-smart-routing"):
        nb = nbformat.read(output / MONTH / "_work" / f"{name}.ipynb", as_version=4)
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        assert f'staged_store = "{store}"' in injected.source
    # a second run: nothing changed, nothing parsed, every report skipped
    again = si.report.run(MONTH, params_dir=params, output=output, workers=1, progress=False)
    assert {r.status for r in again} == {"skipped"} and len(_loads(log)) == 4

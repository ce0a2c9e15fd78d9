"""The month's index page: every unit with its headline numbers, target colours and a
link, pilots under their unit, failed units as failed; self-contained."""

import json
import os
import re

import nbformat
import pandas as pd
import pytest
from report_workspace import demo_workspace

import svcinsight as si
from svcinsight.report.execute import accepts_parameter, find_notebook
from svcinsight.report.index import render_index
from svcinsight.report.results import UnitResult
from svcinsight.report.summary import read_summary

MONTH = "2026-10"

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    base = tmp_path_factory.mktemp("index")
    params = demo_workspace(base)
    (params / "ecommerce.yaml").write_text(
        "unit: ecommerce\nbusiness_unit: ecommerce\n"
        "goals:\n"
        "  - {name: Resolve almost everything, metric: resolution_rate, baseline: 0.5, target: 0.99,"
        " start: 2026-06, deadline: 2026-12-31}\n"
        "  - {name: CSAT up, metric: csat_mean, baseline: 3.0, target: 3.5, start: 2026-06,"
        " deadline: 2027-05-31}\n"
        "pilots:\n  - name: smart routing\n    start: 2026-06-01\n    metrics: [fcr_rate]\n    controls: all\n",
        encoding="utf-8")
    # no rows for this unit: its notebook fails in the validation cell
    (params / "retail.yaml").write_text("unit: retail\nbusiness_unit: retail\n", encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def results(workspace):
    nb = find_notebook()  # the committed notebook saves the summary the index reads
    return si.report.run(MONTH, params_dir=workspace / "params", output=workspace / "reports",
                         notebook=nb, workers=2, progress=False)


@pytest.fixture(scope="module")
def index(results, workspace):
    return (workspace / "reports" / MONTH / "index.html").read_text(encoding="utf-8")


def test_summary_is_written_by_the_notebook(results, workspace):
    assert {r.unit: r.status for r in results}["ecommerce"] == "ok"
    summary = read_summary(workspace / "reports" / MONTH / "_work" / "ecommerce.summary.json")
    numbers = {n["metric"]: n for n in summary["headline"]}
    assert summary["month"] == MONTH and numbers["tickets_created"]["value"] > 0
    assert numbers["resolution_rate"]["status"] in {"on track", "at risk", "off track", "no data"}
    assert {g["goal"] for g in summary["goals"]} == {"Resolve almost everything", "CSAT up"}


def test_ticket_exports_match_the_reported_numbers(results, workspace):
    out = workspace / "reports" / MONTH
    summary = read_summary(out / "_work" / "ecommerce.summary.json")
    numbers = {n["metric"]: n for n in summary["headline"]}
    table = pd.read_csv(out / "exports" / "ecommerce-tickets.csv")
    excel = pd.read_excel(out / "exports" / "ecommerce-tickets.xlsx")
    assert len(table) == len(excel) == numbers["tickets_created"]["value"]
    sla = table["first_response_sla"].value_counts()
    rate = sla.get("achieved", 0) / (sla.get("achieved", 0) + sla.get("breached", 0))
    assert rate == pytest.approx(numbers["first_response_sla_rate"]["value"])
    assert "comment" not in table.columns  # customer text stays out of the exports
    assert oct(os.stat(out / "ecommerce.html").st_mode & 0o044) != "0o0"  # readable by others


def test_index_lists_every_unit_with_numbers_and_links(index, workspace):
    summary = read_summary(workspace / "reports" / MONTH / "_work" / "ecommerce.summary.json")
    created = next(n for n in summary["headline"] if n["metric"] == "tickets_created")["value"]
    assert 'href="ecommerce.html"' in index and "Ecommerce" in index
    assert f">{created:,.0f}<" in index
    for label in ("Tickets created", "First response within SLA", "Resolution rate", "CSAT"):
        assert label in index
    assert re.search(r'<td class="num"[^>]*>\d+(\.\d)?%</td>', index)  # rates as percent
    assert "background:#" in index  # target status colour on the goal's metric
    # the pilot's report is linked under its unit
    assert 'href="ecommerce--pilot-smart-routing.html"' in index
    assert (workspace / "reports" / MONTH / "ecommerce--pilot-smart-routing.html").exists()


def test_failed_unit_is_listed_as_failed_with_its_error(index):
    row = next(r for r in index.split("<tr>") if "(retail)" in r)
    assert 'class="failed">failed<' in row and "retail" in row
    assert 'href="retail.html"' not in index


def test_index_opens_offline_and_run_json_matches(index, workspace):
    assert not re.search(r'(src|href)="(https?:)?//', index)
    assert "<script" not in index and "@import" not in index and "url(" not in index
    summary = json.loads((workspace / "reports" / MONTH / "run.json").read_text(encoding="utf-8"))
    assert {u["unit"] for u in summary["units"]} == {"ecommerce", "retail", "ecommerce--pilot-smart-routing"}


def test_errors_are_escaped(tmp_path):
    bad = UnitResult("shop", "failed", 1.0, error="<script>alert(1)</script> & <img src=x onerror=alert(2)>")
    page = render_index(MONTH, [bad], tmp_path)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_runner_passes_summary_path_only_to_notebooks_that_take_it(workspace, tmp_path):
    assert accepts_parameter(find_notebook(), "summary_path")  # the committed notebook writes a summary
    nb = nbformat.read(find_notebook(), as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = "\n".join(line for line in cell.source.splitlines() if "summary_path" not in line)
    older = tmp_path / "older.ipynb"
    nbformat.write(nb, older)
    assert not accepts_parameter(older, "summary_path")
    page = render_index(MONTH, [UnitResult("shop", "ok", 1.0, output=str(workspace / "shop.html"))], workspace)
    assert 'href="shop.html"' in page and "–" in page  # linked, numbers unknown


def test_one_html_exporter_per_thread_gives_a_fresh_exporters_pages(results, workspace):
    """The runner keeps its HTML exporter between reports (compiled templates): each
    page equals the one a new exporter renders, whatever was rendered before it."""
    from svcinsight.report import html_export as runner

    work = workspace / "reports" / MONTH / "_work"
    notebooks = sorted(work.glob("*.ipynb"))
    assert len(notebooks) >= 2
    kept = [runner.to_html(path) for path in notebooks + notebooks[:1]]
    for path, page in zip(notebooks + notebooks[:1], kept):
        del runner._EXPORTERS.html  # the next call makes a new one
        assert runner.to_html(path) == page, path.name
    assert kept[0] == kept[-1]

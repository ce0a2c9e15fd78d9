"""End to end, as users run it: demo data on disk, params files, papermill + nbconvert."""

import json
import re
from pathlib import Path

import pytest
from report_workspace import demo_workspace

import svcinsight as si
from svcinsight import cli

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2026-10"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Small demo data for two units, their params, and one unit whose params are broken."""
    base = tmp_path_factory.mktemp("run")
    params = demo_workspace(base, units=("ecommerce", "finance"))
    (params / "ecommerce.yaml").write_text(
        "unit: ecommerce\nbusiness_unit: ecommerce\n"
        "pilots:\n  - name: smart routing\n    start: 2026-06-01\n    metrics: [fcr_rate]\n    controls: all\n",
        encoding="utf-8")
    (params / "finance.yaml").write_text(
        "unit: finance\nbusiness_unit: finance\nlanguage: zh\ntitle: 金融服务\n", encoding="utf-8")
    # A unit whose params file is broken: reported, never executed.
    (params / "broken.yaml").write_text("unit: broken\nbusiness_unit: broken\ntimezon: UTC\n", encoding="utf-8")
    # A unit whose rows are not in the data: its notebook fails in the validation cell.
    (params / "retail.yaml").write_text("unit: retail\nbusiness_unit: retail\n", encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def results(workspace):
    return si.report.run(MONTH, params_dir=workspace / "params", output=workspace / "reports", workers=2)


def test_good_units_render_html_without_code(results, workspace):
    by_unit = {r.unit: r for r in results}
    assert by_unit["ecommerce"].status == "ok" and by_unit["finance"].status == "ok"
    html = Path(by_unit["ecommerce"].output).read_text(encoding="utf-8")
    assert "<h1>Ecommerce — 2026-10</h1>" in html  # no title in params: from the unit id
    assert "<title>Ecommerce — 2026-10</title>" in html and '<html lang="en">' in html
    assert "Data as of" in html and MONTH in html
    assert "Headline numbers" in html and "First response within SLA" in html
    assert "import svcinsight" not in html and "si.studies.unit_month" not in html  # no code cells
    assert "data:image/png;base64" in html  # charts embedded, no external files
    assert not re.search(r'(src|href)="(https?:)?//', html), "the report must open offline"
    assert "git revision" in html and "rendered at" in html and "svcinsight" in html  # the footer
    assert len(html.encode("utf-8")) < 5 * 1024 * 1024
    assert '<nav class="report-toc">' in html and 'href="#Headline-numbers"' in html
    assert "Process and bottlenecks" in html and "Evidence" in html  # bottleneck table rendered
    assert "Waiting in stage" in html and "Share of process time" in html  # waiting vs working
    assert "What customers say" in html and "Example (redacted)" in html
    assert not re.search(r"1[3-9]\d{9}", re.sub(r"data:image[^\"]+", "", html)), "a mobile number reached the report"
    zh = Path(by_unit["finance"].output).read_text(encoding="utf-8")
    assert "数据截至" in zh and "金融服务" in zh and "首次响应达标率" in zh
    assert '<html lang="zh">' in zh and "<title>金融服务 — 2026-10</title>" in zh
    assert "流程与瓶颈" in zh and "agent review" in zh  # finance's own review stage is in its process tables
    # the report's own words are Chinese too: changes, source names, the canonical priorities
    assert "个百分点" in zh and " pts<" not in zh
    assert "数据源：工单" in zh and "数据源：tickets" not in zh
    assert re.search(r"<td[^>]*>紧急</td>", zh) and re.search(r"<th[^>]*>紧急</th>", zh) and ">important<" not in zh


def test_pilot_tables_show_intervals_in_brackets(results):
    pilot = {r.unit: r for r in results}["ecommerce--pilot-smart-routing"]
    page = Path(pilot.output).read_text(encoding="utf-8")
    assert re.search(r"<td[^>]*>\[[-+]?[\d.]+[^<]*, [-+]?[\d.]+[^<]*\]</td>", page)


def test_a_pilot_running_in_the_month_gets_its_own_report_and_a_section(results):
    by_name = {r.unit: r for r in results}
    pilot = by_name["ecommerce--pilot-smart-routing"]
    assert pilot.status == "ok", pilot.error
    page = Path(pilot.output).read_text(encoding="utf-8")
    assert "smart routing" in page and "difference-in-differences" in page
    monthly = Path(by_name["ecommerce"].output).read_text(encoding="utf-8")
    assert 'id="Pilots"' in monthly and "First contact resolution" in monthly
    # finance (a zh report) has no pilot
    assert "本月没有进行中的试点" in Path(by_name["finance"].output).read_text(encoding="utf-8")


def test_failing_unit_is_reported_kept_for_debugging_and_not_published(results, workspace):
    failed = {r.unit: r for r in results}["retail"]
    assert failed.status == "failed"
    assert "retail" in failed.error
    assert failed.output is None
    assert not (workspace / "reports" / MONTH / "retail.html").exists()
    assert Path(failed.notebook).exists()


def test_run_summary_and_no_partial_files(results, workspace):
    out = workspace / "reports" / MONTH
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {u["unit"]: u["status"] for u in summary["units"]} == {
        "ecommerce": "ok", "finance": "ok", "retail": "failed", "broken": "failed",
        "ecommerce--pilot-smart-routing": "ok"}
    broken = next(u for u in summary["units"] if u["unit"] == "broken")
    assert "timezon: unknown key" in broken["error"] and not (out / "broken.html").exists()
    assert not list(out.glob(".*.tmp"))


def test_cli_run_exit_codes(workspace, capsys):
    params = str(workspace / "params")
    out = str(workspace / "cli-reports")
    assert cli.main(["run", "--month", MONTH, "--params-dir", params, "--output", out, "--units", "ecommerce"]) == 0
    assert (Path(out) / MONTH / "ecommerce.html").exists()
    assert cli.main(["run", "--month", MONTH, "--params-dir", params, "--output", out, "--units", "retail"]) == 1
    assert cli.main(["run", "--month", "October", "--params-dir", params, "--output", out]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert cli.main(["run", "--month", MONTH, "--params-dir", str(workspace / "nope")]) == 2


def test_cli_validate(workspace, capsys):
    params = workspace / "params"
    assert cli.main(["validate", str(params / "ecommerce.yaml")]) == 0
    assert "kept" in capsys.readouterr().out
    bad = params.parent / "bad.yaml"
    bad.write_text("unit: bad\nsources:\n  tickets: missing.csv\n  feedback: gone.csv\n"
                   "  orders: data/orders.csv\n", encoding="utf-8")
    misspelt = params.parent / "misspelt.yaml"
    misspelt.write_text("unit: x\nlanguag: en\nsources:\n  tickets: t.csv\n", encoding="utf-8")
    assert cli.main(["validate", str(bad), str(misspelt)]) == 1
    out = capsys.readouterr()
    # every problem at once: both missing sources, the good one checked, the other file too
    assert "missing.csv" in out.err and "gone.csv" in out.err and "languag: unknown key" in out.err
    assert "2 source problem(s)" in out.out and "orders" in out.out


def test_every_command_has_help(capsys):
    for command in (["--help"], ["run", "--help"], ["demo", "--help"], ["validate", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(command)
        assert exit_.value.code == 0
    assert "--month" in capsys.readouterr().out

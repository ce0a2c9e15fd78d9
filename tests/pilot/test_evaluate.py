"""Pilot definitions from params, several metrics with Holm, the notebook's prepare()."""

import math

import numpy as np
import pandas as pd
import pytest

import svcinsight as si
from svcinsight.pilot import PilotDefinition
from svcinsight.stats import adjust_pvalues
from svcinsight.unit import ParamsError

SMART_ROUTING = {
    "name": "smart routing", "unit": "ecommerce", "start": "2026-06-01",
    "change": "Contacts routed by intent and history to an agent with the right skills",
    "metrics": ["frt_median_h", "fcr_rate", "csat_mean", "reopen_rate"], "controls": "all",
}


def test_definition_validation_names_the_key():
    d = PilotDefinition.parse({**SMART_ROUTING, "pre": ["2026-03-02", "2026-05-31"], "post": "8W"})
    assert d.pre[0].isoformat() == "2026-03-02" and d.post == "8W" and d.correction == "holm"
    assert PilotDefinition.parse({**SMART_ROUTING, "controls": None}).resolved_design == "before_after"
    for bad, message in (({"contrls": "all"}, "contrls: unknown key"),
                         ({"metrics": ["tickets_created"]}, "count metric"),
                         ({"end": "2026-05-01"}, "before start"),
                         ({"correction": "magic"}, "method must be one of"),
                         ({"design": "diff_in_diff", "controls": None}, "needs controls"),
                         ({"controls": ["ecommerce"]}, "cannot also be a control")):
        with pytest.raises(ValueError, match=message):
            PilotDefinition.parse({**SMART_ROUTING, **bad})
    with pytest.raises(ValueError, match="start: required"):
        PilotDefinition.parse({k: v for k, v in SMART_ROUTING.items() if k != "start"})


def test_evaluate_adjusts_for_multiplicity_and_says_it(demo):
    table, results = si.pilot.evaluate(demo, SMART_ROUTING)
    assert table["metric"].tolist() == SMART_ROUTING["metrics"]
    assert (table["design"] == "diff_in_diff").all()
    expected = adjust_pvalues(table["pvalue"].to_numpy(), method="holm")
    np.testing.assert_allclose(table["p_adjusted"], expected)
    assert table["significant"].tolist() == (expected < 0.05).tolist()
    frt = table.set_index("metric").loc["frt_median_h"]
    assert bool(frt["improved"]) and "Holm-adjusted" in frt["verdict"] and "(4 metrics)" in frt["verdict"]
    assert all(r.pvalue_adjusted >= r.pvalue for r in results)
    evaluation = si.pilot.evaluate(demo, SMART_ROUTING, metrics=["fcr_rate"], language="zh")
    assert evaluation.table.loc[0, "p_adjusted"] == pytest.approx(evaluation.table.loc[0, "pvalue"])
    assert "首次解决率" in evaluation.table.loc[0, "verdict"]
    shown = evaluation.formatted()
    assert list(shown.columns)[:3] == ["指标", "设计", "效应"] and shown.loc[0, "结论"] == "改善"


def test_a_metric_that_cannot_be_evaluated_is_reported_not_fatal(demo):
    no_feedback = si.Dataset(tickets=demo.tickets)
    table, results = si.pilot.evaluate(no_feedback, {**SMART_ROUTING, "metrics": ["fcr_rate", "csat_mean"]})
    assert results[1] is None and math.isnan(table.loc[1, "pvalue"])
    assert "could not be evaluated" in table.loc[1, "verdict"]
    # the family for Holm is the metrics that have a p-value
    assert table.loc[0, "p_adjusted"] == pytest.approx(table.loc[0, "pvalue"])


def test_before_after_and_its_designs_from_the_definition(demo):
    ba, = si.pilot.evaluate(demo, {**SMART_ROUTING, "controls": None, "metrics": ["fcr_rate"]}).results
    its, = si.pilot.evaluate(demo, {**SMART_ROUTING, "design": "its", "metrics": ["frt_median_h"]}).results
    assert ba.design == "before_after" and its.design == "its" and its.estimate < 1


@pytest.fixture
def params_dir(tmp_path, demo):
    small = si.demo.generate(seed=4, tickets_per_month=60)
    si.demo.write(small, tmp_path / "data", format="csv")
    folder = tmp_path / "params"
    folder.mkdir()
    (folder / "_defaults.yaml").write_text(
        "sources:\n  tickets: ../data/tickets.csv\n  feedback: ../data/feedback.csv\n", encoding="utf-8")
    (folder / "ecommerce.yaml").write_text(
        "unit: ecommerce\nbusiness_unit: ecommerce\npilots:\n"
        "  - name: smart routing\n    start: 2026-06-01\n    metrics: [fcr_rate, csat_mean]\n"
        "    controls: [finance, manufacturing]\n"
        "  - name: new macros\n    start: 2026-09-01\n    metrics: [frt_median_h]\n", encoding="utf-8")
    return folder


def test_prepare_loads_once_and_checks_the_pilot(params_dir):
    study = si.studies.pilot_study(unit="ecommerce", pilot="smart routing", params_path=params_dir / "ecommerce.yaml")
    assert study.definition.unit == "ecommerce" and study.controls == ["finance", "manufacturing"]
    assert set(study.data.tickets["business_unit"].unique()) >= {"ecommerce", "finance"}  # not scoped
    assert len(study.evaluation.table) == 2
    assert study.windows().post.start == pd.Timestamp("2026-06-01", tz="Asia/Shanghai")
    assert si.pages.pilot.windows_table(study).data.iloc[0, -1] > 0
    second = si.studies.pilot_study(unit="ecommerce", pilot=1, params_path=params_dir / "ecommerce.yaml")
    assert second.definition.resolved_design == "before_after"


def test_prepare_errors_say_what_to_fix(params_dir):
    path = params_dir / "ecommerce.yaml"
    with pytest.raises(ParamsError, match="several pilots"):
        si.studies.pilot_study(unit="ecommerce", pilot=None, params_path=path)
    with pytest.raises(ParamsError, match="no pilot named 'routing'"):
        si.studies.pilot_study(unit="ecommerce", pilot="routing", params_path=path)
    with pytest.raises(ParamsError, match="notebook was started for 'finance'"):
        si.studies.pilot_study(unit="finance", pilot="smart routing", params_path=path)
    text = path.read_text(encoding="utf-8").replace("[finance, manufacturing]", "[finance, retail]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"unit\(s\) \['retail'\] have no tickets"):
        si.studies.pilot_study(unit="ecommerce", pilot="smart routing", params_path=path)
    (params_dir / "finance.yaml").write_text("unit: finance\nbusiness_unit: finance\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="no pilots"):
        si.studies.pilot_study(unit="finance", params_path=params_dir / "finance.yaml")

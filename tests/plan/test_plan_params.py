"""Plans written to params are pilots the pilot evaluation reads and evaluates as planned;
the ``plan:`` settings are strict."""


import pandas as pd
import pytest
import yaml

import svcinsight as si
from svcinsight.unit import ParamsError, load_params

UNIT_FILE = """\
# E-commerce: the unit's own settings (this comment must survive a write)
unit: ecommerce
business_unit: ecommerce
goals:
  - name: FCR 80% -> 90%
    metric: fcr_rate
    target: 0.90
    deadline: 2026-12-31
plan:
  window_months: 3
  opportunities:
    # what the team knows about the loops
    "rework: in progress": {effort: 2, owner: service lead}
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan_params")
    ds = si.demo.generate(seed=3, tickets_per_month=300)
    si.demo.write(ds, root / "data", format="csv")
    params = root / "params"
    params.mkdir()
    (params / "_defaults.yaml").write_text(
        "sources:\n  tickets: ../data/tickets.csv\n  events: ../data/events.csv\n"
        "  feedback: ../data/feedback.csv\nprocess:\n  resolution_stages: [resolved]\n"
        "benchmarks:\n  qc result pending: 4\n  in progress: 1\n  return approval: 2\n", encoding="utf-8")
    (params / "ecommerce.yaml").write_text(UNIT_FILE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def study(workspace):
    # planned at the end of June: the pilots run in the months the data still holds
    return si.studies.plan_study(unit="ecommerce", month="2026-06", params_path=workspace / "params" / "ecommerce.yaml")


def test_plans_written_to_params_are_evaluated_as_planned(workspace, study, tmp_path):
    params_path = tmp_path / "ecommerce.yaml"
    params_path.write_text(UNIT_FILE, encoding="utf-8")
    (tmp_path / "_defaults.yaml").write_text(
        (workspace / "params" / "_defaults.yaml").read_text(encoding="utf-8").replace("../data", str(workspace / "data")),
        encoding="utf-8")
    plans = list(study.pilots)
    assert plans, "the demo unit has pilots to propose"
    assert plans[0].start == pd.Timestamp("2026-07-06").date()  # the Monday after the data's end of June

    si.unit.write_pilot_plans(plans, params_path)
    text = params_path.read_text(encoding="utf-8")
    assert "this comment must survive a write" in text and "# what the team knows" in text
    params = load_params(params_path)
    assert [p.name for p in params.pilots] == [p.name for p in plans]
    assert params.plan.opportunities["rework: in progress"].owner == "service lead"
    data = None
    for plan in plans:
        record = params.plan.pilots[plan.name]
        assert record.primary_metric == plan.primary and record.n_per_window == plan.n_per_window
        assert record.weeks == plan.weeks and record.decision_rule == plan.decision_rule

        # the first pilot reads the sources as the notebook does; the others reuse them
        pilot = si.studies.pilot_study(unit="ecommerce", pilot=plan.name, params_path=params_path, data=data)
        data = pilot.data
        evaluation = pilot.evaluation
        table = evaluation.table
        assert table["metric"].tolist() == list(plan.metrics)
        assert set(table["design"]) == {plan.design}
        assert table["estimate"].notna().all(), table["verdict"].tolist()
        windows = evaluation.results[0].windows
        assert windows.post.first_day == plan.start.isoformat() and windows.post.weeks == plan.weeks
        assert windows.pre.weeks == plan.weeks


def test_writing_keeps_the_file_and_refuses_what_it_cannot_do_safely(study, tmp_path):
    plans = list(study.pilots)[:1]
    fresh = tmp_path / "new.yaml"
    si.unit.write_pilot_plans(plans, fresh)  # no file yet: one is made
    made = yaml.safe_load(fresh.read_text(encoding="utf-8"))
    assert made["unit"] == "ecommerce" and made["pilots"][0]["name"] == plans[0].name
    before = fresh.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="already in the file"):
        si.unit.write_pilot_plans(plans, fresh)
    assert fresh.read_text(encoding="utf-8") == before

    flow = tmp_path / "flow.yaml"
    flow.write_text("unit: ecommerce\npilots: [{name: other, start: 2026-01-05, metrics: [fcr_rate]}]\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="flow style"):
        si.unit.write_pilot_plans(plans, flow)

    listed = tmp_path / "listed.yaml"
    listed.write_text("unit: ecommerce\npilots:\n- name: other\n  start: 2026-01-05\n  metrics: [fcr_rate]\n"
                      "plan:\n  power: 0.9\n", encoding="utf-8")
    si.unit.write_pilot_plans(plans, listed)
    data = yaml.safe_load(listed.read_text(encoding="utf-8"))
    assert [p["name"] for p in data["pilots"]] == ["other", plans[0].name]
    assert data["plan"]["power"] == 0.9 and plans[0].name in data["plan"]["pilots"]


def test_plan_settings_are_strict(tmp_path):
    path = tmp_path / "unit.yaml"
    path.write_text("unit: shop\nsources:\n  tickets: t.csv\nplan:\n  windw_months: 2\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"plan\.windw_months: unknown key"):
        load_params(path)
    path.write_text("unit: shop\nsources:\n  tickets: t.csv\nplan:\n  opportunities:\n"
                    "    'stage: x': {effort: 9}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="effort"):
        load_params(path)


def test_effort_and_owner_reach_the_ranking(study):
    ranking = study.ranking.set_index("id")
    if "rework: in progress" in ranking.index:
        assert ranking.loc["rework: in progress", "effort"] == 2
        assert ranking.loc["rework: in progress", "owner"] == "service lead"
    with pytest.raises(ValueError, match="effort"):
        si.plan.rank(study.opportunities, settings={study.opportunities.ids[0]: {"effort": "huge"}})

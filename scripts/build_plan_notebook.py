"""Write notebooks/improvement_plan.ipynb: parameters, one validation call, then short
cells that call the library (run from the project folder)."""

import nbformat as nbf

nb = nbf.v4.new_notebook()
md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
note = lambda text: md(text, metadata={"tags": ["notebook-only"]})
cells = [
    note("# Improvement plan\n\nPapermill runs this notebook for one business unit and month with the "
         "parameters below. Cells tagged `notebook-only` (like this one) are left out of the rendered "
         "report. Every number comes from the library (`si.plan`): a cell here only calls it and shows "
         "the result."),
    code('unit = "ecommerce"\nmonth = "2026-10"\nparams_path = "../params/ecommerce.yaml"\nstaged_store = None',
         metadata={"tags": ["parameters"]}),
    note("One call validates the parameters and loads the unit's data once; the plan is computed "
         "when a cell first needs it, over the `plan.window_months` months ending with `month`."),
    code("import svcinsight as si\n\n"
         "study = si.plan.prepare(unit=unit, month=month, params_path=params_path, staged_store=staged_store)\n"
         "study.title()"),
    code('study.heading("intro")'),
    code('study.heading("opportunities")'),
    code("study.ranked_chart()"),
    code("study.ranked_table()"),
    code('study.heading("evidence")'),
    code("study.evidence_table()"),
    code('study.heading("segments")'),
    code("study.segment_table()"),
    code('study.heading("impact")'),
    code("study.impact_effort_chart()"),
    code('study.heading("targets")'),
    code("study.targets_table()"),
    code('study.heading("pilots")'),
    code("study.pilot_table()"),
    code("study.decision_rules()"),
    code('study.heading("params")'),
    code("study.pilot_yaml()"),
    note("To add the proposed pilots to the unit's params (where `pilot_evaluation.ipynb` will "
         "evaluate exactly these plans), run `si.plan.write_pilot_plans(study.pilots, params_path)`. "
         "The full objects are `study.opportunities` (with `.effects` and `.estimate(ids)`), "
         "`study.ranking` and `study.pilots`."),
    code('study.heading("about")'),
    code("study.provenance()"),
]
nb.cells = cells
nb.metadata["kernelspec"] = {"name": "svcinsight", "display_name": "Python (svcinsight)", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nbf.write(nb, "notebooks/improvement_plan.ipynb")

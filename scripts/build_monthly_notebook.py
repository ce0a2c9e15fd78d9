import nbformat as nbf
nb = nbf.v4.new_notebook()
md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
note = lambda text: md(text, metadata={"tags": ["notebook-only"]})
S = "si.report.sections"
cells = [
    note("# Monthly service report\n\nPapermill runs this notebook once per business unit with the "
         "parameters below; `svcinsight run` renders it to HTML without code. Cells tagged "
         "`notebook-only` (like this one) are left out of the HTML. Every number comes from the "
         "library: a cell here only calls it and shows the result."),
    code('unit = "ecommerce"\nmonth = "2026-10"\nparams_path = "../params/ecommerce.yaml"\nsummary_path = None\n'
         'staged_store = None',
         metadata={"tags": ["parameters"]}),
    note("One call validates the parameters and loads the unit's data once, with its quality ledgers."),
    code('import matplotlib.pyplot as plt\nimport svcinsight as si\n\n'
         'unit_report = si.report.prepare(unit=unit, month=month, params_path=params_path, '
         'staged_store=staged_store)\n'
         f'{S}.title(unit_report)'),
    code(f'{S}.heading(unit_report, "intro")'),
    code(f'{S}.heading(unit_report, "headline")'),
    code(f'{S}.headline_table(unit_report)'),
    code(f'{S}.heading(unit_report, "targets")'),
    code(f'{S}.scorecard(unit_report)'),
    code(f'{S}.heading(unit_report, "trends")'),
    code(f'{S}.trends(unit_report)'),
    code(f'{S}.heading(unit_report, "volume")'),
    code(f'{S}.volume_charts(unit_report)'),
    code(f'{S}.heading(unit_report, "breakdown")'),
    code(f'{S}.breakdown(unit_report, "channel")'),
    code(f'{S}.breakdown(unit_report, "category")'),
    code(f'{S}.breakdown(unit_report, "priority")'),
    code(f'{S}.heading(unit_report, "sla")'),
    code(f'{S}.sla_by_priority(unit_report)'),
    code(f'{S}.heading(unit_report, "pilots")'),
    code(f'{S}.pilot_summary(unit_report)'),
    code(f'{S}.heading(unit_report, "process")'),
    code(f'{S}.process_map(unit_report)'),
    code(f'{S}.bottleneck_table(unit_report)'),
    code(f'{S}.waiting_table(unit_report)'),
    code(f'{S}.handoff_table(unit_report)'),
    code(f'{S}.rework_table(unit_report)'),
    code(f'{S}.heading(unit_report, "feedback")'),
    code(f'{S}.top_issues(unit_report)'),
    code(f'{S}.heading(unit_report, "drivers")'),
    code(f'{S}.driver_chart(unit_report)'),
    code(f'{S}.heading(unit_report, "plan")'),
    code('si.plan.report.chart(unit_report)'),
    code('si.plan.report.summary(unit_report)'),
    code(f'{S}.heading(unit_report, "mix")'),
    code(f'{S}.mix(unit_report, rows="category", cols="channel")'),
    code(f'{S}.heading(unit_report, "quality")'),
    code(f'{S}.quality(unit_report)'),
    code(f'{S}.quality_issues(unit_report)'),
    code(f'{S}.heading(unit_report, "glossary")'),
    code(f'{S}.glossary(unit_report)'),
    code(f'{S}.heading(unit_report, "about")'),
    code(f'{S}.scope(unit_report)'),
    code(f'{S}.provenance(unit_report)'),
    note("For the run's index page and for analysts: the headline numbers this notebook computed and the "
         "month's tickets with their computed fields, saved when the runner asks."),
    code('from pathlib import Path\n\nfrom svcinsight.report.exports import write_exports\n'
         'from svcinsight.report.summary import write_summary\n\n'
         'if summary_path:\n    write_summary(unit_report, summary_path)\n'
         '    write_exports(unit_report, Path(summary_path).parents[1] / "exports")',
         metadata={"tags": ["notebook-only"]}),
]
nb.cells = cells
nb.metadata["kernelspec"] = {"name": "svcinsight", "display_name": "Python (svcinsight)", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nbf.write(nb, "notebooks/monthly_report.ipynb")

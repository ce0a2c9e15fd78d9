"""Write notebooks/pilot_evaluation.ipynb: parameters, one validation call, then short
cells that call the library (run from the project folder)."""

import nbformat as nbf

nb = nbf.v4.new_notebook()
md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
note = lambda text: md(text, metadata={"tags": ["notebook-only"]})
cells = [
    note("# Pilot evaluation\n\nPapermill runs this notebook for one pilot of one business unit, "
         "defined under `pilots:` in the unit's params file. Cells tagged `notebook-only` (like "
         "this one) are left out of the rendered report. Every number comes from the library: "
         "a cell here only calls it and shows the result."),
    code('unit = "ecommerce"\npilot = "smart routing"\nparams_path = "../params/ecommerce.yaml"\n'
         'staged_store = None',
         metadata={"tags": ["parameters"]}),
    note("One call validates the parameters, reads the pilot's definition and loads every "
         "source once (with the control units), checking that the pilot's units are in the data."),
    code("import matplotlib.pyplot as plt\nimport svcinsight as si\n\n"
         "study = si.pilot.prepare(unit=unit, pilot=pilot, params_path=params_path, staged_store=staged_store)\n"
         "study.title()"),
    code('study.heading("change")'),
    code("study.describe()"),
    code('study.heading("windows")'),
    code("study.windows_table()"),
    code('study.heading("results")'),
    code("study.results_table()"),
    code('study.heading("verdicts")'),
    code("study.verdicts()"),
    code('study.heading("warnings")'),
    code("study.warnings_table()"),
    code('study.heading("chart")'),
    code("study.chart()\nplt.show()"),
    note("The full result objects are in `study.evaluation.results`: each displays as a "
         "table and has `.summary()`, `.to_frame()` and `.tables` with the supporting "
         "tables (cell means, stratified comparisons)."),
    code('study.heading("about")'),
    code("study.provenance()"),
]
nb.cells = cells
nb.metadata["kernelspec"] = {"name": "svcinsight", "display_name": "Python (svcinsight)", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nbf.write(nb, "notebooks/pilot_evaluation.ipynb")

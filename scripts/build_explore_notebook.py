"""Builds notebooks/explore_real_data.ipynb (committed without outputs)."""

import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
nb = nbf.v4.new_notebook()
nb.cells = [
    md("# svcinsight on real data\n\nThe library's API on the three public files in `../shared/data` (see its "
       "README for sources and licences): a NYC 311 export, the 4TU help-desk event log and ChnSentiCorp hotel "
       "reviews. Each cell is one call into the library."),
    code('data_dir = "../../shared/data"', metadata={"tags": ["parameters"]}),
    code("from pathlib import Path\n\nimport pandas as pd\nimport svcinsight as si\n\n"
         "data = si.io.require_folder(data_dir, [\"nyc311_2022-05-01_sample.csv\", \"helpdesk_event_log.csv\",\n"
         "                                       \"chnsenticorp_hotel_reviews.csv\"])"),
    md("## A ticket export: NYC 311\n\nUS date format, New York time; almost half the requests are still open and "
       "stay in the data as open tickets."),
    code('fmt = "%m/%d/%Y %I:%M:%S %p"\n'
         'tickets, ledger = si.io.read_tickets(\n'
         '    data / "nyc311_2022-05-01_sample.csv",\n'
         '    columns={"ticket_id": "Unique Key", "created_at": "Created Date", "resolved_at": "Closed Date",\n'
         '             "business_unit": "Agency", "category": "Complaint Type", "channel": "Open Data Channel Type"},\n'
         '    formats={"created_at": fmt, "resolved_at": fmt},\n'
         '    values={"channel": {"ONLINE": "web", "MOBILE": "app", "PHONE": "phone", "UNKNOWN": "unknown"}},\n'
         '    timezone="America/New_York",\n)\nledger'),
    code('metrics = si.metrics.compute(tickets, by="business_unit",\n'
         '                             metrics=["tickets_created", "resolution_rate", "resolution_median_h",\n'
         '                                      "resolution_km_median_h", "backlog_open"])\n'
         'metrics.pivot(index="business_unit", columns="metric", values="value")'),
    md("## An event log: the 4TU help desk\n\nTime in stage, rework and bottlenecks; then a tickets table derived "
       "from the log, so the service metrics work on it too."),
    code('events, ledger = si.io.read_events(\n'
         '    data / "helpdesk_event_log.csv",\n'
         '    columns={"ticket_id": "case:concept:name", "stage": "concept:name", "entered_at": "time:timestamp",\n'
         '             "agent_id": "org:resource"},\n'
         '    timezone="Europe/Rome",\n)\n'
         'si.process.stage_stats(events, terminal_stages=["Closed"])'),
    code('si.process.rework(events).head()'),
    code('si.process.bottlenecks(events, {"Take in charge ticket": 48, "Wait": 72}, by="agent_id",\n'
         '                       resolution_stages=["Resolve ticket"], terminal_stages=["Closed"])'
         '[["rank", "stage", "median_hours", "evidence"]].head()'),
    code('si.process.process_map(events, terminal_stages=["Closed"]);'),
    code('derived = si.process.derive_tickets(events, first_response_stages=["Take in charge ticket"],\n'
         '                                    resolution_stages=["Resolve ticket"], closed_stages=["Closed"])\n'
         'si.metrics.compute(derived, freq="Y", metrics=["tickets_created", "frt_median_h", "resolution_median_h",\n'
         '                                                "reopen_rate"]).pivot(index="period", columns="metric", values="value")'),
    md("## Customer comments: ChnSentiCorp hotel reviews\n\nSentiment without a score, tags from the default "
       "taxonomy, and redaction of the phone numbers and e-mail addresses some reviews carry."),
    code('reviews, ledger = si.io.read_feedback(data / "chnsenticorp_hotel_reviews.csv", columns={"comment": "review"},\n'
         '                                     extra_columns=("label",))\n'
         'reviews["sentiment"] = si.feedback.sentiment(reviews["comment"])\n'
         'pd.crosstab(reviews["label"], reviews["sentiment"] >= 0.5, rownames=["label"], colnames=["positive score"])'),
    code('si.feedback.tag_summary(si.feedback.tag(reviews)).head(10)'),
    code('masked = si.privacy.redact(reviews["comment"].dropna())\n'
         'masked.str.extract(r"(.{0,20}\\[(?:phone|email)\\].{0,10})")[0].dropna().head()'),
]
nb.metadata["kernelspec"] = {"name": "svcinsight", "display_name": "Python (svcinsight)", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nbf.write(nb, "notebooks/explore_real_data.ipynb")

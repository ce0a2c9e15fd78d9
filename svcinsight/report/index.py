"""The month's index page, ``<output>/<month>/index.html``: every unit with its headline
numbers coloured by the status of its targets, a link to its report and to its pilots'
reports; failed units listed as failed with their error. Self-contained: inline CSS, no
scripts, fonts or images from the network.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from svcinsight.files import write_atomically
from svcinsight.pages.headline import format_value
from svcinsight.report.summary import INDEX_METRICS, read_summary

STATUS_COLOURS = {"on track": "#d4edda", "at risk": "#fff3cd", "off track": "#f8d7da", "no data": "#e2e3e5"}

_LABELS = {"tickets_created": "Tickets created", "first_response_sla_rate": "First response within SLA",
           "resolution_rate": "Resolution rate", "csat_mean": "CSAT"}

_CSS = """
body{font-family:-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem auto;
max-width:72rem;color:#212529;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.meta{color:#6c757d;margin-top:0}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #dee2e6;padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:#f8f9fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.status{display:inline-block;border-radius:.25rem;padding:0 .35rem;font-size:.85em}
.failed{color:#842029;font-weight:600}.skipped{color:#6c757d}
.error{font-family:monospace;white-space:pre-wrap;font-size:.85em;color:#842029}
ul.pilots{margin:.3rem 0 0 1rem;padding:0}.goals{font-size:.85em;margin-top:.3rem}
.legend span{margin-right:.6rem}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _badge(status: str | None) -> str:
    if not status:
        return ""
    colour = STATUS_COLOURS.get(status, "#e2e3e5")
    return f'<span class="status" style="background:{colour}">{_e(status)}</span>'


def _cells(summary: dict | None) -> str:
    numbers = {n["metric"]: n for n in (summary or {}).get("headline", [])}
    cells = []
    for metric in INDEX_METRICS:
        n = numbers.get(metric)
        if n is None:
            cells.append('<td class="num">–</td>')
            continue
        value = format_value(float("nan") if n.get("value") is None else n["value"], n.get("kind", "count"))
        colour = STATUS_COLOURS.get(n.get("status") or "")
        style = f' style="background:{colour}" title="target: {_e(n["status"])}"' if colour else ""
        cells.append(f'<td class="num"{style}>{_e(value)}</td>')
    return "".join(cells)


def render_index(month: str, results: list, out_dir: str | Path, *, generated: datetime | None = None) -> str:
    """The index page's HTML for ``results`` (the run's :class:`UnitResult` list)."""
    out_dir = Path(out_dir)
    units = [r for r in results if not getattr(r, "parent", None)]
    pilots: dict[str, list] = {}
    for r in results:
        if getattr(r, "parent", None):
            pilots.setdefault(r.parent, []).append(r)
    head = "".join(f"<th>{_e(_LABELS[m])}</th>" for m in INDEX_METRICS)
    rows = []
    for r in units:
        published = r.status in ("ok", "skipped") and r.output
        summary = read_summary(out_dir / "_work" / f"{r.unit}.summary.json") if published else None
        title = (summary or {}).get("title") or r.unit
        if published:
            name = f'<a href="{_e(Path(r.output).name)}">{_e(title)}</a>'
            state = f'<span class="{_e(r.status)}">{_e(r.status)}</span>'
            goals = "".join(f"<div>{_badge(g['status'])} {_e(g['goal'])}</div>"
                            for g in (summary or {}).get("goals", []))
            extra = f'<div class="goals">{goals}</div>' if goals else ""
            cells = _cells(summary)
        else:
            name = _e(title)
            state = '<span class="failed">failed</span>'
            extra = f'<div class="error">{_e(r.error)}</div>'
            cells = f'<td colspan="{len(INDEX_METRICS)}"></td>'
        items = []
        for p in pilots.pop(r.unit, []):
            if p.unit.endswith("--plan"):
                kind, label = "improvement plan", ""
            else:
                kind, label = "pilot", p.unit.split("--pilot-", 1)[-1].replace("-", " ")
            if p.status in ("ok", "skipped") and p.output:
                items.append(f'<li>{kind}: <a href="{_e(Path(p.output).name)}">{_e(label or "report")}</a></li>')
            else:
                items.append(f'<li>{kind} {_e(label)}: <span class="failed">failed</span> '
                             f'<span class="error">{_e(p.error)}</span></li>')
        pilot_list = f'<ul class="pilots">{"".join(items)}</ul>' if items else ""
        rows.append(f"<tr><td>{name} <small>({_e(r.unit)})</small>{pilot_list}{extra}</td>"
                    f"<td>{state}</td>{cells}</tr>")
    for orphans in pilots.values():  # pilots whose unit was not in this run
        for p in orphans:
            link = (f'<a href="{_e(Path(p.output).name)}">{_e(p.unit)}</a>' if p.status in ("ok", "skipped")
                    and p.output else f'{_e(p.unit)} <div class="error">{_e(p.error)}</div>')
            state = "failed" if p.status == "failed" else p.status
            rows.append(f'<tr><td>{link}</td><td><span class="{_e(state)}">{_e(state)}</span></td>'
                        f'<td colspan="{len(INDEX_METRICS)}"></td></tr>')
    failed = sum(r.status == "failed" for r in results)
    when = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M %Z").strip()
    legend = "".join(f'<span>{_badge(s)}</span>' for s in STATUS_COLOURS)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Service reports — {_e(month)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Service reports — {_e(month)}</h1>"
        f"<p class=\"meta\">{len(units)} unit(s), {failed} failed report(s); generated {_e(when)}.</p>"
        f"<p class=\"legend\">Target status: {legend}</p>"
        f"<table><thead><tr><th>Unit</th><th>Status</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</body></html>\n"
    )


def write_index(month: str, results: list, out_dir: str | Path) -> Path:
    """Write the index page atomically; returns its path."""
    path = Path(out_dir) / "index.html"
    write_atomically(path, render_index(month, results, out_dir))
    return path

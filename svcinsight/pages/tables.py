"""The one way a table reaches a page: every cell, index value, header and caption
escaped as HTML, whatever the data holds.

Sections build a plain DataFrame of display strings and numbers and hand it to
:func:`table`; none of them calls ``DataFrame.style`` or ``to_html`` itself, so a stage
named ``<img onerror=...>`` or a comment with markup reaches the reader as text.
:func:`html_block` joins headings and rendered tables into one HTML display, escaping
every piece of text it is given.

Examples
--------
>>> import pandas as pd
>>> page = table(pd.DataFrame({"<b>stage</b>": ["<script>x</script>"]})).to_html()
>>> "<script>" in page, "&lt;script&gt;" in page, "&lt;b&gt;stage&lt;/b&gt;" in page
(False, True, True)
>>> note("No feedback text this month.").to_html().count("No feedback text")
1
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler


def table(frame: pd.DataFrame, *, index: bool = False, header: bool = True, caption: str | None = None,
          left: Iterable[str] = (), colours: Mapping[str, Iterable[str]] | None = None,
          precision: int | None = None, thousands: str | None = None) -> Styler:
    """``frame`` as a stakeholder reads it, escaped.

    Parameters
    ----------
    index, header : bool
        Show the row labels (off by default: a reader has no use for 0, 1, 2) and the
        column headers.
    caption : str, optional
        A sentence under the table's title line (escaped).
    left : columns
        Columns of sentences, aligned left.
    colours : mapping, optional
        ``{column: background colour per row}`` (CSS colour names or ``#rrggbb``).
    precision, thousands : optional
        How numbers are shown (pandas' Styler defaults otherwise).
    """
    style = frame.style.format(escape="html", precision=precision, thousands=thousands)
    style = style.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if not index:
        style = style.hide(axis="index")
    if not header:
        style = style.hide(axis="columns")
    if caption is not None:
        style = style.set_caption(html.escape(caption))
    left = [c for c in left if c in frame.columns]
    if left:
        style = style.set_properties(subset=left, **{"text-align": "left"})
    for column, shades in (colours or {}).items():
        shades = list(shades)
        style = style.apply(lambda col, s=shades: [f"background-color: {c}" for c in s], subset=[column])
    return style


def note(text: str) -> Styler:
    """A one-cell table holding a sentence (what a section shows when it has nothing)."""
    return table(pd.DataFrame({"": [text]}))


def html_block(*parts: str | Styler | tuple[str, str]) -> HTML:
    """One HTML display from headings and tables: a ``("h3", text)`` pair is an escaped
    heading, ``("li", text)`` an escaped list item (consecutive items form one list), a
    Styler is rendered as it is (escaped by :func:`table`), and a plain string is an
    escaped paragraph."""
    out, items = [], []
    for part in (*parts, None):
        if isinstance(part, tuple) and part[0] == "li":
            items.append(f"<li>{part[1]}</li>" if isinstance(part[1], _Markup) else f"<li>{html.escape(part[1])}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if part is None:
            break
        if isinstance(part, Styler):
            out.append(part.to_html())
        elif isinstance(part, tuple):
            tag, text = part
            out.append(f"<{tag}>{html.escape(text)}</{tag}>")
        else:
            out.append(f"<p>{html.escape(part)}</p>")
    return HTML("".join(out))


class _Markup(str):
    """Text already escaped by :func:`bold_lead` (a list item with a bold lead-in)."""


def bold_lead(lead: str, text: str) -> _Markup:
    """``<strong>lead</strong>: text``, both escaped, for a list item of :func:`html_block`."""
    return _Markup(f"<strong>{html.escape(lead)}</strong>: {html.escape(text)}")


def escaped(text: str) -> str:
    """``text`` escaped for HTML (the one escaping function pages use)."""
    return html.escape(text)

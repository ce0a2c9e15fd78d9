"""What every page has, written once: its title with the data's as-of line, section
headings with their short explanation, and the table of parameters and software
versions it was made with (provenance).

>>> title("Ecommerce — 2026-10", "Data as of 2026-10-31 23:50 CST").data
'<h1>Ecommerce — 2026-10</h1><p><em>Data as of 2026-10-31 23:50 CST</em></p>'
>>> heading({"intro": {"en": ("Why", "A <short> note.")}}, "intro", "en").data
'## Why\\n\\nA &lt;short&gt; note.'
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from svcinsight._version import software_versions
from svcinsight.pages.tables import escaped, table

#: Packages whose versions a page lists, by page.
PACKAGES = {
    "monthly": ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "papermill", "nbconvert"),
    "pilot": ("pandas", "numpy", "scipy", "statsmodels", "matplotlib"),
    "plan": ("pandas", "numpy", "scipy", "statsmodels", "matplotlib"),
}


def title(heading: str, line: str) -> HTML:
    """The page's heading and, under it, the line saying what data it reads (escaped)."""
    return HTML(f"<h1>{escaped(heading)}</h1><p><em>{escaped(line)}</em></p>")


def as_of_text(stamp: pd.Timestamp) -> str:
    """The data's as-of time as every page writes it."""
    return stamp.strftime("%Y-%m-%d %H:%M %Z")


def heading(texts: dict, key: str, language: str) -> Markdown:
    """A section's heading and short explanation from a page's ``texts`` table
    (``{key: {language: (title, intro)}}``), escaped."""
    title_text, intro = texts[key][language]
    parts = ([f"## {escaped(title_text)}"] if title_text else []) + ([escaped(intro)] if intro else [])
    return Markdown("\n\n".join(parts))


def git_revision() -> str:
    """The project checkout's revision, marked when files differ from it."""
    root = Path(__file__).resolve().parents[2]
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "(not a git checkout)"
    return f"{rev} (with local changes)" if dirty else rev


def provenance(rows: list[tuple[str, object]], page: str, *, columns=("item", "value"),
               translate=None) -> Styler:
    """The page's parameters (``rows`` of item and value), then the versions of the
    packages it was made with; ``translate`` names each item in the page's language."""
    rows = [*rows, *software_versions(PACKAGES[page])]
    if translate is not None:
        rows = [(translate(item), value) for item, value in rows]
    return table(pd.DataFrame(rows, columns=list(columns)))

"""An executed notebook as a stakeholder's page: self-contained HTML without code, with
the page's title from its heading and a table of contents of its sections."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor


def to_html(notebook_path: Path) -> str:
    """Render an executed notebook to self-contained HTML with no code cells."""
    nb = nbformat.read(notebook_path, as_version=4)
    body, _ = _html_exporter().from_notebook_node(nb)
    return add_contents(with_page_title(body))


_EXPORTERS = threading.local()


def _html_exporter():
    """This thread's HTML exporter, made once: a new one compiles its Jinja templates
    again (about 0.1 s per report); nbconvert exporters convert one notebook after
    another, keeping nothing of the last but the compiled templates."""
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        exporter = HTMLExporter(
            template_name="svcinsight_report",
            extra_template_basedirs=[str(Path(__file__).parent / "templates")],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        # notes for the notebook's own readers stay out of the stakeholders' report
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"notebook-only"}), enabled=True)
        _EXPORTERS.html = exporter
    return exporter


_TITLE = re.compile(r"<title>.*?</title>", re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def with_page_title(page: str) -> str:
    """The page's ``<title>`` (the browser tab, bookmarks) and ``lang`` from its report:
    the first heading's text, and ``zh`` when that heading is Chinese.

    >>> with_page_title('<html lang="en"><head><title>Notebook</title></head><body><h1>金融服务 — 2026-10<a>¶</a></h1>')
    '<html lang="zh"><head><title>金融服务 — 2026-10</title></head><body><h1>金融服务 — 2026-10<a>¶</a></h1>'
    """
    heading = _H1.search(page)
    if not heading:
        return page
    text = re.sub(r"<a\b[^>]*>.*?</a>|<[^>]+>", "", heading.group(1), flags=re.S).strip()
    if not text:
        return page
    page = _TITLE.sub(lambda _: f"<title>{text}</title>", page, count=1)  # text is already HTML-escaped
    if re.search(r"[\u4e00-\u9fff]", text):
        page = page.replace('<html lang="en">', '<html lang="zh">', 1)
    return page


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h2>', re.S)


def add_contents(page: str) -> str:
    """Insert a table of contents of the report's sections after its first heading."""
    sections = _HEADING.findall(page)
    if not sections:
        return page
    items = "".join(f'<li><a href="#{anchor}">{title.strip()}</a></li>' for anchor, title in sections)
    nav = f'<nav class="report-toc"><ol>{items}</ol></nav>'
    first = page.find("</h1>")
    if first == -1:
        return page
    end = page.find("</p>", first)  # after the "data as of" line that follows the title
    cut = end + len("</p>") if end != -1 and end - first < 400 else first + len("</h1>")
    return page[:cut] + nav + page[cut:]

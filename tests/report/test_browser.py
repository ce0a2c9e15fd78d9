"""The rendered reports in a real browser: Debian's headless Chromium, driven by Playwright,
opens every report of a month and the index from disk with the network blocked.

Chromium comes from the project's set-up (``make test`` runs ``make browser``, which installs
Debian's ``chromium`` package as root); Playwright's own browser downloads are never used.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from report_workspace import demo_workspace

import svcinsight as si

MONTH = "2026-10"
CHROMIUM = Path("/usr/bin/chromium")
# As the machines note has them: without the background-networking flags Chromium keeps
# trying Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# The first table-of-contents entry each report must have, as the anchor in its href.
FIRST_HEADING = {
    "ecommerce.html": "#Headline-numbers",
    "finance.html": "#核心指标",  # language: zh
    "ecommerce--pilot-smart-routing.html": "#What-changed",
}

pytestmark = pytest.mark.slow


def _need_chromium():
    if CHROMIUM.exists():
        return
    reason = (f"{CHROMIUM} is missing: install Debian's chromium as root "
              "(`make browser`, or `apt-get install chromium`)")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root is how CI runs `make test`, whose set-up installs it: never skip silently there
        pytest.fail(reason + "; make test should have installed it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory):
    """Reports for ecommerce (with a pilot, so a pilot report too) and finance (in Chinese)."""
    _need_chromium()
    base = tmp_path_factory.mktemp("browser")
    params = demo_workspace(base, units=("ecommerce", "finance"))
    (params / "ecommerce.yaml").write_text(
        "unit: ecommerce\nbusiness_unit: ecommerce\n"
        "pilots:\n  - name: smart routing\n    start: 2026-06-01\n    metrics: [fcr_rate]\n    controls: all\n",
        encoding="utf-8")
    (params / "finance.yaml").write_text(
        "unit: finance\nbusiness_unit: finance\nlanguage: zh\ntitle: 金融服务\n", encoding="utf-8")
    results = si.report.run(MONTH, params_dir=params, output=base / "reports", workers=2, progress=False)
    assert all(r.status == "ok" for r in results), [(r.unit, r.error) for r in results if r.status != "ok"]
    return base / "reports" / MONTH


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _allowed(url: str) -> bool:
    """Only the page's own files on disk, and images embedded in it."""
    if url.startswith("data:"):
        return True
    parsed = urlparse(url)
    return parsed.scheme == "file" and Path(unquote(parsed.path)).is_file()


def _open(browser, path: Path, shots: Path) -> dict:
    """Load ``path`` from disk with every non-file request aborted; what the browser saw."""
    seen = {"blocked": [], "failed": [], "requests": [], "console": [], "page_errors": []}
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            seen["blocked"].append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: seen["requests"].append(req.url))
    page.on("requestfailed", lambda req: seen["failed"].append(f"{req.url[:100]}: {req.failure}"))

    def console(msg):
        if msg.type == "error":
            seen["console"].append(f"{msg.text} @ {msg.location}")

    page.on("console", console)
    page.on("pageerror", lambda exc: seen["page_errors"].append(str(exc)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    seen["images"] = page.evaluate(
        "() => Array.from(document.images, i => ({src: i.currentSrc.slice(0, 60), complete: i.complete,"
        " width: i.naturalWidth}))")
    # every table-of-contents link, and the heading the browser scrolls to when it is followed
    # (zh ids are percent-encoded text; the browser's own fragment matching is what counts)
    seen["toc"] = page.evaluate(
        """() => Array.from(document.querySelectorAll('nav.report-toc a'), a => {
               location.hash = a.hash;
               const target = document.querySelector(':target');
               return {href: decodeURIComponent(a.hash), text: a.textContent.trim(),
                       target: target ? target.textContent.replace('¶', '').trim() : null};
           })""")
    page.evaluate("() => history.replaceState(null, '', location.pathname)")
    seen["links"] = page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    shot = shots / (path.stem + ".png")
    page.screenshot(path=str(shot), full_page=True)
    seen["screenshot"] = shot
    context.close()
    return seen


def _assert_clean(seen: dict, name: str):
    assert not seen["blocked"], f"{name} asked for the network: {seen['blocked']}"
    assert not seen["failed"], f"{name} has failed requests: {seen['failed']}"
    bad = [u[:100] for u in seen["requests"] if not _allowed(u)]
    assert not bad, f"{name} requested something not on disk: {bad}"
    assert not seen["console"], f"{name} logged console errors: {seen['console']}"
    assert not seen["page_errors"], f"{name} raised in the page: {seen['page_errors']}"
    broken = [i for i in seen["images"] if not (i["complete"] and i["width"] > 0)]
    assert not broken, f"{name} has images that did not load: {broken}"
    png = seen["screenshot"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, f"{name}: no real screenshot"


def test_every_report_opens_offline_with_toc_and_images(month_dir, browser, tmp_path):
    reports = sorted(p for p in month_dir.glob("*.html") if p.name != "index.html")
    assert {p.name for p in reports} == set(FIRST_HEADING)
    for path in reports:
        seen = _open(browser, path, tmp_path)
        _assert_clean(seen, path.name)
        toc = seen["toc"]
        assert len(toc) >= 5, f"{path.name}: table of contents too short: {toc}"
        assert toc[0]["href"] == FIRST_HEADING[path.name], toc
        wrong = [t for t in toc if t["target"] != t["text"]]
        assert not wrong, f"{path.name}: TOC links that do not reach their heading: {wrong}"
        assert seen["images"], f"{path.name} has no charts"


def test_index_opens_offline_and_links_every_report(month_dir, browser, tmp_path):
    seen = _open(browser, month_dir / "index.html", tmp_path)
    _assert_clean(seen, "index.html")
    linked = {Path(unquote(urlparse(u).path)).name for u in seen["links"] if u.startswith("file:")}
    assert set(FIRST_HEADING) <= linked, linked
    assert all(_allowed(u) for u in seen["links"] if u.startswith("file:")), seen["links"]


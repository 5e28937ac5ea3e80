"""The published book in real Chromium: every page of the table of contents, offline.

Every request to another host is blocked and counted; failed local requests,
uncaught errors and console errors fail the test, and axe-core must find no serious or
critical accessibility violation. The charts' checks (fit, marks, text, dark mode,
controls) are in test_browser_charts.py, the explorers' in test_browser_explorers.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, toc_pages
from helpers.site import block_other_hosts, wait_for_charts

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]


class Visit:
    """Open one page with the network cut off and record what happened."""

    def __init__(self, browser, base, path, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.failed, self.errors = [], []
        self.external = block_other_hosts(self.page, base)
        local = base + "/"
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url) if r.url.startswith(local) else None)
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.goto(f"{base}/{path}", wait_until="load")
        self.expected_charts = wait_for_charts(self.page)
        self.page.wait_for_timeout(300)

    def close(self):
        self.context.close()


@pytest.fixture(scope="module", params=PAGES)
def visit(request, browser, book_server):
    """Each page loaded once for both checks below (the offline check reads what the load recorded)."""
    v = Visit(browser, book_server, request.param)
    yield v
    v.close()


def test_page_is_clean_offline(visit):
    assert visit.external == [], f"requests to other hosts: {visit.external}"
    assert visit.failed == [], f"failed local requests: {visit.failed}"
    assert visit.errors == [], f"errors: {visit.errors}"


def test_no_serious_accessibility_violations(visit):
    visit.page.add_script_tag(path=str(AXE))
    result = visit.page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                           .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    assert result == [], result


def test_icons_draw_from_the_local_icon_font(browser, book_server):
    """The theme's 1.5 MB fontawesome.js is not loaded; the CSS web font draws the icons."""
    v = Visit(browser, book_server, "intro.html")
    try:
        family = v.page.evaluate("""() => getComputedStyle(
            document.querySelector('.fa-magnifying-glass'), '::before').fontFamily""")
        assert "Font Awesome" in family
        v.page.wait_for_load_state("networkidle")
        loaded = v.page.evaluate("""() => document.fonts.check('900 16px "Font Awesome 6 Free"', '\\uf002')""")
        assert loaded, "the Font Awesome web font did not load"
        assert v.failed == [] and v.external == []
    finally:
        v.close()


def test_search_works_offline(browser, book_server):
    v = Visit(browser, book_server, "search.html?q=Shanghai")
    try:
        v.page.wait_for_selector("#search-results ul li", timeout=15000)
        assert v.page.locator("#search-results ul li").count() >= 1
        assert v.external == [] and v.errors == []
    finally:
        v.close()

"""The source reader and the evidence markers in real Chromium, offline.

The reader pages are in the table of contents, so tests/test_browser.py already runs its
checks on them (no external request, no console error, no serious axe violation). Here:
they read at 390 px without horizontal overflow, and from an evidence marker a student
sees the quote on focus or hover and reaches the highlighted passage in one click.
"""
from __future__ import annotations

import pytest

from conftest import toc_pages
from test_browser import Visit

pytestmark = pytest.mark.browser
READER_PAGES = [p for p in toc_pages() if p.startswith("appendix/sources")]
#: A page with an evidence marker (the data appendix's example).
MARKER_PAGE = "appendix/data.html"


@pytest.mark.parametrize("path", READER_PAGES)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_reader_page_fits_a_phone(browser, book_server, path, theme):
    v = Visit(browser, book_server, path, width=390, height=844)
    try:
        v.page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        width = v.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{path} overflows horizontally at 390 px: {width}"
        wide = v.page.evaluate("""() => [...document.querySelectorAll('article.bd-article *')]
            .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert wide == [], f"{path}: content wider than the phone's screen (scrolls inside its box): {wide}"
        small = v.page.evaluate("""() => [...document.querySelectorAll('.reader-passage, .reader-passage *')]
            .filter(e => e.offsetParent && parseFloat(getComputedStyle(e).fontSize) < 11).length""")
        assert small == 0, f"{small} elements with text under 11 px"
        assert v.external == [] and v.errors == [] and v.failed == []
    finally:
        v.close()


def test_marker_shows_the_quote_and_reaches_the_passage_in_one_click(browser, book_server):
    v = Visit(browser, book_server, MARKER_PAGE, width=390, height=844)
    try:
        page = v.page
        link = page.locator(".evidence-ref").first
        ref = link.get_attribute("data-evidence")
        tip = page.locator(f"#{link.get_attribute('aria-describedby')}")
        assert not tip.is_visible()
        link.focus()  # keyboard
        assert tip.is_visible() and "\u201c" in tip.inner_text()
        box = tip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"the tooltip leaves the screen: {box}"
        page.keyboard.press("Escape")
        assert not tip.is_visible(), "Escape must close the tooltip"
        page.mouse.move(0, 0)
        link.hover()  # pointer
        assert tip.is_visible()
        link.click()  # one click to the passage
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/appendix/sources/fragile2019.html#{ref}")
        anchor = page.locator(f"[id='{ref}']")
        assert anchor.count() == 1
        current = page.locator("mark.reader-current")  # the row's quote, outlined
        assert current.count() == 1 and ref in current.get_attribute("data-rows").split()
        top = page.evaluate(f"document.getElementById('{ref}').getBoundingClientRect().top")
        assert 0 <= top < 844, f"the passage is not on screen after the click (top {top})"
        assert v.external == [] and v.errors == [] and v.failed == []
    finally:
        v.close()


def test_source_note_links_to_its_other_passage(browser, book_server):
    v = Visit(browser, book_server, "appendix/sources/flocking2022.html")
    try:
        compare = v.page.locator("a.reader-compare").first
        href = compare.get_attribute("href")
        compare.click()
        v.page.wait_for_load_state("load")
        target = href.split("#")[1]
        assert v.page.locator("mark.reader-current").count() == 1, f"#{target} outlines no quote"
        assert v.errors == [] and v.external == []
    finally:
        v.close()

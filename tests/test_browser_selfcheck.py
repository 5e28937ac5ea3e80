"""Studying from the published page in real Chromium, offline: every chapter's self-check
answered with the mouse and with the keyboard only, at a phone's and a laptop's width;
an evidence marker tapped on a phone; search snippets with words separated.

Screenshots of what was checked go to ``_build/screenshots/selfcheck/``.
"""
from __future__ import annotations

import re

import pytest

#: A marker naming a data row (E12, G14 ...), not a whole seed or a note: it shows a quote and links its passage.
ROW_MARKER = re.compile(r"^[A-Z]\d+$")

from conftest import ROOT
from helpers.site import SCREENSHOTS, block_other_hosts, new_reader, wait_for_charts
from sinorussia import selfcheck
from test_browser import AXE, Visit
from test_selfcheck import chapter_checks

pytestmark = pytest.mark.browser
CHECKS = {f"chapters/{Path_name.removesuffix('.ipynb')}.html": qid for qid, Path_name in chapter_checks().items()}
WIDTHS = {390: 844, 1280: 900}
SHOTS = SCREENSHOTS / "selfcheck"
TAP_PAGE = "chapters/03_dedollarization.html"
#: Words run together in a snippet: "ChinaLehrer", "2018E16", "[N13“In" (an id glued to a quote).
GLUED = re.compile(r"[a-z][A-Z][a-z]|\d[A-Z]\d|\b[A-Z]\d+\u201c")


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def why(question_id: str, letter: str) -> str:
    """The explanation of one option as the page shows it (rows read "row F21")."""
    return words(selfcheck.plain(selfcheck.get(question_id).option(letter).why))


def wrong_letter(question_id: str) -> str:
    sc = selfcheck.get(question_id)
    return next(letter for letter in sc.letters() if letter != sc.answer)


def open_check(browser, base, path, width):
    v = Visit(browser, base, path, width=width, height=WIDTHS[width])
    qid = CHECKS[path]
    root = v.page.locator(f"#selfcheck-{qid}")
    v.page.wait_for_selector(f"#selfcheck-{qid}[data-live]", timeout=10000)
    root.scroll_into_view_if_needed()
    return v, qid, root


def assert_fits(page, root, width):
    overflow = root.evaluate("""(el, w) => [...el.querySelectorAll('*')].filter(e => e.getClientRects().length
        && e.getBoundingClientRect().right > w + 1).map(e => e.className).slice(0, 3)""", width)
    assert overflow == [], f"the self-check is wider than the screen: {overflow}"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", list(CHECKS))
def test_self_check_with_the_mouse(browser, book_server, path, width):
    v, qid, root = open_check(browser, book_server, path, width)
    try:
        key, feedback = root.locator(".sr-selfcheck-key"), root.locator(".sr-selfcheck-feedback")
        text = words(root.inner_text())
        assert "Replace None" not in text and "Answer:" not in text, "the answer shows before the student chooses"
        assert not key.is_visible() and feedback.inner_text() == ""
        wrong, right = wrong_letter(qid), selfcheck.get(qid).answer
        root.locator(f'.sr-selfcheck-choice[data-option="{wrong}"]').click()
        said = words(feedback.inner_text())
        assert said.startswith(f"Not quite. ({wrong})") and why(qid, wrong) in said, said
        assert not key.is_visible(), "a wrong choice does not reveal the key"
        root.locator(f'.sr-selfcheck-choice[data-option="{right}"]').click()
        said = words(feedback.inner_text())
        assert said.startswith(f"Right. ({right})") and why(qid, right) in said, said
        if width == 390:
            root.screenshot(path=str(SHOTS / f"{qid}-{width}-right.png"))
        root.locator(".sr-selfcheck-reveal").click()
        assert key.is_visible() and f"Answer: ({right})" in key.inner_text()
        assert key.locator("li").count() == len(selfcheck.get(qid).options)
        root.locator(".sr-selfcheck-retry").click()
        assert feedback.inner_text() == "" and not key.is_visible()
        assert_fits(v.page, root, width)
        assert v.external == [] and v.errors == [] and v.failed == []
    finally:
        v.close()


def tab_to(page, selector: str, limit: int = 800) -> int:
    """Press Tab until the focused element matches ``selector``; return how many presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", list(CHECKS))
def test_self_check_with_the_keyboard_only(browser, book_server, path, width):
    v, qid, root = open_check(browser, book_server, path, width)
    page = v.page
    try:
        page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
        feedback = root.locator(".sr-selfcheck-feedback")
        wrong, right = wrong_letter(qid), selfcheck.get(qid).answer
        tab_to(page, f'#selfcheck-{qid} .sr-selfcheck-choice[data-option="{wrong}"]')
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
        assert float(outline.removesuffix("px")) >= 2, f"no visible focus on the option ({outline})"
        page.keyboard.press("Enter")
        said = words(feedback.inner_text())
        assert said.startswith(f"Not quite. ({wrong})") and why(qid, wrong) in said, said
        # the right option: Shift+Tab or Tab from the wrong one, then Space
        order = selfcheck.get(qid).letters()
        step = "Tab" if order.index(right) > order.index(wrong) else "Shift+Tab"
        for _ in range(abs(order.index(right) - order.index(wrong))):
            page.keyboard.press(step)
        assert page.evaluate("document.activeElement.dataset.option") == right
        page.keyboard.press("Space")
        said = words(feedback.inner_text())
        assert said.startswith(f"Right. ({right})") and why(qid, right) in said, said
        tab_to(page, f"#selfcheck-{qid} .sr-selfcheck-reveal", limit=10)
        page.keyboard.press("Enter")
        assert root.locator(".sr-selfcheck-key").is_visible()
        assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
        assert v.external == [] and v.errors == [] and v.failed == []
    finally:
        v.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_self_check_passes_axe_after_answering(browser, book_server, mode):
    """WCAG 2.x A/AA (contrast included) on an answered, revealed self-check, light and dark."""
    path = "chapters/07_synthesis.html"
    qid = CHECKS[path]
    context = new_reader(browser, {"width": 390, "height": 844}, mode)
    page = context.new_page()
    try:
        block_other_hosts(page, book_server)
        page.goto(f"{book_server}/{path}", wait_until="load")
        wait_for_charts(page)
        root = page.locator(f"#selfcheck-{qid}[data-live]")
        root.locator(f'.sr-selfcheck-choice[data-option="{wrong_letter(qid)}"]').click()
        root.locator(".sr-selfcheck-reveal").click()
        root.screenshot(path=str(SHOTS / f"{qid}-390-{mode}-revealed.png"))
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async (sel) => {
            const r = await axe.run({include: [sel]}, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""", f"#selfcheck-{qid}")
        assert found == [], found
    finally:
        context.close()


# ------------------------------------------------------------------ evidence markers on a phone

def tap_reader(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    block_other_hosts(page, base)
    page.goto(f"{base}/{TAP_PAGE}", wait_until="load")
    wait_for_charts(page)
    return context, page


def test_a_tap_on_a_marker_shows_the_quote_and_its_link_goes_to_the_passage(browser, book_server):
    context, page = tap_reader(browser, book_server)
    try:
        ref = page.locator("p .evidence-ref").filter(has_text=ROW_MARKER).first  # a row's marker (a quote to show)
        row = ref.get_attribute("data-evidence")
        tip = page.locator(f"#{ref.get_attribute('aria-describedby')}")
        ref.tap()
        page.wait_for_timeout(300)
        assert page.url.endswith(TAP_PAGE), f"the first tap left the page for {page.url}"
        assert tip.is_visible() and "\u201c" in tip.inner_text()
        box = tip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"the popup leaves the screen: {box}"
        page.screenshot(path=str(SHOTS / "marker-tap-390.png"))
        page.locator("article p:visible").first.tap(position={"x": 1, "y": 1})  # a tap elsewhere closes it
        page.wait_for_timeout(200)
        assert not tip.is_visible()
        ref.tap()
        tip.locator(".evidence-passage").tap()
        page.wait_for_url(re.compile(rf"/appendix/sources/\w+\.html#{row}$"), timeout=5000)
    finally:
        context.close()


def test_a_second_tap_on_the_marker_goes_to_the_passage(browser, book_server):
    context, page = tap_reader(browser, book_server)
    try:
        ref = page.locator("p .evidence-ref").filter(has_text=ROW_MARKER).first  # a row's marker (a quote to show)
        row = ref.get_attribute("data-evidence")
        ref.tap()
        page.wait_for_timeout(200)
        assert page.url.endswith(TAP_PAGE)
        ref.tap()
        page.wait_for_url(re.compile(rf"/appendix/sources/\w+\.html#{row}$"), timeout=5000)
    finally:
        context.close()


# ------------------------------------------------------------------ search snippets

@pytest.mark.parametrize("query", ["Vostok", "swap"])
def test_search_snippets_show_words_separated(browser, book_server, query):
    v = Visit(browser, book_server, f"search.html?q={query}", width=390, height=844)
    page = v.page
    try:
        page.wait_for_selector("#search-results li p.context", timeout=15000)
        page.wait_for_function("""() => { const items = document.querySelectorAll('#search-results li');
            return items.length && [...items].every(li => li.querySelector('p.context')); }""", timeout=15000)
        snippets = [words(t) for t in page.locator("#search-results li p.context").all_inner_texts()]
        assert snippets
        glued = [(GLUED.search(s).group(0), s[:160]) for s in snippets if GLUED.search(s)]
        assert glued == [], f"words run together: {glued}"
        assert not any("Read the passage" in s or "Answer: (" in s for s in snippets), "hidden text in a snippet"
        assert sum(query.lower() in s.lower() for s in snippets) >= 1
        page.screenshot(path=str(SHOTS / f"search-{query}-390.png"), full_page=True)
        assert v.external == [] and v.errors == []
    finally:
        v.close()


@pytest.fixture(scope="module", autouse=True)
def _shots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert ROOT.is_dir()

"""The book's charts as readers see them, in real Chromium at a phone's, a tablet's and a
laptop's width, offline.

Each check measures what is drawn, not what is declared: every chart fits its column
(no clipping, no sideways scrolling), every rect, symbol, arc and area mark has a
non-zero size and lies inside its chart, no text is smaller than 11 px, every chart has
its text alternative, and the page logs no error. The checks themselves are shown to
fail on a chart made too wide and on a bar made zero wide (``test_checks_catch_...``).
"""
from __future__ import annotations

import pytest

from conftest import toc_pages
from helpers.site import CHART_FIGURE, VIEWPORTS, block_other_hosts, new_reader, wait_for_charts

pytestmark = pytest.mark.browser
CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]
WIDTHS = sorted(v["width"] for v in VIEWPORTS.values())
FONT_MIN = 11
#: Sub-pixel tolerance of layout measurements.
SLACK = 1.0

#: Per chart: its layout, how far it sticks out of its column and of its figure, the
#: ancestors that scroll sideways, marks of zero size or outside the chart, text below
#: FONT_MIN and its text alternative.
MEASURE_JS = """([fontMin, slack]) => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const colRect = column.getBoundingClientRect();
  return [...document.querySelectorAll('figure.sinorussia-chart')].map((fig, i) => {
    const svg = fig.querySelector('svg.marks');
    const box = svg.getBoundingClientRect();
    const scale = box.width / (svg.width.baseVal.value || box.width || 1);
    const scrolling = [];
    for (let el = fig; el && el !== column; el = el.parentElement) {
      if (el.scrollWidth > el.clientWidth + slack) scrolling.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
    }
    const empty = [], outside = [];
    svg.querySelectorAll('g.mark-rect > path, g.mark-symbol > path, g.mark-arc > path, g.mark-area > path').forEach(p => {
      const r = p.getBoundingClientRect();
      const role = p.parentElement.getAttribute('class');
      if (r.width <= 0 || r.height <= 0) empty.push(role + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
      if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack || r.bottom > box.bottom + slack)
        outside.push(role);
    });
    svg.querySelectorAll('text').forEach(t => {
      const r = t.getBoundingClientRect();
      if (t.textContent.trim() && (r.left < box.left - slack || r.right > box.right + slack)) outside.push('text "' + t.textContent.slice(0, 30) + '"');
    });
    const small = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => [t.textContent.slice(0, 30), parseFloat(getComputedStyle(t).fontSize) * scale])
      .filter(([, size]) => size < fontMin - 0.01);
    return {index: i, layout: fig.dataset.layout, width: Math.round(box.width),
            overColumn: Math.round(Math.max(box.right, fig.getBoundingClientRect().left + fig.scrollWidth) - colRect.right),
            overFigure: Math.round(Math.max(box.width, fig.scrollWidth) - fig.clientWidth),
            scrolling, empty, outside, small, label: fig.getAttribute('aria-label') || '',
            svgLabel: fig.querySelector('.sinorussia-chart-view').getAttribute('aria-label') || ''};
  });
}"""


def measure(page) -> list[dict]:
    """What each chart on the page draws (see MEASURE_JS)."""
    return page.evaluate(MEASURE_JS, [FONT_MIN, SLACK])


def problems(charts: list[dict]) -> list[str]:
    """Every way the measured charts fail a reader; empty when they all read well."""
    found = []
    for c in charts:
        name = f"chart {c['index'] + 1} ({c['layout']}, {c['width']} px)"
        if c["overColumn"] > SLACK or c["overFigure"] > SLACK:
            found.append(f"{name} is wider than its column by {max(c['overColumn'], c['overFigure'])} px")
        if c["scrolling"]:
            found.append(f"{name} scrolls sideways in {c['scrolling']}")
        if c["empty"]:
            found.append(f"{name} has {len(c['empty'])} marks of zero size: {c['empty'][:3]}")
        if c["outside"]:
            found.append(f"{name} has {len(c['outside'])} marks outside the chart: {c['outside'][:3]}")
        if c["small"]:
            found.append(f"{name} has text under {FONT_MIN} px: {c['small'][:3]}")
        if len(c["label"]) < 40 or len(c["svgLabel"]) < 40:
            found.append(f"{name} has no text alternative")
    return found


class Reader:
    """One page opened offline at one width and colour mode, with its errors recorded."""

    def __init__(self, browser, base, path, width, mode="light"):
        self.context = new_reader(browser, {"width": width, "height": 900}, mode)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external = block_other_hosts(self.page, base)
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.goto(f"{base}/{path}", wait_until="load")
        self.charts = wait_for_charts(self.page)
        self.page.wait_for_timeout(200)

    def close(self):
        self.context.close()


@pytest.fixture
def reader(request, browser, book_server):
    path, width = request.param
    r = Reader(browser, book_server, path, width)
    yield r
    r.close()


@pytest.mark.parametrize("reader", [(p, w) for p in CHAPTERS for w in WIDTHS], indirect=True,
                         ids=[f"{p.split('/')[-1]}-{w}" for p in CHAPTERS for w in WIDTHS])
def test_every_chart_fits_draws_and_reads(reader):
    assert reader.charts >= 1, "a chapter without a chart"
    charts = measure(reader.page)
    assert len(charts) == reader.charts
    assert problems(charts) == []
    assert reader.errors == [] and reader.external == [], (reader.errors, reader.external)


def test_phones_get_the_narrow_layout_and_laptops_the_wide(browser, book_server):
    for width, layout in ((390, "narrow"), (1280, "wide")):
        r = Reader(browser, book_server, CHAPTERS[0], width)
        try:
            assert {c["layout"] for c in measure(r.page)} == {layout}
        finally:
            r.close()


@pytest.mark.parametrize("path", CHAPTERS)
def test_charts_follow_dark_mode(browser, book_server, path):
    """Axis labels, titles and legends turn light on the dark theme, live and on load."""
    def text_luminance(page):
        return page.evaluate("""() => [...document.querySelectorAll('figure.sinorussia-chart svg.marks')]
            .map(svg => [...svg.querySelectorAll('g.role-axis-label text, g.role-title-text text, g.role-legend-label text')]
            .map(t => { const [r, g, b] = getComputedStyle(t).fill.match(/\\d+/g).map(Number);
                        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; }))""")
    light = Reader(browser, book_server, path, 768, "light")
    try:
        assert all(max(l) < 0.35 for l in text_luminance(light.page)), "light mode: text is not dark"
        light.page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
        light.page.wait_for_timeout(300)
        assert all(min(l) > 0.6 for l in text_luminance(light.page)), "switching to dark mode left dark text"
    finally:
        light.close()
    dark = Reader(browser, book_server, path, 390, "dark")
    try:
        assert all(min(l) > 0.6 for l in text_luminance(dark.page)), "a page opened in dark mode has dark chart text"
        assert problems(measure(dark.page)) == [] and dark.errors == []
    finally:
        dark.close()


def _marks_signature(page):
    return page.evaluate("""() => [...document.querySelectorAll('figure.sinorussia-chart svg.marks')].map(s =>
        s.querySelectorAll('path, rect, text, line').length + ':' + [...s.querySelectorAll('path')]
        .map(p => (p.getAttribute('opacity') || p.getAttribute('fill-opacity') || '') + (p.getAttribute('d') || '').length).join(','))""")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", CHAPTERS)
def test_static_control_changes_the_chart(browser, book_server, path, width):
    r = Reader(browser, book_server, path, width)
    try:
        page = r.page
        before = _marks_signature(page)
        selects = page.locator(".vega-bindings select")
        ranges = page.locator(".vega-bindings input[type=range]")
        radios = page.locator(".vega-bindings input[type=radio]")
        if selects.count():
            options = selects.first.locator("option").all_text_contents()
            selects.first.select_option(index=len(options) - 1)
        elif ranges.count():
            ranges.first.fill(ranges.first.get_attribute("max"))
            ranges.first.dispatch_event("input")
            ranges.first.dispatch_event("change")
        elif radios.count():
            radios.last.check()
        else:  # a click selection: click the first mark
            page.locator("figure.sinorussia-chart svg.marks path[aria-roledescription]").first.click(force=True)
        page.wait_for_timeout(400)
        assert _marks_signature(page) != before, f"operating the control on {path} did not change any chart"
        assert problems(measure(page)) == []
    finally:
        r.close()


@pytest.mark.parametrize("path", ["chapters/01_history.html", "chapters/04_central_asia.html"])
def test_a_tapped_mark_links_to_its_rows_passage(browser, book_server, path):
    """Hovering shows the row's data and id; a click or tap pins a link to the passage."""
    r = Reader(browser, book_server, path, 390)
    try:
        mark = r.page.locator("figure.sinorussia-chart svg.marks g.mark-symbol path, "
                              "figure.sinorussia-chart svg.marks g.mark-rect path").first
        mark.hover(force=True)
        tip = r.page.locator(".sinorussia-tooltip")
        tip.wait_for(state="visible", timeout=3000)
        assert "Row" in tip.inner_text()
        mark.click(force=True)
        link = tip.locator("a")
        link.wait_for(state="visible", timeout=3000)
        href = link.get_attribute("href")
        assert href.startswith("../appendix/sources/") and "#" in href, href
        r.page.keyboard.press("Escape")
        assert tip.is_hidden()
    finally:
        r.close()


def test_checks_catch_a_too_wide_chart_and_a_zero_width_bar(browser, book_server):
    """Break experiment kept as a test: widen one chart past its column and flatten one
    bar; the measurements must report both."""
    r = Reader(browser, book_server, "chapters/01_history.html", 390)
    try:
        assert problems(measure(r.page)) == []
        r.page.evaluate("""() => {
            const svgs = document.querySelectorAll('figure.sinorussia-chart svg.marks');
            svgs[0].setAttribute('width', '900');
            const bar = svgs[1].querySelector('g.mark-rect > path');
            bar.setAttribute('d', 'M0,0h0v30h0Z');
        }""")
        found = "\n".join(problems(measure(r.page)))
        assert "chart 1" in found and "wider than its column" in found, found
        assert "chart 2" in found and "marks of zero size" in found, found
    finally:
        r.close()

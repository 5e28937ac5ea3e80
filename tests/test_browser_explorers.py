"""The static explorers in real Chromium, offline, at a laptop and a phone width.

On each chapter page every explorer control is operated and the output the page
shows is compared with what the package computes for the same values: the chapter's
explorer is rebuilt from the notebook's own code cells (run in a plain IPython shell)
and its ``filtered()`` (or the converter's ``output_html()``) gives the expected
output. Other hosts are blocked; no request may leave, fail or log an error.
"""
from __future__ import annotations

import contextlib
import os

import nbformat
import pytest

from conftest import ROOT, toc_pages
from helpers.site import EXPLORER, VIEWPORTS, block_other_hosts, wait_for_charts

pytestmark = pytest.mark.browser
CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]
#: options tried per control: all of them up to this many, else a spread of them
MAX_OPTIONS = 5


@contextlib.contextmanager
def _cwd(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def package_explorers(page: str) -> list:
    """The explorers a chapter displays, rebuilt by running its code cells up to each
    cell whose stored output is a static explorer (in the order the page shows them)."""
    from IPython.core.interactiveshell import InteractiveShell

    notebook = ROOT / page.replace(".html", ".ipynb")
    nb = nbformat.read(notebook, as_version=4)
    shell = InteractiveShell.instance()
    shell.reset(new_session=False)
    found = []
    with _cwd(notebook.parent), contextlib.redirect_stdout(open(os.devnull, "w")):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            shows_explorer = any(EXPLORER.strip(".") in str(o.get("data", {}).get("text/html", ""))
                                 for o in cell.get("outputs", []))
            result = shell.run_cell(cell.source, store_history=False)
            result.raise_error()
            if shows_explorer:
                found.append(result.result)
    return found


@pytest.fixture(scope="module")
def explorers_by_page():
    return {}


class Visit:
    """One page at one width with other hosts blocked; records failures and errors."""

    def __init__(self, browser, base, path, viewport):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.external = block_other_hosts(self.page, base)
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(f"{base}/{path}", wait_until="load")
        wait_for_charts(self.page)


def _spread(n: int) -> list[int]:
    """Option positions to try: all of them, or first, last and three between."""
    if n <= MAX_OPTIONS:
        return list(range(n))
    return sorted({0, n - 1, n // 4, n // 2, (3 * n) // 4})


def _shown_rows(root) -> list[int]:
    return root.evaluate("r => [...r.querySelectorAll('tr[data-k]')].filter(tr => !tr.hidden).map(tr => +tr.dataset.k)")


def _check_table_explorer(root, explorer):
    """Operate every control; after each change the page shows filtered()'s rows."""
    selects = root.locator("select[data-control]")
    assert selects.count() == len(explorer.controls)
    for c, control in enumerate(explorer.controls):  # start where the page starts
        control.value = [v for _, v in control._options_full][selects.nth(c).evaluate("s => s.selectedIndex")]
    assert _shown_rows(root) == [int(k) for k in explorer.filtered().index], "the starting state differs"
    checked = 0
    for c, control in enumerate(explorer.controls):
        values = [v for _, v in control._options_full]
        for i in _spread(len(values)):
            selects.nth(c).select_option(index=i)
            control.value = values[i]
            expected = [int(k) for k in explorer.filtered().index]
            assert _shown_rows(root) == expected, (control.description, values[i])
            count = root.locator(".sr-explorer-count strong").inner_text()
            assert count == str(len(expected))
            assert root.locator(".sr-explorer-empty").is_visible() == (not expected)
            checked += 1
    return checked


def _check_converter(root, converter):
    selects = root.locator("select[data-control]")
    assert selects.count() == 2
    amounts, rates = converter.amount_options(), converter.rate_options()
    checked = 0
    for i in _spread(len(amounts)):
        for j in _spread(len(rates)):
            selects.nth(0).select_option(index=i)
            selects.nth(1).select_option(index=j)
            converter.amount.value, converter.rate.value = amounts[i], rates[j]
            shown = root.locator(".sr-explorer-output").evaluate("e => e.innerHTML")
            assert shown == converter.output_html(), (amounts[i], rates[j])
            checked += 1
    return checked


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", CHAPTERS)
def test_every_explorer_control_shows_the_state_the_package_computes(browser, book_server, explorers_by_page,
                                                                      path, device):
    if path not in explorers_by_page:
        explorers_by_page[path] = package_explorers(path)
    expected = explorers_by_page[path]
    v = Visit(browser, book_server, path, VIEWPORTS[device])
    try:
        roots = v.page.locator(EXPLORER)
        assert roots.count() == len(expected) >= 1, "the page shows a different number of explorers"
        width = VIEWPORTS[device]["width"]
        for n, explorer in enumerate(expected):
            root = roots.nth(n)
            root.scroll_into_view_if_needed()
            assert root.get_attribute("data-explorer") == type(explorer).__name__
            assert root.locator(".sr-explorer-book-note").is_visible(), "the book's note is hidden"
            assert not root.locator(".sr-explorer-saved-note").is_visible(), "the saved-output note shows"
            assert root.locator("select:disabled").count() == 0, "a control is still disabled"
            box = root.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"explorer overflows the {width} px page"
            for select in root.locator("select").all():
                b = select.bounding_box()
                assert b["x"] + b["width"] <= width + 0.5 and b["height"] >= 24, "a control does not fit or is too small"
            if hasattr(explorer, "filtered"):
                checked = _check_table_explorer(root, explorer)
            else:
                checked = _check_converter(root, explorer)
            assert checked >= 2
        v.page.wait_for_timeout(100)
        assert v.external == [], f"requests to other hosts: {v.external}"
        assert v.problems == [], v.problems
        assert not [u for u in v.requests if "embed-amd" in u or "require" in u], "a widget manager was loaded"
    finally:
        v.context.close()


@pytest.mark.parametrize("path", CHAPTERS[:1])
def test_row_ids_link_to_their_passages(browser, book_server, path):
    v = Visit(browser, book_server, path, VIEWPORTS["phone"])
    try:
        link = v.page.locator(f"{EXPLORER} tr:not([hidden]) a.row-link").first
        href, text = link.get_attribute("href"), link.inner_text()
        assert href.endswith(f".html#{text}") and "appendix/sources/" in href
        assert link.is_visible()
    finally:
        v.context.close()

"""A real client: JupyterLab started like `make lab` (127.0.0.1, a token), one chapter opened
in Chromium and run top to bottom, as a student would, with every other host blocked."""
from __future__ import annotations

import json

import pytest

from helpers.lab import ROOT, jupyterlab, open_notebook, run_all_cells
from sinorussia import facts

pytestmark = pytest.mark.browser
CHAPTER = "chapters/02_energy.ipynb"


def _cells_calling(prefix: str) -> int:
    cells = json.loads((ROOT / CHAPTER).read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).lstrip().startswith(prefix))


@pytest.fixture(scope="module")
def lab_page(browser):
    with jupyterlab() as lab:
        page, foreign = open_notebook(browser, lab, CHAPTER)
        run_all_cells(page)
        page.wait_for_timeout(2000)
        yield page, foreign
        page.context.close()


def test_every_cell_runs_without_error(lab_page):
    page, _ = lab_page
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]


def test_prose_reads_like_the_book(lab_page):
    """MyST renders: exercises as boxes, solutions collapsed, facts filled in by the kernel."""
    page, _ = lab_page
    assert page.locator(".myst aside.myst-exercise").count() >= 4
    opened = page.evaluate("() => [...document.querySelectorAll('.myst details')].filter(d => d.open).length")
    assert opened == 0, "solutions must start collapsed"
    text = page.evaluate("() => [...document.querySelectorAll('.myst')].map(e => e.innerText).join('\\n')")
    assert "{eval}" not in text and "facts." not in text, "facts were not filled in"
    assert f"{facts.facts.energy_deal_value} billion" in text


def test_charts_draw_offline(lab_page):
    page, _ = lab_page
    charts = _cells_calling("charts.")
    drawn = page.evaluate("""() => [...document.querySelectorAll('.jp-CodeCell')]
        .filter(c => c.querySelector('.cm-content') && c.querySelector('.cm-content').innerText.trim().startsWith('charts.'))
        .filter(c => c.querySelector('.jp-OutputArea-output svg, .jp-OutputArea-output img, .jp-OutputArea-output canvas')).length""")
    assert charts and drawn == charts, f"{drawn} of {charts} charts drawn in JupyterLab"


def test_explorer_is_live(lab_page):
    page, _ = lab_page
    select = page.locator(".jp-OutputArea-output .widget-dropdown select").first
    output = select.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')]")
    before = output.inner_text()
    options = select.locator("option").all_inner_texts()
    assert len(options) > 1
    select.select_option(index=len(options) - 1)
    page.wait_for_timeout(1500)
    assert output.inner_text() != before, "changing the explorer's control changed nothing"


def test_nothing_left_127_0_0_1(lab_page):
    _, foreign = lab_page
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"

"""A real client: JupyterLab started like `make lab` (127.0.0.1, a token, the chapters rendered
into _build/lab as the book reads them), every chapter opened in Chromium as a student would,
with every other host blocked.

One server serves all chapters. Each chapter is checked *as it opens*, before any cell runs:
no bare evidence id list, no raw citation key, no placeholder instead of a number, every
solution collapsed, exercises numbered as in the book, every marker showing a quote and its
source, and every chart drawn with working controls. One chapter is then run top to bottom
(no error, numbers still right, explorer live, charts still drawn)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.lab import (
    ROOT, chart_controls_change_charts, chart_tooltip, jupyterlab, notebook_state, open_notebook, run_all_cells,
    wait_rendered,
)
from sinorussia import facts

pytestmark = pytest.mark.browser
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
RUN_CHAPTER = "02_energy"
SHOTS = ROOT / "_build" / "screenshots" / "jupyterlab"
BIBKEYS = re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M)
#: a marker's ids shown as bare text: "E12,F05,E30", "G53, R16" (finding 11 of the 2026-12 walk-through)
BARE_IDS = re.compile(r"\b[A-Z]{1,2}\d{2,3}\s*,\s*[A-Z]{1,2}\d{2,3}\b")
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
PLACEHOLDER = re.compile(r"facts\.[a-z][a-z0-9_]*")


def _source(chapter: str) -> str:
    cells = json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _exercises(chapter: str) -> int:
    return len(re.findall(r"^[`:]{3,}\{exercise(?:-start)?\}", _source(chapter), re.M))


def _solutions(chapter: str) -> int:
    return len(re.findall(r"^[`:]{3,}\{solution(?:-start)?\}", _source(chapter), re.M))


def _facts(chapter: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"\{eval\}`facts\.([a-z0-9_]+)`", _source(chapter))))


def _charts(chapter: str) -> int:
    cells = json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).lstrip().startswith("charts."))


@pytest.fixture(scope="module")
def lab():
    with jupyterlab() as running:
        yield running


@pytest.fixture(scope="module")
def lab_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="module")
def opened(lab, browser, lab_context):
    """Every chapter as it opens (no kernel has run): its state, chart checks and foreign requests."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    seen = {}
    for chapter in CHAPTERS:
        page, foreign = open_notebook(browser, lab, f"chapters/{chapter}.ipynb", context=lab_context)
        wait_rendered(page)
        page.screenshot(path=str(SHOTS / f"{chapter}_opened.png"))
        state = notebook_state(page)
        state["tooltip"] = chart_tooltip(page)
        page.screenshot(path=str(SHOTS / f"{chapter}_chart_tooltip.png"))
        state["controls"] = chart_controls_change_charts(page)
        state["foreign"] = list(foreign)
        seen[chapter] = state
        page.close()
    return seen


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_markers_show_quote_and_source_and_open_the_passage(opened, chapter):
    state = opened[chapter]
    bare = BARE_IDS.findall(state["unlinked"])
    assert not bare, f"bare evidence ids (not links): {bare[:5]}"
    assert not SEED_FILE.findall(state["text"]), f"seed file names as markers: {SEED_FILE.findall(state['text'])[:3]}"
    markers = [link for link in state["links"] if "appendix/sources/" in link["href"]]
    assert len(markers) >= _source(chapter).count("{evidence}"), "fewer marker links than {evidence} roles"
    for marker in markers:
        assert " \u2014 " in marker["tip"] and len(marker["tip"]) > 12, f"marker without quote and source: {marker}"
        assert re.search(r"appendix/sources/[\w-]+\.ipynb", marker["href"]), marker
    assert any("#cell-id=" in m["href"] for m in markers), "no marker leads to its passage"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_citations_show_author_and_year_linked_to_the_bibliography(opened, chapter):
    state = opened[chapter]
    raw = [key for key in BIBKEYS if re.search(rf"\b{key}\b", state["text"])]
    assert not raw, f"raw citation keys in the prose: {raw}"
    cited = [link for link in state["links"] if "appendix/bibliography.ipynb" in link["href"]]
    if "{cite}" in _source(chapter):
        assert cited and all(re.search(r"\d{4}", c["shown"]) for c in cited), cited[:3]
    assert "{cite}" not in state["text"] and "{term}" not in state["text"] and "{doc}" not in state["text"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_start_hidden_and_exercises_carry_the_books_numbers(opened, chapter):
    state = opened[chapter]
    assert state["solutions"] == _solutions(chapter), "every solution must be a drop-down"
    assert state["open_solutions"] == 0 and state["visible_solution_text"] == 0, "a solution is visible"
    assert "Start of Solution" not in state["text"] and "solution-start" not in state["text"]
    number = int(chapter[:2])
    expected = [f"Exercise {number}.{k}" for k in range(1, _exercises(chapter) + 1)]
    assert [re.match(r"Exercise [\d.]+", t).group(0) for t in state["exercise_titles"]] == expected


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_numbers_show_before_any_cell_runs(opened, chapter):
    state = opened[chapter]
    assert not PLACEHOLDER.findall(state["all_text"]), f"placeholders: {PLACEHOLDER.findall(state['all_text'])[:5]}"
    for name in _facts(chapter):  # all_text: also inside the collapsed solutions
        assert str(facts.render(name)) in state["all_text"], f"facts.{name} = {facts.render(name)} is not shown"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_charts_draw_offline_with_working_controls(opened, chapter):
    state = opened[chapter]
    assert state["charts"] == _charts(chapter), f"{state['charts']} of {_charts(chapter)} charts drawn as Vega"
    assert state["images"] == 0, "a chart fell back to its PNG"
    assert state["controls"], "no chart control found"
    assert all(changed for _, _, changed in state["controls"]), f"controls that change nothing: {state['controls']}"
    assert state["tooltip"], "hovering the marks shows no tooltip"
    assert state["foreign"] == [], f"requests to other hosts: {state['foreign'][:5]}"


@pytest.fixture(scope="module")
def run_page(lab, browser, opened):
    page, foreign = open_notebook(browser, lab, f"chapters/{RUN_CHAPTER}.ipynb")
    wait_rendered(page)
    run_all_cells(page)
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SHOTS / f"{RUN_CHAPTER}_after_run_all.png"))
    yield page, foreign
    page.context.close()


def test_every_cell_runs_without_error(run_page):
    page, _ = run_page
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]


def test_numbers_and_charts_stay_right_after_run_all(run_page):
    page, _ = run_page
    state = notebook_state(page)
    assert not PLACEHOLDER.findall(state["all_text"])
    assert f"{facts.facts.energy_deal_value} billion" in state["text"]
    assert state["charts"] == _charts(RUN_CHAPTER) and state["images"] == 0
    assert state["open_solutions"] == 0


def test_explorer_is_live(run_page):
    page, _ = run_page
    select = page.locator(".jp-OutputArea-output .widget-dropdown select").first
    output = select.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')]")
    before = output.inner_text()
    options = select.locator("option").all_inner_texts()
    assert len(options) > 1
    select.select_option(index=len(options) - 1)
    page.wait_for_timeout(1500)
    assert output.inner_text() != before, "changing the explorer's control changed nothing"


def test_nothing_left_127_0_0_1(run_page):
    _, foreign = run_page
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"


def test_a_marker_opens_its_passage_in_the_reader(lab, browser):
    page, _ = open_notebook(browser, lab, "chapters/03_dedollarization.ipynb")
    wait_rendered(page)
    marker = page.locator(".jp-MarkdownCell .myst a[href*='appendix/sources/'] abbr").filter(
        has_text=re.compile(r"^[A-Z]\d+$")).first  # a row's marker (E12, G14 ...), not a whole seed's
    href = marker.locator("xpath=..").get_attribute("href")
    target, cell_id = href.split("?")[0].split("#")[0], href.split("#cell-id=")[1]
    copy = ROOT / "_build" / "lab" / "appendix" / "sources" / target.rsplit("/", 1)[1]
    index = [c.get("id") for c in json.loads(copy.read_text(encoding="utf-8"))["cells"]].index(cell_id)
    marker.click()
    page.wait_for_function("() => [...document.querySelectorAll('.lm-TabBar-tabLabel')]"
                           ".some(t => t.innerText.endsWith('.ipynb') && !t.innerText.startsWith('03_'))", timeout=30_000)
    page.wait_for_timeout(2500)
    # JupyterLab 4.6 applies a link's #cell-id= only to a notebook that is already open: the
    # first click opens the reader at its top, a second click on the marker goes to the passage
    page.locator(".lm-TabBar-tab", has_text="03_dedollarization").click()
    page.wait_for_timeout(500)
    marker.click()
    page.wait_for_timeout(2500)
    page.screenshot(path=str(SHOTS / "reader_opened_from_marker.png"))
    shown = page.evaluate("""(index) => { const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
            .find(p => !p.classList.contains('lm-mod-hidden'));
        const cell = panel && panel.querySelector(`.jp-Cell[data-windowed-list-index="${index}"]`);
        return cell ? [cell.getBoundingClientRect().top, cell.innerText] : null; }""", index)
    page.context.close()
    assert shown and -50 <= shown[0] < 600, f"the passage cell {cell_id} (#{index}) is not in view: {shown}"
    assert "Quoted by:" in shown[1]


def test_pack_and_make_lab_use_the_same_settings():
    """The pack's wheel installs `.jupyter-lab/overrides.json` where JupyterLab reads it (no news prompt)."""
    from sinorussia_book import student_pack

    settings = json.loads((ROOT / student_pack.LAB_SETTINGS).read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert student_pack.LAB_SETTINGS_DIR == "share/jupyter/lab/settings"
    assert Path(ROOT / "Makefile").read_text(encoding="utf-8").count(".jupyter-lab/overrides.json") >= 1

"""The notebooks JupyterLab shows (sinorussia_book/notebooks.py), without a browser: the rewrites
of chapter sources (gated solutions -> drop-downs, stored {eval} values) run on copies, and the
rendered copy of every chapter."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pytest

from sinorussia import facts, rendering
from sinorussia_book import notebooks

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

GATED = [
    "## Exercises\n\n```{exercise-start}\n:label: ex-data\n```\n\n**Data task.** Build a table.\n\n```{exercise-end}\n```"
    "\n\n```{solution-start} ex-data\n:class: dropdown\n```",
    "table = figures.head()\nprint(table)",
    "(a) The answer, {eval}`facts.energy_deal_value`.\n\n```{solution-end}\n```\n\n```{exercise}\n:label: ex-two\n\n"
    "Second.\n```",
]


def _gated_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(GATED[0]), nbformat.v4.new_code_cell(GATED[1]),
                nbformat.v4.new_markdown_cell(GATED[2])]
    return nb


@pytest.fixture(scope="module")
def lab_copy():
    return notebooks.lab_notebooks(ROOT)


def test_gated_solution_becomes_one_dropdown():
    nb = _gated_notebook()
    assert notebooks.convert_gated(nb, "test.ipynb") == 1
    assert len(nb.cells) == 1
    text = nb.cells[0].source
    assert "solution-start" not in text and "exercise-start" not in text and "-end}" not in text
    assert re.search(r"^```\{exercise\}\n:label: ex-data\n\n\*\*Data task\.\*\* Build a table\.\n```$", text, re.M)
    solution = re.search(r"^(`{4,})\{solution\} ex-data\n:class: dropdown\n\n(.*?)^\1$", text, re.M | re.S)
    assert solution, text
    assert "```python\ntable = figures.head()\nprint(table)\n```" in solution.group(2)
    assert "(a) The answer" in solution.group(2)
    assert text.rstrip().endswith("Second.\n```")
    assert notebooks.convert_gated(nb, "test.ipynb") == 0, "the rewrite is idempotent"


def test_gated_solution_without_end_names_file_and_cell():
    nb = _gated_notebook()
    nb.cells[2].source = "no end here"
    with pytest.raises(notebooks.NotebookError, match=r"test\.ipynb, cell 0: a \{solution-start\} without"):
        notebooks.convert_gated(nb, "test.ipynb")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_converts_on_a_copy(path, tmp_path):
    target = tmp_path / path.name
    target.write_bytes(path.read_bytes())
    assert notebooks.main(["solutions", str(target)]) == 0
    nb = nbformat.read(target, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "solution-start" not in text and "exercise-start" not in text
    original = nbformat.read(path, as_version=4)
    before = "\n".join(c.source for c in original.cells if c.cell_type == "markdown")
    assert text.count("{solution}") == before.count("{solution}") + before.count("{solution-start}")
    kept = {c.id for c in nb.cells}
    assert kept <= {c.id for c in original.cells}, "cell ids are kept"


def test_expressions_store_what_the_kernel_answers(tmp_path):
    nb = _gated_notebook()
    assert notebooks.store_expressions(nb) == 1
    stored = nb.cells[2].metadata["user_expressions"]
    assert stored == [{"expression": "facts.energy_deal_value",
                       "result": {"status": "ok", "data": {"text/plain": str(facts.facts.energy_deal_value)},
                                  "metadata": {}}}]
    nb.cells[2].source = "{eval}`facts.no_such_fact`"
    with pytest.raises(notebooks.NotebookError, match=r"here, cell 2: .*no_such_fact"):
        notebooks.store_expressions(nb, where="here")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_rendered_chapter_has_no_book_only_roles(lab_copy, path):
    nb = lab_copy[f"chapters/{path.stem}"]
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for role in ("evidence", "cite", "term", "doc", "exercise-start", "solution-start"):
        assert "{" + role not in text, role
    assert f"enumerator: {int(path.stem[:2])}.%s" in nb.cells[[c.cell_type for c in nb.cells].index("markdown")].source
    evals = sum(len(set(re.findall(r"\{eval\}`([^`]*)`", c.source))) for c in nb.cells if c.cell_type == "markdown")
    stored = sum(len(c.metadata.get("user_expressions", [])) for c in nb.cells if c.cell_type == "markdown")
    assert evals == stored
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if rendering.VEGALITE_MIME in output.get("data", {}):
                assert rendering.VEGA_MIME in output["data"]


def test_every_marker_link_reaches_a_cell_of_the_copy(lab_copy):
    ids = {docname: {c.id for c in nb.cells} for docname, nb in lab_copy.items()}
    for docname, nb in lab_copy.items():
        if not docname.startswith("chapters/"):
            continue
        for cell in nb.cells:
            for target, cell_id in re.findall(r"\]\(\.\./([\w/]+)\.ipynb#cell-id=([\w-]+)\)", cell.source):
                assert target in ids, f"{docname}: link to a missing page {target}"
                assert cell_id in ids[target], f"{docname}: no cell {cell_id} in {target}"


def test_marker_shows_the_books_quote_and_source(lab_copy):
    from sinorussia_book import evidence

    (ref, _, tip, source), *_ = evidence.resolve(["E12"], ROOT / "data")
    text = "\n".join(c.source for c in lab_copy["chapters/03_dedollarization"].cells)
    assert f"[{{abbr}}`E12 ({notebooks._abbr_text(tip)} \u2014 {source})`](../appendix/sources/" in text


def test_unknown_citation_key_names_the_page():
    ctx = notebooks.build_context(ROOT)
    with pytest.raises(notebooks.NotebookError, match=r"chapters/x: \{cite\} key 'nobody2020'"):
        notebooks.render_roles("see {cite}`nobody2020`", ctx, "chapters/x")
    assert notebooks.render_roles("{cite}`lehrer2021`", ctx, "chapters/x").startswith("[{abbr}`Lehrer 2021 (")


def test_the_chart_bundle_carries_vega_for_jupyterlab():
    spec = copy.deepcopy(nbformat.read(CHAPTERS[2], as_version=4))
    found = [o["data"] for c in spec.cells for o in c.get("outputs", []) if rendering.VEGALITE_MIME in o.get("data", {})]
    vega = rendering.jupyterlab_vega(found[0][rendering.VEGALITE_MIME])
    assert vega["$schema"].endswith("/vega/v5.json") and vega["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert "container" not in str(vega.get("width", "")) and vega == rendering.jupyterlab_vega(
        found[0][rendering.VEGALITE_MIME]), "deterministic (nbval compares it)"


def test_bibliography_names_editors_and_working_paper_numbers_as_the_html_does():
    """An edited volume's editors are not its authors, and a note that rests on a working paper's number
    needs the number (reading 10-C2, C2-3)."""
    bib = notebooks.build_context(ROOT).bib
    assert bib["ferrari2019"][1].startswith("Ferrari, Aldo; Tafuro Ambrosetti, Eleonora (eds.) (2019).")
    assert "NBER Working Paper 23134" in bib["ilzetzki2017"][1]
    assert "(ed" not in bib["anderson2013"][1]


def test_bibliography_gives_a_journal_articles_volume_issue_and_pages_as_the_seeds_do():
    """An article's issue number was printed as a bare prefix ("2, European Politics and Society")
    and its volume and pages, which the seeds print, were lost (reading 12-D, B1)."""
    bib = notebooks.build_context(ROOT).bib
    assert "European Politics and Society 20(2), 133–153." in bib["gotz2019"][1]
    assert "Conflict, Security & Development 14(4), 489–508." in bib["kurowska2014"][1]
    assert notebooks._article_where("J", "", "", "") == "J" and notebooks._article_where("J", "7", "", "1–2") == "J 7, 1–2"

"""Self-checks: one definition (sinorussia/selfcheck.py) for Jupyter, the page and print;
the book's Sphinx extension (sinorussia_book/selfcheck.py); the search fix
(sinorussia_book/search.py). The page in a real browser: test_browser_selfcheck.py."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from sphinx.testing.util import SphinxTestApp

from sinorussia import selfcheck
from sinorussia_book import search

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
IDS = list(selfcheck.CHECKS)
QUOTED = re.compile(r"\u201c[^\u201d]*\u201d")


def chapter_checks() -> dict[str, str]:
    """Self-check id -> chapter file, from the chapters' ``check("id")`` cells."""
    found = {}
    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            match = cell.cell_type == "code" and re.match(r'^\s*check\("([\w-]+)"\)\s*$', cell.source)
            if match:
                found[match.group(1)] = path.name
    return found


def test_every_chapter_has_one_self_check_and_every_definition_is_used():
    used = chapter_checks()
    assert sorted(used.values()) == [p.name for p in CHAPTERS], "one check(\"id\") cell per chapter"
    assert sorted(used) == sorted(IDS)


@pytest.mark.parametrize("question_id", IDS)
def test_definition_is_complete_and_its_key_comes_from_the_data(question_id):
    sc = selfcheck.CHECKS[question_id]
    assert len(sc.options) >= 3
    assert sc.key() == sc.derive() == sc.answer  # data/ gives the keyed letter
    for letter, option in zip(sc.letters(), sc.options):
        assert option.text.strip() and len(option.why.strip()) > 30, f"{question_id} ({letter}): explain every option"
    for text in [sc.question] + [t for o in sc.options for t in (o.text, o.why)]:
        assert "{" not in selfcheck.fill(text), f"{question_id}: a placeholder is not a fact"
        # numbers come from data/facts.csv ({facts.NAME} placeholders); only a seed's quoted words may hold a digit
        assert not re.search(r"\d", re.sub(r"\{facts\.\w+\}", "", QUOTED.sub("", selfcheck.ROW_REF.sub("", text)))), f"{question_id}: a number typed into {text[:60]!r}"


@pytest.mark.parametrize("question_id", IDS)
def test_typed_letters_get_the_explanation_of_that_option(question_id):
    sc = selfcheck.CHECKS[question_id]
    for letter, option in zip(sc.letters(), sc.options):
        answer = selfcheck.check(question_id, letter.upper())
        assert answer.right == (letter == sc.answer)
        assert ("Right." if answer.right else "Not quite.") in answer.data
        assert selfcheck.fill(option.why) in answer.data
    with pytest.raises(KeyError, match="choose one of a, b, c, d"):
        selfcheck.check(question_id, "z")


def test_unknown_question_is_refused_with_the_known_ids():
    with pytest.raises(KeyError, match="known: history-sco-founders"):
        selfcheck.check("no-such-question", "a")


def test_a_key_the_data_no_longer_support_stops_with_a_clear_message():
    sc = selfcheck.CHECKS["energy-eu-gas"]
    drifted = selfcheck.SelfCheck(sc.id, sc.question, sc.options, "a", sc.derive)
    with pytest.raises(selfcheck.SelfCheckError, match=r"energy-eu-gas.*data/ now give \(d\).*says \(a\)"):
        drifted.key()
    with pytest.raises(selfcheck.SelfCheckError, match="not one of its options"):
        selfcheck.SelfCheck(sc.id, sc.question, sc.options, "q", sc.derive).key()


@pytest.mark.parametrize("question_id", IDS)
def test_page_markup_keeps_the_print_contract_and_hides_the_answer(question_id):
    sc = selfcheck.CHECKS[question_id]
    markup = selfcheck.page_html(question_id, link=lambda ref: f"../appendix/sources/x.html#{ref}")
    assert markup.startswith(f'<div class="sr-selfcheck" id="selfcheck-{question_id}"')
    options = re.search(r'<ol class="sr-selfcheck-options"[^>]*>(.*?)</ol>', markup, re.S).group(1)
    assert options.count("<li") == len(sc.options)
    key = re.search(r'<div class="sr-selfcheck-key"[^>]*hidden[^>]*>(.*)</div></div>$', markup, re.S)
    assert key, "the key is hidden until the student answers"
    assert f"Answer: ({sc.answer})" in key.group(1) and key.group(1).count("<li") == len(sc.options)
    before_key = markup[: key.start()]
    assert "Answer:" not in before_key and 'data-correct' not in before_key and "Right." not in before_key
    assert "Replace" not in markup and "None" not in markup
    assert 'aria-live="polite"' in markup and "<legend" in markup and "<fieldset" in markup


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_self_check_exercise_shows_no_marker_and_no_answer(path):
    """Issue 27: no evidence marker in a self-check's question gives its answer away; the
    question, options and key live in the package, the exercise only introduces them."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    block = re.search(r"```\{exercise\}\n:label: [\w-]+-ex-selfcheck\n(.*?)\n```", text, re.S)
    assert block, f"{path.name}: no self-check exercise"
    assert "{evidence}" not in block.group(1)
    assert not re.search(r"\([a-d]\)", block.group(1)), "options belong to the definition, not the prose"


def test_jupyter_view_is_live_buttons_with_the_page_markup_saved():
    pytest.importorskip("ipywidgets")
    live = selfcheck.check("synthesis-no-split")
    bundle = live._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == selfcheck.page_html("synthesis-no-split", with_key=False)
    assert "Answer:" not in bundle["text/html"], "a saved output never carries the key"
    assert "(a)" in bundle["text/plain"] and "Replace" not in bundle["text/plain"]
    live._choose("a")
    assert "Not quite." in live.feedback.value
    live._choose("c")
    assert "Right." in live.feedback.value
    live._reveal()
    assert "Answer: (c)" in live.feedback.value


# ------------------------------------------------------------------ the book's extension

def build_notebook(tmp_path: Path, source: str) -> tuple[str, str]:
    """Build a one-notebook book whose only code cell is ``source``; return HTML and warnings."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'sinorussia_book.selfcheck']\n"
        f"sinorussia_data_dir = {str(ROOT / 'data')!r}\nnb_execution_mode = 'off'\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (src / "chapters").mkdir()
    nbformat.write(nb, src / "chapters" / "page.ipynb")
    (src / "index.md").write_text("# Book\n\n```{toctree}\nchapters/page\n```\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
        return (Path(app.outdir) / "chapters" / "page.html").read_text(encoding="utf-8"), app._warning.getvalue()
    finally:
        app.cleanup()


def test_extension_puts_the_self_check_in_place_of_the_cell(tmp_path):
    html, warnings = build_notebook(tmp_path, 'check("dedollar-implied-rate", None)')
    assert 'id="selfcheck-dedollar-implied-rate"' in html
    assert "check(" not in html.split('id="selfcheck-dedollar-implied-rate"')[0].split("<main")[-1], \
        "the code a reader cannot run is not shown"
    assert 'href="../appendix/sources/tafuro2019.html#F27"' in html  # rows link to their passages
    assert "_static/selfcheck/selfcheck.js" in html and "_static/selfcheck/selfcheck.css" in html
    assert (tmp_path / "out" / "html" / "_static" / "selfcheck" / "selfcheck.js").is_file()


def test_extension_stops_on_an_unknown_self_check(tmp_path):
    with pytest.raises(Exception, match=r"chapters/page: self-check 'no-such-check'.*unknown self-check"):
        build_notebook(tmp_path, 'check("no-such-check")')


# ------------------------------------------------------------------ search

def test_raw_html_is_indexed_with_words_separated():
    assert search.raw_text("<tr><td>China</td><td>Lehrer 2021</td></tr><script>x=1</script>") == "China Lehrer 2021"
    assert search.raw_text("a&amp;b<br>c") == "a&b c"


def test_search_index_has_no_words_glued_across_cells(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['sinorussia_book.search']\n", encoding="utf-8")
    (src / "index.rst").write_text("Title\n=====\n\n.. raw:: html\n\n   <table><tr><td>Putin visits China</td>"
                                   "<td>Lehrer 2021</td></tr></table>\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
        index = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    finally:
        app.cleanup()
    terms = json.loads(index[index.index("(") + 1: index.rindex(")")])["terms"]
    assert "lehrer" in terms and "china" in terms
    assert not any("chinalehr" in t for t in terms), sorted(terms)[:20]

"""The source reader (issue #16): pages generated from seeds/ and data/, anchors, highlights.

Checks that every row has exactly one anchor (in the generated pages and in the built
HTML), that every highlight equals its row's quote under the provenance check's
normalisation, that a reader page shows no paragraph that no row quotes, that quotes
crossing line breaks, hyphens and footnote markers highlight (fixture), that the
committed pages are current, and that Sphinx's offline search covers the passages.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from conftest import ROOT
from sinorussia import links
from sinorussia.provenance import _variants, normalise
from sinorussia_book import evidence, pages, reader

FIXTURES = Path(__file__).parent / "fixtures" / "reader"
HTML_ID = re.compile(r'\bid="([^"]+)"')
MARK = re.compile(r'<mark data-rows="([^"]*)">(.*?)</mark>', re.S)


@pytest.fixture(scope="module")
def model():
    return reader.build(ROOT / "data", ROOT / "seeds", ROOT)


@pytest.fixture(scope="module")
def generated(model):
    return reader.pages(model)


def _text(html_fragment: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html_fragment))


def _matches(shown: str, quote: str) -> bool:
    """``shown`` equals ``quote`` under the provenance normalisation (line-break hyphen kept or dropped)."""
    return normalise(quote) in _variants(shown)


# ---------------------------------------------------------------- paragraphs and quotes

def test_fixture_quotes_across_breaks_markers_and_hyphens_highlight():
    blocks = reader.seed_blocks((FIXTURES / "wrapped_seed.txt").read_text(encoding="utf-8"))
    for case in json.loads((FIXTURES / "quotes.json").read_text(encoding="utf-8")):
        found = [i for i, b in enumerate(blocks) if reader.locate(case["quote"], b.text)]
        assert found == [case["block"]], f"{case['why']}: found in blocks {found}"
        block = blocks[case["block"]]
        start, end = reader.locate(case["quote"], block.text)
        assert _matches(block.text[start:end], case["quote"]), case["why"]
        block.spans = [(start, end, "X1", "X1")]
        marks = MARK.findall(reader.render_block(block, set()))
        assert len(marks) == 1 and _matches(_text(marks[0][1]), case["quote"]), case["why"]


def test_fixture_paragraphs_and_notes_are_cut_like_the_pdf():
    blocks = reader.seed_blocks((FIXTURES / "wrapped_seed.txt").read_text(encoding="utf-8"))
    assert [b.note for b in blocks if b.note] == [1, 2, 3]
    assert blocks[3].text.startswith("The second paragraph") and blocks[3].text.endswith("It ends here.")
    # the page break: the third paragraph resumes after the notes
    assert "the bridge and\nthe three roads" in blocks[4].text
    assert blocks[5].text.endswith("chronicle-\nferry")  # a note's lines stay together
    assert reader.note_markers(blocks[2], {1, 2, 3}) == [(blocks[2].text.index("changed1") + 7,
                                                          blocks[2].text.index("changed1") + 8, 1)]


def test_real_seeds_cut_into_paragraphs_and_notes(model):
    fragile = next(s for s in model.seeds.values() if s.bibkey == "fragile2019")
    assert sorted(fragile.notes) == list(range(1, 15))
    paragraphs = [b.text for b in fragile.blocks if b.note is None]
    # a paragraph interrupted by footnotes at a page break is one paragraph
    assert any("Moscow and Beijing are under\npressure because" in p for p in paragraphs)
    assert any(p.startswith("For several years") for p in paragraphs)
    tafuro = next(s for s in model.seeds.values() if s.bibkey == "tafuro2019")
    assert len(tafuro.notes) >= 20  # "[4]Kat Hopps" has no space after the bracket


def test_every_highlight_equals_its_rows_quote(model):
    for seed in model.seeds.values():
        for block in seed.blocks:
            for start, end, anchor, row_id in block.spans:
                table, row = model.rows[row_id]
                quote = row["other_quote"] if anchor.endswith(reader.OTHER_SUFFIX) else row["quote"]
                assert _matches(block.text[start:end], quote), (row_id, block.text[start:end], quote)


def test_every_row_has_exactly_one_anchor_in_the_generated_pages(generated):
    ids = Counter(i for text in generated.values() for i in HTML_ID.findall(text))
    for row_id in links.row_index(ROOT / "data"):
        assert ids[row_id] == 1, f"row {row_id} has {ids[row_id]} anchors on the reader pages"


def test_source_notes_show_both_passages(model, generated):
    ids = Counter(i for text in generated.values() for i in HTML_ID.findall(text))
    for row_id, (table, row) in model.rows.items():
        if table == "source_notes" and row.get("other_quote") and row_id not in model.external:
            assert ids[row_id + reader.OTHER_SUFFIX] == 1, f"{row_id}: its second passage has no anchor"


def test_no_reader_page_shows_a_paragraph_that_no_row_quotes(model, generated):
    passage = re.compile(r'<div class="(reader-passage[^"]*)"[^>]*>(.*?)</div>', re.S)
    for seed in model.seeds.values():
        text = generated[f"{links.READER_DIR}/{seed.bibkey}.md"]
        shown = passage.findall(text)
        assert shown, seed.bibkey
        allowed_notes = model.shown_notes(seed)
        for classes, body in shown:
            if "reader-note" in classes:
                number = int(re.search(r"Note (\d+) of the seed", body).group(1))
                assert number in allowed_notes
            else:
                assert "<mark" in body, f"{seed.bibkey}: a paragraph with no quote: {_text(body)[:80]}"
        # fewer blocks than the seed has: the seeds are never reproduced whole
        assert len(shown) < len(seed.blocks), seed.bibkey


def _stated_and_shown_counts(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(paragraphs, notes) a reader page says it shows, and (paragraphs, notes) it shows."""
    stated_p = int(re.search(r"the page shows only the (\d+) that rows", text).group(1))
    notes = re.search(r"numbered notes it shows (\d+)", text)
    classes = re.findall(r'<div class="(reader-passage[^"]*)"', text)
    shown_notes = sum(1 for c in classes if "reader-note" in c)
    shown_p = sum(1 for c in classes if "reader-note" not in c and "reader-external" not in c)
    return (stated_p, int(notes.group(1)) if notes else 0), (shown_p, shown_notes)


def test_each_page_states_the_paragraphs_and_notes_it_shows(model, generated):
    """Round 8: the pages counted quoted notes as paragraphs ('21 quoted paragraphs and 9 of the
    seed's numbered notes' for a page showing 16 paragraphs and 14 notes)."""
    index = generated[f"{links.READER_DIR}.md"]
    for seed in model.seeds.values():
        text = generated[f"{links.READER_DIR}/{seed.bibkey}.md"]
        stated, shown = _stated_and_shown_counts(text)
        assert stated == shown, f"{seed.bibkey}: the page says it shows {stated}, it shows {shown}"
        line = next(l for l in index.splitlines() if f"(sources/{seed.bibkey}.md)" in l)
        said = re.search(r"The page shows the (\d+) of its \d+ blocks of text that rows quote(?: and (\d+) of the seed's)?", line)
        assert (int(said.group(1)), int(said.group(2) or 0)) == shown, f"sources index, {seed.bibkey}: {line[-120:]}"


def test_only_a_pdf_extraction_says_its_paragraph_breaks_are_inferred(model, generated):
    """Reading 32-B: the fragile-alliance page joined two of the PDF's paragraphs in one block and
    showed one that no row quotes while saying it showed only quoted ones; a hard-wrapped seed's
    page must say that its paragraph breaks are inferred, and only such a page."""
    for seed in model.seeds.values():
        text = generated[f"{links.READER_DIR}/{seed.bibkey}.md"]
        says = "infers its paragraph breaks from line lengths" in text
        assert says == seed.hard_wrapped, f"{seed.bibkey}: hard_wrapped={seed.hard_wrapped}, says so: {says}"
    assert [s.bibkey for s in model.seeds.values() if s.hard_wrapped] == ["fragile2019"]


def test_a_quote_not_in_its_seed_is_an_error():
    seed = reader.Seed("x.txt", "x", "X", {}, {}, reader.seed_blocks("One paragraph.\n\nAnother one.\n"))
    with pytest.raises(reader.ReaderError, match="row Z9: quote not found"):
        reader._place(seed, "not there", "Z9", "Z9")


def test_a_quote_across_two_paragraphs_shows_them_as_one():
    seed = reader.Seed("x.txt", "x", "X", {}, {}, reader.seed_blocks("One paragraph ends.\n\nAnother begins.\n"))
    reader._place(seed, "ends. Another", "Z9", "Z9")
    assert len(seed.blocks) == 1 and seed.blocks[0].spans
    assert seed.merged == 1 and "shown, and counted above, as one" in reader.merged_sentence(seed)


def test_a_page_says_when_a_quote_joined_two_blocks_and_counts_them_as_one(model, generated):
    """Reading 34-S: the fragile-alliance page counted 19 blocks where the parser cut 20, because
    row P14's quote runs across two and they were joined, and said nothing of it."""
    for seed in model.seeds.values():
        cut = reader.seed_blocks((ROOT / "seeds" / seed.file).read_text(encoding="utf-8"))
        parsed = sum(1 for b in cut if b.note is None)
        counted = reader.shown_counts(model, seed)["paragraphs"]
        assert counted == parsed - seed.merged, f"{seed.bibkey}: counts {counted}, parser {parsed}, joined {seed.merged}"
        text = generated[f"{links.READER_DIR}/{seed.bibkey}.md"]
        says = "runs across are shown, and counted above, as one" in text
        assert says == bool(seed.merged), f"{seed.bibkey}: joined {seed.merged}, says so: {says}"
    assert {s.bibkey: s.merged for s in model.seeds.values() if s.merged} == {"fragile2019": 1}


def test_the_index_marks_inferred_years_and_qualifies_only_quoted_passages(model, generated):
    """Reading 34-S: under "Only what each text shows is recorded" the index gave each year bare,
    though no seed prints one (EUISS: "most likely 2025 (inferred)"), and said every page shows
    only quoted paragraphs, though the PDF extraction's page shows one no row quotes."""
    index = generated[f"{links.READER_DIR}.md"]
    for seed in model.seeds.values():
        line = next(l for l in index.splitlines() if f"(sources/{seed.bibkey}.md)" in l)
        year = re.search(r"Year: ([^.]*)\.", line).group(1)
        if str(seed.entry["date_note"]).lower().startswith("not printed"):
            assert year.startswith("not printed;") and year.endswith("(inferred)"), f"{seed.bibkey}: Year: {year}"
    assert "Year: not printed; most likely 2025 (inferred)" in index
    qualified = "may also show a paragraph it cannot separate from a quoted one" in index
    assert qualified == any(s.hard_wrapped for s in model.seeds.values())



def test_a_decimal_is_not_a_note_marker(model, generated):
    """Reading 35-S: the fragile-alliance page showed the seed's "invested 1.3 billion dollars" as
    "1." and a link to note 3 (the Power of Siberia note): the glued-marker pattern took the decimal
    digit for a marker."""
    block = reader.Block("invested 1.3 billion, 2,5 units; it ended”9. It changed1.", 1)
    assert [n for _, _, n in reader.note_markers(block, {1, 2, 3, 5, 9})] == [9, 1]
    glued_to_a_number = re.compile(r'\d[.,](?:<[^>]+>)*<a class="reader-note-ref"')
    for seed in model.seeds.values():
        text = generated[f"{links.READER_DIR}/{seed.bibkey}.md"]
        assert not glued_to_a_number.search(text), f"{seed.bibkey}: a number's digit linked as a note"
    assert "invested 1.3 billion" in _text(generated[f"{links.READER_DIR}/fragile2019.md"])


def test_pages_say_their_line_breaks_show_as_spaces(model, generated):
    """Reading 35-S: the pages said the text was reproduced "line breaks, hyphenation and typing
    errors included", but ``.reader-text`` has ``white-space: normal``, so the browser shows the
    seed's line breaks as spaces ("anti- dollar"); a page whose shown blocks have line breaks says so."""
    css = (ROOT / "sinorussia_book" / "assets" / "evidence" / "evidence.css").read_text(encoding="utf-8")
    assert re.search(r"\.reader-text \{[^}]*white-space: normal", css), "reader-text no longer collapses line breaks"
    for seed in model.seeds.values():
        text = generated[f"{links.READER_DIR}/{seed.bibkey}.md"]
        assert "line breaks, hyphenation and typing errors included" not in text, seed.bibkey
        breaks = any("\n" in b.text for b in model.shown_blocks(seed))
        says = "its line breaks are shown as spaces" in text
        assert says == breaks, f"{seed.bibkey}: shown blocks with line breaks {breaks}, says so: {says}"
    assert model.seeds["002_18acb9a6281ccb69.txt"].hard_wrapped


def test_the_index_says_the_pages_also_show_notes_no_row_quotes(model, generated):
    """Reading 35-S: the index said "each page shows only the passages that rows quote", though the
    pages show the numbered notes their paragraphs or the book's markers refer to (fragile2019: 9 of
    14 unquoted; tafuro2019: 17 of 26), and a marker naming a note always finds it."""
    index = generated[f"{links.READER_DIR}.md"]
    unquoted = sum(c["shown_notes"] - c["quoted_notes"] for c in (reader.shown_counts(model, s) for s in model.seeds.values()))
    assert unquoted > 0
    assert "and the numbered notes that those passages or the book's markers refer to" in index
    assert "the passage behind a claim that names a whole seed may not be on it" in index

def test_a_quote_a_pull_quote_repeats_is_shown_in_its_paragraph(model, generated):
    """Reading 36-S: 003 repeats "The importance of China to Russian trade is on the rise, …" as a pull
    quote above the paragraph it opens; rows E09 and G05 were shown on the pull quote, out of context,
    and the page counted it among the passages rows quote. A headline is not a pull quote."""
    blocks = reader.seed_blocks("A Headline\n\nTrade is on the rise.\n\nA Headline and a caption.\n\n"
                                "Trade is on the rise, especially after 2014. More text.\n")
    seed = reader.Seed("x.txt", "x", "X", {}, {}, blocks, repeats=reader.repeated_blocks(blocks))
    assert seed.repeats == {3}
    reader._place(seed, "Trade is on the rise", "R1", "R1")
    assert [b.line for b in seed.blocks if b.spans] == [7]
    tafuro = model.seeds["003_8dd19b2cc8e48f20.txt"]
    assert 11 in tafuro.repeats
    assert not [b.line for b in model.shown_blocks(tafuro) if b.line in tafuro.repeats]
    page = generated[f"{links.READER_DIR}/tafuro2019.md"]
    assert re.search(r'data-line="19"><p class="reader-text"><span class="reader-anchor" id="E09">', page)


def test_the_index_does_not_say_the_seeds_are_quoted_briefly(model, generated):
    """Reading 36-S: the index said the seeds were "quoted only briefly", but the pages show 78-98% of
    each seed's characters; it now says how much, and "never whole" only while every page leaves a block out."""
    index = generated[f"{links.READER_DIR}.md"]
    assert "quoted only briefly" not in index
    shares = [reader.shown_share(model, s) for s in model.seeds.values()]
    assert min(shares) > 0.5
    assert f"from {round(100 * min(shares))}% to {round(100 * max(shares))}% of a seed's characters" in index
    assert "never whole" in index
    assert all(len(model.shown_blocks(s)) < len(s.blocks) for s in model.seeds.values())


# ------------------------------------------------------------------ committed pages

def test_committed_reader_pages_are_current():
    assert pages.main(["--check"]) == 0, "run `make pages` and commit the result"


def test_check_mode_fails_on_a_stale_page(tmp_path, monkeypatch):
    generated = pages.generated_pages()
    stale_path = tmp_path / "fragile2019.md"
    stale_path.write_text("old text", encoding="utf-8")
    assert pages.stale_pages({stale_path: next(iter(generated.values()))}) == [stale_path]


def test_toc_lists_every_reader_page(generated):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = set(reader.reader_pages_in_toc(toc))
    made = {Path(p).stem for p in generated if p.startswith(links.READER_DIR + "/")}
    assert made == listed


# --------------------------------------------------------------------- built HTML

def test_every_row_anchor_exists_once_in_the_built_html(built_book):
    ids = Counter()
    for page in (built_book / links.READER_DIR).glob("*.html"):
        ids.update(HTML_ID.findall(page.read_text(encoding="utf-8")))
    for row_id in links.row_index(ROOT / "data"):
        target = links.passage_url(row_id, root="", data_dir=ROOT / "data")
        page, anchor = target.split("#")
        html = (built_book / page).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, f"{row_id}: no anchor in {page}"
        assert ids[row_id] == 1, f"{row_id}: {ids[row_id]} anchors in the built reader pages"


def test_built_highlights_equal_the_quotes(built_book, model):
    for seed in model.seeds.values():
        html = (built_book / links.READER_DIR / f"{seed.bibkey}.html").read_text(encoding="utf-8")
        for rows, inner in MARK.findall(html):
            ids = rows.split()
            if len(ids) == 1:
                table, row = model.rows[ids[0]]
                quotes = [row["quote"], row.get("other_quote") or ""]
                assert any(q and _matches(_text(inner), q) for q in quotes), (ids, _text(inner))


def test_offline_search_indexes_the_passages(built_book):
    text = (built_book / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1: text.rindex(")")])
    docs = index["docnames"]
    hits = index["terms"].get("chessboard")  # only in a fragile-alliance passage
    hits = [hits] if isinstance(hits, int) else hits or []
    assert f"{links.READER_DIR}/fragile2019" in [docs[i] for i in hits]


# ------------------------------------------------------------- evidence markers list

def test_markers_lists_ids_per_paragraph(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["A claim {evidence}`F07, E10`.\n", "\n", "Other."]},
        {"cell_type": "code", "metadata": {}, "source": "x = '{evidence}`F99`'", "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": "One {evidence}`sco` and {evidence}`fragile2019/note-3`."},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "c.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = [(m.cell, m.paragraph, m.ids) for m in evidence.markers(path)]
    assert found == [(0, 0, ("F07", "E10")), (2, 0, ("sco",)), (2, 0, ("fragile2019/note-3",))]
    md = tmp_path / "p.md"
    md.write_text("# T\n\nFirst {evidence}`F01`.\n\nSecond {evidence}`N02`.\n", encoding="utf-8")
    assert [(m.paragraph, m.ids) for m in evidence.markers(md)] == [(1, ("F01",)), (2, ("N02",))]


def test_every_marker_in_the_book_names_a_known_row(model):
    for path in evidence.book_files(ROOT):
        for marker in evidence.markers(path):
            for ref in marker.ids:
                try:
                    reader.tooltip(ref, model)
                except KeyError as error:
                    pytest.fail(f"{path.relative_to(ROOT)} cell {marker.cell}: unknown evidence id {ref!r} ({error})")


# ------------------------------------------------------------------ the evidence role

def build_page(tmp_path: Path, text: str, name: str = "chapters/page") -> tuple[str, str]:
    """Build ``text`` as page ``name`` of a tiny Sphinx project; return its HTML and the warnings."""
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    (src / name).parent.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'sinorussia_book.evidence']\n"
        f"sinorussia_data_dir = {str(ROOT / 'data')!r}\n", encoding="utf-8")
    (src / "index.md").write_text(f"# Home\n\n```{{toctree}}\n{name}\n```\n", encoding="utf-8")
    (src / f"{name}.md").write_text(text, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
        return (Path(app.outdir) / f"{name}.html").read_text(encoding="utf-8"), app._warning.getvalue()
    finally:
        app.cleanup()


def test_evidence_role_renders_links_with_the_quotes(tmp_path, model):
    html, warnings = build_page(tmp_path, "# T\n\nChina's economy is larger {evidence}`F01,sco`.\n")
    assert "ERROR" not in warnings and "WARNING" not in warnings, warnings
    links_ = re.findall(r'<a class="evidence-ref" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert links_ == [("../appendix/sources/fragile2019.html#F01", "F01"),
                      (links.passage_url("sco", data_dir=ROOT / "data"), "sco")]
    tips = re.findall(r'<span class="evidence-tip" role="tooltip" id="([^"]+)">(.*?)</span></span>', html, re.S)
    assert len(tips) == 2
    assert _matches(_text(tips[0][1]).split("\u201d")[0].lstrip("\u201c"), model.rows["F01"][1]["quote"])
    assert "Fragile alliance 2019" in _text(tips[0][1])
    assert f'aria-describedby="{tips[0][0]}"' in html  # the link is described by its tooltip
    assert "_static/evidence/evidence.css" in html and "_static/evidence/evidence.js" in html


def test_evidence_role_links_a_seeds_numbered_note(tmp_path):
    html, warnings = build_page(tmp_path, "# T\n\nA footnote says so {evidence}`fragile2019/note-2`.\n")
    assert "ERROR" not in warnings, warnings
    assert 'href="../appendix/sources/fragile2019.html#note-2"' in html
    assert "only in 1989" in html


@pytest.mark.parametrize("ids,message", [
    ("F07,F999", "unknown evidence id 'F999' on page chapters/page, line 3"),
    ("fragile2019/note-99", "unknown evidence id 'fragile2019/note-99' on page chapters/page, line 3"),
    ("nosuchseed/note-1", "unknown evidence id 'nosuchseed/note-1'"),
    (" ", "needs at least one row id"),
])
def test_evidence_role_refuses_unknown_ids(tmp_path, ids, message):
    _, warnings = build_page(tmp_path, f"# T\n\nA claim {{evidence}}`{ids}`.\n")
    assert "ERROR" in warnings and message in warnings, warnings
    assert "page.md:3" in warnings  # Sphinx names the file and line too


def test_a_source_note_marker_links_both_passages(tmp_path, model):
    note = next(i for i, (t, r) in model.rows.items()
                if t == "source_notes" and r.get("other_quote") and r.get("other_seed") != r.get("seed"))
    html, warnings = build_page(tmp_path, f"# T\n\nThe sources disagree {{evidence}}`{note}`.\n")
    assert "ERROR" not in warnings, warnings
    hrefs = re.findall(r'<a class="evidence-ref" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    first, second = (model.seeds[model.rows[note][1][f]] for f in ("seed", "other_seed"))
    # the second link names the other seed, never a bare "other"
    assert hrefs == [(f"../appendix/sources/{first.bibkey}.html#{note}", note),
                     (f"../appendix/sources/{second.bibkey}.html#{note}-other", f"vs. {second.short_name}")]


def test_a_whole_seed_marker_shows_the_seeds_short_name_not_its_file_name(tmp_path, model):
    seed = next(iter(model.seeds.values()))
    html, warnings = build_page(tmp_path, f"# T\n\nThe whole text {{evidence}}`{seed.file}`.\n")
    assert "ERROR" not in warnings, warnings
    labels = re.findall(r'<a class="evidence-ref" href="[^"]+"[^>]*>([^<]+)</a>', html)
    assert labels == [seed.short_name] and ".txt" not in "".join(labels)

"""The printed edition (``make pdf``, sinorussia_book/pdf.py): the book and one PDF per
chapter, checked on the PDFs themselves with pypdf (text, fonts, page size, outline) and
against the built HTML and the notebooks they were printed from.

``make test`` runs ``make pdf`` first; ``_build/pdf/report.json`` records what was printed.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest

from conftest import HTML, ROOT

PDF = ROOT / "_build" / "pdf"
BOOK = PDF / "china-russia.pdf"
REPORT = PDF / "report.json"
VEGALITE = "application/vnd.vegalite.v6+json"
#: what a missing glyph extracts as: Chromium draws glyph 0 (.notdef), which maps to no character
MISSING_GLYPH = re.compile("[\x00\ufffd]")
A4_POINTS = (595, 842)


def squash(text: str) -> str:
    """Text without whitespace and ligatures (NFKC), so that line breaks and the fonts' "ﬁ" do not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def report() -> dict:
    if not REPORT.is_file() or not BOOK.is_file():
        pytest.fail("The printed edition is not built: run `make pdf` (make test does it first).")
    return json.loads(REPORT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book(report):
    from pypdf import PdfReader

    return PdfReader(BOOK)


@pytest.fixture(scope="module")
def pages(book) -> list[str]:
    """The text of every page of the book, as poppler's ``pdftotext`` extracts it (once per module;
    twenty times faster than pypdf's extraction, which the per-chapter checks still use)."""
    import subprocess

    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(BOOK), "-"], capture_output=True, text=True, check=True).stdout
    found = text.split("\f")
    return found[:len(book.pages)]


def chapter_parts(report) -> list[dict]:
    return [part for part in report["parts"] if part["doc"].startswith("chapters/")]


def part_text(pages: list[str], part: dict) -> str:
    return "\n".join(pages[part["first_page"] - 1: part["first_page"] - 1 + part["pages"]])


def notebook_charts(doc: str) -> list[str]:
    """The title of every chart a chapter's notebook stores (Vega-Lite output)."""
    nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
    titles = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get(VEGALITE)
            if spec:
                title = spec.get("title", "")
                text = title.get("text", "") if isinstance(title, dict) else title
                titles.append(" ".join(text) if isinstance(text, list) else text)
    return titles


def notebook_selfchecks(doc: str) -> int:
    """How many self-checks a chapter's notebook holds (a ``check(...)`` cell or a self-check widget)."""
    nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
    count = 0
    for cell in nb["cells"]:
        outputs = json.dumps(cell.get("outputs", []))
        if "sr-selfcheck" in outputs or 'class=\\"self-check\\"' in outputs:
            count += 1
    return count


# ---------------------------------------------------------------------- the whole book

def test_report_records_the_page_count(report, book):
    assert report["book"]["pages"] == len(book.pages) > 50
    toc_chapters = sorted(p.name for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(report["chapters"]) == [name.replace(".ipynb", ".pdf") for name in toc_chapters]
    for name, chapter in report["chapters"].items():
        assert (PDF / "chapters" / name).stat().st_size == chapter["bytes"]


def test_book_holds_every_part_in_order(report):
    docs = [part["doc"] for part in report["parts"]]
    assert docs[:7] == [f"chapters/{p.stem}" for p in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))]
    for needed in ("instructors/guide", "appendix/glossary", "appendix/data", "appendix/bibliography", "appendix/sources",
                   "appendix/sources/external"):
        assert needed in docs


def test_title_page_and_contents_give_each_part_its_page(report, pages):
    assert "China and Russia" in pages[0]
    contents = squash("\n".join(pages[1:report["parts"][0]["first_page"] - 1]))
    assert "Contents" in contents
    for part in report["parts"]:
        first = pages[part["first_page"] - 1]
        # the part starts on the page the contents give: its heading is there, with that page number in the footer
        assert squash(part["title"])[:40] in squash(first), (part["doc"], part["first_page"])
        assert re.search(rf"(^|\n)\s*{part['first_page']}\s*($|\n)", first) or first.rstrip().endswith(str(part["first_page"]))
        assert squash(part["title"])[:30] in contents and str(part["first_page"]) in contents


def test_outline_has_a_bookmark_per_part(report, book):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(book.outline)
    for part in report["parts"]:
        assert part["title"] in titles


def test_pages_are_a4(book):
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in book.pages}
    assert sizes == {A4_POINTS}


def test_fonts_are_embedded(book):
    """Every font of every page carries its font program (FontFile, FontFile2 or FontFile3)."""
    missing, seen = [], set()
    for number, page in enumerate(book.pages, start=1):
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            key = id(font)
            if key in seen:
                continue
            seen.add(key)
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type3":
                continue  # drawn glyphs, nothing to embed
            if descriptor is None or not any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(f"page {number}: {font.get('/BaseFont')}")
    assert seen and not missing, missing


def test_text_is_extractable_with_no_missing_glyph(pages):
    assert all(len(text.strip()) > 20 for text in pages), [i + 1 for i, t in enumerate(pages) if len(t.strip()) <= 20]
    bad = [(i + 1, text[max(0, m.start() - 30): m.end() + 30]) for i, text in enumerate(pages)
           for m in MISSING_GLYPH.finditer(text)]
    assert not bad, bad[:5]


@pytest.mark.browser
def test_missing_glyph_check_finds_a_glyph_no_font_has(browser, tmp_path):
    """The check above can fail: a character no installed font draws prints as glyph 0."""
    from pypdf import PdfReader

    page = browser.new_page()
    page.set_content("<p>Printed with a character no font here has: \U0001FBF9 end</p>")
    text = PdfReader(io.BytesIO(page.pdf())).pages[0].extract_text()
    page.close()
    assert MISSING_GLYPH.search(text), repr(text)


# ---------------------------------------------------------------------- each chapter

def test_chart_pages_hold_no_raster_image(report, book, pages):
    """Charts are vector drawings: no page showing a chart's title holds a bitmap."""
    titles = [squash(t) for part in chapter_parts(report) for t in notebook_charts(part["doc"])]
    offenders = []
    for number, (page, text) in enumerate(zip(book.pages, pages), start=1):
        if any(t in squash(text) for t in titles):
            images = raster_images(page.get("/Resources"))
            if images:
                offenders.append((number, images))
    assert not offenders, offenders


def raster_images(resources) -> list[str]:
    """Every bitmap reachable from a page's resources (XObjects, forms, soft masks, patterns)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found, seen, todo = [], set(), [resources]
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if node.get("/Subtype") == "/Image":
                found.append(f"{node.get('/Width')}x{node.get('/Height')}")
            todo += [value for key, value in node.items() if key not in ("/Parent", "/P")]
        elif isinstance(node, ArrayObject):
            todo += list(node)
    return found


def test_every_chapter_has_its_pdf_with_its_title(report):
    from pypdf import PdfReader

    for part in chapter_parts(report):
        name = part["doc"].split("/")[1] + ".pdf"
        reader = PdfReader(PDF / "chapters" / name)
        assert len(reader.pages) == part["pages"]
        assert squash(part["title"])[:40] in squash(reader.pages[0].extract_text()), name
        assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {A4_POINTS}


def test_every_chart_prints_as_vector_graphics_with_its_source_line(report, pages):
    """Each chart the notebook stores is in the chapter's pages as text drawn by the SVG
    (a raster image would have none): its title, and its source line."""
    for part in chapter_parts(report):
        titles = notebook_charts(part["doc"])
        assert part["charts"] == part["charts_expected"] == len(titles), part["doc"]
        assert part["wideCharts"] == part["charts"], f"{part['doc']}: a chart printed its narrow layout"
        text = squash(part_text(pages, part))
        for title in titles:
            assert squash(title) in text, (part["doc"], title)
        assert text.count("Source:") >= len(titles), part["doc"]


def test_every_self_check_prints_with_its_answer_or_where_to_answer(report, pages):
    for part in chapter_parts(report):
        expected = notebook_selfchecks(part["doc"])
        assert expected >= 1 and part["selfchecks"] + part["oldSelfchecks"] == expected, part["doc"]
        text = part_text(pages, part)
        assert "(a)" in text and "(b)" in text, part["doc"]
        if part["selfchecks"]:
            assert part["answers"] == part["selfchecks"] and "Answers to the self-checks" in text, part["doc"]
            assert "Answer:" in text
        else:
            assert "Answer it in Jupyter" in text, part["doc"]


def test_evidence_markers_become_numbered_notes_with_quote_and_source(report, pages):
    for part in chapter_parts(report):
        html = (HTML / f"{part['doc']}.html").read_text(encoding="utf-8")
        markers = html.count('<sup class="evidence">')
        assert part["notes"] == markers > 10, part["doc"]
        text = part_text(pages, part)
        notes = text[text.rfind("Notes"):]
        assert re.search(rf"(^|\n){markers}\.", notes) or f"{markers}." in notes, part["doc"]
        first_quote = re.search(r'class="evidence-tip"[^>]*>(.*?) <span class="evidence-source">\u2014 ([^<]*)<', html)
        quote = re.sub(r"<[^>]+>", "", first_quote.group(1))
        import html as html_module

        assert squash(html_module.unescape(quote))[:40] in squash(notes), part["doc"]
        assert squash(html_module.unescape(first_quote.group(2))) in squash(notes)
        # notes name sources as the page does: no seed file names, no popup link text
        assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", notes), part["doc"]
        assert "Read the passage" not in notes, part["doc"]


def test_solutions_print_at_the_end_of_their_chapter(report, pages):
    for part in chapter_parts(report):
        html = (HTML / f"{part['doc']}.html").read_text(encoding="utf-8")
        solutions = len(re.findall(r'<div class="solution[ "]', html))
        assert part["solutions"] == solutions >= 1, part["doc"]
        text = part_text(pages, part)
        end = text[text.rfind("\nSolutions"):]
        assert end.count("Solution to Exercise") == solutions, part["doc"]


def test_explorers_print_a_table_and_the_web_address(report, pages):
    for part in chapter_parts(report):
        assert part["explorers"] >= 1
        text = squash(part_text(pages, part))
        assert squash("On paper this explorer shows its default rows") in text
        if report["web_address"]:  # a published book's address; a local build's (127.0.0.1) is not printed
            assert squash(f"{report['web_address']}{part['doc']}.html") in text, "the chapter's web address"
        else:
            assert "127.0.0.1" not in text


def test_links_to_other_sites_print_their_address(report, pages):
    book = squash("\n".join(pages))
    for part in report["parts"]:
        html = (HTML / f"{part['doc']}.html").read_text(encoding="utf-8")
        article = html[html.find("<article"):html.find("</article>")]
        article = re.sub(r'<sup class="evidence">.*?</sup>', "", article, flags=re.S)
        for href in re.findall(r'<a class="reference external" href="(https?://[^"]+)"', article):
            assert squash(href) in book, (part["doc"], href)


# ---------------------------------------------------------------------- in the site

def test_pdfs_are_in_the_site_and_every_chapter_menu_links_them(report):
    for part in chapter_parts(report):
        page = HTML / f"{part['doc']}.html"
        html = page.read_text(encoding="utf-8")
        name = part["doc"].split("/")[1]
        for href in (f"../_static/pdf/chapters/{name}.pdf", "../_static/pdf/china-russia.pdf"):
            assert f'href="{href}"' in html, (page.name, href)
            assert (page.parent / href).resolve().is_file(), href


# ---------------------------------------------------------------------- the print script on fixtures

SELFCHECK_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body><article class="bd-article">
<h1>1. A chapter</h1>
<div class="exercise admonition" id="ex-sc"><p class="admonition-title"><span class="caption-number">Exercise 1.2 </span></p>
<section><p>Self-check (judgement).</p></section></div>
<div class="cell sr-selfcheck-cell"><div class="sr-selfcheck" id="selfcheck-q1" data-selfcheck="q1">
<fieldset class="sr-selfcheck-fieldset"><legend class="sr-selfcheck-question"><span class="sr-selfcheck-label">Self-check.</span>
Which reading is best supported?</legend>
<p class="sr-selfcheck-note sr-selfcheck-saved-note">Run the cell in Jupyter to answer.</p>
<ol class="sr-selfcheck-options" type="a">
<li class="sr-selfcheck-option"><button type="button" class="sr-selfcheck-choice" disabled><span class="sr-selfcheck-letter">(a)</span>
<span class="sr-selfcheck-text">First option</span></button></li>
<li class="sr-selfcheck-option"><button type="button" class="sr-selfcheck-choice" disabled><span class="sr-selfcheck-letter">(b)</span>
<span class="sr-selfcheck-text">Second option</span></button></li></ol>
<div class="sr-selfcheck-feedback" role="status"></div>
<div class="sr-selfcheck-actions" hidden style="display: none"><button type="button">Try again</button></div></fieldset>
<div class="sr-selfcheck-key" id="selfcheck-q1-key" hidden style="display: none"><p class="sr-selfcheck-answer">Answer: (b)</p>
<ol class="sr-selfcheck-reasons"><li>(a) Not right. Because.</li><li>(b) Right. Because.</li></ol></div></div></div>
<div class="cell"><div class="cell_input"><pre>check("old", None)</pre></div><div class="cell_output"><div class="self-check">
<p><strong>Self-check:</strong> An older question (a) yes (b) no.</p><p>Replace <code>None</code> with your answer and run the cell again.</p>
</div></div></div>
<p>A claim.<sup class="evidence">[<span class="evidence-item"><a class="evidence-ref" href="#" data-evidence="F07">F07</a>
<span class="evidence-tip" role="tooltip">\u201cthe quote\u201d <span class="evidence-source">\u2014 Lehrer 2021</span></span></span>]</sup>
A link to <a class="reference external" href="https://example.org/report">a report</a>, to
<a class="reference internal" href="../appendix/sources/lehrer2021.html#F07">the passage</a> and to
<a class="reference internal" href="02_energy.html">the next chapter</a>.</p>
</article></body></html>"""


@pytest.mark.browser
def test_print_script_moves_self_check_keys_and_keeps_options(browser):
    """The self-check markup's contract (sinorussia.selfcheck.page_html): on paper the question
    and its options print, the key moves, visible, to the chapter's answers; the older kind of
    self-check loses its "Replace None" line and its code; notes and addresses are written out."""
    page = browser.new_page()
    page.emulate_media(media="print")
    page.set_content(SELFCHECK_PAGE)
    page.add_style_tag(path=str(ROOT / "sinorussia_book" / "assets" / "print.css"))
    page.add_script_tag(path=str(ROOT / "sinorussia_book" / "assets" / "print-edition.js"))
    done = page.evaluate("""() => window.sinorussiaPrintEdition({webAddress: 'https://example.org/book/ch.html',
        siteUrl: 'https://example.org/book/', servedRoot: 'http://book.test/',
        pageUrl: 'http://book.test/chapters/01_history.html', printedDocs: ['chapters/02_energy']})""")
    assert done["selfchecks"] == 1 and done["answers"] == 1 and done["oldSelfchecks"] == 1 and done["notes"] == 1
    shown = page.evaluate("s => Array.from(document.querySelectorAll(s)).map(e => getComputedStyle(e).display !== 'none' && e.offsetHeight > 0)",
                          ".sr-selfcheck-choice")
    assert shown == [True, True]
    answers = page.locator("#print-answers")
    assert answers.count() == 1 and "Exercise 1.2" in answers.inner_text() and "Answer: (b)" in answers.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('#print-answers .sr-selfcheck-key')).display") != "none"
    assert page.locator(".sr-selfcheck .sr-selfcheck-key").count() == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.sr-selfcheck-actions')).display") == "none"
    text = page.inner_text("article")
    assert "Replace None" not in text and 'check("old"' not in text and "https://example.org/book/ch.html" in text
    assert "<https://example.org/report>" in text
    assert "<https://example.org/book/appendix/sources/lehrer2021.html#F07>" in text  # a page paper leaves out
    assert "the next chapter <" not in text  # a page of the printed edition needs no address
    assert "F07: \u201cthe quote\u201d \u2014 Lehrer 2021." in page.inner_text("#print-notes")
    page.close()


# ---------------------------------------------------------------------- bad input, clear errors

def test_printing_without_a_built_book_says_to_build_it(tmp_path):
    from sinorussia_book.pdf import PrintError, build

    with pytest.raises(PrintError, match=r"index\.html is missing: run `make book`"):
        build(tmp_path / "html", tmp_path / "out", ROOT)


def test_a_table_of_contents_without_a_printed_page_is_named(tmp_path):
    from sinorussia_book.pdf import PrintError, book_parts

    toc = re.sub(r"(?m)^\s*- file: appendix/glossary\n", "", (ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (tmp_path / "_toc.yml").write_text(toc, encoding="utf-8")
    with pytest.raises(PrintError, match=r"_toc\.yml: appendix/glossary is not in the table of contents"):
        book_parts(tmp_path)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts: []\n", encoding="utf-8")
    with pytest.raises(PrintError, match="no part with caption 'Themes'"):
        book_parts(tmp_path)

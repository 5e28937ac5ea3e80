"""The printed edition: ``make pdf`` (``python -m sinorussia_book.pdf``) prints the built
HTML book to PDF with Chromium, offline, and writes

* ``_build/pdf/china-russia.pdf`` — title page, contents with page numbers, the seven
  chapters, the instructor guide, the glossary, the data appendix, the bibliography and
  the sources page, with a bookmark (outline) per part and chapter;
* ``_build/pdf/chapters/<chapter>.pdf`` — one PDF per chapter;
* ``_build/pdf/report.json`` — page counts, sizes and the build time;

and copies the PDFs into the built site (``_build/html/_static/pdf/``), where each
chapter's download menu and every page's menu link to them (:mod:`sinorussia_book.publishing`).

How a page becomes paper: Chromium opens the built page over a local server with print
media emulated (``assets/print.css``, the same stylesheet a reader's browser prints
with), waits until its Vega charts have drawn as SVG (so they stay vector graphics in
the PDF, in their wide layout with their source line), and runs ``assets/print-edition.js``,
which turns evidence markers into numbered notes, moves solutions and self-check answers
to the end of the chapter, prints explorers' default tables with the web address and
writes out link addresses. Each part is printed once, without page furniture; the page
numbers and running heads are printed afterwards on a one-page-per-page overlay and
merged with pypdf, which is what lets the contents give the book's page numbers.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import html
import http.server
import io
import json
import shutil
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sinorussia.paths import project_root
from sinorussia_book.reader import provenance_statement

ASSETS = Path(__file__).resolve().parent / "assets"
PRINT_CSS = ASSETS / "print.css"
PRINT_SCRIPT = ASSETS / "print-edition.js"
BOOK_NAME = "china-russia.pdf"
#: where the PDFs go inside the built site
SITE_FOLDER = "_static/pdf"
#: the toc caption of the chapters, and the other pages of the printed edition, in order
CHAPTER_PART = "Themes"
#: where the printed edition cites its outside sources (its last section)
OUTSIDE_SOURCES_IN_PRINT = "in the final section, \u201cSources outside the seeds\u201d"
BACK_MATTER = [("For instructors", ["instructors/guide"]),
               ("Appendices", ["appendix/glossary", "appendix/data", "appendix/bibliography"]),
               ("Sources", ["appendix/sources", "appendix/sources/external"])]
#: A4 minus the print stylesheet's side margins (16 mm each), in CSS px: the width a
#: page is laid out at, so that charts draw their wide layout at the width they print at.
PRINT_WIDTH_PX = round((210 - 32) / 25.4 * 96)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHART_TIMEOUT_MS = 20000


class PrintError(RuntimeError):
    """A page could not be printed as the edition needs (names the page and the problem)."""


@dataclass
class Part:
    """One printed page of the book (a chapter, the guide, an appendix)."""

    doc: str                     #: docname, e.g. ``chapters/01_history``
    part: str                    #: the caption of its part in the table of contents
    title: str = ""              #: its heading as printed
    pages: int = 0
    pdf: bytes = b""
    stats: dict = field(default_factory=dict)

    @property
    def is_chapter(self) -> bool:
        return self.doc.startswith("chapters/")


# ---------------------------------------------------------------------- what is printed

def book_parts(root: Path) -> list[Part]:
    """The printed edition's pages, in order: every chapter of the toc's "Themes" part,
    then :data:`BACK_MATTER` (each must be in the table of contents)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    listed = {entry["file"]: part.get("caption", "") for part in toc.get("parts", [])
              for entry in part.get("chapters", []) if "file" in entry}
    chapters = [doc for doc, caption in listed.items() if caption == CHAPTER_PART]
    if not chapters:
        raise PrintError(f"_toc.yml: no part with caption {CHAPTER_PART!r}, so no chapters to print")
    parts = [Part(doc, CHAPTER_PART) for doc in chapters]
    for caption, docs in BACK_MATTER:
        for doc in docs:
            if doc not in listed:
                raise PrintError(f"_toc.yml: {doc} is not in the table of contents; update BACK_MATTER in sinorussia_book/pdf.py")
            parts.append(Part(doc, caption))
    return parts


def is_published(url: str) -> bool:
    """Whether ``url`` is a web address readers can visit (not this machine's ``make serve``)."""
    from urllib.parse import urlparse

    host = urlparse(url).hostname or ""
    return bool(host) and host not in ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def book_metadata(root: Path) -> dict:
    """Title, author, copyright year, version and web address of the book (``""`` when the
    configured address is this machine's: paper then names no address)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    from sinorussia_book.publishing import base_url

    return {"title": config.get("title", ""), "author": config.get("author", ""),
            "copyright": str(config.get("copyright", "")), "version": version,
            "url": base_url(config) if is_published(base_url(config)) else ""}


# ---------------------------------------------------------------------- Chromium

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve the built book on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    """Debian's Chromium (``make pdf`` installs it with apt)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PrintError("chromium is not installed: `make pdf` installs it (Debian package chromium)")
    return found


def block_other_hosts(page, base: str) -> list[str]:
    """Abort every request that does not go to ``base`` (a Playwright page); return the list
    they are recorded in. The printed edition and the browser tests use this one function."""
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def print_page(page, base: str, part: Part, site_url: str, printed: list[str]) -> None:
    """Open one built page in print mode, prepare it as the printed edition and print it
    (``printed``: the docnames in the edition, whose links need no web address)."""
    page.goto(f"{base}/{part.doc}.html", wait_until="load")
    expected = page.locator("figure.sinorussia-chart").count()
    if expected:
        try:
            page.wait_for_function(
                f"document.querySelectorAll('figure.sinorussia-chart[data-drawn] svg.marks').length >= {expected}",
                timeout=CHART_TIMEOUT_MS)
        except Exception as error:
            raise PrintError(f"{part.doc}: its {expected} charts did not all draw within "
                             f"{CHART_TIMEOUT_MS / 1000:g} s (is vega in _build/html/_static/vendor?)") from error
    if not page.locator('link[href$="print.css"]').count():  # a book built before the print stylesheet existed
        page.add_style_tag(path=str(PRINT_CSS))
    page.add_script_tag(path=str(PRINT_SCRIPT))
    options = {"webAddress": site_url + part.doc + ".html" if site_url else "", "siteUrl": site_url,
               "servedRoot": base + "/", "printedDocs": printed}
    part.stats = page.evaluate("(options) => window.sinorussiaPrintEdition(options)", options)
    part.stats["charts_expected"] = expected
    part.title = page.evaluate("""() => { const h = document.querySelector('article h1');
        if (!h) return ''; const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(e => e.remove());
        return c.textContent.replace(/\\s+/g, ' ').trim(); }""")
    if not part.title:
        raise PrintError(f"{part.doc}: the built page has no <h1> title")
    part.pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True, outline=False)


def render_html(page, markup: str) -> bytes:
    """Print a self-contained HTML document (front matter, page furniture) to PDF."""
    page.set_content(markup, wait_until="load")
    return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)


# ---------------------------------------------------------------------- generated pages

FRONT_CSS = """
@page { size: A4; margin: 24mm 22mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; color: #111; font-size: 10.5pt; }
.title-page { height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.title-page h1 { font-size: 26pt; line-height: 1.2; margin: 0 0 8mm; }
.title-page p { margin: 2mm 0; }
.title-page .edition { margin-top: 14mm; color: #444; font-size: 9.5pt; }
h2 { font-size: 16pt; }
.toc-part { font-weight: 700; margin: 5mm 0 1.5mm; }
.toc-entry { display: flex; align-items: baseline; margin: 1mm 0 1mm 4mm; }
.toc-entry .name { flex: 0 1 auto; }
.toc-entry .dots { flex: 1 1 auto; border-bottom: 1px dotted #777; margin: 0 2mm; }
.toc-entry .num { flex: 0 0 auto; }
"""


def front_matter_html(meta: dict, parts: list[Part], first_pages: list[int]) -> str:
    """The title page and the contents (the part's first page numbers in ``first_pages``)."""
    e = html.escape
    rows, caption = [], None
    for part, first in zip(parts, first_pages):
        if part.part != caption:
            caption = part.part
            rows.append(f'<p class="toc-part">{e(caption)}</p>')
        rows.append(f'<p class="toc-entry"><span class="name">{e(part.title)}</span><span class="dots"></span>'
                    f'<span class="num">{first}</span></p>')
    address = f'<p>Web edition: {e(meta["url"])}</p>' if meta["url"] else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(meta["title"])}</title>'
            f'<style>{FRONT_CSS}</style></head><body>'
            f'<section class="title-page"><h1>{e(meta["title"])}</h1><p>{e(meta["author"])}</p>'
            f'<p class="edition">Printed edition of version {e(meta["version"])}, © {e(meta["copyright"])}.<br>'
            f'{e(provenance_statement(OUTSIDE_SOURCES_IN_PRINT)).replace("`data/`", "<code>data/</code>")} '
            'Each numbered note gives the quote a claim rests on and its source (for a row from outside the '
            'seeds, its citation), or, where a claim rests on a whole seed or on one of its notes, that seed\'s '
            'reference or the note; a long citation or note is shortened.</p>'
            f'{address}</section>'
            f'<section class="contents"><h2>Contents</h2>{"".join(rows)}</section></body></html>')


OVERLAY_CSS = """
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 7.5pt; color: #555; }
.sheet { width: 210mm; height: 296.8mm; position: relative; break-after: page; overflow: hidden; }
.sheet:last-child { break-after: auto; }
.foot { position: absolute; left: 16mm; right: 16mm; bottom: 8mm; display: flex; justify-content: space-between;
        border-top: 0.4pt solid #aaa; padding-top: 1.5mm; }
"""


def overlay_html(labels: list[tuple[str, str]]) -> str:
    """One A4 sheet per page, each with its running head (left) and page number (right)
    in the bottom margin; an empty label pair leaves a sheet blank."""
    e = html.escape
    sheets = "".join(f'<div class="sheet">{f"<div class=foot><span>{e(left)}</span><span>{e(right)}</span></div>" if left or right else ""}</div>'
                     for left, right in labels)
    return f'<!doctype html><html lang="en"><head><meta charset="utf-8"><style>{OVERLAY_CSS}</style></head><body>{sheets}</body></html>'


# ---------------------------------------------------------------------- assembling

def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def assemble(pieces: list[bytes], overlay: bytes, outline: list[tuple[str, int, int | None]], meta: dict, title: str) -> bytes:
    """Concatenate ``pieces``, stamp page i with overlay page i, add bookmarks
    (``(title, page index, parent index in this list or None)``) and metadata."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    stamps = PdfReader(io.BytesIO(overlay)).pages
    index = 0
    for piece in pieces:
        for page in PdfReader(io.BytesIO(piece)).pages:
            added = writer.add_page(page)
            if index < len(stamps):
                added.merge_page(stamps[index])
                added.compress_content_streams()  # merging leaves the page's content uncompressed
            index += 1
    items = []
    for name, page_index, parent in outline:
        items.append(writer.add_outline_item(title=name, page_number=page_index,
                                            parent=items[parent] if parent is not None else None))
    writer.add_metadata({"/Title": title, "/Author": meta["author"], "/Subject": meta["title"],
                         "/Creator": "sinorussia_book.pdf (Chromium, pypdf)"})
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build(html_dir: Path, out_dir: Path, root: Path | None = None) -> dict:
    """Print the book and its chapters from ``html_dir`` into ``out_dir``; return the report."""
    from playwright.sync_api import sync_playwright

    root = root or project_root()
    if not (html_dir / "index.html").is_file():
        raise PrintError(f"{html_dir}/index.html is missing: run `make book` first (`make pdf` does)")
    started = time.perf_counter()
    meta = book_metadata(root)
    parts = book_parts(root)
    short = meta["title"].split(":")[0]
    with serve(html_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1100}, color_scheme="light")
        context.add_init_script("localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light');")
        page = context.new_page()
        page.emulate_media(media="print")
        blocked = block_other_hosts(page, base)
        for part in parts:
            print_page(page, base, part, meta["url"], [p.doc for p in parts])
            part.pages = _pages(part.pdf)
            if part.stats["charts"] < part.stats["charts_expected"]:
                raise PrintError(f"{part.doc}: {part.stats['charts']} of {part.stats['charts_expected']} charts drew")
        if blocked:
            raise PrintError(f"the pages asked other hosts for {blocked[:3]}: the printed edition must build offline")
        # front matter: rendered once to count its pages, then with the real numbers
        draft = render_html(page, front_matter_html(meta, parts, [0] * len(parts)))
        front_pages = _pages(draft)
        firsts, n = [], front_pages + 1
        for part in parts:
            firsts.append(n)
            n += part.pages
        front = render_html(page, front_matter_html(meta, parts, firsts))
        if _pages(front) != front_pages:
            raise PrintError("the contents changed length once page numbers were filled in")
        total = n - 1
        labels = [("", "")] * front_pages
        for part, first in zip(parts, firsts):
            labels += [(f"{short} · {part.title}", str(first + i)) for i in range(part.pages)]
        chapter_labels = {part.doc: [(f"{short} · {part.title}", f"{i + 1} / {part.pages}") for i in range(part.pages)]
                          for part in parts if part.is_chapter}
        book_overlay = render_html(page, overlay_html(labels))
        chapter_overlays = {doc: render_html(page, overlay_html(lab)) for doc, lab in chapter_labels.items()}
        browser.close()

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "chapters").mkdir(exist_ok=True)
    outline, captions = [("Contents", 1 if front_pages > 1 else 0, None)], {}
    for part, first in zip(parts, firsts):
        if part.part not in captions:
            captions[part.part] = len(outline)
            outline.append((part.part, first - 1, None))
        outline.append((part.title, first - 1, captions[part.part]))
    book = assemble([front] + [part.pdf for part in parts], book_overlay, outline, meta, meta["title"])
    (out_dir / BOOK_NAME).write_bytes(book)
    report = {"book": {"file": BOOK_NAME, "pages": total, "bytes": len(book)}, "web_address": meta["url"], "chapters": {}}
    for part in parts:
        if part.is_chapter:
            name = Path(part.doc).name + ".pdf"
            data = assemble([part.pdf], chapter_overlays[part.doc], [(part.title, 0, None)], meta, part.title)
            (out_dir / "chapters" / name).write_bytes(data)
            report["chapters"][name] = {"title": part.title, "pages": part.pages, "bytes": len(data)}
    report["parts"] = [{"doc": part.doc, "title": part.title, "first_page": first, "pages": part.pages, **part.stats}
                       for part, first in zip(parts, firsts)]
    report["seconds"] = round(time.perf_counter() - started, 1)
    (out_dir / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def publish_into_site(out_dir: Path, html_dir: Path) -> list[Path]:
    """Copy the PDFs into the built site (``_static/pdf/``), where the menus link to them."""
    copied = []
    for pdf in sorted(out_dir.rglob("*.pdf")):
        target = html_dir / SITE_FOLDER / pdf.relative_to(out_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, target)
        copied.append(target)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the built book to PDF (the printed edition).")
    root = project_root()
    parser.add_argument("--html", type=Path, default=root / "_build" / "html")
    parser.add_argument("--out", type=Path, default=root / "_build" / "pdf")
    args = parser.parse_args(argv)
    try:
        report = build(args.html, args.out, root)
    except PrintError as error:
        print(f"make pdf: {error}")
        return 1
    publish_into_site(args.out, args.html)
    book = report["book"]
    print(f"wrote {args.out / BOOK_NAME}: {book['pages']} pages, {book['bytes'] / 1e6:.1f} MB; "
          f"{len(report['chapters'])} chapter PDFs in {args.out / 'chapters'}; {report['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The built book as readers see it: its pages, a local server and headless Chromium.

Shared by the browser tests (tests/), the reviewers' screenshots (`make screenshots`)
and the page-weight benchmark (benchmarks/run.py), so all three visit the same pages
in the same browser the same way.

Run ``python tests/helpers/site.py screenshots`` to save every page of the table of
contents at a phone, a tablet and a laptop width, in light and dark mode, into
``_build/screenshots/<width>-<mode>/``.
"""
from __future__ import annotations

import argparse
import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import yaml

from sinorussia_book.pdf import block_other_hosts  # noqa: F401 (one offline router, re-exported)
from sinorussia_book.pdf import serve as pdf_serve

ROOT = Path(__file__).resolve().parents[2]

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
#: Reader devices: a phone, a tablet and a laptop (CSS pixels).
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024},
             "laptop": {"width": 1280, "height": 900}}
#: The theme's colour modes (pydata-sphinx-theme keeps the choice in localStorage).
MODES = ("light", "dark")
#: A chart on a built page (written by sinorussia_book.vega from the notebook's Vega-Lite output).
CHART_FIGURE = "figure.sinorussia-chart"
DRAWN_CHARTS_JS = "document.querySelectorAll('figure.sinorussia-chart[data-drawn] svg.marks').length"
#: One static explorer in a built page (sinorussia.explorers.STATIC_CLASS).
EXPLORER = ".sr-explorer"


class ChartsNotDrawn(AssertionError):
    """A page declares charts that did not draw (a missing or broken vega script)."""


def toc_pages() -> list[str]:
    """Every page of the table of contents, in reading order, as paths of built HTML files."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return [str(Path(p).with_suffix("")) + ".html" for p in pages]


@contextlib.contextmanager
def serve(directory: Path = HTML) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) and yield its base URL: the printed
    edition's server, after checking that the book is built."""
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"{directory}/index.html is missing: run `make book` first")
    with pdf_serve(directory) as base:
        yield base


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (no downloaded browser)."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError("chromium is not installed: `make test` installs it with apt")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_charts(page, timeout_ms: int = 15000) -> int:
    """Wait until every chart the page declares has drawn its marks; return how many."""
    expected = page.locator(CHART_FIGURE).count()
    if expected:
        try:
            page.wait_for_function(f"{DRAWN_CHARTS_JS} >= {expected}", timeout=timeout_ms)
        except Exception as error:  # playwright's TimeoutError: say what is missing
            drawn = page.evaluate(DRAWN_CHARTS_JS)
            raise ChartsNotDrawn(f"{page.url}: {drawn} of {expected} charts drawn after {timeout_ms / 1000:g} s") from error
    return expected


def new_reader(browser, viewport: dict, mode: str = "light"):
    """A browser context at ``viewport`` whose pages open in the theme's ``mode``."""
    context = browser.new_context(viewport=viewport, color_scheme=mode)
    # pydata-sphinx-theme reads the reader's choice from localStorage before drawing the page
    context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    return context


def take_screenshots(out: Path = SCREENSHOTS, pages: list[str] | None = None) -> list[Path]:
    """Save a full-page PNG of every table-of-contents page (or ``pages``) at each width in
    VIEWPORTS and in each of MODES, into ``out/<width>-<mode>/``."""
    from playwright.sync_api import sync_playwright

    saved = []
    with serve() as base, sync_playwright() as p:
        browser = launch_chromium(p)
        for viewport in VIEWPORTS.values():
            for mode in MODES:
                context = new_reader(browser, viewport, mode)
                page = context.new_page()
                block_other_hosts(page, base)
                for path in pages or toc_pages():
                    page.goto(f"{base}/{path}", wait_until="load")
                    wait_for_charts(page)
                    page.wait_for_timeout(200)
                    folder = out / f"{viewport['width']}-{mode}"
                    target = folder / (path.replace("/", "__").removesuffix(".html") + ".png")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                context.close()
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["screenshots", "pages"])
    parser.add_argument("--page", action="append", help="only this page (repeatable), e.g. chapters/01_history.html")
    args = parser.parse_args(argv)
    if args.command == "pages":
        print("\n".join(toc_pages()))
        return 0
    saved = take_screenshots(pages=args.page)
    folders = ", ".join(f"{v['width']}-{m}" for v in VIEWPORTS.values() for m in MODES)
    print(f"{len(saved)} screenshots in {SCREENSHOTS.relative_to(ROOT)}/ ({folders})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

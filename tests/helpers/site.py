"""The built book as readers see it: its pages, a local server and headless Chromium.

Shared by the browser tests (tests/), the reviewers' screenshots (`make screenshots`)
and the page-weight benchmark (benchmarks/run.py), so all three visit the same pages
in the same browser the same way.

Run ``python tests/helpers/site.py screenshots`` to save every page of the table of
contents at a laptop and a phone width into ``_build/screenshots/``.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
#: Reader devices: a laptop and a phone (CSS pixels).
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
#: How many charts a built page should draw: each chart cell emits one vegaEmbed call.
CHART_CALL = "vegaEmbed(el"
DRAWN_CHARTS_JS = "document.querySelectorAll('.sinorussia-chart svg.marks').length"
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test and benchmark output readable
        pass


@contextlib.contextmanager
def serve(directory: Path = HTML) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) and yield its base URL."""
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"{directory}/index.html is missing: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (no downloaded browser)."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError("chromium is not installed: `make test` installs it with apt")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def block_other_hosts(page, base: str) -> list[str]:
    """Abort every request that does not go to ``base``; return the list they are recorded in."""
    blocked: list[str] = []
    local = base + "/"

    def route(r):
        if r.request.url.startswith(local):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def wait_for_charts(page, timeout_ms: int = 15000) -> int:
    """Wait until every chart the page declares has drawn its marks; return how many."""
    expected = page.content().count(CHART_CALL)
    if expected:
        try:
            page.wait_for_function(f"{DRAWN_CHARTS_JS} >= {expected}", timeout=timeout_ms)
        except Exception as error:  # playwright's TimeoutError: say what is missing
            drawn = page.evaluate(DRAWN_CHARTS_JS)
            raise ChartsNotDrawn(f"{page.url}: {drawn} of {expected} charts drawn after {timeout_ms / 1000:g} s") from error
    return expected


def take_screenshots(out: Path = SCREENSHOTS) -> list[Path]:
    """Save a full-page PNG of every table-of-contents page at each width in VIEWPORTS."""
    from playwright.sync_api import sync_playwright

    saved = []
    with serve() as base, sync_playwright() as p:
        browser = launch_chromium(p)
        for device, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            block_other_hosts(page, base)
            for path in toc_pages():
                page.goto(f"{base}/{path}", wait_until="load")
                wait_for_charts(page)
                page.wait_for_timeout(200)
                target = out / device / (path.replace("/", "__").removesuffix(".html") + ".png")
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target), full_page=True)
                saved.append(target)
            context.close()
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["screenshots", "pages"])
    args = parser.parse_args(argv)
    if args.command == "pages":
        print("\n".join(toc_pages()))
        return 0
    saved = take_screenshots()
    print(f"{len(saved)} screenshots in {SCREENSHOTS.relative_to(ROOT)}/ ({', '.join(VIEWPORTS)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Checks of the built HTML (``make test`` builds the book with -W -n first)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import HTML, toc_pages

EXTERNAL_ASSET = re.compile(r"""<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["'](https?:)?//[^"']+["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?(https?:)?//""", re.I)


def html_files():
    return sorted(HTML.rglob("*.html"))


def test_every_toc_page_was_built(built_book):
    missing = [p for p in toc_pages() if not (built_book / p).is_file()]
    assert not missing


def test_no_page_loads_an_external_script_style_or_font(built_book):
    offenders = []
    for page in html_files():
        text = page.read_text(encoding="utf-8")
        for match in EXTERNAL_ASSET.finditer(text):
            if match.group(1).lower() == "link" and 'rel="stylesheet"' not in match.group(0) and "preload" not in match.group(0):
                continue  # ordinary hyperlinks in <link rel="canonical"> etc.
            offenders.append(f"{page.relative_to(built_book)}: {match.group(0)[:120]}")
        for bad in ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "THEBE_JS_URL"):
            if bad in text:
                offenders.append(f"{page.relative_to(built_book)}: mentions {bad}")
    for css in built_book.rglob("*.css"):
        if CSS_URL.search(css.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{css.relative_to(built_book)}: url() to another host")
    assert not offenders, "\n".join(offenders)


def test_widget_manager_is_loaded_on_demand_after_vega(built_book):
    """Widget pages carry only the small loader; require.js and the 4.4 MB manager are
    fetched by it when a reader nears an explorer, after the vega UMD builds have run."""
    widget_pages = 0
    for page in html_files():
        text = page.read_text(encoding="utf-8")
        assert "embed-amd.js" not in text and "require.min.js" not in text, page.relative_to(built_book)
        if "application/vnd.jupyter.widget-state+json" in text:
            widget_pages += 1
            assert "vendor/widgets-on-demand.js" in text, page.relative_to(built_book)
            if "vendor/vega.min.js" in text:
                assert text.index("vendor/vega.min.js") < text.index("vendor/widgets-on-demand.js"), page
    assert widget_pages >= 7, f"only {widget_pages} pages embed widget state"


def test_seed_texts_are_not_published(built_book):
    for seed in (Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"):
        assert not list(built_book.rglob(seed.name)), seed.name


@pytest.mark.parametrize("page", ["chapters/01_history.html"])
def test_widget_pages_carry_the_live_note(built_book, page):
    text = (built_book / page).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in text
    assert "Live in Jupyter" in text

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


def test_explorers_are_static_with_no_widget_manager(built_book):
    """Explorer pages show each explorer's static HTML with its 2 KB switcher; no page
    loads the ipywidgets manager or embeds widget views or saved widget state."""
    explorer_pages = 0
    for page in html_files():
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(built_book)
        assert "embed-amd.js" not in text and "require.min.js" not in text, where
        assert "application/vnd.jupyter.widget" not in text, where
        has_explorer = 'class="sr-explorer"' in text
        assert has_explorer == ("vendor/explorers.js" in text) == ("vendor/explorers.css" in text), where
        explorer_pages += has_explorer
    assert explorer_pages >= 7, f"only {explorer_pages} pages show an explorer"


def test_seed_texts_are_not_published(built_book):
    for seed in (Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"):
        assert not list(built_book.rglob(seed.name)), seed.name


@pytest.mark.parametrize("page", ["chapters/01_history.html"])
def test_explorer_pages_say_what_the_static_explorer_offers(built_book, page):
    text = (built_book / page).read_text(encoding="utf-8")
    assert "<strong>In the book:</strong> every control works in this page without a kernel" in text
    assert "Live in Jupyter" not in text  # that note belongs to the live widget


@pytest.mark.parametrize("hub", ["https://hub.example.edu", ""])
def test_launch_button_appears_only_with_a_hub_url(tmp_path, hub):
    """An instructor who sets `launch_buttons.jupyterhub_url` (and the repository the hub
    clones) gets a JupyterHub launch link on every chapter page; with no URL there is none."""
    import subprocess
    import sys

    import yaml

    root = Path(__file__).resolve().parent.parent
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["launch_buttons"]["jupyterhub_url"] = hub
    config["repository"]["url"] = "https://github.com/example/china-russia-book" if hub else ""
    config["only_build_toc_files"] = True
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/02_energy\n",
                                       encoding="utf-8")
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", str(root), "--config", str(tmp_path / "_config.yml"),
                             "--toc", str(tmp_path / "_toc.yml"), "--path-output", str(tmp_path / "out"),
                             "--builder", "html"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    page = (tmp_path / "out" / "_build" / "html" / "chapters" / "02_energy.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(https://hub\.example\.edu[^"]*)"', page)
    if hub:
        assert links and "hub/user-redirect/git-pull" in links[0] and "02_energy.ipynb" in links[0], links
    else:
        assert not links and "hub.example.edu" not in page
        assert "Run this chapter yourself" in page

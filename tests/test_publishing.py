"""The built site ready for a static host (sinorussia_book/publishing.py): its base URL
from configuration, sitemap, social preview metadata on every page, a 404 page in the
book's theme that works at any depth, the print stylesheet, and the Pages workflow."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import HTML, ROOT, toc_pages
from helpers.site import block_other_hosts, wait_for_charts
from sinorussia_book import publishing

PAGES = toc_pages()
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def meta(html: str, prop: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def configured_base() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return publishing.base_url(config)


def built_base(built_book: Path) -> str:
    """The base URL the built site was made with (from its canonical links)."""
    page = (built_book / "intro.html").read_text(encoding="utf-8")
    return re.search(r'<link rel="canonical" href="([^"]*)intro\.html"', page).group(1)


# ---------------------------------------------------------------------- configuration

def test_base_url_comes_from_the_environment_then_the_config():
    config = {"html": {"baseurl": "https://example.org/book"}}
    assert publishing.base_url(config, environ={}) == "https://example.org/book/"
    assert publishing.base_url(config, environ={"BOOK_BASEURL": "https://pages.example.io/cr/"}) == "https://pages.example.io/cr/"
    assert publishing.base_url({}, environ={}) == ""
    assert configured_base().startswith("http")


def test_a_base_url_without_a_scheme_is_refused_by_name():
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="BOOK_BASEURL or html.baseurl"):
        publishing.base_url({"html": {"baseurl": "example.org/book"}}, environ={})


# ---------------------------------------------------------------------- the built site

def test_sitemap_lists_every_page_at_the_site_address(built_book):
    base = built_base(built_book)
    tree = ET.parse(built_book / "sitemap.xml")
    locs = {loc.text for loc in tree.iter(f"{SITEMAP_NS}loc")}
    missing = [p for p in PAGES if base + p not in locs]
    assert not missing, missing
    assert not [u for u in locs if re.search(r"(search|genindex|404)\.html$", u)]
    assert all(u.startswith(base) for u in locs)
    assert f"Sitemap: {base}sitemap.xml" in (built_book / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_social_preview_metadata(built_book, page):
    html = (built_book / page).read_text(encoding="utf-8")
    base = built_base(built_book)
    title = re.search(r"<title>([^<]*)", html).group(1)
    assert meta(html, "og:title") and meta(html, "og:title") in title.replace("&#8212;", "\u2014")
    description = meta(html, "og:description")
    assert description and len(description) > 40, page
    assert meta(html, "description") == description
    assert meta(html, "og:url") == base + page
    image = meta(html, "og:image")
    assert image == base + "_static/vendor/social-preview.png"
    assert (built_book / "_static" / "vendor" / "social-preview.png").is_file()
    assert meta(html, "og:image:alt")
    assert f'<link rel="canonical" href="{base}{page}"' in html


@pytest.mark.parametrize("page", PAGES + ["404.html"])
def test_every_page_loads_the_print_stylesheet_for_print(built_book, page):
    html = (built_book / page).read_text(encoding="utf-8")
    assert re.search(r'<link media="print" rel="stylesheet" type="text/css" href="[^"]*_static/vendor/print\.css(\?v=[0-9a-f]+)?"', html), page  # an incremental build adds Sphinx's ?v= checksum


def test_404_page_is_in_the_theme_with_absolute_asset_paths(built_book):
    html = (built_book / "404.html").read_text(encoding="utf-8")
    prefix = urlparse(built_base(built_book)).path or "/"
    assert "Page not found" in html and "bd-header" in html and "bd-sidebar-primary" in html
    assets = re.findall(r'<(?:link|script)\b[^>]*\b(?:href|src)="([^"#]+\.(?:css|js)[^"]*)"', html)
    assert assets
    relative = [a for a in assets if not a.startswith(prefix)]
    assert not relative, relative
    assert f'href="{prefix}index.html"' in html


@pytest.mark.browser
def test_404_page_draws_its_theme_at_any_depth(browser, book_server, built_book):
    """As a host serves it for a missing address: its styles and scripts all load."""
    body = (built_book / "404.html").read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked = block_other_hosts(page, book_server)
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(r.url))
    missing = f"{book_server}/chapters/no/such/page.html"
    page.route(missing, lambda route: route.fulfill(status=404, body=body, content_type="text/html"))
    page.goto(missing)
    page.wait_for_load_state("load")
    themed = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--pst-color-primary')")
    assert themed.strip(), "the theme's stylesheet did not apply"
    assert [f for f in failed if not f.startswith("404 " + missing)] == [] and blocked == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["chapters/02_energy.html", "appendix/glossary.html"])
def test_printing_a_page_from_the_browser_gives_the_print_layout(browser, book_server, path, tmp_path):
    """Print media, as when a reader prints: no sidebars, header, search or buttons; charts
    within the printed column. The PDF Chromium prints is A4 (the stylesheet's @page)."""
    from pypdf import PdfReader

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    block_other_hosts(page, book_server)
    page.goto(f"{book_server}/{path}", wait_until="load")
    wait_for_charts(page)
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.bd-header', '.bd-sidebar-primary', '.bd-sidebar-secondary', '.search-button-field',
        '.article-header-buttons', '.prev-next-area', '.theme-switch-button'].map(s => [s,
        Array.from(document.querySelectorAll(s)).every(e => getComputedStyle(e).display === 'none' || !e.offsetParent)])""")
    assert all(ok for _, ok in hidden), hidden
    article = page.evaluate("document.querySelector('article.bd-article').getBoundingClientRect().width")
    charts = page.evaluate("Array.from(document.querySelectorAll('figure.sinorussia-chart svg')).map(s => s.getBoundingClientRect().right)")
    left = page.evaluate("document.querySelector('article.bd-article').getBoundingClientRect().left")
    assert all(right <= left + article + 1 for right in charts), (charts, left, article)
    out = tmp_path / "printed.pdf"
    page.pdf(path=str(out), prefer_css_page_size=True)
    first = PdfReader(out).pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    context.close()


@pytest.mark.browser
def test_a_page_read_in_dark_mode_prints_light_and_returns_to_dark(browser, book_server):
    from helpers.site import new_reader

    context = new_reader(browser, {"width": 1280, "height": 900}, "dark")
    page = context.new_page()
    block_other_hosts(page, book_server)
    page.goto(f"{book_server}/chapters/03_dedollarization.html", wait_until="load")
    wait_for_charts(page)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    # the charts were redrawn for paper: their title text is dark again
    fill = page.evaluate("getComputedStyle(document.querySelector('figure.sinorussia-chart svg text')).fill")
    channels = [int(c) for c in re.findall(r"\d+", fill)[:3]]
    assert channels and sum(channels) < 3 * 128, fill
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    context.close()


# ---------------------------------------------------------------------- the workflow

def test_pages_workflow_builds_book_and_pdf_and_deploys():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    uses = [step.get("uses", "") for step in build["steps"]]
    assert "make pdf" in runs  # `make pdf` runs `make book` first
    assert any("BOOK_BASEURL" in (step.get("env") or {}) for step in build["steps"])
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in workflow["jobs"]["deploy"]["steps"])
    assert workflow["permissions"]["pages"] == "write"


def test_readme_documents_publishing():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Publishing"):]
    section = section[:section.index("\n## ", 5)]
    for needed in ("BOOK_BASEURL", "html: baseurl:", "sitemap", "og:image", "404.html", "pages.yml", "make pdf"):
        assert needed in section, needed

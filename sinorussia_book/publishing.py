"""Publishing the book on a static host, and the printed edition's links.

The book's web address (``html_baseurl``) comes from configuration: the environment
variable ``BOOK_BASEURL`` when it is set (the GitHub Pages workflow sets it to the
site's address), else ``html: baseurl:`` in ``_config.yml``. From it, this extension
configures the field's Sphinx extensions, listed in ``_config.yml``:

* ``sphinx_sitemap`` writes ``sitemap.xml`` (every page's absolute address), and
  ``robots.txt`` points crawlers at it;
* ``sphinxext.opengraph`` gives every page social preview metadata (``og:title``,
  ``og:description``, ``og:url``, ``og:image``): the image is the book's own card,
  ``_static/social-preview.png`` on the site itself, so no page asks another host;
* ``notfound`` (sphinx-notfound-page) writes ``404.html`` in the book's theme with
  absolute asset paths under the site's path (``notfound_urls_prefix``), so the page
  works at any depth of a missing address.

It also loads the print stylesheet (``assets/print.css``) on every page with
``media="print"`` (and ``assets/print.js``, 0.7 KB, which prints a page read in dark mode
in the light one), and links the printed edition (:mod:`sinorussia_book.pdf`): every
page's download menu offers the whole book as PDF, and each chapter's its own PDF;
when ``make pdf`` has run, the PDFs are copied into the site (``_static/pdf/``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

from sphinx.errors import ExtensionError

from sinorussia_book.offline import ASSETS, copy_assets

ENV_BASEURL = "BOOK_BASEURL"
PRINT_CSS = "print.css"
PRINT_JS = "print.js"
SOCIAL_IMAGE = "social-preview.png"
STATIC = "vendor"
PDF_FOLDER = "_static/pdf"
BOOK_PDF = "china-russia.pdf"
DESCRIPTION = ("An open teaching module on China–Russia relations: history, energy, de-dollarization, Central Asia, "
               "EU policy and security, every fact traced to five source articles.")


def base_url(config: dict | None = None, environ=os.environ) -> str:
    """The site's address with a trailing slash: ``$BOOK_BASEURL``, else ``html.baseurl``
    of ``_config.yml`` (``config`` is that file's mapping), else ``""``."""
    url = environ.get(ENV_BASEURL, "").strip() or str(((config or {}).get("html") or {}).get("baseurl") or "").strip()
    if url and urlparse(url).scheme not in ("http", "https"):
        raise ExtensionError(f"the book's base URL {url!r} ({ENV_BASEURL} or html.baseurl in _config.yml) "
                             "must start with http:// or https://")
    return url.rstrip("/") + "/" if url else ""


def _configure(app, config) -> None:
    """Derive the publishing extensions' settings from the one base URL."""
    url = base_url({"html": {"baseurl": config.html_baseurl}})
    if not url:
        raise ExtensionError("the book needs its web address for the sitemap and social previews: set html.baseurl "
                             f"in _config.yml or the environment variable {ENV_BASEURL}")
    config.html_baseurl = url
    config.sitemap_url_scheme = "{link}"
    config.sitemap_excludes = ["search.html", "genindex.html", "404.html"]
    config.ogp_site_url = url
    config.ogp_site_name = config.html_title or config.project
    config.ogp_image = f"_static/{STATIC}/{SOCIAL_IMAGE}"
    config.ogp_image_alt = f"{config.ogp_site_name}: title card"
    config.ogp_social_cards = {"enable": False}
    config.ogp_enable_meta_description = True
    config.ogp_description_length = 200
    config.notfound_urls_prefix = urlparse(url).path or "/"
    config.notfound_context = {
        "title": "Page not found",
        "body": ("<h1>Page not found</h1><p>There is no page at this address in "
                 f"<em>{config.ogp_site_name}</em>. It may have moved when the book was reorganised.</p>"
                 f'<p>Go to the <a href="{config.notfound_urls_prefix}index.html">start of the book</a> and use its '
                 "table of contents or search.</p>"),
    }


def _download_items(app, pagename, templatename, context, doctree) -> None:
    """Add the printed edition to the page's download menu (whole book; the chapter's own)."""
    pathto = context.get("pathto")
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"]
    if not pathto or not groups:
        return
    items = groups[0]["buttons"]
    if pagename.startswith("chapters/"):
        items.append({"type": "link", "url": pathto(f"{PDF_FOLDER}/chapters/{Path(pagename).name}.pdf", 1),
                      "text": "Chapter (PDF)", "tooltip": "The printed edition of this chapter (A4 PDF)",
                      "icon": "fas fa-file-pdf", "label": "download-chapter-pdf-button"})
    items.append({"type": "link", "url": pathto(f"{PDF_FOLDER}/{BOOK_PDF}", 1), "text": "Book (PDF)",
                  "tooltip": "The whole book, printed edition (A4 PDF)", "icon": "fas fa-book",
                  "label": "download-book-pdf-button"})


def _finish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    copy_assets(app, {name: ASSETS / name for name in (PRINT_CSS, PRINT_JS, SOCIAL_IMAGE)}, STATIC)
    outdir = Path(app.outdir)
    (outdir / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {app.config.html_baseurl}sitemap.xml\n",
                                       encoding="utf-8")
    printed = Path(app.srcdir) / "_build" / "pdf"
    if printed.is_dir():  # `make pdf` has run: keep its PDFs in the rebuilt site
        for pdf in printed.rglob("*.pdf"):
            target = outdir / PDF_FOLDER / pdf.relative_to(printed)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, target)


def _complete_sitemap(app, exception) -> None:
    """sphinx-sitemap lists only the pages written in this build, so an incremental `make book`
    (one chapter edited) would publish a sitemap of that chapter alone: add every other page
    of the book, as sphinx-sitemap itself would name it."""
    queue = getattr(app.env.app, "sitemap_links", None)
    if exception is not None or queue is None or app.builder.format != "html":
        return
    links = []
    while not queue.empty():
        links.append(queue.get_nowait())
    listed = {link for link, _ in links}
    suffix = app.config.html_file_suffix or ".html"
    for doc in sorted(app.env.found_docs):
        link = doc + suffix
        if link not in listed and link not in app.config.sitemap_excludes:
            links.append((link, None))
    for item in links:
        queue.put(item)


def setup(app):
    app.connect("config-inited", _configure, priority=100)
    app.add_css_file(f"{STATIC}/{PRINT_CSS}", media="print")
    app.add_js_file(f"{STATIC}/{PRINT_JS}", defer="defer")
    app.connect("html-page-context", _download_items, priority=600)
    app.connect("build-finished", _complete_sitemap, priority=400)  # before sphinx-sitemap writes it (500)
    app.connect("build-finished", _finish)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Search results that read like the page: words separated, hidden popups left out.

Two places made the search page run words together (student walk-through, finding 8):

* **The index.** Sphinx indexes raw HTML (explorer tables, evidence markers, self-checks)
  by deleting its tags, so ``<td>China</td><td>Lehrer 2021</td>`` became the word
  ``ChinaLehrer``. :func:`searchable` gives the indexer a copy of the page in which every
  tag of raw HTML is replaced by a space (the page itself is unchanged).
* **The snippets.** Sphinx's ``searchtools.js`` builds a result's snippet from the
  ``textContent`` of the page's main block: table cells and list items are glued
  together and hidden text (the evidence popups, a self-check's key) is included.
  ``assets/search.js``, loaded on the search page only, replaces ``Search.htmlToText``
  with one that leaves out what the page hides and separates blocks and cells.

The index patch wraps :meth:`sphinx.search.IndexBuilder.feed`; the build stops if a
Sphinx upgrade changes that method's signature (see :data:`FEED_PARAMETERS`).
"""
from __future__ import annotations

import html
import inspect
import re
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.search import IndexBuilder

from sinorussia_book.offline import copy_assets

ASSETS = Path(__file__).resolve().parent / "assets"
STATIC = "search"
SCRIPT = "search.js"
FEED_PARAMETERS = ["self", "docname", "filename", "title", "doctree"]
_HIDDEN_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^<>]+?>")


def raw_text(markup: str) -> str:
    """The words of raw HTML as a reader sees them: scripts and styles dropped, every tag a
    space, entities decoded, runs of white space collapsed."""
    text = _TAG.sub(" ", _HIDDEN_BLOCKS.sub(" ", markup))
    return re.sub(r"\s+", " ", html.unescape(text).replace("<", " ").replace(">", " ")).strip()


def searchable(doctree: nodes.document) -> nodes.document:
    """A copy of ``doctree`` whose raw HTML holds text with words separated (for the indexer)."""
    copy = doctree.deepcopy()
    for node in list(copy.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            node.parent.replace(node, nodes.raw("", raw_text(node.astext()), format="html"))
    return copy


def _patch_indexer() -> None:
    feed = IndexBuilder.feed
    if getattr(feed, "_sinorussia", False):
        return
    if list(inspect.signature(feed).parameters) != FEED_PARAMETERS:
        raise ExtensionError("sphinx.search.IndexBuilder.feed changed after an upgrade; "
                             "review sinorussia_book/search.py")

    def feed_words_separated(self, docname, filename, title, doctree):
        return feed(self, docname, filename, title, searchable(doctree))

    feed_words_separated._sinorussia = True
    IndexBuilder.feed = feed_words_separated


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file(f"{STATIC}/{SCRIPT}", priority=600, defer="defer")


def _copy_assets(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_assets(app, {SCRIPT: ASSETS / SCRIPT}, STATIC)


def setup(app):
    _patch_indexer()
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension that makes the built book work with no internet connection.

What it does (see ``README.md``, section *Offline by design*):

* shows the explorers (:mod:`sinorussia.explorers`) in their static form: the
  HTML builder prefers an output's ``text/html`` to its ipywidgets view
  (``nb_mime_priority_overrides``), no ipywidgets manager is loaded
  (``nb_ipywidgets_js`` is empty: it weighed 4.4 MB) and the notebooks' saved widget
  state is left out of the pages; pages with an explorer get its 2 KB switcher
  (``assets/explorers.js``) and stylesheet. The build fails if a widget view or
  widget state would still reach a page;
* loads sphinx-design's stylesheet and script only on pages that use its components
  (none does today: 60 KB saved on every page);
* removes two pieces of extension markup that fail accessibility checks
  (:data:`ACCESSIBILITY_FIXES`);
* removes sphinx-thebe's inline ``THEBE_JS_URL`` script, which the theme
  emits twice (a SyntaxError on every page) and which points at a CDN; the book
  has no live-code buttons, so nothing uses it.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError


VENDOR = "vendor"

#: The static explorers' switcher and styles (from ASSETS), added to pages with an explorer.
EXPLORER_SCRIPT = "explorers.js"
EXPLORER_CSS = "explorers.css"
ASSETS = Path(__file__).resolve().parent / "assets"
#: What every static explorer's markup contains (sinorussia.explorers.STATIC_CLASS).
EXPLORER_MARKER = 'class="sr-explorer"'
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_THEBE_CONFIG = re.compile(r'<script type="text/x-thebe-config">.*?</script>', re.S)


#: Markup from extensions that axe-core flags as serious, and its fix:
#: - myst-nb's hide-input toggles: aria-label "Toggle hidden content" differs from the
#:   visible "Show code cell source" (label-content-name-mismatch); the visible text
#:   is the better name.
#: - sphinxcontrib-bibtex's citation list has role="list" without list items
#:   (aria-required-children); it is a plain block of citations.
#: Each fix names the feature it applies to: a page that has the feature but not the
#: exact markup (an upgraded extension) stops the build instead of silently keeping it.
ACCESSIBILITY_FIXES = [
    ('<summary aria-label="Toggle hidden content">', "<summary>", '<details class="admonition hide'),
    ('<div role="list" class="citation-list">', '<div class="citation-list">', 'class="citation-list"'),
]


def fix_markup(pagename: str, body: str) -> str:
    """Apply the accessibility fixes and drop thebe's configuration, loudly."""
    if "x-thebe-config" in body and not _THEBE_CONFIG.search(body):
        raise ExtensionError(f"{pagename}: sphinx-thebe's configuration changed shape; update _THEBE_CONFIG")
    body = _THEBE_CONFIG.sub("", body)
    for old, new, feature in ACCESSIBILITY_FIXES:
        if feature in body and old not in body and new not in body:
            raise ExtensionError(f"{pagename}: the markup {old!r} changed after an upgrade; "
                                 "review ACCESSIBILITY_FIXES in sinorussia_book/offline.py")
        body = body.replace(old, new)
    return body


#: A comment on lines of its own in the book's own CSS and JavaScript: a ``/* … */`` block that
#: starts a line and ends one (never past its first ``*/``), or a ``//`` line. Comments inside a
#: line are kept (they may sit in a string), and so are vendor files, which are minified already.
OWN_COMMENT = re.compile(r"^[ \t]*/\*(?:[^*]|\*(?!/))*\*/[ \t]*\n|^[ \t]*//[^\n]*\n", re.M)


def published_text(source: Path) -> bytes:
    """What the build publishes for one asset: the book's own ``.css`` and ``.js`` files
    (under ``sinorussia_book/assets``) without their comment lines and indentation, which
    readers download on every page; any other file as it is."""
    data = source.read_bytes()
    if source.suffix not in (".css", ".js") or ASSETS not in source.resolve().parents:
        return data
    text = OWN_COMMENT.sub("", data.decode("utf-8"))
    return re.sub(r"^[ \t]+", "", text, flags=re.M).encode("utf-8")


def copy_assets(app, files: dict[str, Path], folder: str) -> None:
    """Copy ``files`` (name in the book -> source) into ``_static/<folder>/`` of the HTML build
    (the book's own CSS and JavaScript without comment lines: :func:`published_text`)."""
    target = Path(app.outdir) / "_static" / folder
    for name, source in files.items():
        if not source.is_file():
            raise ExtensionError(f"offline asset missing: {source} (run `make book`, which runs `npm ci`)")
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = published_text(source)
        if not dest.exists() or dest.read_bytes() != data:
            dest.write_bytes(data)


def _copy_assets(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_assets(app, {name: ASSETS / name for name in (EXPLORER_SCRIPT, EXPLORER_CSS)}, VENDOR)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    # Drop sphinx-thebe's inline configuration (duplicated, CDN-pointing, unused).
    # The list is the builder's own: change it in place so later additions still land.
    scripts[:] = [
        s for s in scripts if "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
        and "thebe" not in str(s).lower()
    ]
    # sphinx-thebe's stylesheet too: thebe is off (_config.yml launch_buttons.thebe: false).
    context["css_files"][:] = [c for c in context.get("css_files", []) if "sphinx-thebe" not in str(c)]
    _drop_widget_state(pagename, scripts)
    if "body" in context:
        context["body"] = fix_markup(pagename, context["body"])
        if 'class="sd-' not in context["body"]:  # sphinx-design's 60 KB only where its components are
            context["css_files"][:] = [c for c in context.get("css_files", []) if "sphinx-design" not in str(c)]
            scripts[:] = [s for s in scripts if "design-tabs.js" not in str(s)]
    if WIDGET_VIEW in context.get("body", ""):
        raise RuntimeError(f"{pagename}: an ipywidgets view reached the page; the book shows explorers' text/html")
    if EXPLORER_MARKER in context.get("body", ""):
        app.add_js_file(f"{VENDOR}/{EXPLORER_SCRIPT}", priority=600, defer="defer")
        app.add_css_file(f"{VENDOR}/{EXPLORER_CSS}")


def _drop_widget_state(pagename, scripts) -> None:
    """Remove the notebook's saved ipywidgets state (myst-nb adds it as an inline script):
    without the manager nothing reads it. Fails loudly if it is not where it was."""
    kept = [s for s in scripts if getattr(s, "attributes", {}).get("type") != WIDGET_STATE]
    if any(WIDGET_STATE in str(getattr(s, "attributes", {}).get("body", "")) for s in kept):
        raise RuntimeError(f"{pagename}: widget state in an unexpected script; update _drop_widget_state")
    scripts[:] = kept


def _static_explorers(app, config) -> None:
    """Prefer explorers' static text/html to their widget view, and load no widget manager."""
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, ("html", WIDGET_VIEW, None)]
    config.nb_ipywidgets_js = {}


def setup(app):
    app.connect("config-inited", _static_explorers, priority=100)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension that makes the built book work with no internet connection.

What it does (see ``README.md``, section *Offline by design*):

* serves require.js and the ipywidgets HTML manager from the same folder, and
  sets myst-nb's ``nb_ipywidgets_js`` to a small loader
  (``assets/widgets-on-demand.js``) that fetches them only when a reader scrolls
  near an explorer: they weigh 1.1 MB compressed, more than the rest of a page.
  Loaded after vega (which :mod:`sinorussia_book.vega` adds to chart pages),
  require.js cannot capture it as an anonymous AMD module;
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


VENDOR = "vendor"

#: file in the book -> file in node_modules (chart scripts: :mod:`sinorussia_book.vega`)
WIDGET_SCRIPTS = {
    "require.min.js": "requirejs/require.js",
    "embed-amd.js": "@jupyter-widgets/html-manager/dist/embed-amd.js",
}
#: Our loader: fetches WIDGET_SCRIPTS only when a reader reaches an explorer.
WIDGET_LOADER = "widgets-on-demand.js"
ASSETS = Path(__file__).resolve().parent / "assets"
_THEBE_CONFIG = re.compile(r'<script type="text/x-thebe-config">.*?</script>', re.S)


#: Markup from extensions that axe-core flags as serious, and its fix:
#: - myst-nb's hide-input toggles: aria-label "Toggle hidden content" differs from the
#:   visible "Show code cell source" (label-content-name-mismatch); the visible text
#:   is the better name.
#: - sphinxcontrib-bibtex's citation list has role="list" without list items
#:   (aria-required-children); it is a plain block of citations.
ACCESSIBILITY_FIXES = [
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
]


def _node_modules(app) -> Path:
    return Path(app.srcdir) / "node_modules"


def _vendor_files(app) -> dict[str, Path]:
    NODE_MODULES = _node_modules(app)
    files = {name: NODE_MODULES / rel for name, rel in WIDGET_SCRIPTS.items()}
    files[WIDGET_LOADER] = ASSETS / WIDGET_LOADER
    dist = NODE_MODULES / "@jupyter-widgets/html-manager/dist"
    # The widget manager's bundled CSS loads its fonts from its module path under
    # require's baseUrl (set by the loader).
    for font in dist.glob("*"):
        if font.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"}:
            # which module's path is used depends on load order: serve both
            files[f"@jupyter-widgets/{font.name}"] = font
            files[f"@jupyter-widgets/html-manager/dist/{font.name}"] = font
    return files


def _check_assets(app) -> None:
    missing = [str(p) for p in _vendor_files(app).values() if not p.is_file()]
    if missing or not _node_modules(app).is_dir():
        raise RuntimeError(
            "Offline browser assets are missing (run `make book`, which runs `npm ci`): "
            + ", ".join(missing or [str(_node_modules(app))])
        )


def _copy_assets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / VENDOR
    target.mkdir(parents=True, exist_ok=True)
    for name, source in _vendor_files(app).items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.read_bytes() != source.read_bytes():
            shutil.copyfile(source, dest)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    # Drop sphinx-thebe's inline configuration (duplicated, CDN-pointing, unused).
    # The list is the builder's own: change it in place so later additions still land.
    scripts[:] = [
        s for s in scripts if "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
        and "thebe" not in str(s).lower()
    ]
    if "body" in context:
        body = _THEBE_CONFIG.sub("", context["body"])
        for old, new in ACCESSIBILITY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def _widget_scripts(app, config) -> None:
    config.nb_ipywidgets_js = {f"{VENDOR}/{WIDGET_LOADER}": {}}


def setup(app):
    app.connect("config-inited", _widget_scripts, priority=100)
    app.connect("builder-inited", _check_assets)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

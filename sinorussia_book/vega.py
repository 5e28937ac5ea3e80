"""The book's charts: a myst-nb MIME render plugin and the scripts of chart pages.

A chart cell stores Altair's own output (:mod:`sinorussia.rendering`): the Vega-Lite
spec as ``application/vnd.vegalite.v6+json``, a PNG and a text alternative. For the
HTML book, :class:`VegaLiteRenderer` (declared under the ``myst_nb.mime_renderers``
entry point in ``pyproject.toml``) takes the Vega-Lite bundle and

* compiles it to Vega with ``vl-convert`` while the book is built, the wide layout and
  the narrow one the chart carries in ``usermeta`` (:func:`sinorussia.charts.responsive`),
  so a page needs vega but not the Vega-Lite compiler or vega-embed;
* writes a ``<figure class="sinorussia-chart">`` with the text alternative as its label
  and both Vega specs as JSON data blocks (no script of its own).

On a page whose doctree holds such a figure, and only there, :func:`_page_context`
adds vega and ``assets/charts.js`` (which draws the layout that fits the column, keeps
it legible in dark mode and gives each mark a tooltip linking to its row's passage) and
``assets/charts.css``. Nothing greps the HTML.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from docutils import nodes

from sinorussia_book.offline import copy_assets

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
#: Chosen before every other output of a bundle by the HTML builders.
PRIORITY = [(builder, VEGALITE_MIME, 5) for builder in ("html", "dirhtml", "singlehtml")]
CLASS = "sinorussia-chart"
VENDOR = "vendor"
ASSETS = Path(__file__).resolve().parent / "assets"
#: file in the book -> file in node_modules (``vega.min.js``) or in assets/
SCRIPTS = {"vega.min.js": "node_modules/vega/build/vega.min.js", "charts.js": ASSETS / "charts.js"}
STYLES = {"charts.css": ASSETS / "charts.css"}
#: Below this column width (CSS px) a chart shows its narrow layout.
NARROW_BELOW = 560
_SCHEMA_VERSION = re.compile(r"/v(\d+\.\d+)(?:\.\d+)?\.json$")


def vegalite_version(spec: dict) -> str:
    """``'6.4'`` from a spec's ``$schema`` (the compiler version vl-convert should use)."""
    match = _SCHEMA_VERSION.search(spec.get("$schema", ""))
    if not match:
        raise ValueError(f"chart spec has no Vega-Lite $schema: {spec.get('$schema')!r}")
    return match.group(1)


def compile_layouts(spec: dict) -> dict[str, dict]:
    """The chart's layouts (``wide``, and ``narrow`` when it has one) compiled to Vega."""
    import vl_convert

    spec = dict(spec)
    meta = dict(spec.pop("usermeta", None) or {})
    layouts = {"wide": spec}
    narrow = (meta.get("sinorussia") or {}).get("narrow")
    if narrow:
        layouts["narrow"] = narrow
    return {name: vl_convert.vegalite_to_vega(layout, vl_version=vegalite_version(layout)) for name, layout in layouts.items()}


def _json_block(layout: str, spec: dict) -> str:
    text = json.dumps(spec, separators=(",", ":"), sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" data-layout="{layout}">{text}</script>'


#: Marks a narrow layout's dataset whose values are the wide layout's dataset of the same name
#: (``charts.js`` copies them before drawing): the rows are sent once, not twice.
SHARED = "sinorussiaShared"


def share_datasets(layouts: dict[str, dict]) -> dict[str, dict]:
    """The layouts with each narrow dataset that equals the wide one of the same name replaced
    by a reference to it (``{"name": ..., SHARED: "wide"}``); the wide layout is unchanged."""
    wide = {d["name"]: d.get("values") for d in layouts["wide"].get("data", []) if "values" in d}
    out = dict(layouts)
    for name, layout in layouts.items():
        if name == "wide":
            continue
        data = []
        for entry in layout.get("data", []):
            if "values" in entry and wide.get(entry["name"]) == entry["values"]:
                entry = {**{k: v for k, v in entry.items() if k != "values"}, SHARED: "wide"}
            data.append(entry)
        out[name] = {**layout, "data": data} if "data" in layout else layout
    return out


def figure_html(spec: dict) -> str:
    """The figure a page shows for one chart: its label and its compiled layouts (a dataset the
    narrow layout shares with the wide one is written once)."""
    label = html.escape(spec.get("description") or "Chart", quote=True)
    blocks = "\n".join(_json_block(name, vega) for name, vega in share_datasets(compile_layouts(spec)).items())
    return (f'<figure class="{CLASS}" aria-label="{label}" data-narrow-below="{NARROW_BELOW}">\n'
            f'<div class="{CLASS}-view"></div>\n{blocks}\n</figure>')


class VegaLiteRenderer:
    """myst-nb MIME render plugin for Altair's Vega-Lite output (see the module doc)."""

    mime_priority_overrides = PRIORITY

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        """Raw HTML of the chart's figure for a Vega-Lite bundle; ``None`` for anything else."""
        if data.mime_type != VEGALITE_MIME or inline:
            return None
        spec = data.content if isinstance(data.content, dict) else json.loads(data.string)
        node = nodes.raw("", figure_html(spec), format="html")
        node["classes"].append(CLASS)
        return [node]


def page_has_charts(doctree) -> bool:
    """Whether a page's doctree holds a chart figure written by :class:`VegaLiteRenderer`."""
    if doctree is None:
        return False
    return any(CLASS in node.get("classes", []) for node in doctree.findall(nodes.raw))


def _sources(app) -> dict[str, Path]:
    root = Path(app.srcdir)
    return {name: (root / path if isinstance(path, str) else path) for name, path in {**SCRIPTS, **STYLES}.items()}


def _check_assets(app) -> None:
    missing = [str(p) for p in _sources(app).values() if not p.is_file()]
    if missing:
        raise RuntimeError("Chart scripts are missing (run `make book`, which runs `npm ci`): " + ", ".join(missing))


def _copy_assets(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_assets(app, _sources(app), VENDOR)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    """Chart pages, and only they, load vega and the chart script and style."""
    if not page_has_charts(doctree):
        return
    app.add_js_file(f"{VENDOR}/vega.min.js", priority=100)
    app.add_js_file(f"{VENDOR}/charts.js", priority=101, defer="defer")
    app.add_css_file(f"{VENDOR}/charts.css")


def setup(app):
    app.connect("builder-inited", _check_assets)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

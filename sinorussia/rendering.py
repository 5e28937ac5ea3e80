"""How a chapter's charts are stored in its notebook (imported by :mod:`sinorussia.chapter`).

There is one rendering path, the same in every kernel and every build: each chart
cell stores Altair's own MIME bundle,

* ``application/vnd.vegalite.v6+json`` — the Vega-Lite spec Altair 6 emits. The book
  renders it offline through its Sphinx extension (:mod:`sinorussia_book.vega`, a
  myst-nb MIME render plugin); any Vega-Lite 6 aware front end renders it live;
* ``image/png`` — the same chart drawn by ``vl-convert`` (no browser, no network), which
  JupyterLab (even for an untrusted notebook), GitHub's preview and nbviewer show;
* ``text/plain`` — the chart's text alternative, for viewers that show only text.

Nothing depends on an environment variable, a CDN or a script in the page.
"""
from __future__ import annotations

import altair as alt

#: The renderer's name in Altair's registry.
RENDERER = "sinorussia"
#: The Vega-Lite MIME type of Altair's own output.
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"
#: Pixel density of the PNG fallback (1: ~30-110 kB a chart; sharper costs twice as much).
PNG_SCALE = 1


def text_alternative(spec: dict) -> str:
    """The chart's description for screen readers (its title when it has none)."""
    if spec.get("description"):
        return spec["description"]
    title = spec.get("title")
    return (title.get("text") if isinstance(title, dict) else title) or "Chart"


#: Width of a ``"container"``-wide chart in the PNG (no page gives it a container there).
PNG_WIDTH = 640


def png_fallback(spec: dict) -> bytes:
    """The chart as a PNG drawn by vl-convert (light mode, wide layout)."""
    import vl_convert

    spec = {key: value for key, value in spec.items() if key != "usermeta"}
    if spec.get("width") == "container":
        spec["width"] = PNG_WIDTH
    return vl_convert.vegalite_to_png(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0], scale=PNG_SCALE)


def mimebundle(spec: dict, **_) -> dict:
    """Altair renderer: the Vega-Lite spec, a PNG fallback and the text alternative."""
    return {
        VEGALITE_MIME: spec,
        "image/png": png_fallback(spec),
        "text/plain": text_alternative(spec),
    }


def use_renderer() -> None:
    """Register and enable :func:`mimebundle` as Altair's renderer for this kernel."""
    alt.renderers.register(RENDERER, mimebundle)
    alt.renderers.enable(RENDERER)


use_renderer()

"""How a chapter's charts are stored in its notebook (imported by :mod:`sinorussia.chapter`).

There is one rendering path, the same in every kernel and every build: each chart
cell stores Altair's own MIME bundle,

* ``application/vnd.vegalite.v6+json`` — the Vega-Lite spec Altair 6 emits. The book
  renders it offline through its Sphinx extension (:mod:`sinorussia_book.vega`, a
  myst-nb MIME render plugin); any Vega-Lite 6 aware front end renders it live;
* ``application/vnd.vega.v5+json`` — the same chart compiled to Vega by ``vl-convert``,
  which JupyterLab 4 draws with the Vega it ships (no widget, no kernel, no network, even
  in an untrusted notebook and before any cell runs): the chart's drop-downs, sliders and
  tooltips work there as in the book (:func:`jupyterlab_vega`);
* ``image/png`` — the same chart drawn by ``vl-convert`` (no browser, no network), which
  GitHub's preview and nbviewer show;
* ``text/plain`` — the chart's text alternative, for viewers that show only text.

Nothing depends on a CDN or a script in the page. One environment variable changes what is
stored: in the grader's sandbox (``SINORUSSIA_GRADING=1``, set by
:mod:`sinorussia_grade.sandbox`) nobody sees the outputs, so a chart keeps only its Vega-Lite
spec and text, and the two ``vl-convert`` conversions (most of a submission's CPU time) are
skipped. The chart's data and encodings, which the grader reads, are the same.
"""
from __future__ import annotations

import os

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

    return vl_convert.vegalite_to_png(_fixed_width(spec), vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0],
                                      scale=PNG_SCALE)


#: The Vega MIME type JupyterLab 4 renders with its own Vega (``@jupyterlab/vega5-extension``).
VEGA_MIME = "application/vnd.vega.v5+json"


def _vegalite_version(spec: dict) -> str:
    """``'6.4'`` from the spec's ``$schema`` (Altair's own version when it has none)."""
    schema = spec.get("$schema", "")
    version = schema.rsplit("/v", 1)[-1].rsplit(".json", 1)[0] if "/v" in schema else alt.SCHEMA_VERSION.lstrip("v")
    return ".".join(version.split(".")[:2])


#: Width of a ``"container"``-wide chart in JupyterLab: with its axis labels and legend it
#: fits a notebook beside the file browser on a 1280 px screen.
JUPYTERLAB_WIDTH = 520


def _fixed_width(spec: dict, width: int = PNG_WIDTH) -> dict:
    """The spec without the book's ``usermeta``, a ``"container"`` width made ``width``."""
    spec = {key: value for key, value in spec.items() if key != "usermeta"}
    if spec.get("width") == "container":
        spec["width"] = width
    return spec


def jupyterlab_vega(spec: dict) -> dict:
    """The chart (wide layout, :data:`JUPYTERLAB_WIDTH` wide) compiled to Vega for JupyterLab.

    vl-convert compiles Vega-Lite 6 to a Vega 6 spec; the language is the one Vega 5 runs
    (Vega 6 changed packaging, not the spec), so the ``$schema`` is given as v5, the
    version of the Vega in JupyterLab, which would otherwise warn of a mismatch. The
    ``usermeta.embedOptions`` tell JupyterLab's vega-embed to draw SVG without the action menu."""
    import vl_convert

    vega = vl_convert.vegalite_to_vega(_fixed_width(spec, JUPYTERLAB_WIDTH), vl_version=_vegalite_version(spec))
    vega["$schema"] = "https://vega.github.io/schema/vega/v5.json"
    # read by vega-embed in JupyterLab: SVG (marks are elements a screen reader and a test can
    # reach), no export menu (it would offer to open the chart in the online editor)
    vega["usermeta"] = {"embedOptions": {"renderer": "svg", "actions": False}}
    return vega


#: Set to ``"1"`` in the grader's sandbox: outputs are not kept, so charts are not drawn.
GRADING_ENV = "SINORUSSIA_GRADING"


def mimebundle(spec: dict, **_) -> dict:
    """Altair renderer: the Vega-Lite spec, its Vega for JupyterLab, a PNG fallback and
    the text alternative (in the grader's sandbox only the spec and the text)."""
    if os.environ.get(GRADING_ENV) == "1":
        return {VEGALITE_MIME: spec, "text/plain": text_alternative(spec)}
    return {
        VEGALITE_MIME: spec,
        VEGA_MIME: jupyterlab_vega(spec),
        "image/png": png_fallback(spec),
        "text/plain": text_alternative(spec),
    }


def use_renderer() -> None:
    """Register and enable :func:`mimebundle` as Altair's renderer for this kernel."""
    alt.renderers.register(RENDERER, mimebundle)
    alt.renderers.enable(RENDERER)


use_renderer()

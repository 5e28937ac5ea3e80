"""Chart rendering for the chapters (imported by :mod:`sinorussia.chapter`).

It switches Altair to a renderer that works in the published book without a
network (when the book is built or tested, see :func:`use_book_renderer`) and
imports the loaders, charts and explorers the chapters use.
"""
from __future__ import annotations

import hashlib
import html
import itertools
import json
import os

import altair as alt

STATIC_ENV = "SINORUSSIA_STATIC_CHARTS"
_counter = itertools.count(1)


def _text_alternative(spec: dict) -> str:
    if spec.get("description"):
        return spec["description"]
    title = spec.get("title")
    return (title.get("text") if isinstance(title, dict) else title) or "Chart"


def chart_html(spec: dict) -> str:
    """HTML for one chart: a div with an id derived from the spec (so two builds give
    byte-identical markup) and a script that calls the page's local ``vegaEmbed``."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    chart_id = "altair-viz-" + hashlib.sha256(text.encode()).hexdigest()[:16] + f"-{next(_counter)}"
    label = html.escape(_text_alternative(spec), quote=True)
    safe = text.replace("</", "<\\/")
    return (
        f'<div id="{chart_id}" class="sinorussia-chart" role="figure" aria-label="{label}"></div>\n'
        '<script type="text/javascript">(function () {\n'
        f'  var el = document.getElementById("{chart_id}");\n'
        f"  var spec = {safe};\n"
        '  if (typeof vegaEmbed === "undefined") { el.textContent = "This chart needs the book\'s local vega scripts."; return; }\n'
        '  vegaEmbed(el, spec, {actions: false, renderer: "svg"}).catch(function (err) { el.textContent = "Chart error: " + err; });\n'
        "})();</script>"
    )


def _book_renderer(spec: dict, **_) -> dict:
    return {"text/html": chart_html(spec)}


def use_book_renderer() -> None:
    """Render charts for the static book when ``SINORUSSIA_STATIC_CHARTS=1`` (set by
    the Makefile for builds and tests); otherwise keep Altair's own renderer, which
    draws charts live in Jupyter."""
    alt.renderers.register("sinorussia-book", _book_renderer)
    if os.environ.get(STATIC_ENV) == "1":
        alt.renderers.enable("sinorussia-book")


use_book_renderer()

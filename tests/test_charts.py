"""The charts of the book (sinorussia/charts.py), how chart cells store them
(sinorussia/rendering.py) and how the book renders them (sinorussia_book/vega.py).

Unit checks of every chart, in both its layouts: title, source line and text
alternative; a narrow layout that fits a phone's column; every mark of every row drawn
with a non-zero size inside the plot (in vl-convert's scene graph, no browser); dark
mode colours driven by the ``dark`` parameter; each row's mark carrying its id and the
link to its passage. Then the stored notebook outputs and the built pages.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pytest
import vl_convert

from sinorussia import charts, data, rendering
from sinorussia_book import vega

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

CHART_BUILDERS = {
    "timeline": lambda: charts.timeline_chart(data.load_events()),
    "economic_reversal": lambda: charts.economy_asymmetry_chart(data.load_figures()),
    "membership": lambda: charts.membership_chart(data.load_memberships(), data.load_organisations()),
    "dependence": lambda: charts.dependence_chart(data.load_figures()),
    "energy_timeline": lambda: charts.theme_timeline_chart(data.load_events(), "energy", "Energy events"),
    "security_timeline": lambda: charts.theme_timeline_chart(data.load_events(), "security", "Security events"),
    "swap_and_reserves": lambda: charts.swap_and_reserves_chart(data.load_figures()),
    "anchor_currency": lambda: charts.anchor_currency_chart(data.load_figures()),
    "tajikistan": lambda: charts.tajikistan_chart(data.load_figures()),
    "policy_matrix": lambda: charts.policy_matrix_chart(data.load_recommendations()),
    "engagement": lambda: charts.engagement_chart(data.load_recommendations()),
    "positions": lambda: charts.positions_chart(data.load_positions()),
}
#: Width a "container" chart gets in the scene-graph checks, per layout.
TEST_WIDTH = {"wide": charts.WIDE_MAX, "narrow": charts.NARROW_MAX}


@pytest.fixture(scope="module", params=sorted(CHART_BUILDERS))
def layouts(request) -> dict[str, dict]:
    """One chart's Vega-Lite specs by layout (wide, narrow)."""
    spec = CHART_BUILDERS[request.param]().to_dict()
    narrow = spec.pop("usermeta")["sinorussia"]["narrow"]
    return {"wide": spec, "narrow": narrow}


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def scene_marks(spec: dict, width: int) -> tuple[dict, list[dict]]:
    """vl-convert's scene graph of ``spec`` and its data marks (role ``mark``)."""
    if spec.get("width") == "container":  # what a column of ``width`` px gives the chart in a page
        spec = dict(spec, width=width, autosize={"type": "fit-x", "contains": "padding"})
    scene = vl_convert.vegalite_to_scenegraph(spec, vl_version=vega.vegalite_version(spec))
    return scene, [n for n in _walk(scene["scenegraph"]) if n.get("role") == "mark" and n.get("marktype") != "group"]


def zero_size_items(mark: dict) -> list[dict]:
    """Items of a rect, symbol, arc or area mark that draw nothing."""
    kind, empty = mark["marktype"], []
    for item in mark.get("items", []):
        if kind == "rect" and not (abs(item.get("width", 0)) > 0 and abs(item.get("height", 0)) > 0):
            empty.append(item)
        elif kind == "symbol" and not item.get("size", 64) > 0:
            empty.append(item)
        elif kind == "arc" and not (item.get("outerRadius", 0) > 0 and item.get("endAngle", 0) != item.get("startAngle", 0)):
            empty.append(item)
    return empty


def test_every_chart_has_title_sources_and_description(layouts):
    for spec in layouts.values():
        assert spec["title"]["text"]
        assert any(line.startswith("Source: ") or "Source: " in line for line in spec["title"]["subtitle"])
        assert len(spec["description"]) > 40


def test_narrow_layout_fits_a_phone_column(layouts):
    spec = layouts["narrow"]
    assert "hconcat" not in json.dumps(spec), "side-by-side panels in the narrow layout"
    widths = [n["width"] for n in _walk(spec) if "width" in n and not isinstance(n["width"], dict)]
    assert all(w == "container" or w <= charts.NARROW_MAX for w in widths), widths
    lines = spec["title"]["text"] + spec["title"]["subtitle"]
    assert max(map(len, lines)) <= charts.WRAP[True] + 1, lines
    assert all(lg.get("orient", "bottom") in {"bottom", "top", "none"} for lg in _walk(spec) if "legend" in lg
               and isinstance(lg["legend"], dict) for lg in [lg["legend"]])


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_every_mark_is_drawn_with_a_size_inside_the_plot(layouts, layout):
    scene, marks = scene_marks(layouts[layout], TEST_WIDTH[layout])
    assert marks, "no data marks"
    empty = {m.get("name"): len(zero_size_items(m)) for m in marks if zero_size_items(m)}
    assert not empty, f"marks drawing nothing: {empty}"
    assert scene["width"] <= TEST_WIDTH[layout] + 1, scene["width"]


def test_log_scale_bars_start_from_a_positive_baseline():
    """The economic-reversal chart's bars once had zero width: a bar on a log scale needs x2."""
    for name, build in CHART_BUILDERS.items():
        for node in _walk(build().to_dict()):
            encoding = node.get("encoding", {})
            mark = node.get("mark", {})
            kind = mark.get("type") if isinstance(mark, dict) else mark
            for channel in ("x", "y"):
                scale = encoding.get(channel, {}).get("scale", {})
                if kind == "bar" and isinstance(scale, dict) and scale.get("type") == "log":
                    assert f"{channel}2" in encoding, f"{name}: a bar on a log scale without {channel}2"


def test_text_colours_follow_dark_mode(layouts):
    for spec in layouts.values():
        assert {"name": "dark", "value": False} in spec["params"]
        config = spec["config"]
        for section, key in (("axis", "labelColor"), ("axis", "titleColor"), ("legend", "labelColor"), ("title", "color"),
                             ("title", "subtitleColor"), ("text", "color")):
            assert "dark" in config[section][key]["expr"], (section, key)
        assert config["background"] == "transparent"
        sizes = [v for n in _walk(spec) for k, v in n.items() if k.lower().endswith("fontsize") and isinstance(v, (int, float))]
        assert min(sizes) >= charts.FONT_MIN, sizes


def test_every_row_mark_carries_its_id_and_passage(layouts):
    for spec in layouts.values():
        rows = [r for values in spec["datasets"].values() for r in values if "passage" in r]
        assert rows, "no data row carries its passage"
        for r in rows:
            assert r["passage"].startswith("../appendix/sources/") and r["passage"].endswith("#" + r["row"]), r
        tooltips = [t for n in _walk(spec) if isinstance(n.get("tooltip"), list) for t in n["tooltip"]]
        assert any(t.get("field") == "row" for t in tooltips), "the tooltip does not show the row id"


def test_chart_cells_store_altairs_own_output_and_a_fallback_image():
    """Each chapter's chart cells store the Vega-Lite bundle, a PNG and a text
    alternative, and no script tied to the book's pages."""
    found = 0
    for notebook in CHAPTERS:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "charts." not in "".join(cell["source"]):
                continue
            bundles = [o["data"] for o in cell.get("outputs", []) if "data" in o]
            assert len(bundles) == 1, (notebook.name, cell.get("id"))
            bundle = bundles[0]
            assert set(bundle) == {rendering.VEGALITE_MIME, rendering.VEGA_MIME, "image/png", "text/plain"}, \
                (notebook.name, cell.get("id"), set(bundle), "run `make notebooks`")
            assert bundle[rendering.VEGALITE_MIME]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
            assert len(bundle["image/png"]) > 1000
            assert "<script" not in json.dumps(bundle) and "vegaEmbed" not in json.dumps(bundle)
            found += 1
    assert found == 12, found


def test_renderer_output_is_deterministic_and_offline():
    spec = CHART_BUILDERS["economic_reversal"]().to_dict()
    first, second = rendering.mimebundle(spec), rendering.mimebundle(json.loads(json.dumps(spec)))
    assert first[rendering.VEGALITE_MIME] == second[rendering.VEGALITE_MIME]
    assert first["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert first["text/plain"] == spec["description"]
    assert alt.renderers.active == rendering.RENDERER


def test_the_book_compiles_both_layouts_to_vega():
    spec = CHART_BUILDERS["tajikistan"]().to_dict()
    html = vega.figure_html(spec)
    blocks = dict(re.findall(r'data-layout="(\w+)">(.*?)</script>', html, re.S))
    assert set(blocks) == {"wide", "narrow"}
    for text in blocks.values():
        compiled = json.loads(text)
        assert compiled["$schema"].startswith("https://vega.github.io/schema/vega/")
        assert "usermeta" not in compiled and any(s["name"] == "dark" for s in compiled["signals"])
    assert 'aria-label="Left, a bar' in html and "vegaEmbed" not in html


def test_narrow_layout_shares_the_wide_layouts_rows_instead_of_repeating_them():
    spec = CHART_BUILDERS["tajikistan"]().to_dict()
    layouts = vega.compile_layouts(spec)
    shared = vega.share_datasets(layouts)
    wide_rows = {d["name"]: d["values"] for d in layouts["wide"]["data"] if "values" in d}
    narrow = {d["name"]: d for d in shared["narrow"]["data"]}
    assert shared["wide"] == layouts["wide"]
    assert any(d.get(vega.SHARED) == "wide" for d in narrow.values()), "no dataset shared"
    for name, entry in narrow.items():
        if entry.get(vega.SHARED):
            assert "values" not in entry and name in wide_rows
    # a narrow dataset that differs from the wide one keeps its own rows
    changed = {**layouts, "narrow": {**layouts["narrow"], "data": [
        {**d, "values": [{**d["values"][0], "value": -1}]} if "values" in d else d for d in layouts["narrow"]["data"]]}}
    assert all(vega.SHARED not in d for d in vega.share_datasets(changed)["narrow"]["data"])


def test_mime_plugin_is_registered():
    from myst_nb.core.render import get_mime_priority, load_mime_renders

    assert vega.VegaLiteRenderer in load_mime_renders(), "pip install -e . (pyproject's entry point)"
    priority = get_mime_priority("html", [])
    assert priority.index(rendering.VEGALITE_MIME) < min(priority.index(m) for m in ("text/html", "image/png", "text/plain"))
    assert rendering.VEGA_MIME not in priority, "the book draws the Vega-Lite spec, not JupyterLab's Vega copy"


@pytest.mark.build
def test_vega_is_loaded_only_on_chart_pages(built_book):
    """Pages whose doctree holds a chart load vega and charts.js; no page loads the
    Vega-Lite compiler or vega-embed."""
    chart_pages = 0
    for page in built_book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        has_chart = '<figure class="sinorussia-chart"' in text
        chart_pages += has_chart
        assert has_chart == ("vendor/vega.min.js" in text) == ("vendor/charts.js" in text), page.relative_to(built_book)
        assert "vega-lite" not in text.split("<body")[0] and "vega-embed" not in text, page.relative_to(built_book)
    assert chart_pages == 7, chart_pages

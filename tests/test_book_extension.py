"""The book's Sphinx extensions, built on a tiny project with ``sphinx.testing``."""
from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sinorussia import facts

ROOT = Path(__file__).resolve().parent.parent


def build(tmp_path: Path, text: str) -> tuple[str, str]:
    """Build ``text`` as the index page of a one-page book; return its HTML and the warnings."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'sinorussia_book.facts_role']\n"
        f"sinorussia_data_dir = {str(ROOT / 'data')!r}\n", encoding="utf-8")
    (src / "index.md").write_text(text, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
        html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
        return html, app._warning.getvalue()
    finally:
        app.cleanup()


def test_eval_role_renders_the_fact_without_a_kernel(tmp_path):
    name = next(iter(facts.specs(ROOT / "data")))
    html, warnings = build(tmp_path, f"# T\n\nThe value is {{eval}}`facts.{name}`.\n")
    expected = str(facts.render(name, ROOT / "data"))
    assert f'<span class="fact">{expected}</span>' in html
    assert "ERROR" not in warnings


@pytest.mark.parametrize("expression,message", [
    ("facts.no_such_fact", "unknown fact 'no_such_fact'"),
    ("__import__('os').getcwd()", "accepts only facts.NAME"),
])
def test_eval_role_refuses_unknown_facts_and_code(tmp_path, expression, message):
    _, warnings = build(tmp_path, f"# T\n\nThe value is {{eval}}`{expression}`.\n")
    assert message in warnings


def test_theme_upgrade_stops_the_build_naming_the_overrides():
    from sphinx.errors import ExtensionError

    from sinorussia_book import theme

    theme.check_theme_versions(dict(theme.THEME_VERSIONS))  # the pinned versions pass
    with pytest.raises(ExtensionError, match="webpack-macros.html"):
        theme.check_theme_versions({**theme.THEME_VERSIONS, "pydata-sphinx-theme": "0.18.0"})


def test_icon_subset_keeps_every_icon_the_book_shows():
    """The served icon font holds every code point the built pages can show that the
    theme's original font has (the subset is computed from the built pages)."""
    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    from sinorussia_book import icons

    html = ROOT / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail("The book is not built: run `make book`.")
    theme_static = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    original = set(TTFont(theme_static / "vendor/fontawesome/webfonts/fa-solid-900.woff2").getBestCmap())
    served = set(TTFont(html / icons.WEBFONTS / "fa-solid-900.woff2").getBestCmap())
    needed = icons.used_code_points(html) & original
    assert {0xF002, 0xF0C9} <= needed, "search and menu icons not detected as used"
    assert needed <= served, f"icons missing from the served font: {sorted(map(hex, needed - served))}"
    assert len(served) < len(original) / 10, "the served font was not cut down"
    table = icons.class_code_points('.fa-magnifying-glass:before{content:"\\f002"}.fa-bars:before{content:"\\f0c9"}')
    assert table == {"fa-magnifying-glass": 0xF002, "fa-bars": 0xF0C9}

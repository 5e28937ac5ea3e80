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

"""The book's settings of sphinx-book-theme, and a check that the theme is the version
the book's template overrides (``_templates/``) were written for.

Jupyter Book builds ``html_theme_options`` itself from ``_config.yml`` (launch buttons,
repository links); options set under ``sphinx: config:`` would replace all of them, so
this extension *adds* the book's own options to Jupyter Book's when the configuration
is read, and a small book-wide stylesheet (``assets/book.css``).

Three templates in ``_templates/`` override pydata-sphinx-theme's (an accessibility fix
each, and the removal of the 1.5 MB ``fontawesome.js``). They are copies of one version
of the theme: after an upgrade they would silently hide the theme's changes, so the
build stops with a message naming them when the installed theme is another version.
"""
from __future__ import annotations

from importlib.metadata import version

from sphinx.errors import ExtensionError

#: the theme versions ``_templates/`` was copied from
THEME_VERSIONS = {"pydata-sphinx-theme": "0.17.1", "sphinx-book-theme": "1.3.0"}
OVERRIDES = ("_templates/layout.html", "_templates/static/webpack-macros.html", "_templates/search-button-field.html",
             "_templates/theme-switcher.html")
#: options of the book, added to those Jupyter Book derives from _config.yml
THEME_OPTIONS = {"show_navbar_depth": 1, "use_sidenotes": False, "navigation_with_keys": False}


def check_theme_versions(installed: dict[str, str] | None = None) -> None:
    """Raise if the installed theme is not the version the template overrides copy."""
    installed = installed or {name: version(name) for name in THEME_VERSIONS}
    wrong = {name: installed[name] for name, pinned in THEME_VERSIONS.items() if installed[name] != pinned}
    if wrong:
        raise ExtensionError(
            f"theme version changed ({', '.join(f'{n} {v}, expected {THEME_VERSIONS[n]}' for n, v in wrong.items())}): "
            f"compare {', '.join(OVERRIDES)} with the new theme's templates, then update "
            "sinorussia_book.theme.THEME_VERSIONS")


def _add_options(app, config) -> None:
    check_theme_versions()
    config.html_theme_options = {**(config.html_theme_options or {}), **THEME_OPTIONS}


BOOK_CSS = "book.css"


def _copy_css(app, exception) -> None:
    from sinorussia_book.offline import ASSETS, copy_assets

    if exception is None and app.builder.format == "html":
        copy_assets(app, {BOOK_CSS: ASSETS / BOOK_CSS}, "vendor")


def setup(app):
    app.connect("config-inited", _add_options, priority=900)
    app.add_css_file(f"vendor/{BOOK_CSS}")
    app.connect("build-finished", _copy_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

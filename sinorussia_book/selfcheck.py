"""Self-checks in the published book: answerable in the page, from the package's definition.

A chapter's self-check is a code cell ``check("<id>")`` (:mod:`sinorussia.selfcheck`). In
Jupyter it shows live buttons. In the book this extension replaces the whole cell (its
code and its saved output) with :func:`sinorussia.selfcheck.page_html`, computed from the
definition while Sphinx reads the page, with the rows it names linked to their passages.
So the page never depends on a stale saved output, never shows the code a reader
without Jupyter cannot run, and never shows the answer before the student chooses.
``assets/selfcheck.js`` (no library, no network) makes the options live: the feedback
explains the chosen option, a student can try again or reveal the reasoning.
Pages with a self-check, and only those, load the script and ``assets/selfcheck.css``.

An unknown id, or a definition that ``data/`` no longer supports, stops the build with
the page and the id.
"""
from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError

from sinorussia import links, paths, selfcheck
from sinorussia_book.offline import copy_assets

ASSETS = Path(__file__).resolve().parent / "assets"
STATIC = "selfcheck"
FILES = ("selfcheck.js", "selfcheck.css")
#: A check cell: ``check("id")`` (``check("id", None)`` is accepted too).
CHECK_CELL = re.compile(r"""^\s*check\(\s*["']([\w-]+)["']\s*(?:,\s*None\s*)?\)\s*;?\s*$""")
MARKUP = f'class="{selfcheck.ROOT_CLASS}"'


def check_id(cell: nodes.Element) -> str | None:
    """The self-check id of a myst-nb code cell, if the cell is a ``check("id")`` call."""
    for block in cell.findall(nodes.literal_block):
        match = CHECK_CELL.match(block.astext())
        return match.group(1) if match else None
    return None


def _data_dir(env) -> Path:
    configured = getattr(env.config, "sinorussia_data_dir", "")
    return Path(configured) if configured else paths.data_dir(env.srcdir)


def render_cells(app, doctree) -> None:
    """Replace every check cell of the page with its self-check's markup."""
    env = app.env
    root = "../" * env.docname.count("/")
    data_dir = _data_dir(env)
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        qid = check_id(cell)
        if qid is None:
            continue
        try:
            markup = selfcheck.page_html(qid, link=lambda ref: links.passage_url(ref, root=root, data_dir=data_dir))
        except (KeyError, selfcheck.SelfCheckError) as error:
            raise ExtensionError(f"{env.docname}: self-check {qid!r}: {error.args[0]}") from None
        cell.children = []
        cell["classes"] = [c for c in cell["classes"] if c not in ("tag_hide-input", "tag_hide-output")]
        cell["classes"].append("sr-selfcheck-cell")
        if "hide_mode" in cell.attributes:
            del cell["hide_mode"]
        cell += nodes.raw("", markup, format="html")


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if MARKUP in context.get("body", ""):
        app.add_js_file(f"{STATIC}/selfcheck.js", priority=600, defer="defer")
        app.add_css_file(f"{STATIC}/selfcheck.css")


def _copy_assets(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_assets(app, {name: ASSETS / name for name in FILES}, STATIC)


def setup(app):
    if "sinorussia_data_dir" not in app.config.values:
        app.add_config_value("sinorussia_data_dir", "", "env")
    app.connect("doctree-read", render_cells)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

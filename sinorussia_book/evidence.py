"""Evidence markers: ``{evidence}`F07,E10``` links a claim to the passages behind it.

The role takes comma-separated row ids of any table (``E..``, ``F..``, ``N..``, ``R..``,
``P..``, ``M..``, ``G..``, organisation ids such as ``sco``) and ``<bibkey>/note-<n>``
for a seed's own numbered note. In the page each id is a small superscript link to
its passage on the seed's reader page (:func:`sinorussia.links.passage_url`); hovering or
focusing it shows the quote and the seed's short name (CSS and a few lines of JavaScript
in ``assets/evidence/``, no library, no network). On a touch screen the first tap shows
the popup, whose "Read the passage" link (or a second tap) goes to the passage. A source note that
quotes two passages gets a second link, ``other``, to its second passage, so a
"Sources disagree" box reaches both in one click. An unknown id is a build error
naming the page, the line and the id.

In JupyterLab (jupyterlab-myst) the role is unknown: the notebooks a student opens there
(``make lab``, the student pack) are copies in which :mod:`sinorussia_book.notebooks` has
turned each marker into MyST links with the same quotes, from the same :func:`resolve`.

:func:`markers` lists every marker of a notebook or Markdown file, paragraph by
paragraph, for tests and for the reader pages (which show the notes markers cite).
"""
from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from sinorussia import links, paths
from sinorussia_book.offline import copy_assets

ROLE = re.compile(r"\{evidence\}`([^`]*)`")
ASSETS = Path(__file__).resolve().parent / "assets" / "evidence"
STATIC = "evidence"
#: The link inside a popup, for touch screens: the first tap on a marker shows the popup
#: (``assets/evidence/evidence.js``), this link (or a second tap) goes to the passage.
#: Out of the keyboard's tab order: keyboard users follow the marker itself.
PASSAGE_LINK = "Read the passage \u2192"
#: suffix of a source note's second passage (``reader.OTHER_SUFFIX``)
OTHER = "-other"
#: Where the book's pages live, relative to its root (generated reader pages carry no markers).
BOOK_GLOBS = ("*.md", "chapters/*.ipynb", "chapters/*.md", "exercises/*.ipynb", "instructors/*.md", "instructors/errata/*.md",
              "instructors/*.ipynb", "appendix/*.md", "appendix/*.ipynb")


# ------------------------------------------------------------- markers in source files

@dataclass(frozen=True)
class Marker:
    """One ``{evidence}`` role in a source file."""

    path: str
    cell: int | None      #: index of the notebook cell (``None`` in a Markdown file)
    paragraph: int        #: index of the paragraph in the cell or file (blank-line separated)
    ids: tuple[str, ...]
    text: str             #: the paragraph, for messages


def split_ids(text: str) -> list[str]:
    """The ids of one role's content, ``'F07, E10'`` -> ``['F07', 'E10']``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _paragraph_markers(path: str, cell: int | None, source: str) -> list[Marker]:
    found = []
    for i, paragraph in enumerate(re.split(r"\n\s*\n", source)):
        for match in ROLE.finditer(paragraph):
            found.append(Marker(path, cell, i, tuple(split_ids(match.group(1))), paragraph.strip()))
    return found


def markers(path: str | Path) -> list[Marker]:
    """Every evidence marker of a notebook's Markdown cells or of a Markdown file, in order."""
    path = Path(path)
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found = []
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                found += _paragraph_markers(str(path), index, source)
        return found
    return _paragraph_markers(str(path), None, path.read_text(encoding="utf-8"))


def book_files(root: str | Path) -> list[Path]:
    """The book's own pages that may carry markers: those in its table of contents."""
    import yaml

    root = Path(root)
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    listed = {str(v) for v in _toc_files(yaml.safe_load(toc))}
    found = {p for pattern in BOOK_GLOBS for p in root.glob(pattern)}
    return sorted(p for p in found if str(p.relative_to(root).with_suffix("")) in listed)


def _toc_files(node) -> list[str]:
    """Every ``file:`` (and ``root:``) entry of a Jupyter Book table of contents."""
    if isinstance(node, dict):
        own = [node[k] for k in ("file", "root") if k in node]
        return own + [f for value in node.values() for f in _toc_files(value)]
    if isinstance(node, list):
        return [f for item in node for f in _toc_files(item)]
    return []


def book_references(root: str | Path) -> list[str]:
    """Every id cited by a marker anywhere in the book (with repeats)."""
    return [ref for path in book_files(root) for marker in markers(path) for ref in marker.ids]


# ---------------------------------------------------------------------- the role

@functools.lru_cache(maxsize=4)
def _reader(data_dir: str):
    folder = Path(data_dir)
    return reader_module().build(folder, book_root=folder.parent)


def marker_label(ref: str, source: str) -> str:
    """What a marker shows for one id: the row id (``F07``); a seed's numbered note as
    ``<short name> note n``; a whole seed, or a source note's second passage, by the seed's
    short name (never a file name, never a bare "other")."""
    if ref.endswith(OTHER):
        return f"vs. {source}"
    if "/note-" in ref:
        return f"{source} note {ref.split('/note-', 1)[1]}"
    if ref.endswith(".txt"):
        return source
    return ref


class UnknownId(KeyError):
    """An evidence id that names no row, seed or note: ``.ref`` and ``.reason``."""

    def __init__(self, ref: str, reason: str):
        super().__init__(reason)
        self.ref, self.reason = ref, reason




def resolve(refs: list[str], data_dir: Path, root: str = "../") -> list[tuple[str, str, str, str]]:
    """The one definition of what a marker shows, for the book's role and the notebooks
    for JupyterLab (:mod:`sinorussia_book.notebooks`): per id ``(id, url of its passage
    in the book, tooltip text, source name)``, plus ``(<id>-other, …)`` after a source
    note that quotes a second passage. Raises ``KeyError`` naming an unknown id."""
    reader = _reader(str(data_dir))
    resolved = []
    for ref in refs:
        try:
            if "/note-" not in ref and ref not in reader.rows and ref not in reader.seeds:
                raise KeyError(f"no data row with id {ref!r}")
            tip, source = reader_tooltip(reader, ref)
            url = links.passage_url(ref, root=root, data_dir=data_dir)
        except KeyError as error:
            raise UnknownId(ref, error.args[0]) from None
        resolved.append((ref, url, tip, source))
        other = reader_module().other_passage(ref, reader, root=root)
        if other:
            resolved.append((ref + OTHER, *other))
    return resolved


def _marker_html(refs: list[tuple[str, str, str, str]], first_id: str) -> str:
    """The marker: ``[id, id]`` in superscript, each a link with its tooltip. A source
    note's second passage is a link of its own, labelled with the other seed's short name."""
    items = []
    for k, (ref, url, tip, source) in enumerate(refs):
        shown = marker_label(ref, source)
        tip_id = f"{first_id}-{k}"
        items.append(
            f'<span class="evidence-item"><a class="evidence-ref" href="{html.escape(url)}" '
            f'aria-describedby="{tip_id}" data-evidence="{html.escape(ref)}">{html.escape(shown)}</a>'
            f'<span class="evidence-tip" role="tooltip" id="{tip_id}">{html.escape(tip)} '
            f'<span class="evidence-source">\u2014 {html.escape(source)}</span> '
            f'<a class="evidence-passage" href="{html.escape(url)}" tabindex="-1">{PASSAGE_LINK}</a></span></span>')
    return f'<sup class="evidence">[{", ".join(items)}]</sup>'


class EvidenceRole(SphinxRole):
    """``{evidence}`F07,E10``` -> superscript links to the passages, with the quotes on hover/focus."""

    def run(self):
        refs = split_ids(self.text)
        if not refs:
            return self._error("an {evidence} marker needs at least one row id")
        root = "../" * self.env.docname.count("/")
        try:
            resolved = resolve(refs, self._data_dir(), root)
        except UnknownId as error:
            return self._error(f"unknown evidence id {error.ref!r} on page {self.env.docname}, "
                               f"line {self.lineno}: {error.reason}")
        count = self.env.temp_data.setdefault("evidence_count", [0])
        count[0] += 1
        node = nodes.raw(self.rawtext, _marker_html(resolved, f"evidence-{count[0]}"), format="html")
        return [node], []

    def _data_dir(self) -> Path:
        configured = getattr(self.env.config, "sinorussia_data_dir", "")
        return Path(configured) if configured else paths.data_dir(self.env.srcdir)

    def _error(self, message):
        msg = self.inliner.reporter.error(message, line=self.lineno)
        problematic = self.inliner.problematic(self.rawtext, self.rawtext, msg)
        return [problematic], [msg]


def reader_module():
    """:mod:`sinorussia_book.reader`, imported late (it imports this module)."""
    from sinorussia_book import reader
    return reader


def reader_tooltip(reader, ref: str) -> tuple[str, str]:
    """The tooltip text and source name of one id (``KeyError`` if unknown)."""
    return reader_module().tooltip(ref, reader)


def _copy_assets(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_assets(app, {source.name: source for source in ASSETS.iterdir()}, STATIC)


def setup(app):
    if "sinorussia_data_dir" not in app.config.values:
        app.add_config_value("sinorussia_data_dir", "", "env")
    app.add_role("evidence", EvidenceRole(), override=True)
    app.add_css_file(f"{STATIC}/evidence.css")
    app.add_js_file(f"{STATIC}/evidence.js", defer="defer")
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

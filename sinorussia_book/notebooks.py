"""Chapters that read like the book in JupyterLab: the notebooks of ``make lab`` and the
student pack, and two rewrites of the chapter sources.

JupyterLab renders a chapter's Markdown with jupyterlab-myst, which knows MyST but not the
book's own roles: ``{evidence}`` shows bare ids, ``{cite}`` a warning and the BibTeX key,
and ``{term}``/``{doc}`` lead nowhere in a pack. So the notebooks a student opens in
JupyterLab are *rendered copies* (:func:`write_lab_copy`), written by ``make lab`` into
``_build/lab/`` and by the student pack builder into the zip. In a copy

* each ``{evidence}`` marker becomes ``[E12, F05]``: links whose hover shows the quote and
  the source's short name (a MyST ``{abbr}`` inside the link) and which open the passage on
  the source's reader page, itself a notebook of the copy (``appendix/sources/*.ipynb``,
  one cell per passage, reached with JupyterLab's ``#cell-id=`` fragment). What a marker
  shows comes from :func:`sinorussia_book.evidence.resolve`, the function the book's role
  calls;
* ``{cite}`` becomes "Lehrer 2021" linked to the copy's ``appendix/bibliography.ipynb``,
  ``{term}`` the term linked to ``appendix/glossary.ipynb`` with its definition on hover,
  ``{doc}`` the target's title linked to its notebook;
* every ``{eval}`facts.NAME``` keeps its role (Run All re-evaluates it) and its value is
  stored in the cell's ``metadata.user_expressions``, where jupyterlab-myst shows it
  before any kernel runs (:func:`store_expressions`, also run by ``make notebooks`` on the
  chapter sources);
* exercises are numbered as in the book ("Exercise 3.2"), through the MyST front matter
  ``numbering: exercise: enumerator: 3.%s`` of the first Markdown cell;
* cells the book hides (``hide-input``, ``remove-cell``) start collapsed;
* a chart output stored before :mod:`sinorussia.rendering` added JupyterLab's Vega gets it.

The two rewrites of sources, for the lead to run on ``chapters/*.ipynb``:

* ``python -m sinorussia_book.notebooks solutions chapters/*.ipynb`` turns every gated
  exercise (``exercise-start``/``solution-start`` … ``-end``) into the one form both the
  book and jupyterlab-myst collapse, ``{exercise}`` + ``{solution}`` with ``:class:
  dropdown`` (the solution's code becomes a code block inside the drop-down);
* ``python -m sinorussia_book.notebooks expressions chapters/*.ipynb`` stores the
  ``{eval}`` values (``make notebooks`` runs it after executing).

``python -m sinorussia_book.notebooks lab --out _build/lab`` writes the copy.
"""
from __future__ import annotations

import hashlib

import argparse
import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from sinorussia import facts as facts_module
from sinorussia import paths, rendering
from sinorussia_book import evidence

#: Roles the copies rewrite (``{eval}`` stays: jupyterlab-myst evaluates it).
ROLE = re.compile(r"\{(evidence|cite(?::[a-z]+)?|term|doc)\}`([^`]*)`")
EVAL = re.compile(r"\{eval\}`([^`]*)`")
FENCE = re.compile(r"^(`{3,}|:{3,})\{([a-z-]+)\}[ \t]*(.*)$")
GLOSSARY, BIBLIOGRAPHY, SOURCES = "appendix/glossary", "appendix/bibliography", "appendix/sources"
#: JupyterLab opens a notebook at the cell with this id (JupyterLab 4).
CELL_FRAGMENT = "#cell-id="
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


class NotebookError(ValueError):
    """A chapter source this module cannot rewrite: names the file, the cell and why."""


# ------------------------------------------------------------------------ context

@dataclass
class Context:
    """What rendering a notebook needs, computed once for all chapters."""

    root: Path
    data_dir: Path
    bib: dict[str, tuple[str, str]]            #: bibkey -> (label "Lehrer 2021", full reference)
    terms: dict[str, tuple[str, str, str]]    #: lower-case term -> (term id, term, definition)
    titles: dict[str, str]                    #: docname ("chapters/02_energy") -> title
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  #: (reader page, anchor) -> cell id


def _bib_entries(bibfile: Path, short_names: dict[str, str]) -> dict[str, tuple[str, str]]:
    """bibkey -> (author-year label, one-line reference) from ``references.bib``.

    A seed's label is its short name ("Fragile alliance 2019", as in the book's markers);
    other works read "Surname Year", "Surname and Surname Year" or "Surname et al. Year".
    The reference ends with the entry's ``note`` (which seed cites the work, "External
    context, not a seed", a title or year that is the book's inference), as the HTML
    bibliography prints it."""
    from pybtex.database import parse_file

    from pybtex.richtext import Text

    def plain(text: str) -> str:
        return Text.from_latex(re.sub(r"\\url\{([^}]*)\}", r"\1", text)).render_as("text")

    out = {}
    for key, entry in parse_file(str(bibfile)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [plain(" ".join(p.last_names) or str(p)) for p in people]
        year = entry.fields.get("year", "n.d.")
        if key in short_names:
            label = short_names[key]
        elif not names:
            label = f"{plain(entry.fields.get('title', key)).split('.')[0]} {year}"
        elif len(names) > 2:
            label = f"{names[0]} et al. {year}"
        else:
            label = f"{' and '.join(names)} {year}"
        where = entry.fields.get("journal") or entry.fields.get("howpublished") or entry.fields.get("publisher") \
            or entry.fields.get("institution") or ""
        authors = "; ".join(plain(str(p)) for p in people) or "Anonymous"
        if people and not entry.persons.get("author"):  # an edited volume: say so, as the HTML bibliography does
            authors += " (eds.)" if len(people) > 1 else " (ed.)"
        if entry.fields.get("journal"):  # an article: volume, issue and pages, as the seeds print them
            where = _article_where(plain(where), *(plain(entry.fields.get(f, "")) for f in ("volume", "number", "pages")))
        else:
            series = " ".join(plain(entry.fields[f]) for f in ("type", "number") if entry.fields.get(f))
            if series:  # a working paper: its series and number (a note may rest on the number)
                where = f"{series}, {where}" if where else series
        reference = f"{authors} ({year}). *{plain(entry.fields.get('title', ''))}*. {plain(where)}".strip()
        reference = re.sub(r"\s+", " ", reference).rstrip(". ") + "."
        note = re.sub(r"\s+", " ", plain(entry.fields.get("note", ""))).strip().rstrip(".")
        out[key] = (label, f"{reference} {note}." if note else reference)
    return out


def _article_where(journal: str, volume: str, number: str, pages: str) -> str:
    """A journal article's place as the HTML bibliography gives it: "Journal 20(2), 133–153"
    (an issue number is never printed without its volume, and never before the journal)."""
    issue = f"{volume}({number})" if volume and number else volume
    return ", ".join(part for part in (f"{journal} {issue}".strip(), pages) if part)


def _title(notebook: Path) -> str:
    """The first ``# heading`` of a notebook or Markdown file."""
    if notebook.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = notebook.read_text(encoding="utf-8")
    match = re.search(r"^# (.+)$", text, re.M)
    return match.group(1).strip() if match else notebook.stem


def build_context(root: Path | None = None) -> Context:
    """The bibliography, glossary, chapter titles and reader anchors of the book at ``root``."""
    from sinorussia import data

    root = Path(root or paths.project_root())
    data_dir = root / "data"
    seeds = data.read_table("seeds", data_dir)
    bib = _bib_entries(root / "references.bib", dict(zip(seeds["bibkey"], seeds["short_name"])))
    glossary = data.read_table("glossary", data_dir)
    terms = {str(t).lower(): (str(i), str(t), str(d)) for i, t, d in
             zip(glossary["term_id"], glossary["term"], glossary["definition"])}
    titles = {f"chapters/{p.stem}": _title(p) for p in sorted((root / "chapters").glob("*.ipynb"))}
    titles.update({GLOSSARY: "Glossary", BIBLIOGRAPHY: "Bibliography", SOURCES: "Sources: the seed articles"})
    return Context(root, data_dir, bib, terms, titles)


# ---------------------------------------------------------------- roles -> MyST links

def _abbr_text(text: str) -> str:
    """Text safe inside ``{abbr}`LABEL (TITLE)```: no backticks, no parentheses in TITLE."""
    text = re.sub(r"\s+", " ", str(text)).replace("`", "'")
    return text.replace("(", "[").replace(")", "]")


def _relative(target: str, docname: str) -> str:
    """Path of the notebook ``target`` (a docname) from the page ``docname``."""
    depth = docname.count("/")
    return "../" * depth + target + ".ipynb"


def _reader_link(url: str, ctx: Context, docname: str) -> str:
    """A book URL ``../appendix/sources/tafuro2019.html#E12`` as a link into the copy's
    reader notebook, at the cell holding that passage."""
    match = re.search(r"(appendix/sources/[\w-]+)\.html(?:#(.+))?$", url)
    if not match:
        raise NotebookError(f"not a reader page address: {url!r}")
    page, anchor = match.group(1), match.group(2)
    cell = ctx.anchors.get((page, anchor or ""))
    return _relative(page, docname) + (f"{CELL_FRAGMENT}{cell}" if cell else "")


def evidence_markdown(text: str, ctx: Context, docname: str) -> str:
    """``{evidence}`E12,F05``` as ``[E12, F05]``: links to the passages in the copy's reader
    notebooks, each showing ``“quote” — Source`` on hover (from :func:`evidence.resolve`)."""
    resolved = evidence.resolve(evidence.split_ids(text), ctx.data_dir, root="../" * docname.count("/"))
    items = [f"[{{abbr}}`{_marker_label(ref, source)} ({_abbr_text(tip)} \u2014 {_abbr_text(source)})`]"
             f"({_reader_link(url, ctx, docname)})" for ref, url, tip, source in resolved]
    return "\\[" + ", ".join(items) + "\\]"


def _marker_label(ref: str, source: str) -> str:
    """The marker's text, as in the book: :func:`evidence.marker_label`."""
    return _abbr_text(evidence.marker_label(ref, source))


def cite_markdown(text: str, ctx: Context, docname: str) -> str:
    """``{cite}`a,b``` as "Author Year; Author Year", each linked to its bibliography entry."""
    out = []
    for key in (k.strip() for k in text.split(",") if k.strip()):
        if key not in ctx.bib:
            raise NotebookError(f"{docname}: {{cite}} key {key!r} is not in references.bib")
        label, reference = ctx.bib[key]
        out.append(f"[{{abbr}}`{_abbr_text(label)} ({_abbr_text(reference)})`]"
                   f"({_relative(BIBLIOGRAPHY, docname)}{CELL_FRAGMENT}{_cell_id(key)})")
    return "; ".join(out)


def term_markdown(text: str, ctx: Context, docname: str) -> str:
    """``{term}`shown <term>``` or ``{term}`term``` linked to the copy's glossary, definition on hover."""
    match = re.match(r"^(.*?)\s*<([^<>]+)>$", text.strip())
    shown, term = (match.group(1), match.group(2)) if match else (text.strip(), text.strip())
    if term.lower() not in ctx.terms:
        raise NotebookError(f"{docname}: {{term}} {term!r} is not in data/glossary.csv")
    term_id, _, definition = ctx.terms[term.lower()]
    return (f"[{{abbr}}`{_abbr_text(shown)} ({_abbr_text(definition)})`]"
            f"({_relative(GLOSSARY, docname)}{CELL_FRAGMENT}{term_id})")


def doc_markdown(text: str, ctx: Context, docname: str) -> str:
    """``{doc}`Chapter 6 <06_security>``` or ``{doc}`06_security``` as a link to the notebook,
    shown with its explicit text or the target's title."""
    match = re.match(r"^(.*?)\s*<([^<>]+)>$", text.strip())
    shown, target = (match.group(1), match.group(2)) if match else (None, text.strip())
    base = Path(docname).parent
    resolved = str((base / target).as_posix())
    parts: list[str] = []
    for part in resolved.split("/"):
        if part == "..":
            parts.pop() if parts else None
        elif part not in ("", "."):
            parts.append(part)
    resolved = "/".join(parts)
    if resolved not in ctx.titles:
        raise NotebookError(f"{docname}: {{doc}} target {target!r} is not a page of the student's copy")
    return f"[{shown or ctx.titles[resolved]}]({_relative(resolved, docname)})"


RENDERERS = {"evidence": evidence_markdown, "cite": cite_markdown, "term": term_markdown, "doc": doc_markdown}


def render_roles(source: str, ctx: Context, docname: str) -> str:
    """A Markdown cell's text with the book's own roles turned into MyST links."""
    def one(match: re.Match) -> str:
        return RENDERERS[match.group(1).split(":")[0]](match.group(2), ctx, docname)
    return ROLE.sub(one, source)


# ------------------------------------------------------------------ numbers on open

def expression_result(expression: str, data_dir=None) -> dict:
    """What the kernel answers for ``facts.NAME`` (``text/plain`` is the value's repr), as
    jupyterlab-myst stores it in ``metadata.user_expressions``."""
    match = re.fullmatch(r"\s*facts\.([a-z][a-z0-9_]*)\s*", expression)
    if not match:
        raise NotebookError(f"{{eval}} accepts only facts.NAME, not {expression!r}")
    value = facts_module.render(match.group(1), data_dir)
    return {"expression": expression, "result": {"status": "ok", "data": {"text/plain": repr(value)}, "metadata": {}}}


def store_expressions(nb, data_dir=None, where: str = "notebook") -> int:
    """Store every ``{eval}`` value of ``nb``'s Markdown cells in their ``user_expressions``
    metadata, so the numbers show when the notebook opens; return how many were stored."""
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        expressions = list(dict.fromkeys(EVAL.findall(cell.source)))
        if not expressions:
            cell.metadata.pop("user_expressions", None)
            continue
        try:
            cell.metadata["user_expressions"] = [expression_result(e, data_dir) for e in expressions]
        except (NotebookError, facts_module.FactError) as error:
            raise NotebookError(f"{where}, cell {index}: {error}") from None
        count += len(expressions)
    return count


# ----------------------------------------------------------- gated -> dropdown solutions

def _fence_spans(source: str) -> list[tuple[int, int, str, str, list[str], str]]:
    """Directive fences of a cell: ``(start line, end line, fence, name, option lines, argument)``."""
    lines, spans, i = source.split("\n"), [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if match:
            fence, name, arg = match.groups()
            j = i + 1
            while j < len(lines) and lines[j].rstrip() != fence:
                j += 1
            body = lines[i + 1:j]
            spans.append((i, j, fence, name, body, arg.strip()))
            i = j + 1
        else:
            i += 1
    return spans


def _split_at(source: str, name: str) -> tuple[str, list[str], str, str] | None:
    """``(before, option lines, argument, after)`` around the first ``{name}`` directive."""
    for start, end, _, found, body, arg in _fence_spans(source):
        if found == name:
            lines = source.split("\n")
            options = [line for line in body if line.strip()]
            return "\n".join(lines[:start]).rstrip(), options, arg, "\n".join(lines[end + 1:]).lstrip("\n")
    return None


def _fenced(name: str, argument: str, options: list[str], body: str) -> str:
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`{3,}", body)), default=0) + 1)
    head = f"{ticks}{{{name}}}" + (f" {argument}" if argument else "")
    return "\n".join([head, *options, "", body.strip(), ticks])


def convert_gated(nb, where: str = "notebook") -> int:
    """Rewrite every gated exercise and solution of ``nb`` into ``{exercise}`` and a
    ``{solution}`` drop-down; return how many solutions were converted.

    The solution's code cells become ``python`` code blocks inside the drop-down (their
    outputs are dropped: the student runs the code), its Markdown stays as it is."""
    converted = 0
    while True:
        cells = nb.cells
        start = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                      and _split_at(c.source, "solution-start")), None)
        if start is None:
            break
        end = next((i for i in range(start, len(cells)) if cells[i].cell_type == "markdown"
                    and _split_at(cells[i].source if i != start else
                                  _split_at(cells[i].source, "solution-start")[3], "solution-end")), None)
        if end is None:
            raise NotebookError(f"{where}, cell {start}: a {{solution-start}} without {{solution-end}}")
        before, options, label, after_start = _split_at(cells[start].source, "solution-start")
        if "class: dropdown" not in " ".join(options):
            options = [o for o in options if not o.strip().startswith(":class:")] + [":class: dropdown"]
        parts: list[str] = []
        if end == start:
            inside, _, _, after = _split_at(after_start, "solution-end")
            parts.append(inside)
        else:
            parts.append(after_start)
            for cell in cells[start + 1:end]:
                if cell.cell_type == "code":
                    parts.append("```python\n" + cell.source.strip() + "\n```\n\nRun this code in a cell of "
                                 "your own to see its result.")
                else:
                    parts.append(cell.source)
            inside, _, _, after = _split_at(cells[end].source, "solution-end")
            parts.append(inside)
        body = "\n\n".join(p.strip() for p in parts if p.strip())
        text = "\n\n".join(p for p in (_convert_exercises(before, where, start),
                                       _fenced("solution", label, options, body), after.strip()) if p)
        cells[start].source = text
        del cells[start + 1:end + 1]
        converted += 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            cell.source = _convert_exercises(cell.source, where, index)
    return converted


def _convert_exercises(source: str, where: str, index: int) -> str:
    """``{exercise-start}`` … ``{exercise-end}`` in one cell as one ``{exercise}`` directive."""
    while True:
        split = _split_at(source, "exercise-start")
        if not split:
            return source
        before, options, argument, rest = split
        closing = _split_at(rest, "exercise-end")
        if not closing:
            raise NotebookError(f"{where}, cell {index}: an {{exercise-start}} whose {{exercise-end}} is not in "
                                "the same cell (move the exercise's text into one Markdown cell)")
        body, _, _, after = closing
        source = "\n\n".join(p for p in (before, _fenced("exercise", argument, options, body), after.strip()) if p)


# ---------------------------------------------------------------- whole notebooks

def chapter_number(docname: str) -> int | None:
    """3 for ``chapters/03_dedollarization``."""
    match = re.match(r"^chapters/(\d\d)_", docname)
    return int(match.group(1)) if match else None


def number_exercises(nb, number: int) -> None:
    """Number exercises "Exercise 3.1" … as the book does (MyST front matter in the first Markdown cell)."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is None or first.source.startswith("---"):
        return
    first.source = f"---\nnumbering:\n  exercise:\n    enumerator: {number}.%s\n---\n" + first.source


def hide_like_the_book(nb) -> None:
    """Cells the book hides start collapsed in JupyterLab (they still run)."""
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and tags & {"hide-input", "remove-cell", "remove-input"}:
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def add_jupyterlab_charts(nb) -> None:
    """Give a chart output stored without it the Vega JupyterLab draws (:func:`rendering.jupyterlab_vega`)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if rendering.VEGALITE_MIME in data and rendering.VEGA_MIME not in data:
                data[rendering.VEGA_MIME] = rendering.jupyterlab_vega(data[rendering.VEGALITE_MIME])


def lab_notebook(nb, ctx: Context, docname: str):
    """The copy of one chapter that JupyterLab shows (see the module doc)."""
    nb = copy.deepcopy(nb)
    convert_gated(nb, docname)
    store_expressions(nb, ctx.data_dir, docname)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            try:
                cell.source = render_roles(cell.source, ctx, docname)
            except (evidence.UnknownId, KeyError) as error:
                raise NotebookError(f"{docname}.ipynb, cell {index}: {error}") from None
    number = chapter_number(docname)
    if number:
        number_exercises(nb, number)
    hide_like_the_book(nb)
    add_jupyterlab_charts(nb)
    return nb


# ---------------------------------------------------------- the appendix as notebooks

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def md_escape(text: str) -> str:
    """Plain text as Markdown that shows it literally (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)).strip())


def _cell_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:64]


def _md(source: str, cell_id: str | None = None):
    """A Markdown cell; its id is ``cell_id`` or, so that the pack is byte-reproducible, a hash of its text."""
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = _cell_id(cell_id) if cell_id else "md-" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    return cell


def _notebook(cells) -> nbformat.NotebookNode:
    """A notebook of ``cells`` (a repeated cell id gets a numbered suffix)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNEL)
    seen: dict[str, int] = {}
    for cell in cells:
        seen[cell.id] = seen.get(cell.id, 0) + 1
        if seen[cell.id] > 1:
            cell.id = f"{cell.id}-{seen[cell.id]}"
    nb.cells = cells
    return nb


def glossary_notebook(ctx: Context):
    """``appendix/glossary.ipynb``: one cell per term (cell id = the term's row id)."""
    from sinorussia import data

    cells = [_md("# Glossary\n\nDefinitions are the book's; the line under each gives a seed passage that uses the "
                 "term or, where no seed uses it, illustrates it.")]
    for row in data.read_table("glossary", ctx.data_dir).sort_values("term", key=lambda s: s.str.lower()).to_dict(
            "records"):
        used = f"*Used in {md_escape(row.get('source') or '')}: “{md_escape(row.get('quote') or '')}”*" \
            if row.get("quote") == row.get("quote") and row.get("quote") else ""
        cells.append(_md(f"**{md_escape(row['term'])}** — {md_escape(row['definition'])} {used}".strip(),
                         row["term_id"]))
    return _notebook(cells)


def bibliography_notebook(ctx: Context):
    """``appendix/bibliography.ipynb``: one cell per entry of ``references.bib`` (cell id = its key)."""
    cells = [_md("# Bibliography\n\nThe five seed articles and the main works they cite. Entries marked \"External "
                 "context, not a seed\" are neither; with the other outside sources, whose full citations are on "
                 f"the page [Sources outside the seeds]({_relative(SOURCES + '/external', BIBLIOGRAPHY)}), they "
                 "support the few widely documented facts the book adds.")]
    for key, (label, reference) in sorted(ctx.bib.items(), key=lambda kv: kv[1][0].lower()):
        cells.append(_md(f"**{md_escape(label)}**. {reference}", key))
    return _notebook(cells)


def reader_notebooks(ctx: Context) -> dict[str, nbformat.NotebookNode]:
    """The source reader as notebooks: per seed its reference and every passage the book
    quotes (one cell each, the quoted words in bold, the rows that quote it below), and
    the rows from outside the seeds. Fills ``ctx.anchors`` for :func:`_reader_link`."""
    from sinorussia import links
    from sinorussia_book import reader as reader_module

    reader = reader_module.build(ctx.data_dir, book_root=ctx.root)
    out = {}
    external = f"{SOURCES}/{links.EXTERNAL_PAGE}"
    index = [_md("# Sources: the seed articles\n\n" + reader_module.provenance_statement(
        f"on the page [Sources outside the seeds]({_relative(external, SOURCES)})") + " Each page below shows the "
                 "passages the book's rows quote, with the quoted words in bold.")]
    for seed in reader.seeds.values():
        page = f"{SOURCES}/{seed.bibkey}"
        ctx.anchors[(page, "")] = "reference"
        ctx.anchors[(page, "reference")] = "reference"
        entry = seed.entry
        cells = [_md(f"# {md_escape(seed.short_name)}\n\n"
                     f"- **Title:** {md_escape(seed.catalogue.get('Title') or entry['title'])}\n"
                     f"- **Author or institution:** {md_escape(seed.catalogue.get('Author') or entry['author'])}\n"
                     f"- **Published in:** {md_escape(seed.catalogue.get('Publisher') or entry['publisher'])}\n"
                     f"- **Date:** {md_escape(seed.catalogue.get('Date') or entry['date_note'])}\n\n"
                     "A third-party text, quoted for teaching and criticism: only the passages the book's rows quote, "
                     "and the seed's notes that those passages or the book's evidence markers refer to, are shown, "
                     "in the seed's order.", "reference")]
        for block in reader.shown_blocks(seed):
            cell_id = f"note-{block.note}" if block.note is not None else f"p{block.line}"
            text = _bold_quotes(block)
            label = f"**Note {block.note} of the seed.** " if block.note is not None else ""
            rows = []
            for _, _, anchor, row_id in sorted(block.spans):
                ctx.anchors[(page, anchor)] = cell_id
                if row_id not in rows:
                    rows.append(row_id)
            if block.note is not None:
                ctx.anchors[(page, f"note-{block.note}")] = cell_id
            quoted = ("\n\n*Quoted by:* " + ", ".join(
                f"{r} ({md_escape(reader_module.TABLE_NOUNS.get(reader.rows[r][0], reader.rows[r][0]))}"
                f"{': ' + md_escape(reader_module._row_label(*reader.rows[r])) if reader_module._row_label(*reader.rows[r]) else ''})"
                for r in rows)) if rows else ""
            cells.append(_md(label + text + quoted, cell_id))
        out[page] = _notebook(cells)
        index.append(_md(f"- [{md_escape(seed.short_name)}]({seed.bibkey}.ipynb): {md_escape(entry['author'])}, "
                         f"{entry['year']}"))
    cells = [_md("# Sources outside the seeds\n\nA few rows add widely documented context from outside the five "
                 "seeds; each is listed with its full citation.")]
    ctx.anchors[(external, "")] = cells[0].id
    for row_id in reader.external:
        table, row = reader.rows[row_id]
        ctx.anchors[(external, row_id)] = _cell_id(row_id)
        cells.append(_md(f"**{row_id}** ({md_escape(reader_module.TABLE_NOUNS.get(table, table))}). "
                         f"{md_escape(row.get('citation') or 'No citation given.')}", row_id))
    cited = reader_module.seed_rows_with_outside_citations(reader)
    if cited:
        cells.append(_md("## Seed rows that also cite outside sources\n\n" + reader_module.OUTSIDE_ROWS_INTRO))
        for row_id, table, row in cited:
            seed = reader.seeds[row["seed"]]
            cells.append(_md(f"**{row_id}** ({md_escape(reader_module.TABLE_NOUNS.get(table, table))}; seed: "
                             f"[{md_escape(seed.short_name)}]({seed.bibkey}.ipynb)). {md_escape(row['citation'])}"))
    out[external] = _notebook(cells)
    out[SOURCES] = _notebook([index[0], _md("\n".join(c.source for c in index[1:]))])
    return out


def _bold_quotes(block) -> str:
    """A passage as Markdown, the words rows quote in bold."""
    from sinorussia_book import reader as reader_module

    spans = reader_module._merged([(s, e, r) for s, e, _, r in block.spans])
    out, last = [], 0
    for start, end, _ in spans:
        raw = block.text[start:end]
        lead, trail = raw[:len(raw) - len(raw.lstrip())], raw[len(raw.rstrip()):]
        out.append(_escape_run(block.text[last:start] + lead))
        out.append(f"**{_escape_run(raw.strip())}**" if raw.strip() else "")
        out.append(_escape_run(trail))
        last = end
    out.append(_escape_run(block.text[last:]))
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _escape_run(text: str) -> str:
    """Like :func:`md_escape` but keeps a run's outer spaces (it sits between others)."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def appendix_notebooks(ctx: Context) -> dict[str, nbformat.NotebookNode]:
    """Every appendix page the copy's links lead to, by docname."""
    out = reader_notebooks(ctx)
    out[GLOSSARY] = glossary_notebook(ctx)
    out[BIBLIOGRAPHY] = bibliography_notebook(ctx)
    return out


def lab_notebooks(root: Path | None = None) -> dict[str, nbformat.NotebookNode]:
    """docname -> notebook of the whole copy: the chapters rendered and the appendix pages."""
    ctx = build_context(root)
    out = appendix_notebooks(ctx)  # first: it fills the reader anchors the chapters link to
    for path in sorted((ctx.root / "chapters").glob("*.ipynb")):
        docname = f"chapters/{path.stem}"
        out[docname] = lab_notebook(nbformat.read(path, as_version=4), ctx, docname)
    return out


def write_lab_copy(out: Path, root: Path | None = None) -> list[Path]:
    """Write the copy under ``out`` (``out/chapters/*.ipynb``, ``out/appendix/…``); return the files."""
    written = []
    for docname, nb in lab_notebooks(root).items():
        target = Path(out) / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written


# ----------------------------------------------------------------------- command line

def _rewrite(files: list[Path], change) -> int:
    for path in files:
        nb = nbformat.read(path, as_version=4)
        count = change(nb, str(path))
        nbformat.write(nb, path)
        print(f"{path}: {count}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinorussia_book.notebooks", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lab = commands.add_parser("lab", help="write the rendered copy for JupyterLab")
    lab.add_argument("--out", type=Path, default=Path("_build") / "lab")
    for name, text in (("solutions", "turn gated exercises into {exercise} + {solution} drop-downs, in place"),
                       ("expressions", "store {eval} values in metadata.user_expressions, in place")):
        command = commands.add_parser(name, help=text)
        command.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "lab":
            files = write_lab_copy(args.out)
            print(f"wrote {len(files)} notebooks under {args.out}")
            return 0
        if args.command == "solutions":
            return _rewrite(args.files, lambda nb, where: convert_gated(nb, where))
        return _rewrite(args.files, lambda nb, where: store_expressions(nb, None, where))
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

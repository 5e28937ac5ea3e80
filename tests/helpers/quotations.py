"""Is every quotation carried by its marker?

A quotation in the book's prose (two or more words between quotation marks; three on the errata page) that occurs in a
seed must be contained in the quote of a data row -- or in the seed passage -- named by the
``{evidence}`` marker that ends its sentence: the first marker after it in its paragraph (the
paragraph's markers when none follows it). Otherwise the marker beside it shows the reader another
passage, and the quotation cannot be checked from the page. The errata page, whose entries put
their markers at the end, is checked by paragraph.

    python tests/helpers/quotations.py [--root DIR] [FILE ...]

prints one line per uncarried quotation (file, cell, quotation, the ids of the paragraph's
markers) and exits 1 if there is any. With no FILE it checks every page of the book's table of
contents. ``tests/test_quotations.py`` runs the same check.
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: a quotation: curly or straight double quotes on one line of a paragraph
QUOTED = re.compile(r"\u201c([^\u201d]*)\u201d|\"([^\"\n]*)\"")
ROLE = re.compile(r"\{evidence\}`([^`]*)`")
ANY_ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")
ELLIPSIS = re.compile(r"\s*(?:\u2026|\.\.\.|\[\u2026\]|\[\.\.\.\])\s*")
MIN_WORDS = 2
#: Pages with a higher threshold: the errata quote the book's own former wording, whose two-word
#: phrases ("more than", "the condition") are often also in a seed without being quoted from it.
PAGE_MIN_WORDS = {"instructors/errata": 3}
#: Pages checked by paragraph rather than by the marker that follows a quotation: an errata entry
#: quotes the book's former and present wording and the seed, and gives its markers at its end.
BY_PARAGRAPH = {"instructors/errata"}


def _rule_for(rel: str, rules):
    """The rule for a page: its own entry, else that of the folder or page it belongs to
    (``instructors/errata`` covers the errata index and its four part pages)."""
    stem = rel.removesuffix(".md").removesuffix(".ipynb")
    for key in rules:
        if stem == key or stem.startswith(key + "/"):
            return rules[key] if isinstance(rules, dict) else True
    return None


@dataclass(frozen=True)
class Uncarried:
    """A seed quotation that the marker ending its sentence (or its paragraph's markers) does not carry."""

    path: str
    cell: str        #: notebook cell id (or index), or 'page'
    quotation: str
    ids: tuple[str, ...]
    seeds: tuple[str, ...]   #: short names of the seeds the words occur in

    def __str__(self) -> str:
        where = f"{self.path}, cell {self.cell}" if self.cell != "page" else self.path
        ids = ", ".join(self.ids) or "no marker"
        return (f"{where}: \u201c{self.quotation}\u201d (in {', '.join(self.seeds)}) is not in the quote "
                f"of any row the marker after it names [{ids}]")


@functools.lru_cache(maxsize=2)
def _reader(root: str):
    sys.path.insert(0, root)
    from sinorussia_book import reader
    return reader.build(Path(root) / "data", book_root=Path(root))


@functools.lru_cache(maxsize=2)
def _seed_texts(root: str) -> dict[str, tuple[str, tuple[str, str]]]:
    """seed file -> (short name, its normalised text variants)."""
    from sinorussia import provenance
    rd = _reader(root)
    return {name: (seed.short_name, provenance._variants((Path(root) / "seeds" / name).read_text(encoding="utf-8")))
            for name, seed in rd.seeds.items()}


def _contains(haystack_variants: tuple[str, str], needle: str) -> bool:
    """Whether ``needle`` occurs in a passage, compared without case: a quotation that starts
    mid-sentence ("another area in which") is still the seed's "Another area in which"."""
    from sinorussia import provenance
    flat = provenance.normalise(needle).casefold()
    return bool(flat) and any(flat in h.casefold() for h in haystack_variants)


def carriers(root: str, ref: str) -> list[tuple[str, str]]:
    """The passages (normalised variants) a marker id shows: a row's quote(s), a seed note, a whole seed."""
    from sinorussia import provenance
    rd = _reader(root)
    if "/note-" in ref:
        bibkey, note = ref.split("/note-", 1)
        seed = rd.seed_of_bibkey(bibkey)
        if seed is None or not note.isdigit() or int(note) not in seed.notes:
            return []
        return [provenance._variants(seed.notes[int(note)].text)]
    if ref in rd.seeds:
        return [_seed_texts(root)[ref][1]]
    if ref not in rd.rows:
        return []
    _, row = rd.rows[ref]
    return [provenance._variants(str(row.get(k))) for k in ("quote", "other_quote")
            if row.get(k) and str(row.get(k)) not in ("nan", "None", "<NA>")]


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    """(cell id, paragraph) for a notebook's markdown cells or a Markdown page."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        out = []
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "markdown":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out += [(cell.get("id", str(i)), p) for p in re.split(r"\n\s*\n", source)]
        return out
    return [("page", p) for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))]


def quotations(paragraph: str, min_words: int | None = None) -> list[str]:
    """The quoted strings of a paragraph, roles removed, split at ellipses, of ``min_words``
    (default :data:`MIN_WORDS`) words or more."""
    min_words = MIN_WORDS if min_words is None else min_words
    text = ANY_ROLE.sub(" ", paragraph)
    found = []
    for match in QUOTED.finditer(text):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        for part in ELLIPSIS.split(quoted):
            part = part.strip(" ,.;:'\u2018\u2019")
            if len(re.findall(r"\w+", part)) >= min_words:
                found.append(part)
    return found


def _marker_groups(paragraph: str) -> list[tuple[int, tuple[str, ...]]]:
    """(position, ids) of each ``{evidence}`` marker of a paragraph, in order."""
    return [(m.start(), tuple(i.strip() for i in m.group(1).split(",") if i.strip())) for m in ROLE.finditer(paragraph)]


def _segments(paragraph: str, by_paragraph: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(text, the ids that must carry its quotations): the text before each marker with that
    marker's ids, and the text after the last marker with all the paragraph's ids. With
    ``by_paragraph``, the whole paragraph with all its ids."""
    groups = _marker_groups(paragraph)
    every = tuple(i for _, ids in groups for i in ids)
    if by_paragraph or not groups:
        return [(paragraph, every)]
    out, start = [], 0
    for position, ids in groups:
        out.append((paragraph[start:position], ids))
        start = position
    out.append((paragraph[start:], every))
    return out


def uncarried(path: Path, root: Path = ROOT) -> list[Uncarried]:
    """Every seed quotation of a page that the marker ending its sentence does not carry."""
    root_s = str(root)
    seeds = _seed_texts(root_s)
    rel = str(path.relative_to(root)) if path.is_absolute() and root in path.parents else str(path)
    rel = rel.replace("\\", "/")
    problems = []
    for cell, paragraph in _paragraphs(path):
        for text, ids in _segments(paragraph, bool(_rule_for(rel, BY_PARAGRAPH))):
            for quotation in quotations(text, _rule_for(rel, PAGE_MIN_WORDS) or MIN_WORDS):
                in_seeds = tuple(short for short, variants in seeds.values() if _contains(variants, quotation))
                if not in_seeds:
                    continue  # not a seed quotation (a label, a term, an external source)
                if any(_contains(c, quotation) for ref in ids for c in carriers(root_s, ref)):
                    continue
                problems.append(Uncarried(rel, cell, quotation, ids, in_seeds))
    return problems


def book_pages(root: Path = ROOT) -> list[Path]:
    """The pages of the table of contents that may carry markers."""
    sys.path.insert(0, str(root))
    from sinorussia_book import evidence
    return evidence.book_files(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(ROOT), help="the book's folder (default: this checkout)")
    parser.add_argument("files", nargs="*", help="pages to check (default: every page of the book)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    files = [(root / f) for f in args.files] if args.files else book_pages(root)
    problems = [p for f in files for p in uncarried(f.resolve(), root)]
    for problem in problems:
        print(problem)
    counted = {}
    for p in problems:
        counted[p.path] = counted.get(p.path, 0) + 1
    print(f"{len(problems)} uncarried seed quotation(s)" + (": " + ", ".join(f"{k} {v}" for k, v in counted.items()) if counted else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

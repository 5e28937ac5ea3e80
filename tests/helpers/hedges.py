"""Hedges kept? A report, not a test: for each seed quotation in the book's prose, and for each
data row's student-facing summary, the hedge and modality words of the seed sentence around the
quoted words that the book's own sentence drops.

    python tests/helpers/hedges.py [--root DIR] [--out FILE] [FILE ...]

A person reads the report for every chapter before an edition is done: many listed words are
fine to drop (an "if" the sentence paraphrases, an "about" that belongs to another clause), but
a dropped "seemingly", "could" or "at least" usually changes what the source claims.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import quotations  # noqa: E402  (the same paragraphs and quotations as the quotation test)

ROOT = quotations.ROOT
#: the words the issue lists, and close relatives
HEDGES = ("seemingly", "virtually", "about", "could", "might", "may", "possible", "possibly", "likely",
          "seems", "seem", "appears", "at least", "sort of", "essentially", "if", "unless", "perhaps",
          "probably", "potentially", "almost", "nearly", "around", "some")
BOUNDARY = re.compile(r"[.!?][\"\u201d\u2019)\]]*(?:\[\d+\])?\d*\s+(?=[A-Z\u201c\"(\[])")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"(])")
#: data fields students read in explorers and tables, checked against the row's own quote
SUMMARY_FIELDS = {"positions": ("summary",), "events": ("description",), "recommendations": ("summary", "recommendation"),
                  "source_notes": ("what_the_sources_say",)}


@dataclass
class Dropped:
    """Hedge words of a seed sentence missing from the book's sentence that quotes or summarises it."""

    where: str
    book: str
    seed_sentence: str
    seed: str
    words: tuple[str, ...]


def hedge_words(text: str) -> set[str]:
    """The hedge words (lower case) a text uses."""
    low = " " + re.sub(r"[^\w' ]+", " ", text.lower()) + " "
    return {h for h in HEDGES if f" {h} " in low}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(re.sub(r"\s+", " ", text)) if s.strip()]


def seed_sentence(root: str, quotation: str) -> tuple[str, str] | None:
    """(seed short name, the seed sentence holding the quotation), searched in every seed."""
    from sinorussia import provenance
    needle = provenance.normalise(quotation)
    for short, (kept, dropped) in quotations._seed_texts(root).values():
        for text in (kept, dropped):
            at = text.find(needle)
            if at < 0:
                continue
            starts = [m.end() for m in BOUNDARY.finditer(text, 0, at)]
            end = BOUNDARY.search(text, at + len(needle))
            begin, stop = starts[-1] if starts else 0, end.start() + 1 if end else len(text)
            begin, stop = max(begin, at - 300), min(stop, at + len(needle) + 300)  # a window, not a page
            return short, text[begin:stop].strip()
    return None


def book_sentence(paragraph: str, quotation: str) -> str:
    """The sentence of the paragraph that holds the quotation (roles removed)."""
    text = quotations.ANY_ROLE.sub("", paragraph)
    for sentence in _sentences(text):
        if quotation[:40] in sentence:
            return sentence
    return re.sub(r"\s+", " ", text).strip()


def prose_drops(path: Path, root: Path) -> list[Dropped]:
    """Hedges dropped around every seed quotation of one page."""
    found = []
    rel = str(path.relative_to(root)) if root in path.parents else str(path)
    for cell, paragraph in quotations._paragraphs(path):
        for quotation in quotations.quotations(paragraph):
            located = seed_sentence(str(root), quotation)
            if not located:
                continue
            short, sentence = located
            mine = book_sentence(paragraph, quotation)
            dropped = tuple(sorted(hedge_words(sentence) - hedge_words(mine)))
            if dropped:
                where = f"{rel}, cell {cell}" if cell != "page" else rel
                found.append(Dropped(where, mine, sentence, short, dropped))
    return found


def data_drops(root: Path) -> list[Dropped]:
    """Hedges of a row's quoted seed sentence that the row's student-facing summary drops."""
    import pandas as pd
    found = []
    for table, fields in SUMMARY_FIELDS.items():
        path = root / "data" / f"{table}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        key = frame.columns[0]
        for _, row in frame.iterrows():
            quote = row.get("quote", "")
            if not quote:
                continue
            located = seed_sentence(str(root), quote)
            if not located:
                continue
            short, sentence = located
            for f in fields:
                if f in frame.columns and row[f]:
                    dropped = tuple(sorted(hedge_words(sentence) - hedge_words(row[f])))
                    if dropped:
                        found.append(Dropped(f"data/{table}.csv, {row[key]}, {f}", row[f], sentence, short, dropped))
    return found


def report(drops: list[Dropped]) -> str:
    """The report as Markdown, grouped by page."""
    lines = ["# Hedges the book's sentences drop", "",
             "Generated by `python tests/helpers/hedges.py`. For each entry: the book's sentence, the seed's sentence and the "
             "hedge words the seed uses that the book's sentence does not. Review every entry; keep the hedge where it "
             "qualifies the claim the book reports.", ""]
    page = None
    for d in drops:
        head = d.where.split(",")[0]
        if head != page:
            page = head
            lines += [f"## {page}", ""]
        lines += [f"- **{d.where}** drops *{', '.join(d.words)}*", f"  - book: {d.book}", f"  - {d.seed}: {d.seed_sentence}"]
    lines += ["", f"{len(drops)} entries."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--out", help="write the Markdown report here (default: print it)")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    files = [root / f for f in args.files] if args.files else quotations.book_pages(root)
    drops = [d for f in files for d in prose_drops(f.resolve(), root)]
    if not args.files:
        drops += data_drops(root)
    text = report(drops)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(drops)} entries written to {args.out}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

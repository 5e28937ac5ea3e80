"""Write the book pages that are generated from ``data/`` and ``seeds/`` (run by ``make pages``).

``appendix/glossary.md`` is a Sphinx glossary built from ``glossary.csv`` so that
chapters can link terms with ``{term}`` and the definitions live in one place.
``appendix/sources.md`` and ``appendix/sources/*.md`` are the source reader
(:mod:`sinorussia_book.reader`): the passages behind every row.
Run ``python -m sinorussia_book.pages --check`` to verify the committed pages are current.
"""
from __future__ import annotations

import json
import re

import sys

from sinorussia.data import load_glossary, theme_labels
from sinorussia.paths import project_root
from sinorussia_book import reader

ROOT = project_root()
GLOSSARY_PAGE = ROOT / "appendix" / "glossary.md"


def _inner_quote(quote: str) -> str:
    """A quote as it sits inside the page's own quotation marks: the seed's own quotation
    marks and trailing punctuation around a quoted phrase are dropped ('"anti-dollar axis,"')."""
    text = str(quote).strip()
    if len(text) > 2 and text[0] in "\"\u201c" and text[-1] in "\"\u201d":
        text = text[1:-1].strip().rstrip(",;:")
    return text


def glossary_markdown() -> str:
    """The glossary page as MyST Markdown."""
    terms = load_glossary()
    lines = [
        "# Glossary",
        "",
        "Definitions are ours; the line under each gives, with its marker, a seed passage that uses the term or, where no seed uses it, illustrates it.",
        "<!-- Generated from data/glossary.csv by `python -m sinorussia_book.pages`: edit the CSV, not this file. -->",
        "",
        "```{glossary}",
    ]
    for _, row in terms.iterrows():
        lines += [
            row["term"],
            f"  {row['definition']} *Theme: {theme_labels()[str(row['theme'])]}. "
            f"Used in {row['source']}:* \u201c{_inner_quote(row['quote'])}\u201d {{evidence}}`{row['term_id']}`",
            "",
        ]
    lines += ["```", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------ reading times

#: the sentence between these comments in a chapter is computed from its word count
READING_TIME = re.compile(r"<!-- reading-time -->(.*?)<!-- /reading-time -->", re.S)
WORDS_PER_MINUTE = 200
MINUTES_PER_EXERCISE = 10
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`]*)`")
_EXERCISE = re.compile(r"^(?:`{3,}|:{3,})\{(exercise|exercise-start)\}", re.M)
_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """``245`` -> ``'two hundred and forty-five'`` (0 to 999): numbers in prose are written, not typed."""
    if n < 20:
        return _NUMBER_WORDS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f"-{_NUMBER_WORDS[unit]}" if unit else "")
    hundreds, rest = divmod(n, 100)
    return f"{_NUMBER_WORDS[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def _markdown_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "markdown"]


def chapter_words(path: Path) -> tuple[int, int]:
    """(words a student reads in the chapter's Markdown, exercises it sets)."""
    text = "\n".join(_markdown_cells(path))
    text = READING_TIME.sub(" ", text)  # the sentence it computes is not counted (a fixed point)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = _ROLE.sub(lambda m: " x " if m.group(0).startswith("{eval}") else " ", text)
    words = len(re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", text))
    return words, len(_EXERCISE.findall(text))


def reading_time_sentence(words: int, exercises: int) -> str:
    """The chapter's reading-time sentence, from its measured size."""
    read = max(5, -(-words // (WORDS_PER_MINUTE * 5)) * 5)  # rounded up to five minutes
    work = exercises * MINUTES_PER_EXERCISE
    return (f"About {number_words(read)} minutes to read (at {number_words(WORDS_PER_MINUTE)} words a minute), and about {number_words(work)} minutes for its "
            f"{number_words(exercises)} exercises.")


def chapters_with_reading_times() -> dict:
    """Every chapter whose reading-time sentence is marked, with the sentence recomputed."""
    out = {}
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        raw = path.read_text(encoding="utf-8")
        if not READING_TIME.search(raw):
            continue
        sentence = reading_time_sentence(*chapter_words(path))
        out[path] = READING_TIME.sub(f"<!-- reading-time -->{sentence}<!-- /reading-time -->", raw)
    return out


def generated_pages() -> dict:
    """Every generated page: ``{path: text}``."""
    out = {GLOSSARY_PAGE: glossary_markdown()}
    out.update(chapters_with_reading_times())
    out.update({ROOT / name: text for name, text in reader.pages(book_root=ROOT).items()})
    return out


def stale_pages(pages: dict) -> list:
    """The generated pages whose committed text differs (or that are missing)."""
    return [path for path, text in pages.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    from sinorussia.data import DataTypeError

    try:
        pages = generated_pages()
    except DataTypeError as error:  # a broken row: name it in one line, write nothing
        print(f"cannot generate the pages: {error}", file=sys.stderr)
        return 2
    stale = stale_pages(pages)
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run `python -m sinorussia_book.pages`", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pages[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Write the book pages that are generated from ``data/`` and ``seeds/`` (run by ``make pages``).

``appendix/glossary.md`` is a Sphinx glossary built from ``glossary.csv`` so that
chapters can link terms with ``{term}`` and the definitions live in one place.
``appendix/sources.md`` and ``appendix/sources/*.md`` are the source reader
(:mod:`sinorussia_book.reader`): the passages behind every row.
Run ``python -m sinorussia_book.pages --check`` to verify the committed pages are current.
"""
from __future__ import annotations

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
        "Definitions are ours; the line under each gives a seed passage that uses the term, with its marker.",
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


def generated_pages() -> dict:
    """Every generated page: ``{path: text}``."""
    out = {GLOSSARY_PAGE: glossary_markdown()}
    out.update({ROOT / name: text for name, text in reader.pages(book_root=ROOT).items()})
    return out


def stale_pages(pages: dict) -> list:
    """The generated pages whose committed text differs (or that are missing)."""
    return [path for path, text in pages.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    pages = generated_pages()
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

"""Write the book pages that are generated from ``data/`` (run by ``make book``).

``appendix/glossary.md`` is a Sphinx glossary built from ``glossary.csv`` so that
chapters can link terms with ``{term}`` and the definitions live in one place.
Run ``python -m sinorussia_book.pages --check`` to verify the committed page is current.
"""
from __future__ import annotations

import sys

from sinorussia.data import load_glossary, theme_labels
from sinorussia.paths import project_root

ROOT = project_root()
GLOSSARY_PAGE = ROOT / "appendix" / "glossary.md"


def glossary_markdown() -> str:
    """The glossary page as MyST Markdown."""
    terms = load_glossary()
    lines = [
        "# Glossary",
        "",
        "Definitions are ours; the line under each gives a seed passage that uses the term.",
        "This page is generated from `data/glossary.csv` by `python -m sinorussia_book.pages`: edit the CSV, not this file.",
        "",
        "```{glossary}",
    ]
    for _, row in terms.iterrows():
        lines += [
            row["term"],
            f"  {row['definition']} *Theme: {theme_labels()[str(row['theme'])]}. "
            f"Used in {row['source']}: \u201c{row['quote']}\u201d*",
            "",
        ]
    lines += ["```", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = glossary_markdown()
    if "--check" in argv:
        current = GLOSSARY_PAGE.read_text(encoding="utf-8") if GLOSSARY_PAGE.exists() else ""
        if current != text:
            print(f"{GLOSSARY_PAGE} is out of date: run `python -m sinorussia_book.pages`", file=sys.stderr)
            return 1
        return 0
    if not GLOSSARY_PAGE.exists() or GLOSSARY_PAGE.read_text(encoding="utf-8") != text:
        GLOSSARY_PAGE.write_text(text, encoding="utf-8")
        print(f"wrote {GLOSSARY_PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

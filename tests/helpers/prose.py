"""Reading the book's prose as the tests need it: markdown cells, paragraphs, the facts
and evidence markers they use, digits typed by hand, and original-prose word counts.

Run ``python tests/helpers/prose.py`` for the per-chapter report (words, markers,
paragraphs that need a marker and lack one)."""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
PAGES = [ROOT / "intro.md", ROOT / "instructors" / "guide.md"]

ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
EVAL = re.compile(r"\{eval\}`facts\.([a-z0-9_]+)`")
ANY_EVAL = re.compile(r"\{eval\}`([^`]*)`")
EVIDENCE = re.compile(r"\{evidence\}`([^`]*)`")
FENCE = re.compile(r"^(`{3,}|:{3,})(.*)$")
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
INLINE_CODE = re.compile(r"``[^`]+``|`[^`\n]+`")
URL = re.compile(r"https?://\S+|\]\([^)]*\)")
COMMENT = re.compile(r"<!--.*?-->", re.S)
#: directives whose content is not original prose (exercises and solutions are counted apart)
NOT_PROSE = ("exercise", "solution", "code-cell", "code", "glossary", "bibliography", "python", "eval")


@dataclass
class Block:
    """One markdown cell (or page) of a chapter."""

    source: str  # file name
    cell: str  # cell id, or 'page'
    text: str


def blocks(path: Path) -> list[Block]:
    """The markdown of a notebook, cell by cell, or of a MyST page."""
    if path.suffix == ".md":
        return [Block(path.name, "page", path.read_text(encoding="utf-8"))]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [Block(path.name, c.get("id", str(i)), "".join(c["source"]))
            for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def _lines_outside_code(text: str) -> list[tuple[str, str]]:
    """(line, enclosing directive name or '') for every line; fenced code reported as 'code'."""
    out, stack = [], []
    for line in text.splitlines():
        match = FENCE.match(line.strip())
        if match:
            marker, rest = match.groups()
            if stack and stack[-1][0] == marker and not rest.strip():
                stack.pop()
                out.append(("", "fence"))
                continue
            name = re.match(r"\{([a-z-]+)\}", rest.strip())
            stack.append((marker, name.group(1) if name else ("code" if rest.strip() or marker.startswith("`") else "")))
            out.append((line, "fence"))
            continue
        out.append((line, stack[-1][1] if stack else ""))
    return out


def hand_typed_digits(text: str) -> list[str]:
    """Lines of ``text`` with a digit outside roles, code, quotations, URLs, comments and
    directive options (the places where a digit is not a number typed by hand)."""
    found = []
    gated = False
    for line, where in _lines_outside_code(COMMENT.sub("", text)):
        if where in ("code", "python", "code-cell", "fence") or line.lstrip().startswith((":", "%")):
            continue
        if re.match(r"\s*```\{(exercise|solution)-(start|end)\}", line):
            gated = not gated
        clean = ROLE.sub("", line)
        clean = INLINE_CODE.sub("", clean)
        clean = QUOTED.sub("", clean)
        clean = URL.sub("", clean)
        clean = re.sub(r"^\s*\d+\.\s", "", clean)  # an ordered list's item number
        if re.search(r"\d", clean):
            found.append(line.strip())
    return found


def paragraphs(text: str) -> list[str]:
    """Paragraphs and list items of prose (blank-line separated; each list item apart)."""
    result, current = [], []
    for line, where in _lines_outside_code(text):
        if where in ("code", "python", "code-cell", "fence") and not line:
            continue
        stripped = line.strip()
        if not stripped or where == "fence" or re.match(r"^([-*+]|\d+\.)\s", stripped) or stripped.startswith("#"):
            if current:
                result.append(" ".join(current))
            current = [stripped] if stripped and where != "fence" else []
            continue
        if not stripped.startswith(":"):
            current.append(stripped)
    if current:
        result.append(" ".join(current))
    return [p for p in result if p]


def evidence_ids(text: str) -> list[str]:
    """Every row id named by an ``{evidence}`` marker in ``text``."""
    return [part.strip() for marker in EVIDENCE.findall(text) for part in marker.split(",") if part.strip()]


def prose_words(text: str) -> int:
    """Words of original prose: no code, exercises, solutions, quotations, blockquotes,
    roles' content or the Further reading section."""
    text = re.split(r"^#+\s*Further reading", text, flags=re.M)[0]
    words, gated = 0, False
    for line, where in _lines_outside_code(text):
        if re.match(r"\s*```\{(exercise|solution)-start\}", line) or re.match(r"\s*:{3,}\{(exercise|solution)-start\}", line):
            gated = True
        if re.match(r"\s*```\{solution-end\}", line) or re.match(r"\s*:{3,}\{solution-end\}", line):
            gated = False
            continue
        if gated or where in NOT_PROSE or where == "fence" or line.lstrip().startswith((">", ":", "%")):
            continue
        clean = QUOTED.sub(" ", ROLE.sub(" ", INLINE_CODE.sub(" ", line)))
        words += len(re.findall(r"[A-Za-z][A-Za-z'’-]*", clean))
    return words


def chapter_text(path: Path) -> str:
    return "\n\n".join(b.text for b in blocks(path))


def report() -> str:
    """Per chapter: words, evidence markers, marker coverage of paragraphs that need one."""
    sys.path.insert(0, str(ROOT))
    from sinorussia.provenance import normalise  # noqa: E402
    seeds = [normalise(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    lines = ["| page | words | markers | paragraphs needing a marker | with a marker |", "|---|---:|---:|---:|---:|"]
    for path in CHAPTERS + PAGES:
        text = chapter_text(path)
        need = [p for p in paragraphs(text) if needs_marker(p, seeds)]
        have = [p for p in need if EVIDENCE.search(p)]
        lines.append(f"| {path.name} | {prose_words(text)} | {len(evidence_ids(text))} | {len(need)} | {len(have)} |")
    return "\n".join(lines)


def quotes_from_seeds(paragraph: str, seeds: list[str]) -> list[str]:
    """Quotations in ``paragraph`` of three words or more that occur in a seed."""
    from sinorussia.provenance import normalise

    found = []
    for quote in QUOTED.findall(paragraph):
        inner = normalise(quote.strip("“”\""))
        if len(inner.split()) >= 3 and any(inner in seed for seed in seeds):
            found.append(inner)
    return found


def needs_marker(paragraph: str, seeds: list[str]) -> bool:
    """A paragraph that states a fact from the data or quotes a seed needs an evidence marker."""
    return bool(ANY_EVAL.search(paragraph) or quotes_from_seeds(paragraph, seeds))


if __name__ == "__main__":
    print(report())

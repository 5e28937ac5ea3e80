"""A page as a reader checks it against the seeds: plain text with every number filled in and
every evidence marker expanded into the passages it shows.

    python tests/helpers/plaintext.py chapters/01_history.ipynb [more pages] > /tmp/ch1.txt

Markdown cells are printed in order, each headed by its cell id; code cells only as
``[code cell <id>]`` with the text of their stored text/plain or text/markdown output (what a
student reads under a chart or an explorer is printed elsewhere: the explorers' tables come
from data/). ``{eval}`facts.NAME``` becomes its value, ``{evidence}`IDS``` becomes
``[IDS: "quote" -- source | ...]``, other roles keep their text.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVAL = re.compile(r"\{eval\}`facts\.([a-z0-9_]+)`")
EVIDENCE = re.compile(r"\{evidence\}`([^`]*)`")
ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")


def _expand_evidence(ids: str) -> str:
    from sinorussia_book import evidence
    reader = evidence._reader(str(ROOT / "data"))
    parts = []
    for ref in evidence.split_ids(ids):
        try:
            tip, source = evidence.reader_tooltip(reader, ref)
        except KeyError as error:
            tip, source = f"UNKNOWN ID ({error})", "?"
        parts.append(f"{ref}: {tip} \u2014 {source}")
        other = evidence.reader_module().other_passage(ref, reader) if "/note-" not in ref else None
        if other:
            parts.append(f"{ref} (second passage): {other[1]} \u2014 {other[2]}")
    return " [" + " | ".join(parts) + "]"


def plain(text: str) -> str:
    """Markdown with facts filled in and markers expanded."""
    from sinorussia import facts
    text = EVAL.sub(lambda m: str(facts.render(m.group(1))), text)
    text = EVIDENCE.sub(lambda m: _expand_evidence(m.group(1)), text)
    return ROLE.sub(lambda m: m.group(2), text)


def page_text(path: Path) -> str:
    """The whole page as plain text."""
    if path.suffix != ".ipynb":
        return plain(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cid = cell.get("id", str(i))
        if cell["cell_type"] == "markdown":
            out.append(f"--- cell {cid} ---\n{plain(source)}")
        elif cell["cell_type"] == "code":
            shown = []
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                for mime in ("text/markdown", "text/plain"):
                    if mime in data:
                        value = data[mime]
                        shown.append("".join(value) if isinstance(value, list) else value)
                        break
                if output.get("output_type") == "stream":
                    shown.append("".join(output.get("text", "")))
            out.append(f"--- code cell {cid} (source hidden{'; output:' if shown else ''}) ---\n" + "\n".join(shown)[:3000])
    return "\n\n".join(out)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for name in sys.argv[1:]:
        print(f"===== {name} =====")
        print(page_text(ROOT / name))

"""The prose keeps the book's promises: no number typed by hand, every fact named in
``data/facts.csv`` and used, every claim from the data or a seed carries an evidence
marker naming existing rows, and each chapter has the depth the chapter standard asks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.prose import (ANY_EVAL, CHAPTERS, EVAL, EVIDENCE, PAGES, blocks, chapter_text, evidence_ids,
                           hand_typed_digits, needs_marker, paragraphs, prose_words)
from sinorussia import facts, links
from sinorussia.provenance import normalise

ROOT = Path(__file__).resolve().parent.parent
PROSE = CHAPTERS + PAGES
#: every file whose text may use a fact
FACT_USERS = [*CHAPTERS, *PAGES, *ROOT.glob("*.md"), *ROOT.glob("appendix/*.md"), *ROOT.glob("appendix/*.ipynb"),
              *ROOT.glob("exercises/*.ipynb"), *ROOT.glob("sinorussia/*.py")]
PREAMBLE = re.compile(r"^try: from sinorussia\.chapter import \*\nexcept ModuleNotFoundError as error: raise \(SystemExit\(.+\) if error\.name == \"sinorussia\" else error\) from None$")
MIN_WORDS = {path.name: (1500 if "synthesis" in path.name else 2000) for path in CHAPTERS}
SEEDS = [normalise(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]


def _ids(paths):
    return [p.name for p in paths]


@pytest.mark.parametrize("path", PROSE, ids=_ids(PROSE))
def test_no_number_is_typed_by_hand(path):
    """Digits only inside facts, citations, evidence markers, cross-references, code,
    directive options, URLs and verbatim quotations."""
    typed = [f"{path.name}, cell {b.cell}: {line!r}" for b in blocks(path) for line in hand_typed_digits(b.text)]
    assert not typed, "numbers typed by hand (use {eval}`facts.NAME`):\n" + "\n".join(typed[:15])


@pytest.mark.parametrize("path", PROSE, ids=_ids(PROSE))
def test_every_eval_names_a_known_fact(path):
    known = facts.specs()
    bad = [f"{path.name}, cell {b.cell}: {{eval}}`{expr}`" for b in blocks(path) for expr in ANY_EVAL.findall(b.text)
           if not re.fullmatch(r"facts\.([a-z0-9_]+)", expr) or expr.split(".", 1)[1] not in known]
    assert not bad, "unknown facts or expressions other than facts.NAME:\n" + "\n".join(bad)


def test_every_fact_is_used():
    text = "\n".join(p.read_text(encoding="utf-8") for p in FACT_USERS)
    used = set(re.findall(r"facts\.([a-z0-9_]+)", text)) | set(re.findall(r"value\(\s*[\"']([a-z0-9_]+)", text))
    unused = sorted(set(facts.specs()) - used)
    assert not unused, f"facts defined in data/facts.csv but used nowhere: {unused}"


@pytest.mark.parametrize("path", PROSE, ids=_ids(PROSE))
def test_evidence_markers_name_existing_rows(path):
    rows = links.row_index()
    bibkeys = {ref.bibkey for ref in rows.values()} | {"lehrer2021", "euiss2025", "fragile2019", "tafuro2019", "flocking2022"}
    seeds = {ref.seed for ref in rows.values()}
    bad = [i for i in evidence_ids(chapter_text(path))
           if i not in rows and i not in seeds and not (re.fullmatch(r"[a-z]+\d{4}/note-\d+", i) and i.split("/")[0] in bibkeys)]
    assert not bad, f"{path.name}: evidence markers naming no data row: {sorted(set(bad))}"


@pytest.mark.parametrize("path", PROSE, ids=_ids(PROSE))
def test_facts_and_quotations_carry_evidence(path):
    """Every paragraph with a fact ({eval}) or a verbatim seed quotation has a marker."""
    missing = [f"cell {b.cell}: {p[:110]!r}" for b in blocks(path) for p in paragraphs(b.text)
               if needs_marker(p, SEEDS) and not EVIDENCE.search(p)]
    assert not missing, f"{path.name}: paragraphs without an evidence marker:\n" + "\n".join(missing[:10])


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_has_the_depth_of_a_seminar(path):
    words = prose_words(chapter_text(path))
    assert words >= MIN_WORDS[path.name], f"{path.name}: {words} words of original prose, fewer than {MIN_WORDS[path.name]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_first_cell_is_the_two_line_preamble(path):
    """One standard hidden first cell: it imports the chapter's names, or says in one
    sentence what to install when the package is missing."""
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert first["cell_type"] == "code" and "remove-cell" in first["metadata"].get("tags", [])
    assert PREAMBLE.match("".join(first["source"]).strip()), "".join(first["source"])[:300]


def test_digit_check_can_fail():
    """The digit check sees a typed year and ignores the places where digits are allowed."""
    assert hand_typed_digits("The deal of 2014 was signed.") == ["The deal of 2014 was signed."]
    allowed = ('In {eval}`facts.x`, as "400 billion dollars" says {cite}`fragile2019` {evidence}`F07`; '
               "see `E10` and [the note](../a.md#N02).\n:label: ex-1")
    assert hand_typed_digits(allowed) == []


def test_marker_check_can_fail():
    """A paragraph quoting a seed without a marker needs one; with one it does not."""
    quote = "“Its economy is six times larger”"
    assert needs_marker(f"The paper says {quote}.", SEEDS)
    assert EVIDENCE.search(f"The paper says {quote}. {{evidence}}`F01`")
    assert not needs_marker("A sentence of our own.", SEEDS)
    assert EVAL.findall("{eval}`facts.a_b`") == ["a_b"]


def test_every_chapter_states_a_reading_time_computed_from_its_word_count():
    """Reading times are computed (``make pages``), not typed: each chapter marks the sentence
    and it matches the count of the chapter's words and exercises."""
    from sinorussia_book import pages

    for path in CHAPTERS:
        raw = path.read_text(encoding="utf-8")
        found = pages.READING_TIME.search(raw)
        assert found, f"{path.name}: no <!-- reading-time --> sentence in 'What you'll need'"
        assert found.group(1) == pages.reading_time_sentence(*pages.chapter_words(path)), (
            f"{path.name}: the reading time is stale; run `make pages`")

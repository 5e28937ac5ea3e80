"""Every quotation is carried by its marker: a seed quotation of two or more words (three on the errata page) in the book's
prose must occur in the quote of a row (or in the seed passage) that the evidence marker ending its
sentence names (the first marker after it in its paragraph; the paragraph's markers when none follows;
the errata page by paragraph). The helper `tests/helpers/quotations.py` prints the same list."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import quotations
from helpers.site import ROOT

PAGES = quotations.book_pages(ROOT)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_seed_quotation_is_carried_by_the_marker_of_its_sentence(page):
    problems = quotations.uncarried(page, ROOT)
    assert not problems, f"{len(problems)} quotation(s) not carried by their marker:\n" + "\n".join(map(str, problems))


def _notebook(tmp_path: Path, paragraph: str) -> Path:
    path = tmp_path / "page.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "id": "c1", "metadata": {}, "source": paragraph}],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_a_quotation_beside_a_marker_of_another_passage_is_reported(tmp_path):
    # E02 quotes the 2022 seed on the split of 1960; the quotation is from the 2019 fragile-alliance paper.
    text = "The paper says the alliance lasted “until it was finally dissolved in 1969” {evidence}`E02`."
    problems = quotations.uncarried(_notebook(tmp_path, text), ROOT)
    assert len(problems) == 1
    assert problems[0].cell == "c1" and "finally dissolved" in problems[0].quotation and problems[0].ids == ("E02",)
    assert "page.ipynb, cell c1" in str(problems[0])


def test_a_quotation_carried_by_its_row_or_its_seed_passes(tmp_path):
    row = "The 2022 article measures today's closeness “since the Sino-Soviet split in 1960” {evidence}`E02`."
    seed = "The paper says the alliance lasted “until it was finally dissolved in 1969” {evidence}`002_18acb9a6281ccb69.txt`."
    assert quotations.uncarried(_notebook(tmp_path, row), ROOT) == []
    assert quotations.uncarried(_notebook(tmp_path, seed), ROOT) == []


def test_a_three_word_quotation_is_checked(tmp_path):
    # "reached new heights" is the ISPI analysis's; E02 quotes the 2022 seed on the split of 1960.
    text = "The analysis says cooperation “reached new heights” {evidence}`E02`."
    problems = quotations.uncarried(_notebook(tmp_path, text), ROOT)
    assert [p.quotation for p in problems] == ["reached new heights"]


def test_a_quotation_that_starts_mid_sentence_in_lower_case_is_checked(tmp_path):
    # the seed has "Another area in which Russia is increasingly dependent on China"; E02 does not carry it
    text = "The paper calls technology \u201canother area in which Russia is increasingly dependent\u201d {evidence}`E02`."
    problems = quotations.uncarried(_notebook(tmp_path, text), ROOT)
    assert [p.quotation for p in problems] == ["another area in which Russia is increasingly dependent"]


def test_a_two_word_quotation_is_checked(tmp_path):
    # "reached new" ... a two-word seed phrase beside a marker that does not carry it
    text = "The analysis calls the cooperation \u201cnew heights\u201d {evidence}`E02`."
    problems = quotations.uncarried(_notebook(tmp_path, text), ROOT)
    assert [p.quotation for p in problems] == ["new heights"]


def test_the_errata_page_checks_quotations_of_three_words_or_more():
    assert quotations.quotations("The book said \u201cmore than\u201d here.", 3) == []
    assert quotations.quotations("The book said \u201cmore than\u201d here.") == ["more than"]
    for page in ("instructors/errata.md", "instructors/errata/chapters-4-6.md"):
        assert quotations._rule_for(page, quotations.PAGE_MIN_WORDS) == 3
    assert quotations._rule_for("chapters/01_history.ipynb", quotations.PAGE_MIN_WORDS) is None


def test_short_or_non_seed_quotations_are_not_checked(tmp_path):
    text = "We call it an “axis” here, and a phrase “that no seed contains at all anywhere” {evidence}`E02`."
    assert quotations.uncarried(_notebook(tmp_path, text), ROOT) == []


def test_a_quotation_carried_only_by_another_sentence_of_its_paragraph_is_reported(tmp_path):
    # E02 carries the 2022 article's "since the Sino-Soviet split in 1960", but the marker that ends the
    # first sentence is G55, whose passage is the ISPI analysis's "economic reasons are not enough".
    text = ("The 2022 article counts “since the Sino-Soviet split in 1960” {evidence}`G55`. "
            "It measures closeness from there {evidence}`E02`.")
    problems = quotations.uncarried(_notebook(tmp_path, text), ROOT)
    assert [(p.quotation, p.ids) for p in problems] == [("since the Sino-Soviet split in 1960", ("G55",))]
    after = "It measures closeness from there {evidence}`G55`. The article counts “since the Sino-Soviet split in 1960”."
    assert quotations.uncarried(_notebook(tmp_path, after + " {evidence}`E02`"), ROOT) == []
    assert quotations.uncarried(_notebook(tmp_path, "Intro {evidence}`E02`. " + after), ROOT) == []  # no marker follows: the paragraph's


def test_the_errata_page_is_checked_by_paragraph():
    assert quotations._segments("Said “a b” {evidence}`G55`. Now {evidence}`E02`.", by_paragraph=True) == [
        ("Said “a b” {evidence}`G55`. Now {evidence}`E02`.", ("G55", "E02"))]
    assert quotations._rule_for("instructors/errata/problem-sets-grading.md", quotations.BY_PARAGRAPH)
    assert not quotations._rule_for("instructors/errata-notes.md", quotations.BY_PARAGRAPH)

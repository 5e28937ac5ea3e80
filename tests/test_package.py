"""Unit tests of the chapters' package: self-checks, generated pages, import weight
(charts: test_charts.py; explorers: test_explorers.py; data: test_data.py)."""
from __future__ import annotations

import pytest

from sinorussia import selfcheck
from sinorussia_book import pages


@pytest.mark.parametrize("question_id", list(selfcheck.CHECKS))
def test_every_self_check_accepts_its_answer_and_only_it(question_id):
    """Each self-check's expected answer comes from the data, is accepted, and a wrong
    answer is not; a choice question's expected letter is one of its options."""
    question, answer = selfcheck.CHECKS[question_id]
    expected = answer()
    assert expected is not None, question_id
    assert "Correct" in selfcheck.check(question_id, expected).data
    assert "Not yet" in selfcheck.check(question_id, "zz-wrong").data
    assert "Replace" in selfcheck.check(question_id, None).data
    if isinstance(expected, str) and len(expected) == 1:
        assert f"({expected})" in question or f"{expected})" in question, f"{question_id}: no option {expected!r}"


def test_self_check_refuses_unknown_questions():
    with pytest.raises(KeyError):
        selfcheck.check("no-such-question", 1)


def test_glossary_page_is_current():
    assert pages.main(["--check"]) == 0, "run `python -m sinorussia_book.pages`"


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, sinorussia; print('frictionless' in sys.modules, 'altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"

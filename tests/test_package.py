"""Unit tests of the shared package: charts, renderer, self-checks, pages (explorers: test_explorers.py)."""
from __future__ import annotations

import json

import altair as alt
import pytest

from sinorussia import charts, data, selfcheck
from sinorussia_book import pages
from sinorussia.notebook import chart_html


@pytest.fixture(scope="module")
def events():
    return data.load_events()


@pytest.fixture(scope="module")
def figures():
    return data.load_figures()


CHART_BUILDERS = {
    "timeline": lambda: charts.timeline_chart(data.load_events()),
    "asymmetry": lambda: charts.economy_asymmetry_chart(data.load_figures()),
    "membership": lambda: charts.membership_chart(data.load_memberships(), data.load_organisations()),
}


@pytest.mark.parametrize("name", sorted(CHART_BUILDERS))
def test_every_chart_has_title_sources_and_description(name):
    spec = CHART_BUILDERS[name]().to_dict()
    assert spec["title"]["text"]
    assert any(line.startswith("Source: ") for line in spec["title"]["subtitle"])
    assert len(spec["description"]) > 40


def test_chart_markup_is_deterministic():
    spec = charts.timeline_chart(data.load_events()).to_dict()
    first, second = chart_html(spec), chart_html(json.loads(json.dumps(spec)))
    # the id is a hash of the spec plus a per-kernel counter: strip the counter
    strip = lambda h: h.split('"', 2)[1].rsplit("-", 1)[0]  # noqa: E731
    assert strip(first) == strip(second)
    assert "cdn" not in first and "http" not in first.split("var spec")[0]


def test_timeline_has_a_static_control(events):
    spec = charts.timeline_chart(events).to_dict()
    binds = [p for p in spec.get("params", []) if "bind" in p]
    assert binds and binds[0]["bind"]["input"] == "select"
    assert len(spec["datasets"][next(iter(spec["datasets"]))]) == len(events)


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

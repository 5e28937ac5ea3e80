"""Unit tests of the shared package: charts, renderer, explorers, self-checks, pages."""
from __future__ import annotations

import json

import altair as alt
import pytest

from sinorussia import charts, data, selfcheck, widgets
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


def test_event_explorer_filters(events):
    explorer = widgets.EventExplorer(events)
    assert len(explorer.filtered()) == len(events)
    explorer.theme.value = "central_asia"
    assert all("central_asia" in ts for ts in explorer.filtered()["themes"])
    explorer.theme.value = widgets.ALL
    explorer.start.value, explorer.end.value = 2014, 2014
    assert set(explorer.filtered()["date"].dt.year) == {2014}
    explorer.actor.value = "Ukraine"
    expected = {e for e, d, a in zip(events["event_id"], events["date"], events["actors"]) if d.year == 2014 and "Ukraine" in a}
    assert set(explorer.filtered()["event_id"]) == expected and expected
    assert f"{len(expected)}</strong> matching" in explorer.count.value


def test_figure_explorer_shows_caveat_and_quote(figures):
    explorer = widgets.FigureExplorer(figures, theme="energy")
    explorer.indicator.value = "Share of EU-28 gas demand covered by Russia"
    rows = explorer.filtered()
    assert list(rows["figure_id"]) == ["F21"]
    assert "Eurostat 2017" in explorer.result.value and "40 percent" in explorer.result.value


def test_rows_table_escapes_html():
    import pandas as pd

    html = widgets.rows_table(pd.DataFrame({"a": ["<script>"]}), {"a": "A"})
    assert "<script>" not in html and "&lt;script&gt;" in html


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

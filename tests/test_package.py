"""Unit tests of the shared package: explorers, self-checks, pages (charts: test_charts.py)."""
from __future__ import annotations

import pytest

from sinorussia import data, selfcheck, widgets
from sinorussia_book import pages


@pytest.fixture(scope="module")
def events():
    return data.load_events()


@pytest.fixture(scope="module")
def figures():
    return data.load_figures()


def test_event_explorer_filters(events):
    explorer = widgets.EventExplorer(events)
    assert len(explorer.filtered()) == len(events)
    explorer.theme.value = "central_asia"
    assert all("central_asia" in ts for ts in explorer.filtered()["themes"])
    explorer.theme.value = widgets.ALL
    explorer.start.value, explorer.end.value = 2014, 2014
    assert set(explorer.filtered()["date"].dt.year) == {2014}
    explorer.actor.value = "Ukraine"
    assert set(explorer.filtered()["event_id"]) == {"E08"}
    assert "1</strong> matching" in explorer.count.value


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


def test_self_check_answers_come_from_data():
    assert "Correct" in selfcheck.check("history-sco-founders", 6).data
    assert "Not yet" in selfcheck.check("history-sco-founders", 5).data
    assert "Replace" in selfcheck.check("history-sco-founders", None).data
    for question_id, (_, answer) in selfcheck.CHECKS.items():
        assert answer() is not None, question_id
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

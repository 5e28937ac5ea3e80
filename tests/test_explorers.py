"""Unit tests of the explorers (sinorussia/explorers.py), without a browser.

For every explorer: every control has a state per option, the static page's rule
(the rows every control lets through) gives what ``filtered()`` gives for every
combination of values, the static HTML is deterministic, each row id links to its
passage, and the displayed bundle carries both the live widget and the static view.
"""
from __future__ import annotations

import html
import itertools
import json
import random
import re

import pandas as pd
import pytest

from sinorussia import data, explorers
from sinorussia.links import passage_url

CENTRAL_ASIA = ["Tajikistan", "Kazakhstan", "Kyrgyzstan", "Uzbekistan", "China", "Russia"]


def _security_events():
    explorer = explorers.EventExplorer(data.load_events())
    explorer.theme.value = "security"
    return explorer


#: One factory per explorer the chapters show, as they show it.
TABLE_EXPLORERS = {
    "events": lambda: explorers.EventExplorer(data.load_events()),
    "events-security": _security_events,
    "figures-energy": lambda: explorers.FigureExplorer(data.load_figures(), theme="energy"),
    "countries": lambda: explorers.CountryExplorer(data.load_events(), data.load_figures(), data.load_memberships(),
                                                   CENTRAL_ASIA),
    "recommendations": lambda: explorers.RecommendationExplorer(data.load_recommendations()),
    "positions": lambda: explorers.PositionsExplorer(data.load_positions()),
}
#: above this many combinations, a fixed random sample of them is compared
EXHAUSTIVE_LIMIT = 3000
SAMPLE = 1500


@pytest.fixture(scope="module", params=sorted(TABLE_EXPLORERS))
def name(request):
    return request.param


@pytest.fixture(scope="module")
def table_explorer(name):
    return TABLE_EXPLORERS[name]()


def _values(control):
    return [value for _, value in explorers._options(control)]


def _combinations(explorer):
    """Every combination of option positions (or a fixed sample when there are too many)."""
    sizes = [len(c.options) for c in explorer.controls]
    total = 1
    for n in sizes:
        total *= n
    if total <= EXHAUSTIVE_LIMIT:
        return list(itertools.product(*[range(n) for n in sizes]))
    rng = random.Random(19)
    return [tuple(rng.randrange(n) for n in sizes) for _ in range(SAMPLE)]


def test_every_control_has_a_state_per_option(table_explorer):
    states = table_explorer.states()
    assert len(states) == len(table_explorer.controls)
    for control, per_option in zip(table_explorer.controls, states):
        assert len(per_option) == len(control.options), control.description
        assert all(isinstance(k, int) for rows in per_option for k in rows)
    # and the options differ: a control whose every option shows the same rows looks live and is not
    for control, per_option in zip(table_explorer.controls, states):
        assert len({tuple(rows) for rows in per_option}) > 1, f"{control.description} changes nothing"


def test_static_page_shows_what_filtered_returns_for_every_combination(table_explorer):
    states = table_explorer.states()
    with table_explorer.controls_quiet():  # the live table is not what is compared: do not redraw it each time
        for selection in _combinations(table_explorer):
            for control, i in zip(table_explorer.controls, selection):
                control.value = _values(control)[i]
            expected = [int(i) for i in table_explorer.filtered().index]
            assert explorers.Explorer.static_rows(states, list(selection)) == expected, selection


def test_static_html_is_deterministic(name, table_explorer):
    first, again = table_explorer.static_html(), TABLE_EXPLORERS[name]().static_html()
    assert first == again and first == table_explorer.static_html()
    assert "model_id" not in first, "the static HTML must not depend on a widget model"
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?:""", first), "no external asset"


def test_static_html_shows_the_current_state_and_embeds_every_state(table_explorer):
    page = table_explorer.static_html()
    visible = [int(k) for k in re.findall(r'<tr data-k="(\d+)">', page)]
    assert visible == [int(i) for i in table_explorer.filtered().index]
    payload = json.loads(html.unescape(re.search(r'class="sr-explorer-states">(.*?)</script>', page).group(1)))
    assert payload["rows"] == table_explorer.states()
    assert f"<strong>{len(visible)}</strong> matching" in page
    assert page.count("<select") == len(table_explorer.controls)
    assert page.count(" selected>") == len(table_explorer.controls)


def test_row_ids_link_to_their_passages(table_explorer):
    page = table_explorer.static_html()
    ids = list(table_explorer.table[table_explorer.link_column])
    for row_id in ids:
        assert f'href="{html.escape(passage_url(row_id))}">{row_id}</a>' in page, row_id
    assert 'class="row-link"' in table_explorer.result.value or table_explorer.filtered().empty


def test_notes_tell_the_truth_in_each_context(table_explorer):
    bundle = table_explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    live_note = table_explorer.widget.children[0].value
    assert "Live in Jupyter" in live_note and "starting state" not in live_note
    static = bundle["text/html"]
    assert "In the book:" in static and "without a kernel" in static and "Live in Jupyter" not in static
    assert "starting state" not in static
    # shown without the book's switcher (a saved output in Jupyter), the controls are off and say so
    assert static.count("<select") == static.count("data-control disabled>") and "Saved output:" in static
    assert re.search(r'class="live-note sr-explorer-book-note" hidden style="display: none"', static)


def test_event_explorer_filters():
    events = data.load_events()
    explorer = explorers.EventExplorer(events)
    assert len(explorer.filtered()) == len(events)
    explorer.theme.value = "central_asia"
    assert all("central_asia" in ts for ts in explorer.filtered()["themes"])
    explorer.theme.value = explorers.ALL
    explorer.start.value, explorer.end.value = 2014, 2014
    assert set(explorer.filtered()["date"].dt.year) == {2014}
    explorer.actor.value = "Ukraine"
    expected = {e for e, d, a in zip(events["event_id"], events["date"], events["actors"]) if d.year == 2014 and "Ukraine" in a}
    assert expected and set(explorer.filtered()["event_id"]) == expected
    assert f"{len(expected)}</strong> matching" in explorer.count.value


def test_security_explorer_starts_on_security():
    explorer = _security_events()
    page = explorer.static_html()
    assert re.search(r'<option value="\d+" selected>Security', page)
    shown = explorer.table.loc[[int(k) for k in re.findall(r'<tr data-k="(\d+)">', page)]]
    assert len(shown) and all("security" in ts for ts in shown["themes"])


def test_figure_explorer_shows_caveat_and_quote():
    figures = data.load_figures()
    f21 = figures.set_index("figure_id").loc["F21"]
    explorer = explorers.FigureExplorer(figures, theme="energy")
    explorer.indicator.value = f21["indicator"]
    rows = explorer.filtered()
    assert list(rows["figure_id"]) == ["F21"]
    assert "Eurostat" in explorer.result.value and f21["quote"].split()[2] in explorer.result.value


def test_country_explorer_dates_each_event_to_its_precision():
    """The country explorer's "what" column gives an event's date no finer than its row's
    precision: a decade row (E05, "since the end of the Cold War") reads "1990s", not a year."""
    table = explorers.CountryExplorer(data.load_events(), data.load_figures(), data.load_memberships(),
                                      CENTRAL_ASIA).table.drop_duplicates("row").set_index("row")
    assert table.loc["E05", "what"].startswith("1990s: ")
    assert table.loc["E20", "what"].startswith("2019: ")


def test_rows_table_escapes_html():
    page = explorers.rows_table(pd.DataFrame({"a": ["<script>"]}), {"a": "A"})
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_json_states_cannot_close_their_script():
    assert "</script>" not in explorers._json_script('{"html": "</script><p>"}').removesuffix("</script>")


# --- the converter ------------------------------------------------------------------

@pytest.fixture(scope="module")
def converter():
    return explorers.SwapConverter(data.load_figures())


def test_converter_offers_the_seeds_amount_and_rate(converter):
    assert converter.swap_cny in converter.amount_options()
    assert converter.rate.value in converter.rate_options()
    assert len(set(converter.amount_options())) == len(converter.amount_options()) > 1
    assert len(set(converter.rate_options())) == len(converter.rate_options()) > 1


def test_converter_states_are_what_the_widget_computes(converter):
    states = converter.states()
    amounts, rates = converter.amount_options(), converter.rate_options()
    assert len(states) == len(amounts) * len(rates)
    for (i, amount), (j, rate) in itertools.product(enumerate(amounts), enumerate(rates)):
        assert f"≈ {amount / rate:.1f} billion US dollars" in states[f"{i} {j}"]
    assert (converter.amount.value, converter.rate.value) == (converter.swap_cny, round(converter.implied_rate, 2))


def test_converter_static_html(converter):
    page = converter.static_html()
    assert page == explorers.SwapConverter(data.load_figures()).static_html()
    assert converter.output_html() in page  # the starting state is the widget's
    # the note states the live inputs' real bounds (a reader found "any amount and rate" where they are bounded)
    a, r = converter.amount, converter.rate
    assert (f"an amount from {a.min:,.0f} to {a.max:,.0f} billion renminbi and a rate from {r.min:g} to {r.max:g} "
            "renminbi per dollar") in page and "Live in Jupyter" not in page
    bundle = converter._repr_mimebundle_()
    assert {"text/html", "text/plain", "application/vnd.jupyter.widget-view+json"} <= set(bundle)


def test_controls_quiet_restores_the_values_and_the_live_table(table_explorer):
    before = ([c.value for c in table_explorer.controls], table_explorer.result.value, table_explorer.count.value)
    with table_explorer.controls_quiet():
        for control in table_explorer.controls:
            control.value = _values(control)[-1]
    assert ([c.value for c in table_explorer.controls], table_explorer.result.value, table_explorer.count.value) == before
    control = table_explorer.controls[0]  # and the table follows the controls again afterwards
    control.value = next(v for v in _values(control) if v != control.value)
    assert f"<strong>{len(table_explorer.filtered())}</strong>" in table_explorer.count.value
    control.value = before[0][0]

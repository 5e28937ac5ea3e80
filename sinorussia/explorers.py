"""Explorers: one definition, live in Jupyter and responsive in the published book.

Each explorer is a small class. Its controls are ipywidgets drop-downs and
``filtered()`` returns the rows that match their current values (unit-tested
without a browser). Displaying an explorer (the last line of a cell) gives two
views of the same object (:meth:`Explorer._repr_mimebundle_`):

* ``application/vnd.jupyter.widget-view+json``: the live widget, which JupyterLab
  prefers; its Python callbacks run in the kernel;
* ``text/html``: a static version for the book, which the book's HTML builder
  prefers (``sinorussia_book.offline``). Its native ``<select>`` controls switch,
  in the browser, between outputs the package computed when the notebook ran: no
  kernel and no widget manager. ``assets/explorers.js`` (2 KB) is the switcher.

Table explorers (:class:`Explorer`) filter with one condition per control, all of
which must hold. For each control and option the package stores the rows that
option lets through (the other controls at their neutral "(all)" value); the page
shows the rows every control lets through, which is ``filtered()`` for any
combination of values (``tests/test_explorers.py`` checks that equivalence), so the
static page offers every state the live widget has. :class:`SwapConverter` has free
number inputs: the page offers a menu of amounts and rates, each output computed
by the package, and says so.
"""
from __future__ import annotations

import hashlib
import html
import json
from contextlib import contextmanager
from functools import reduce

import ipywidgets as w
import pandas as pd

from .data import theme_labels, themes
from .facts import date_text
from .links import passage_url

ALL = "(all)"
#: class of every static explorer in a page (the switcher and the book extension look for it)
STATIC_CLASS = "sr-explorer"
LIVE_NOTE = (
    '<p class="live-note"><strong>Live in Jupyter:</strong> this explorer runs in your Python kernel; '
    "change any control and the output is recomputed.</p>"
)
#: The static version's note for the book; ``explorers.js`` shows it and enables the controls.
#: (Hidden twice: JupyterLab's HTML sanitizer keeps ``style`` but drops ``hidden``.)
BOOK_NOTE = (
    f'<p class="live-note {STATIC_CLASS}-book-note" hidden style="display: none"><strong>In the book:</strong> {{offer}} To run it live '
    "in Jupyter{jupyter_extra}, download the student pack from \u201cRun this chapter yourself\u201d at the end of this page "
    "and open this chapter in JupyterLab.</p>"
)
#: What the static version says where it is shown without the book's switcher: in Jupyter
#: before the cell has run (a saved output), its controls are disabled.
SAVED_NOTE = (
    f'<p class="live-note {STATIC_CLASS}-saved-note"><strong>Saved output:</strong> run this cell in Jupyter '
    "to make the explorer live; until then its controls are off.</p>"
)


def escape(value) -> str:
    """HTML text of a cell value ('' for a missing one)."""
    return html.escape("" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value))


def row_link(row_id: str) -> str:
    """The row id as a link to its passage on the seed's reader page."""
    return f'<a class="row-link" href="{html.escape(passage_url(row_id))}">{html.escape(row_id)}</a>'


def rows_table(frame: pd.DataFrame, columns: dict[str, str], link_column: str | None = None, keys=None,
               shown=None) -> str:
    """An accessible HTML table of ``frame`` with the given ``{column: header}``.

    ``link_column``'s values are row ids shown as links to their passages. With
    ``keys`` every row carries ``data-k="<key>"``; rows whose key is not in ``shown``
    are ``hidden`` (the static explorer shows and hides them)."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in columns.values())
    body = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cells = "".join(f"<td>{row_link(row[c]) if c == link_column else escape(row[c])}</td>" for c in columns)
        attrs = ""
        if keys is not None:
            attrs = f' data-k="{keys[i]}"' + ("" if shown is None or keys[i] in shown else " hidden")
        body.append(f"<tr{attrs}>{cells}</tr>")
    return f'<table class="explorer-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def count_html(n: int) -> str:
    """The line above the table: how many rows match."""
    return f"<strong>{n}</strong> matching row(s)"


def _explorer_id(kind: str, payload: str) -> str:
    """A deterministic element id: the same explorer and data give the same id."""
    return f"{STATIC_CLASS}-{hashlib.sha1((kind + payload).encode()).hexdigest()[:12]}"


def _json_script(payload: str) -> str:
    """The states as JSON in a non-executed script element (``</`` escaped)."""
    safe = payload.replace("</", "<\\/")
    return f'<script type="application/json" class="{STATIC_CLASS}-states">{safe}</script>'


def _select(element_id: str, label: str, options: list[str], selected: int) -> str:
    """A labelled native drop-down; option values are their positions."""
    items = "".join(f'<option value="{i}"{" selected" if i == selected else ""}>{html.escape(str(o))}</option>'
                    for i, o in enumerate(options))
    return (f'<label class="{STATIC_CLASS}-control" for="{element_id}"><span>{html.escape(label)}</span>'
            f'<select id="{element_id}" data-control disabled>{items}</select></label>')


def _static_explorer(kind: str, eid: str, note: str, controls: str, body: str, payload: str) -> str:
    """The frame every static explorer shares: notes, controls, output and the states."""
    return (f'<div class="{STATIC_CLASS}" id="{eid}" data-explorer="{kind}">{note}{SAVED_NOTE}'
            f'<div class="{STATIC_CLASS}-controls">{controls}</div>{body}{_json_script(payload)}</div>')


class TwoViews:
    """Displayed, an explorer gives the live widget (JupyterLab shows it) and its static
    version (the book shows it); subclasses define ``widget``, ``summary()`` and
    ``static_html()``."""

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = f"{type(self).__name__} ({self.summary()})"
        bundle["text/html"] = self.static_html()
        return bundle


def _options(control: w.Dropdown) -> list[tuple[str, object]]:
    """A drop-down's ``(label, value)`` pairs."""
    return [(str(label), value) for label, value in control._options_full]


class Explorer(TwoViews):
    """Base class of the table explorers.

    Subclasses set ``self.table`` (every row the explorer can show), ``self.controls``
    (drop-downs), ``self.neutral`` (per control, the value that lets every row through;
    not needed with one control) and define ``filtered()``, a subset of ``self.table``
    that must be the rows every control lets through."""

    columns: dict[str, str] = {}
    link_column: str | None = None
    empty = "No rows match."
    neutral: dict[str, object] = {}

    def __init__(self):
        self.table = self.table.reset_index(drop=True)
        self.result = w.HTML()
        self.count = w.HTML()
        for control in self.controls:
            control.observe(self._refresh, names="value")
        self.widget = w.VBox([w.HTML(LIVE_NOTE), w.HBox(self.controls, layout=w.Layout(flex_flow="row wrap")),
                              self.count, self.result])
        self._refresh()

    def _refresh(self, *_):
        rows = self.filtered()
        self.count.value = f"<p>{count_html(len(rows))}</p>"
        self.result.value = (rows_table(rows, self.columns, self.link_column) if len(rows)
                             else f"<p><em>{html.escape(self.empty)}</em></p>")

    # --- the static version ---------------------------------------------------------
    def control_names(self) -> list[str]:
        """Each control's attribute name (``theme``, ``start`` ...), in display order."""
        by_id = {id(value): name for name, value in vars(self).items() if isinstance(value, w.Dropdown)}
        return [by_id[id(c)] for c in self.controls]

    @contextmanager
    def controls_quiet(self):
        """Set controls inside this block without redrawing the live table at each change (the
        table's HTML costs far more than ``filtered()``); the values are restored at the end and
        the table is drawn once."""
        saved = [c.value for c in self.controls]
        for control in self.controls:
            control.unobserve(self._refresh, names="value")
        try:
            yield self
        finally:
            for control, value in zip(self.controls, saved):
                control.value = value
            for control in self.controls:
                control.observe(self._refresh, names="value")
            self._refresh()

    def states(self) -> list[list[list[int]]]:
        """Per control, per option: the positions in ``self.table`` of the rows that option
        lets through when every other control is neutral. Computed with ``filtered()``."""
        names = self.control_names()
        out = []
        with self.controls_quiet():
            for control, name in zip(self.controls, names):
                for other, other_name in zip(self.controls, names):
                    if other is not control:
                        other.value = self.neutral[other_name]
                out.append([])
                for _, value in _options(control):
                    control.value = value
                    out[-1].append([int(i) for i in self.filtered().index])
        return out

    def selected(self) -> list[int]:
        """The position of each control's current value among its options."""
        return [[v for _, v in _options(c)].index(c.value) for c in self.controls]

    @staticmethod
    def static_rows(states: list[list[list[int]]], selection: list[int]) -> list[int]:
        """What the static page shows for ``selection`` (an option position per control):
        the rows every control lets through, in table order (as ``explorers.js`` does)."""
        sets = [set(per_option[i]) for per_option, i in zip(states, selection)]
        return sorted(reduce(set.intersection, sets))

    def offer(self) -> str:
        """What the static explorer offers, for its note."""
        sizes = [len(c.options) for c in self.controls]
        if len(sizes) == 1:
            return (f"this explorer works in this page without a kernel: each of its {sizes[0]} choices shows the "
                    "rows the package selected for it when the book was built.")
        combos = reduce(lambda a, b: a * b, sizes)
        return (f"every control works in this page without a kernel, in all {combos:,} combinations: the package "
                "selected each option's rows when the book was built.")

    def static_html(self) -> str:
        """The explorer for the published book: native drop-downs, every row once, and
        the rows each option lets through (``assets/explorers.js`` switches)."""
        states = self.states()
        payload = json.dumps({"rows": states}, separators=(",", ":"))
        selection = self.selected()
        shown = set(self.static_rows(states, selection))
        keys = list(range(len(self.table)))
        table = rows_table(self.table, self.columns, self.link_column, keys=keys, shown=shown)
        eid = _explorer_id(type(self).__name__, payload + table)
        controls = "".join(
            _select(f"{eid}-{name}", c.description, [label for label, _ in _options(c)], i)
            for c, name, i in zip(self.controls, self.control_names(), selection))
        kind = type(self).__name__
        body = (f'<p class="{STATIC_CLASS}-count" aria-live="polite">{count_html(len(shown))}</p>'
                f'<p class="{STATIC_CLASS}-empty"{"" if not shown else " hidden"}><em>{html.escape(self.empty)}</em></p>'
                f'<div class="{STATIC_CLASS}-scroll" role="region" tabindex="0" aria-label="{kind} rows"'
                f'{"" if shown else " hidden"}>{table}</div>')
        note = BOOK_NOTE.format(offer=self.offer(), jupyter_extra="")
        return _static_explorer(kind, eid, note, controls, body, payload)

    def summary(self) -> str:
        return f"{len(self.controls)} control(s), {len(self.table)} rows"


class ChoiceExplorer(Explorer):
    """An explorer with one drop-down: the rows whose ``choice_column`` is the chosen value."""

    choice_column = ""

    def _choice(self, description: str, options: list | None = None, **kwargs) -> w.Dropdown:
        """The drop-down (by default over the column's values in table order), as the only control."""
        options = options or list(dict.fromkeys(self.table[self.choice_column]))
        control = w.Dropdown(options=options, value=options[0], description=description, **kwargs)
        self.controls = [control]
        return control

    def filtered(self) -> pd.DataFrame:
        return self.table[self.table[self.choice_column] == self.controls[0].value]


class EventExplorer(Explorer):
    """Filter events by theme, period (years) and actor; shows each event with its seed and quote."""

    columns = {"event_id": "Row", "when": "Date", "title": "Event", "actors_text": "Actors", "source": "Seed",
               "evidence": "Evidence"}
    link_column = "event_id"

    def __init__(self, events: pd.DataFrame):
        self.table = events.assign(
            when=events["date"].dt.strftime("%Y-%m-%d") + " (" + events["precision"].astype(str) + ")",
            actors_text=events["actors"].map("; ".join),
            evidence=events["quote"].fillna(events["citation"]),
        )
        years = sorted(set(int(y) for y in events["date"].dt.year))
        actors = sorted({a for row in events["actors"] for a in row})
        self.theme = w.Dropdown(options=[(ALL, ALL)] + [(theme_labels()[t], t) for t in themes()], value=ALL,
                                description="Theme")
        # two drop-downs rather than a range slider: the slider's handles have no accessible name
        self.start = w.Dropdown(options=years, value=years[0], description="From")
        self.end = w.Dropdown(options=years, value=years[-1], description="To")
        self.actor = w.Dropdown(options=[ALL] + actors, value=ALL, description="Actor")
        self.controls = [self.theme, self.start, self.end, self.actor]
        self.neutral = {"theme": ALL, "start": years[0], "end": years[-1], "actor": ALL}
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        e = self.table
        mask = e["date"].dt.year.between(self.start.value, self.end.value)
        if self.theme.value != ALL:
            mask &= e["themes"].map(lambda ts: self.theme.value in ts)
        if self.actor.value != ALL:
            mask &= e["actors"].map(lambda a: self.actor.value in a)
        return e[mask]


class FigureExplorer(ChoiceExplorer):
    """Pick an indicator from ``figures.csv`` (optionally one theme's) and see value, unit,
    year, caveat and supporting quote."""

    columns = {"figure_id": "Row", "entity": "Entity", "shown": "Value", "reference_year": "Year", "caveat": "Caveat",
               "source": "Seed", "quote": "Quote"}
    link_column = "figure_id"
    choice_column = "indicator"

    def __init__(self, figures: pd.DataFrame, theme: str | None = None):
        frame = figures if theme is None else figures[figures["theme"] == theme]
        qualifier = {"exact": "", "about": "about ", "less_than": "less than ", "more_than": "more than "}
        self.table = frame.assign(shown=[f"{qualifier[str(q)]}{v:g} {u}"
                                         for q, v, u in zip(frame["qualifier"], frame["value"], frame["unit"])])
        self.indicator = self._choice("Indicator", layout=w.Layout(width="95%"))
        super().__init__()


def _year_label(date, precision) -> str:
    """An event's year for a row label, no finer than its precision: "1990s" for a decade row."""
    return date_text(date, "decade" if str(precision) == "decade" else "year")


class CountryExplorer(ChoiceExplorer):
    """Pick a state and see the events whose actors include it (events that concern it without
    its taking part, such as sanctions, included), the figures whose entity is the state itself
    and its memberships, each with its seed (an external row with its citation). Figures whose
    entity is a pair, a deal or an institution are not shown, although they concern the state
    (China's economy relative to Russia's, the currency swap, Russia's central bank), nor are
    other tables' rows that name the state (glossary, notes)."""

    columns = {"row": "Row", "table": "Table", "what": "What the data say", "source": "Seed", "quote": "Evidence"}
    link_column = "row"
    choice_column = "country"

    def __init__(self, events: pd.DataFrame, figures: pd.DataFrame, memberships: pd.DataFrame, countries: list[str]):
        rows = []
        for _, e in events.iterrows():
            for actor in e["actors"]:
                rows.append({"country": actor, "table": "events", "row": e["event_id"],
                             "what": f"{_year_label(e['date'], e['precision'])}: {e['title']}", "source": e["source"],
                             "quote": e["quote"] if isinstance(e["quote"], str) else e["citation"]})
        for _, f in figures.iterrows():
            rows.append({"country": f["entity"], "table": "figures", "row": f["figure_id"],
                         "what": f"{f['indicator']}: {f['value']:g} {f['unit']}", "source": f["source"],
                         "quote": f["quote"]})
        for _, m in memberships.iterrows():
            rows.append({"country": m["member"], "table": "memberships", "row": m["membership_id"],
                         "what": f"{m['org_id'].replace('_', ' ')} member from {m['joined_year']} ({m['role']})",
                         "source": m["source"], "quote": m["quote"]})
        frame = pd.DataFrame(rows)
        self.table = frame[frame["country"].isin(countries)]
        self.country = self._choice("Country", countries)
        super().__init__()


class RecommendationExplorer(Explorer):
    """Filter the seeds' recommendations by seed, instrument and target."""

    columns = {"rec_id": "Row", "source": "Seed", "recommendation": "Recommendation", "instrument": "Instrument",
               "target": "Aimed at", "quote": "Quote"}
    link_column = "rec_id"
    neutral = {"seed": ALL, "instrument": ALL, "target": ALL}

    def __init__(self, recommendations: pd.DataFrame):
        self.table = recommendations.assign(
            instrument=recommendations["instrument"].astype(str)).sort_values(["year", "rec_id"])
        self.seed = w.Dropdown(options=[ALL] + list(dict.fromkeys(self.table["source"])), value=ALL, description="Seed")
        self.instrument = w.Dropdown(options=[ALL] + sorted(set(self.table["instrument"])), value=ALL,
                                     description="Instrument")
        self.target = w.Dropdown(options=[ALL] + sorted(set(self.table["target"])), value=ALL, description="Aimed at")
        self.controls = [self.seed, self.instrument, self.target]
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        r = self.table
        for control, column in ((self.seed, "source"), (self.instrument, "instrument"), (self.target, "target")):
            if control.value != ALL:
                r = r[r[column] == control.value]
        return r


class PositionsExplorer(ChoiceExplorer):
    """Pick a question and read each seed's answer, summary and quote, oldest first."""

    columns = {"position_id": "Row", "year": "Written", "source": "Seed", "stance": "Answer", "summary": "Summary",
               "quote": "Quote"}
    link_column = "position_id"
    choice_column = "question"

    def __init__(self, positions: pd.DataFrame):
        self.table = positions.sort_values(["year", "source"])
        self.question = self._choice("Question", layout=w.Layout(width="95%"))
        super().__init__()


class SwapConverter(TwoViews):
    """Convert an amount in renminbi to US dollars. The default rate is the one the ISPI
    seed itself implies (150 billion renminbi 'about 25 billion dollars', rows F27/F28);
    students can change it to see how much the dollar figure depends on it.

    In Jupyter both inputs take any number within their bounds (:attr:`AMOUNT_RANGE`,
    :attr:`RATE_RANGE`; a number outside is set to the nearest bound). The static book offers a menu: the seed's
    amount and multiples of it, and the seed's implied rate with rates half a renminbi
    apart around it (:meth:`amount_options`, :meth:`rate_options`)."""

    #: What the Jupyter inputs accept: billion renminbi, and renminbi per dollar.
    AMOUNT_RANGE = (0, 10_000)
    RATE_RANGE = (1, 20)

    def __init__(self, figures: pd.DataFrame):
        fig = figures.set_index("figure_id")
        self.swap_cny = float(fig.loc["F27", "value"])
        self.swap_usd = float(fig.loc["F28", "value"])
        self.implied_rate = self.swap_cny / self.swap_usd
        self.amount = w.BoundedFloatText(value=self.swap_cny, min=self.AMOUNT_RANGE[0], max=self.AMOUNT_RANGE[1], step=10, description="Billion CNY")
        self.rate = w.BoundedFloatText(value=round(self.implied_rate, 2), min=self.RATE_RANGE[0], max=self.RATE_RANGE[1], step=0.1,
                                       description="CNY per USD")
        self.controls = [self.amount, self.rate]
        self.result = w.HTML()
        for control in self.controls:
            control.observe(self._refresh, names="value")
        self.widget = w.VBox([w.HTML(LIVE_NOTE), w.HBox(self.controls), self.result])
        self._refresh()

    def dollars(self) -> float:
        """The amount in billion US dollars at the chosen rate."""
        return self.amount.value / self.rate.value

    def output_html(self) -> str:
        """The sentence the converter shows for its current amount and rate."""
        return (
            f"<p><strong>{self.amount.value:g} billion renminbi ≈ {self.dollars():.1f} billion US dollars</strong> "
            f"at {self.rate.value:g} renminbi per dollar. The seed's own conversion (about {self.swap_usd:g} billion "
            f"dollars) implies about {self.implied_rate:g} renminbi per dollar (source note N11).</p>"
        )

    def _refresh(self, *_):
        self.result.value = self.output_html()

    def amount_options(self) -> list[float]:
        """Amounts the static page offers: the seed's swap and half, double and four times it."""
        return [self.swap_cny * k for k in (0.5, 1, 2, 4)]

    def rate_options(self) -> list[float]:
        """Rates the static page offers: the seed's implied rate and, half a renminbi apart,
        three rates on either side of it."""
        return [round(self.implied_rate + 0.5 * k, 2) for k in range(-3, 4)]

    def states(self) -> dict[str, str]:
        """``"<amount position> <rate position>"`` -> the output the package computes for it."""
        saved = (self.amount.value, self.rate.value)
        out = {}
        try:
            for i, amount in enumerate(self.amount_options()):
                for j, rate in enumerate(self.rate_options()):
                    self.amount.value, self.rate.value = amount, rate
                    out[f"{i} {j}"] = self.output_html()
        finally:
            self.amount.value, self.rate.value = saved
        return out

    def jupyter_range_note(self) -> str:
        """What the live converter accepts, as the book's note says it (from :attr:`AMOUNT_RANGE` and
        :attr:`RATE_RANGE`, the constants that set the widgets' bounds)."""
        (a0, a1), (r0, r1) = self.AMOUNT_RANGE, self.RATE_RANGE
        return (f", where you can type an amount from {a0:,} to {a1:,} billion renminbi and a rate from {r0} to {r1} "
                "renminbi per dollar")

    def static_html(self) -> str:
        """The converter for the published book: two drop-downs over pre-computed outputs."""
        amounts, rates = self.amount_options(), self.rate_options()
        states = self.states()
        payload = json.dumps({"html": states}, separators=(",", ":"), ensure_ascii=False)
        eid = _explorer_id(type(self).__name__, payload)
        start = (amounts.index(self.amount.value) if self.amount.value in amounts else 0,
                 rates.index(self.rate.value) if self.rate.value in rates else 0)
        offer = (f"this converter works in this page without a kernel for {len(amounts)} amounts and "
                 f"{len(rates)} exchange rates: the package computed the {len(states)} conversions when the book "
                 "was built.")
        controls = (_select(f"{eid}-amount", self.amount.description, [f"{a:g}" for a in amounts], start[0])
                    + _select(f"{eid}-rate", self.rate.description, [f"{r:g}" for r in rates], start[1]))
        body = f'<div class="{STATIC_CLASS}-output" aria-live="polite">{states[f"{start[0]} {start[1]}"]}</div>'
        note = BOOK_NOTE.format(offer=offer, jupyter_extra=self.jupyter_range_note())
        return _static_explorer(type(self).__name__, eid, note, controls, body, payload)

    def summary(self) -> str:
        return f"{self.amount.value:g} billion CNY at {self.rate.value:g}"

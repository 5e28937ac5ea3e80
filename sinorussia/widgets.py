"""ipywidgets explorers. They are live when a chapter runs in Jupyter; in the
published book they show their saved state only (Python callbacks need a kernel),
which each explorer says in its first line.

Each explorer is a small class: ``filtered()`` returns the rows that match the
current control values (unit-tested without a browser), ``widget`` is what the
notebook displays.
"""
from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from .data import theme_labels, themes

LIVE_NOTE = (
    '<p class="live-note"><strong>Live in Jupyter:</strong> this explorer responds when the chapter runs '
    "in Jupyter (download the notebook with the button at the top of the page). In the published book it "
    "shows its starting state only.</p>"
)
ALL = "(all)"


def rows_table(frame: pd.DataFrame, columns: dict[str, str], empty: str = "No rows match.") -> str:
    """An accessible HTML table of ``frame`` with the given ``{column: header}``."""
    if frame.empty:
        return f"<p><em>{html.escape(empty)}</em></p>"
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in columns.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(row[c]) else str(row[c]))}</td>" for c in columns) + "</tr>"
        for _, row in frame.iterrows()
    )
    return f'<table class="explorer-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class Explorer:
    """Base class: subclasses define ``controls`` and ``filtered()``; results refresh on change."""

    columns: dict[str, str] = {}

    def __init__(self):
        self.result = w.HTML()
        self.count = w.HTML()
        for control in self.controls:
            control.observe(self._refresh, names="value")
        self.widget = w.VBox([w.HTML(LIVE_NOTE), w.HBox(self.controls, layout=w.Layout(flex_flow="row wrap")), self.count, self.result])
        self._refresh()

    def _refresh(self, *_):
        rows = self.filtered()
        self.count.value = f"<p><strong>{len(rows)}</strong> matching row(s)</p>"
        self.result.value = rows_table(rows, self.columns)


class EventExplorer(Explorer):
    """Filter events by theme, period (years) and actor; shows each event with its seed and quote."""

    columns = {"when": "Date", "title": "Event", "actors_text": "Actors", "source": "Seed", "evidence": "Evidence"}

    def __init__(self, events: pd.DataFrame):
        self.events = events.assign(
            when=events["date"].dt.strftime("%Y-%m-%d") + " (" + events["precision"].astype(str) + ")",
            actors_text=events["actors"].map("; ".join),
            evidence=events["quote"].fillna(events["citation"]),
        )
        years = self.events["date"].dt.year
        actors = sorted({a for row in events["actors"] for a in row})
        self.theme = w.Dropdown(options=[(ALL, ALL)] + [(theme_labels()[t], t) for t in themes()], value=ALL, description="Theme")
        year_options = sorted(set(int(y) for y in years))
        # two drop-downs rather than a range slider: the slider's handles have no accessible name
        self.start = w.Dropdown(options=year_options, value=year_options[0], description="From")
        self.end = w.Dropdown(options=year_options, value=year_options[-1], description="To")
        self.actor = w.Dropdown(options=[ALL] + actors, value=ALL, description="Actor")
        self.controls = [self.theme, self.start, self.end, self.actor]
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        e = self.events
        mask = e["date"].dt.year.between(self.start.value, self.end.value)
        if self.theme.value != ALL:
            mask &= e["themes"].map(lambda ts: self.theme.value in ts)
        if self.actor.value != ALL:
            mask &= e["actors"].map(lambda a: self.actor.value in a)
        return e[mask]


class FigureExplorer(Explorer):
    """Pick an indicator from ``figures.csv`` (optionally one theme's) and see value, unit,
    year, caveat and supporting quote."""

    columns = {"figure_id": "Row", "entity": "Entity", "shown": "Value", "reference_year": "Year", "caveat": "Caveat", "source": "Seed", "quote": "Quote"}

    def __init__(self, figures: pd.DataFrame, theme: str | None = None):
        frame = figures if theme is None else figures[figures["theme"] == theme]
        qualifier = {"exact": "", "about": "about ", "less_than": "less than ", "more_than": "more than "}
        self.figures = frame.assign(shown=[f"{qualifier[str(q)]}{v:g} {u}" for q, v, u in zip(frame["qualifier"], frame["value"], frame["unit"])])
        options = list(dict.fromkeys(self.figures["indicator"]))
        self.indicator = w.Dropdown(options=options, value=options[0], description="Indicator", layout=w.Layout(width="95%"))
        self.controls = [self.indicator]
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        return self.figures[self.figures["indicator"] == self.indicator.value]


class SwapConverter:
    """Convert an amount in renminbi to US dollars. The default rate is the one the ISPI
    seed itself implies (150 billion renminbi 'about 25 billion dollars', rows F27/F28);
    students can change it to see how much the dollar figure depends on it."""

    def __init__(self, figures: pd.DataFrame):
        fig = figures.set_index("figure_id")
        self.swap_cny = float(fig.loc["F27", "value"])
        self.swap_usd = float(fig.loc["F28", "value"])
        self.implied_rate = self.swap_cny / self.swap_usd
        self.amount = w.BoundedFloatText(value=self.swap_cny, min=0, max=10_000, step=10, description="Billion CNY")
        self.rate = w.BoundedFloatText(value=round(self.implied_rate, 2), min=1, max=20, step=0.1, description="CNY per USD")
        self.result = w.HTML()
        for control in (self.amount, self.rate):
            control.observe(self._refresh, names="value")
        self.widget = w.VBox([w.HTML(LIVE_NOTE), w.HBox([self.amount, self.rate]), self.result])
        self._refresh()

    def dollars(self) -> float:
        """The amount in billion US dollars at the chosen rate."""
        return self.amount.value / self.rate.value

    def _refresh(self, *_):
        self.result.value = (
            f"<p><strong>{self.amount.value:g} billion renminbi ≈ {self.dollars():.1f} billion US dollars</strong> "
            f"at {self.rate.value:g} renminbi per dollar. The seed's own conversion implies "
            f"{self.implied_rate:g} renminbi per dollar (source note N11).</p>"
        )


class CountryExplorer(Explorer):
    """Pick a state and see every row about it: events it took part in, figures about it
    and its memberships, each with its seed."""

    columns = {"table": "Table", "row": "Row", "what": "What the data say", "source": "Seed", "quote": "Evidence"}

    def __init__(self, events: pd.DataFrame, figures: pd.DataFrame, memberships: pd.DataFrame, countries: list[str]):
        rows = []
        for _, e in events.iterrows():
            for actor in e["actors"]:
                rows.append({"country": actor, "table": "events", "row": e["event_id"], "what": f"{e['date']:%Y}: {e['title']}",
                             "source": e["source"], "quote": e["quote"] if isinstance(e["quote"], str) else e["citation"]})
        for _, f in figures.iterrows():
            rows.append({"country": f["entity"], "table": "figures", "row": f["figure_id"],
                         "what": f"{f['indicator']}: {f['value']:g} {f['unit']}", "source": f["source"], "quote": f["quote"]})
        for _, m in memberships.iterrows():
            rows.append({"country": m["member"], "table": "memberships", "row": m["org_id"],
                         "what": f"{m['org_id'].replace('_', ' ')} member from {m['joined_year']} ({m['role']})", "source": m["source"], "quote": m["quote"]})
        self.rows = pd.DataFrame(rows)
        self.country = w.Dropdown(options=countries, value=countries[0], description="Country")
        self.controls = [self.country]
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        return self.rows[self.rows["country"] == self.country.value]


class RecommendationExplorer(Explorer):
    """Filter the seeds' recommendations by seed, instrument and target."""

    columns = {"source": "Seed", "recommendation": "Recommendation", "instrument": "Instrument", "target": "Aimed at", "quote": "Quote"}

    def __init__(self, recommendations: pd.DataFrame):
        self.recs = recommendations.assign(instrument=recommendations["instrument"].astype(str)).sort_values(["year", "rec_id"])
        self.seed = w.Dropdown(options=[ALL] + list(dict.fromkeys(self.recs["source"])), value=ALL, description="Seed")
        self.instrument = w.Dropdown(options=[ALL] + sorted(set(self.recs["instrument"])), value=ALL, description="Instrument")
        self.target = w.Dropdown(options=[ALL] + sorted(set(self.recs["target"])), value=ALL, description="Aimed at")
        self.controls = [self.seed, self.instrument, self.target]
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        r = self.recs
        for control, column in ((self.seed, "source"), (self.instrument, "instrument"), (self.target, "target")):
            if control.value != ALL:
                r = r[r[column] == control.value]
        return r


class PositionsExplorer(Explorer):
    """Pick a question and read each seed's answer, summary and quote, oldest first."""

    columns = {"year": "Written", "source": "Seed", "stance": "Answer", "summary": "Summary", "quote": "Quote"}

    def __init__(self, positions: pd.DataFrame):
        self.positions = positions.sort_values(["year", "source"])
        questions = list(dict.fromkeys(self.positions["question"]))
        self.question = w.Dropdown(options=questions, value=questions[0], description="Question", layout=w.Layout(width="95%"))
        self.controls = [self.question]
        super().__init__()

    def filtered(self) -> pd.DataFrame:
        return self.positions[self.positions["question"] == self.question.value]

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

from .data import THEME_LABELS, THEMES

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
        self.theme = w.Dropdown(options=[(ALL, ALL)] + [(THEME_LABELS[t], t) for t in THEMES], value=ALL, description="Theme")
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

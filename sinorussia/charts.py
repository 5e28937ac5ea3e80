"""Vega-Altair charts of the book. Every chart has a title, axis titles with units,
a source line naming its seed(s), a text description for screen readers and a
colour-blind-safe palette (Okabe & Ito). Interactive controls use Altair
parameters, so they work in the static book with no Python kernel.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from .data import THEME_LABELS, THEMES

#: Okabe-Ito colour-blind-safe palette
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
THEME_COLOURS = dict(zip([THEME_LABELS[t] for t in THEMES], PALETTE))
WIDTH = 620


def theme_scale() -> alt.Scale:
    """The fixed theme -> colour mapping used by every chart."""
    return alt.Scale(domain=list(THEME_COLOURS), range=list(THEME_COLOURS.values()))


def finish(chart, title: str, sources: list[str] | str, description: str, subtitle: str | None = None):
    """Add title, source line and screen-reader description; apply the book's style."""
    if isinstance(sources, str):
        sources = [sources]
    lines = ([subtitle] if subtitle else []) + ["Source: " + "; ".join(sorted(set(sources))) + " (via data/)"]
    return (
        chart.properties(title=alt.Title(title, subtitle=lines, anchor="start"), description=description)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=13)
        .configure_title(fontSize=16, subtitleFontSize=12, subtitleColor="#444")
        .configure_legend(labelFontSize=12, titleFontSize=12)
    )


def _theme_labels(series: pd.Series) -> pd.Series:
    return series.astype(str).map(THEME_LABELS)


def timeline_chart(events: pd.DataFrame):
    """Interactive timeline of events: one row per main theme, a dropdown that filters
    by theme (any of an event's themes) and tooltips with the supporting quote and seed."""
    data = events.assign(
        theme_label=_theme_labels(events["theme"]),
        all_themes=events["themes"].map(lambda ts: "|" + "|".join(ts) + "|"),
        when=events["date"].dt.strftime("%Y-%m-%d"),
        evidence=events["quote"].fillna(events["citation"]),
    )[["event_id", "date", "when", "precision", "title", "theme_label", "all_themes", "source", "evidence"]]
    data["precision"] = data["precision"].astype(str)
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    pick = alt.param(
        name="theme_filter",
        value="all",
        bind=alt.binding_select(options=["all"] + THEMES, labels=["All themes"] + [THEME_LABELS[t] for t in THEMES], name="Show theme: "),
    )
    base = alt.Chart(data).transform_filter(
        "theme_filter == 'all' || indexof(datum.all_themes, '|' + theme_filter + '|') >= 0"
    )
    points = base.mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("date:T", title="Date (first day of the known period)", axis=alt.Axis(format="%Y")),
        y=alt.Y("theme_label:N", title="Main theme", sort=[THEME_LABELS[t] for t in THEMES]),
        color=alt.Color("theme_label:N", scale=theme_scale(), title="Main theme"),
        shape=alt.Shape("precision:N", title="Date known to the", scale=alt.Scale(domain=["day", "month", "year", "decade"])),
        tooltip=[
            alt.Tooltip("title:N", title="Event"),
            alt.Tooltip("when:N", title="Date"),
            alt.Tooltip("precision:N", title="Precision"),
            alt.Tooltip("source:N", title="Seed"),
            alt.Tooltip("evidence:N", title="Evidence"),
            alt.Tooltip("event_id:N", title="Row in events.csv"),
        ],
    )
    chart = points.add_params(pick).properties(width=WIDTH, height=260)
    sources = sorted(set(events["source"]))
    return finish(
        chart,
        "China-Russia relations: every dated event in the seeds",
        sources,
        f"Timeline of {len(events)} events from {events['date'].dt.year.min()} to {events['date'].dt.year.max()}, "
        "one row per theme; a dropdown filters the events by theme.",
        subtitle="Hover a point for its supporting quote; use the dropdown to filter by theme.",
    )


def economy_asymmetry_chart(figures: pd.DataFrame):
    """China's economy as a multiple of Russia's, from the two comparisons the 'fragile
    alliance' seed gives (F02 for 1989, F01 today), on a log scale with a line at parity.
    The bases differ and are shown, never joined into one series."""
    f01 = figures.set_index("figure_id").loc["F01"]
    f02 = figures.set_index("figure_id").loc["F02"]
    rows = pd.DataFrame(
        {
            "period": ["1989", "2019 ('today')"],
            "multiple": [1 / (1 + f02["value"] / 100), f01["value"]],
            "basis": ["basis not stated ('capacity')", "same purchasing power"],
            "stated": [f"Russian economy {f02['value']:.0f}% larger than China's", f"China's economy {f01['value']:.0f} times Russia's"],
            "row": ["F02", "F01"],
        }
    )
    bars = alt.Chart(rows).mark_bar(size=38).encode(
        y=alt.Y("period:N", title=None),
        x=alt.X("multiple:Q", title="China's economy as a multiple of Russia's (log scale)", scale=alt.Scale(type="log", domain=[0.25, 8])),
        color=alt.Color("basis:N", title="Comparison basis", scale=alt.Scale(range=[PALETTE[1], PALETTE[0]])),
        tooltip=[alt.Tooltip("stated:N", title="What the seed says"), alt.Tooltip("basis:N", title="Basis"), alt.Tooltip("row:N", title="Row in figures.csv"),
                 alt.Tooltip("multiple:Q", title="Multiple", format=".1f")],
    )
    parity = alt.Chart(pd.DataFrame({"x": [1]})).mark_rule(strokeDash=[4, 4], color="#333").encode(x="x:Q")
    label = alt.Chart(pd.DataFrame({"x": [1], "t": ["equal size"]})).mark_text(align="left", dx=4, dy=-50, color="#333").encode(x="x:Q", text="t:N")
    chart = (bars + parity + label).properties(width=WIDTH - 120, height=140)
    return finish(
        chart,
        "From junior to senior partner: the economic reversal",
        [figures.set_index("figure_id").loc["F01", "source"]],
        "Two bars: in 1989 China's economy was about half of Russia's; in 2019 it was six times larger on a "
        "purchasing-power basis. The two comparisons use different bases.",
        subtitle="Two different bases: compare the direction, not the exact change.",
    )


def membership_chart(memberships: pd.DataFrame, organisations: pd.DataFrame):
    """Who belonged to the Shanghai Five and the SCO, and from when, with a click selection
    that highlights one member state across both bodies."""
    names = organisations.set_index("org_id")["short_name"]
    data = memberships.assign(body=memberships["org_id"].map(names))[["body", "member", "joined_year", "role", "source", "quote"]]
    data["role"] = data["role"].astype(str)
    pick = alt.selection_point(fields=["member"], on="click", clear="dblclick", name="member_pick")
    chart = alt.Chart(data).mark_square(size=260).encode(
        x=alt.X("joined_year:O", title="Year joined (as the seed gives it)"),
        y=alt.Y("member:N", title="Member state", sort="x"),
        color=alt.Color("body:N", title="Body", scale=alt.Scale(range=[PALETTE[0], PALETTE[1]])),
        xOffset="body:N",
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
        tooltip=[alt.Tooltip("member:N", title="Member"), alt.Tooltip("body:N", title="Body"), alt.Tooltip("joined_year:O", title="Year"),
                 alt.Tooltip("role:N", title="Role"), alt.Tooltip("source:N", title="Seed"), alt.Tooltip("quote:N", title="Evidence")],
    ).add_params(pick).properties(width=360, height=220)
    return finish(
        chart,
        "From the Shanghai Five to the SCO",
        sorted(set(data["source"])),
        "Membership of the Shanghai Five (1996) and the Shanghai Cooperation Organization (2001): the five founders "
        "of 1996 and Uzbekistan, invited in 2001. Click a square to highlight a member.",
        subtitle="Click a member to highlight it; double-click to reset.",
    )

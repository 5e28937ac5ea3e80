"""Vega-Altair charts of the book. Every chart has a title, axis titles with units,
a source line naming its seed(s), a text description for screen readers and a
colour-blind-safe palette (Okabe & Ito). Interactive controls use Altair
parameters, so they work in the static book with no Python kernel.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from .data import theme_labels, themes

#: Okabe-Ito colour-blind-safe palette
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
def theme_colours() -> dict[str, str]:
    """Each theme's label and its colour in the book's colour-blind-safe palette."""
    return dict(zip([theme_labels()[t] for t in themes()], PALETTE))
WIDTH = 620


def theme_scale() -> alt.Scale:
    """The fixed theme -> colour mapping used by every chart."""
    return alt.Scale(domain=list(theme_colours()), range=list(theme_colours().values()))


def finish(chart, title: str, sources: list[str] | str, description: str, subtitle: str | None = None):
    """Add title, source line and screen-reader description; apply the book's style."""
    if isinstance(sources, str):
        sources = [sources]
    lines = ([subtitle] if subtitle else []) + ["Source: " + "; ".join(sorted(set(sources))) + " (via data/)"]
    return (
        chart.properties(title=alt.Title(title, subtitle=lines, anchor="start"), description=description)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=13, labelLimit=280)
        .configure_title(fontSize=16, subtitleFontSize=12, subtitleColor="#444")
        .configure_legend(labelFontSize=12, titleFontSize=12)
    )


def _theme_labels(series: pd.Series) -> pd.Series:
    return series.astype(str).map(theme_labels())


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
        bind=alt.binding_select(options=["all"] + themes(), labels=["All themes"] + [theme_labels()[t] for t in themes()], name="Show theme: "),
    )
    base = alt.Chart(data).transform_filter(
        "theme_filter == 'all' || indexof(datum.all_themes, '|' + theme_filter + '|') >= 0"
    )
    points = base.mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("date:T", title="Date (first day of the known period)", axis=alt.Axis(format="%Y")),
        y=alt.Y("theme_label:N", title="Main theme", sort=[theme_labels()[t] for t in themes()]),
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
        f"Two bars of China's economy as a multiple of Russia's: {rows['multiple'][0]:.2g} in {rows['period'][0]} "
        f"({rows['stated'][0]}) and {rows['multiple'][1]:.2g} in {rows['period'][1]} ({rows['stated'][1]}, "
        f"{rows['basis'][1]}). The two comparisons use different bases.",
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
        "Membership by body and year joined, as the seeds give it: " + "; ".join(
            f"{body}: " + ", ".join(f"{m.member} ({m.joined_year})" for m in group.itertuples())
            for body, group in data.sort_values(["joined_year", "member"]).groupby("body", sort=False)
        ) + ". Click a square to highlight a member.",
        subtitle="Click a member to highlight it; double-click to reset.",
    )


def _figure_rows(figures: pd.DataFrame, ids: list[str], group: dict[str, str]) -> pd.DataFrame:
    """Selected rows of figures.csv with a display label '<seed>, <year>' and a group."""
    rows = figures.set_index("figure_id").loc[ids].reset_index()
    year = rows["reference_year"].astype("string").fillna("year not given")
    qualifier = rows["qualifier"].astype(str).map({"exact": "", "about": "about ", "less_than": "less than ", "more_than": "more than "})
    return rows.assign(
        group=rows["figure_id"].map(group),
        label=rows["source"] + ", " + year,
        stated=qualifier + rows["value"].map("{:g}".format) + " " + rows["unit"],
    )


def figures_sentence(rows: pd.DataFrame) -> str:
    """The figures as the seeds state them, for a chart's text alternative:
    '<indicator>: <qualifier value unit> (<seed>, <year>)', joined with semicolons."""
    return "; ".join(f"{r.indicator}: {r.stated} ({r.label})" for r in rows.itertuples()) + "."


def _year_span(values) -> str:
    years = sorted({int(v) for v in values})
    return f"{years[0]} to {years[-1]}" if len(years) > 1 else str(years[0])


def _figure_tooltip():
    return [alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("stated:N", title="Value"),
            alt.Tooltip("label:N", title="Seed, year"), alt.Tooltip("caveat:N", title="Caveat"),
            alt.Tooltip("quote:N", title="Quote"), alt.Tooltip("figure_id:N", title="Row in figures.csv")]


def dependence_chart(figures: pd.DataFrame):
    """'Who depends on whom': the percentage shares the seeds give, one bar each, grouped
    by what depends on what. A radio control shows one relationship at a time; the
    shares have different bases and are never added up."""
    groups = {"F21": "EU on Russia (share of EU-28 demand)", "F22": "EU on Russia (share of EU-28 demand)",
              "F09": "Russia on China (share of mining machinery)", "F16": "China in the world (share of world energy use, projection)"}
    data = _figure_rows(figures, list(groups), groups)
    data["bar"] = data["indicator"].str.replace("Share of ", "").str.replace("China's projected share of world energy consumption", "world energy consumption (China)")
    pick = alt.param(name="relationship", value="all", bind=alt.binding_radio(
        options=["all"] + sorted(set(groups.values())), labels=["All"] + sorted(set(groups.values())), name="Show: "))
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("bar:N", title=None, sort="-x"),
        x=alt.X("value:Q", title="Percent (each bar has its own base)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("group:N", title="Who depends on whom", scale=alt.Scale(range=PALETTE[:3]), legend=alt.Legend(orient="bottom", columns=1)),
        tooltip=_figure_tooltip(),
    ).transform_filter("relationship == 'all' || datum.group == relationship").add_params(pick)
    text = alt.Chart(data).mark_text(align="left", dx=4).encode(
        y=alt.Y("bar:N", sort="-x"), x="value:Q", text="label:N"
    ).transform_filter("relationship == 'all' || datum.group == relationship")
    return finish(
        (chart + text).properties(width=420, height=170),
        "Who depends on whom? The shares the seeds give",
        sorted(set(data["source"])),
        f"Bars for {len(data)} percentage shares with different bases. " + figures_sentence(data),
        subtitle="Each bar is labelled with its seed and reference year; the bases differ, so the bars are not additive.",
    )


def theme_timeline_chart(events: pd.DataFrame, theme: str, title: str):
    """The events of one theme on a time axis, with a slider that hides events before a
    chosen year (a static-page control) and the supporting quote in the tooltip."""
    subset = events[events["themes"].map(lambda ts: theme in ts)]
    data = subset.assign(year=subset["date"].dt.year, when=subset["date"].dt.strftime("%Y-%m-%d"),
                         evidence=subset["quote"].fillna(subset["citation"]),
                         precision=subset["precision"].astype(str))[["event_id", "year", "when", "precision", "title", "source", "evidence"]]
    data["row"] = range(len(data))
    first, last = int(data["year"].min()), int(data["year"].max())
    start = alt.param(name="from_year", value=first, bind=alt.binding_range(min=first, max=last, step=1, name="Show events from year: "))
    base = alt.Chart(data).transform_filter("datum.year >= from_year")
    dots = base.mark_circle(size=120, color=theme_colours()[theme_labels()[theme]]).encode(
        x=alt.X("year:Q", title="Year", scale=alt.Scale(domain=[first - 1, last + 1]), axis=alt.Axis(format="d")),
        y=alt.Y("title:N", title=None, sort=alt.EncodingSortField("row")),
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("when:N", title="Date"), alt.Tooltip("precision:N", title="Precision"),
                 alt.Tooltip("source:N", title="Seed"), alt.Tooltip("evidence:N", title="Evidence"), alt.Tooltip("event_id:N", title="Row")],
    ).add_params(start)
    return finish(
        dots.properties(width=300, height=22 * len(data)),
        title,
        sorted(set(data["source"])),
        f"{len(data)} {theme_labels()[theme].lower()} events from {first} to {last}, one per line; a slider hides the events before a chosen year.",
        subtitle="Move the slider to start the timeline later; hover a dot for its source.",
    )


def swap_and_reserves_chart(figures: pd.DataFrame):
    """Two panels that never share an axis: the 2014 swap in the two units the seed gives
    (F27, F28) and the Russian central bank's yuan reserve share (F05)."""
    swap = _figure_rows(figures, ["F27", "F28"], {"F27": "as agreed", "F28": "seed's own conversion"})
    reserve = _figure_rows(figures, ["F05"], {"F05": "reserve share"})
    left = alt.Chart(swap).mark_bar(size=36).encode(
        x=alt.X("unit:N", title="Unit", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Billions (in the unit named below)"),
        color=alt.Color("group:N", title="Swap amount", scale=alt.Scale(range=[PALETTE[2], PALETTE[1]]), legend=alt.Legend(orient="bottom")),
        tooltip=_figure_tooltip(),
    ).properties(width=220, height=220, title="The 2014 currency swap: one amount, two units")
    right = alt.Chart(reserve).mark_bar(size=36, color=PALETTE[0]).encode(
        x=alt.X("entity:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Percent of currency reserves", scale=alt.Scale(domain=[0, 100])),
        tooltip=_figure_tooltip(),
    ).properties(width=160, height=220, title="Yuan share of Russia's reserves")
    return finish(
        alt.hconcat(left, right).resolve_scale(color="independent"),
        "De-dollarization in numbers: modest instruments",
        sorted(set(swap["source"]) | set(reserve["source"])),
        "Left, the currency swap in two units; right, the yuan share of reserves. " + figures_sentence(swap)
        + " " + figures_sentence(reserve) + " Separate panels because the units differ.",
        subtitle="Different units, separate panels: do not compare bar heights across them.",
    )


def anchor_currency_chart(figures: pd.DataFrame):
    """Dollar versus euro in the NBER study the fragile-alliance seed cites (F12-F15),
    with a drop-down to show one measure at a time; bounds are marked as such."""
    groups = {"F12": "Countries anchoring to the currency", "F14": "Countries anchoring to the currency",
              "F13": "Developing countries borrowing in it", "F15": "Developing countries borrowing in it"}
    data = _figure_rows(figures, list(groups), groups)
    data["currency"] = data["figure_id"].map({"F12": "US dollar", "F13": "US dollar", "F14": "euro", "F15": "euro"})
    pick = alt.param(name="measure", value="Countries anchoring to the currency", bind=alt.binding_select(
        options=sorted(set(groups.values())), name="Measure: "))
    bars = alt.Chart(data).transform_filter("datum.group == measure").mark_bar(size=40).encode(
        x=alt.X("currency:N", title="Currency", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Percent of countries", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("currency:N", scale=alt.Scale(domain=["US dollar", "euro"], range=[PALETTE[0], PALETTE[1]]), title="Currency"),
        tooltip=_figure_tooltip(),
    ).add_params(pick)
    labels = alt.Chart(data).transform_filter("datum.group == measure").mark_text(dy=-8).encode(
        x="currency:N", y="value:Q", text="stated:N")
    return finish(
        (bars + labels).properties(width=300, height=240),
        "The dollar's reach versus the euro's (until 2015)",
        sorted(set(data["source"])),
        "Dollar and euro bars for two measures. " + figures_sentence(data)
        + " A drop-down switches between the two measures.",
        subtitle="From the NBER study by Ilzetzki, Reinhart and Rogoff cited in a footnote; 'less than' values are upper bounds.",
    )


def tajikistan_chart(figures: pd.DataFrame):
    """Tajikistan's dependence on China in the two figures the seeds give, side by side
    in their own units, with the 2016 troop arrival as context in the subtitle."""
    money = _figure_rows(figures, ["F10"], {"F10": "investment"})
    debt = _figure_rows(figures, ["F11"], {"F11": "debt"})
    debt_pie = pd.concat([debt.assign(part="owed to China"), debt.assign(part="owed to others", value=100 - debt["value"])])
    left = alt.Chart(money).mark_bar(size=50, color=PALETTE[3]).encode(
        x=alt.X("entity:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Billion US dollars (cumulative, 'so far')"), tooltip=_figure_tooltip(),
    ).properties(width=140, height=220, title="Chinese investment")
    hover = alt.selection_point(fields=["part"], on="pointerover", name="debt_part")
    right = alt.Chart(debt_pie).mark_arc(innerRadius=50).encode(
        theta=alt.Theta("value:Q"), color=alt.Color("part:N", title="Public debt", scale=alt.Scale(range=[PALETTE[5], "#BBBBBB"])),
        opacity=alt.condition(hover, alt.value(1), alt.value(0.5)),
        tooltip=[alt.Tooltip("part:N", title="Part"), alt.Tooltip("value:Q", title="Percent"), alt.Tooltip("source:N", title="Seed"), alt.Tooltip("quote:N", title="Quote")],
    ).add_params(hover).properties(width=220, height=220, title="Tajikistan's public debt")
    return finish(
        alt.hconcat(left, right).resolve_scale(color="independent"),
        "Tajikistan: the sharpest case of dependence on China",
        sorted(set(money["source"]) | set(debt["source"])),
        "Left, a bar; right, a ring. " + figures_sentence(pd.concat([money, debt]))
        + " The seed gives neither a year nor a source for them.",
        subtitle="Figures with no year or source in the seed: treat them as orders of magnitude.",
    )


def policy_matrix_chart(recommendations: pd.DataFrame):
    """Recommendation x instrument x target x seed: one mark per recommendation, placed by
    seed and instrument, coloured by target; a drop-down filters by seed."""
    data = recommendations.assign(seed_label=recommendations["source"], instrument=recommendations["instrument"].astype(str).str.replace("_", " "))
    data = data[["rec_id", "seed_label", "year", "recommendation", "actor", "target", "instrument", "engagement_score", "quote"]]
    seeds = list(dict.fromkeys(data.sort_values("year")["seed_label"]))
    pick = alt.param(name="seed_filter", value="all", bind=alt.binding_select(options=["all"] + seeds, labels=["All seeds"] + seeds, name="Seed: "))
    chart = alt.Chart(data).transform_filter("seed_filter == 'all' || datum.seed_label == seed_filter").mark_square(size=240).encode(
        x=alt.X("instrument:N", title="Instrument"),
        y=alt.Y("seed_label:N", title="Seed (oldest first)", sort=seeds),
        color=alt.Color("target:N", title="Aimed at", scale=alt.Scale(range=PALETTE)),
        xOffset="rec_id:N",
        tooltip=[alt.Tooltip("recommendation:N", title="Recommendation"), alt.Tooltip("actor:N", title="Who acts"),
                 alt.Tooltip("target:N", title="Aimed at"), alt.Tooltip("instrument:N", title="Instrument"),
                 alt.Tooltip("seed_label:N", title="Seed"), alt.Tooltip("quote:N", title="Quote"), alt.Tooltip("rec_id:N", title="Row")],
    ).add_params(pick).properties(width=560, height=200)
    return finish(
        chart, "What the seeds tell the EU to do", sorted(set(data["seed_label"])),
        f"A matrix of {len(data)} recommendations by seed and instrument, coloured by whom they target; a drop-down shows one seed.",
        subtitle="Hover a square for the recommendation and its quote; pick a seed to see its advice alone.",
    )


def engagement_chart(recommendations: pd.DataFrame):
    """Each recommendation on our engagement (+2) to pressure (-2) scale against the year its
    seed was written, with the seed's average; clicking a seed in the legend highlights it."""
    data = recommendations[["rec_id", "source", "year", "recommendation", "engagement_score", "instrument", "quote"]].assign(
        instrument=lambda d: d["instrument"].astype(str))
    pick = alt.selection_point(fields=["source"], bind="legend", name="seed_pick")
    points = alt.Chart(data).mark_circle(size=140).encode(
        x=alt.X("year:O", title="Year the seed was written", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("engagement_score:Q", title="Pressure (-2) ... engagement (+2), our coding", scale=alt.Scale(domain=[-2.5, 2.5])),
        xOffset=alt.XOffset("rec_id:N"),
        color=alt.Color("source:N", title="Seed (click to highlight)", scale=alt.Scale(range=PALETTE)),
        opacity=alt.condition(pick, alt.value(0.95), alt.value(0.15)),
        tooltip=[alt.Tooltip("recommendation:N", title="Recommendation"), alt.Tooltip("engagement_score:Q", title="Score"),
                 alt.Tooltip("instrument:N", title="Instrument"), alt.Tooltip("source:N", title="Seed"), alt.Tooltip("quote:N", title="Quote")],
    ).add_params(pick)
    mean = alt.Chart(data).mark_tick(thickness=3, size=40, color="#333").encode(
        x="year:O", y=alt.Y("mean(engagement_score):Q"), tooltip=[alt.Tooltip("mean(engagement_score):Q", title="Average score", format=".2f")])
    return finish(
        (points + mean).properties(width=480, height=260),
        "From engagement to pressure: the seeds' advice over time",
        sorted(set(data["source"])),
        "Recommendations placed by year of writing and by our engagement-to-pressure score; the black tick is each year's average: "
        + "; ".join(f"{year}: {score:+.2f}" for year, score in data.groupby("year")["engagement_score"].mean().items()) + ".",
        subtitle="Scores are the book's coding (recommendations.csv), not the authors' words. Click a seed in the legend.",
    )


def positions_chart(positions: pd.DataFrame):
    """Each seed's stance per question as a heat map (seeds ordered by year of writing),
    with a drop-down that shows one question at a time."""
    data = positions[["source", "year", "question_id", "question", "stance", "score", "summary", "quote"]].assign(
        stance=lambda d: d["stance"].astype(str), seed_year=lambda d: d["source"])
    order = list(dict.fromkeys(data.sort_values("year")["seed_year"]))
    questions = list(dict.fromkeys(data["question"]))
    pick = alt.param(name="question_filter", value="all", bind=alt.binding_select(options=["all"] + questions, labels=["All questions"] + questions, name="Question: "))
    stances = ["no", "leans no", "mixed", "leans yes", "yes"]
    base = alt.Chart(data).transform_filter("question_filter == 'all' || datum.question == question_filter")
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=alt.X("seed_year:N", title="Seed (oldest first)", sort=order, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("question:N", title=None, sort=questions),
        color=alt.Color("stance:N", title="Answer", scale=alt.Scale(domain=stances, range=["#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC"])),
        tooltip=[alt.Tooltip("question:N", title="Question"), alt.Tooltip("seed_year:N", title="Seed"), alt.Tooltip("stance:N", title="Answer"),
                 alt.Tooltip("summary:N", title="Summary"), alt.Tooltip("quote:N", title="Quote")],
    )
    text = base.mark_text(fontSize=11).encode(
        x=alt.X("seed_year:N", sort=order), y=alt.Y("question:N", sort=questions), text="stance:N",
        color=alt.condition("abs(datum.score) == 2", alt.value("white"), alt.value("black")))
    return finish(
        (cells + text).add_params(pick).properties(width=480, height=230),
        "Five sources, five questions: what each concludes",
        sorted(set(data["source"])),
        f"A grid of each seed's answer (no, leans no, mixed, leans yes, yes) to {len(questions)} questions about the partnership, "
        f"seeds ordered by year of writing ({_year_span(data['year'])}); a drop-down shows one question. "
        "Blank cells mean the seed does not address the question.",
        subtitle="Answers are the book's coding of each seed (positions.csv); hover for the supporting quote.",
    )

"""Vega-Altair charts of the book.

Every chart has a title, axis titles with units, a source line naming its seed(s), a
text description for screen readers and a colour-blind-safe palette (Okabe & Ito).
Interactive controls use Altair parameters, so they work in the static book with no
Python kernel.

Every chart is built twice by one function, ``build(narrow)``: a *wide* layout for a
text column of 560-700 px (laptop, tablet) and a *narrow* one for a phone's column
(300-360 px) whose legends sit below, whose long labels move above their marks or are
shortened, and whose side-by-side panels stack. :func:`responsive` stores the narrow
spec in the wide chart's ``usermeta``; the book shows the one that fits the column
(:mod:`sinorussia_book.vega`), every other viewer shows the wide one.

Colours of text, axes and gridlines are Vega expressions of a ``dark`` parameter, so
the book switches a drawn chart to the theme's dark mode without redrawing it. Every
mark of a data row carries the row's id (``row``) and the link to its passage
(``passage``, from :func:`sinorussia.links.passage_url`): the book's tooltip shows
the id, and a click (a second tap on a phone) opens the passage.
"""
from __future__ import annotations

import textwrap
from collections.abc import Callable

import altair as alt
import pandas as pd

from .data import theme_labels, themes
from .links import passage_url

#: Okabe-Ito colour-blind-safe palette
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: The book's column is at most ~690 px wide; a wide layout never asks for more.
WIDE_MAX = 660
#: A narrow layout fits a phone's column (390 px viewport, ~340 px column).
NARROW_MAX = 330
#: Characters per line of subtitles (12 px) and titles (15-16 px, bold) in each layout.
WRAP = {False: 95, True: 46}
TITLE_WRAP = {False: 70, True: 34}
#: Light and dark colours of text, rules and gridlines (the theme's own tones).
INK = {"text": ("#222222", "#DDDDDD"), "muted": ("#444444", "#BBBBBB"), "rule": ("#888888", "#999999"),
       "grid": ("#E4E4E4", "#3A3F46"), "background": ("#FFFFFF", "#14181E")}
FONT_MIN = 11


def theme_colours() -> dict[str, str]:
    """Each theme's label and its colour in the book's colour-blind-safe palette."""
    return dict(zip([theme_labels()[t] for t in themes()], PALETTE))


def theme_scale() -> alt.Scale:
    """The fixed theme -> colour mapping used by every chart."""
    return alt.Scale(domain=list(theme_colours()), range=list(theme_colours().values()))


def ink(role: str) -> alt.ExprRef:
    """A colour that follows the book's light/dark mode (the chart's ``dark`` parameter)."""
    light, dark = INK[role]
    return alt.ExprRef(f"dark ? '{dark}' : '{light}'")


def wrap(text: str, narrow: bool, widths: dict[bool, int] = WRAP) -> list[str]:
    """Lines of ``text`` short enough for the layout's width."""
    return textwrap.wrap(text, widths[narrow]) or [""]


def with_passages(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """``frame`` with each row's id as ``row`` and the link to its passage as ``passage``."""
    return frame.assign(row=frame[id_column].astype(str), passage=frame[id_column].astype(str).map(passage_url))


def row_tooltip() -> list[alt.Tooltip]:
    """Tooltip lines every data mark ends with: the row id (the passage link is its ``passage``)."""
    return [alt.Tooltip("row:N", title="Row")]


def finish(chart, title: str, sources: list[str] | str, description: str, subtitle: str | None = None,
           narrow: bool = False, legend_columns: int = 1, notes: list[str] = ()):
    """Add title, subtitle, ``notes`` (one line each, wrapped), source line and
    screen-reader description; apply the book's style for the layout (narrow: wrapped
    titles, legends below the plot)."""
    if isinstance(sources, str):
        sources = [sources]
    lines = (wrap(subtitle, narrow) if subtitle else []) + [line for note in notes for line in wrap(note, narrow)] + wrap(
        "Source: " + "; ".join(sorted(set(sources))) + " (via data/)", narrow)
    dark = alt.param(name="dark", value=False)
    legend = {"orient": "bottom", "direction": "vertical", "columns": legend_columns} if narrow else {"orient": "right"}
    return (
        chart.properties(title=alt.Title(wrap(title, narrow, TITLE_WRAP), subtitle=lines, anchor="start"), description=description)
        .add_params(dark)
        .configure(background="transparent", font="sans-serif")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=180 if narrow else 280,
                        labelColor=ink("text"), titleColor=ink("text"), domainColor=ink("rule"), tickColor=ink("rule"),
                        gridColor=ink("grid"))
        .configure_title(fontSize=15 if narrow else 16, subtitleFontSize=12, color=ink("text"), subtitleColor=ink("muted"))
        .configure_legend(labelFontSize=12, titleFontSize=12, labelColor=ink("text"), titleColor=ink("text"),
                          labelLimit=(NARROW_MAX - 30 * legend_columns) // legend_columns if narrow else 260, **legend)
        .configure_text(color=ink("text"), fontSize=12)
        .configure_header(labelColor=ink("text"), titleColor=ink("text"), labelFontSize=12)
    )


def responsive(build: Callable[[bool], alt.TopLevelMixin]):
    """The wide chart, carrying the narrow layout's spec in ``usermeta`` for the book."""
    narrow = build(True).to_dict()
    return build(False).properties(usermeta={"sinorussia": {"narrow": narrow}})


def _theme_labels(series: pd.Series) -> pd.Series:
    return series.astype(str).map(theme_labels())


#: Line height of a narrow layout's labels above their marks (12 px text).
LINE_HEIGHT = 15


def with_label_lines(frame: pd.DataFrame, column: str, texts, gap: int, width: int = WRAP[True],
                     centre: float = 0) -> pd.DataFrame:
    """``frame`` with ``texts`` wrapped into lines in ``column`` and, in ``column + '_lift'``,
    the pixel offset of the label's top that ends its last line ``gap`` px above its
    mark's centre, ``centre`` px below the row's position (half a band on a band scale,
    where an offset channel counts from the band's start; 0 on a point scale)."""
    lines = [textwrap.wrap(str(t), width) for t in texts]
    return frame.assign(**{column: ["\n".join(ls) for ls in lines],
                           column + "_lift": [centre - (gap + LINE_HEIGHT * len(ls)) for ls in lines]})


def _centred(y: alt.Y) -> alt.Y:
    """A copy of a y encoding that places marks at the middle of a band."""
    centred = y.copy(deep=True)
    centred.bandPosition = 0.5
    return centred


def _label_above(base: alt.Chart, y, column: str, first, limit: int = NARROW_MAX - 20):
    """A narrow layout's replacement for long axis labels: the text of ``column`` (see
    :func:`with_label_lines`) written above each row's mark, starting at x = ``first``."""
    return base.mark_text(align="left", baseline="top", fontSize=12, limit=limit, lineBreak="\n",
                          lineHeight=LINE_HEIGHT).encode(
        x=alt.X(datum=first, type="quantitative"), y=_centred(y), text=f"{column}:N",
        yOffset=alt.YOffset(f"{column}_lift:Q", scale=None))


def timeline_chart(events: pd.DataFrame):
    """Interactive timeline of events: one row per main theme, a dropdown that filters
    by theme (any of an event's themes) and tooltips with the supporting quote and seed."""
    data = with_passages(events.assign(
        theme_label=_theme_labels(events["theme"]),
        all_themes=events["themes"].map(lambda ts: "|" + "|".join(ts) + "|"),
        when=events["date"].dt.strftime("%Y-%m-%d"),
        evidence=events["quote"].fillna(events["citation"]),
    ), "event_id")[["event_id", "date", "when", "precision", "title", "theme_label", "all_themes", "source", "evidence",
                    "row", "passage"]]
    data["precision"] = data["precision"].astype(str)
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    order = [theme_labels()[t] for t in themes()]

    def build(narrow: bool):
        pick = alt.param(
            name="theme_filter", value="all",
            bind=alt.binding_select(options=["all"] + themes(), labels=["All themes"] + order, name="Show theme: "),
        )
        points = alt.Chart(data).transform_filter(
            "theme_filter == 'all' || indexof(datum.all_themes, '|' + theme_filter + '|') >= 0"
        ).mark_point(filled=True, size=90 if narrow else 110, opacity=0.85).encode(
            x=alt.X("date:T", title="Date (first day of the known period)",
                    axis=alt.Axis(format="%Y", tickCount=5 if narrow else 10)),
            y=alt.Y("theme_label:N", title=None if narrow else "Main theme", sort=order, axis=alt.Axis(labelLimit=110 if narrow else 200)),
            color=alt.Color("theme_label:N", scale=theme_scale(), legend=None),
            shape=alt.Shape("precision:N", title="Date known to the", scale=alt.Scale(domain=["day", "month", "year", "decade"]),
                            legend=alt.Legend(columns=4) if narrow else alt.Legend()),
            tooltip=[
                alt.Tooltip("title:N", title="Event"), alt.Tooltip("when:N", title="Date"),
                alt.Tooltip("precision:N", title="Precision"), alt.Tooltip("source:N", title="Seed"),
                alt.Tooltip("evidence:N", title="Evidence"), *row_tooltip(),
            ],
        )
        return finish(
            points.add_params(pick).properties(width="container", height=260),
            "China-Russia relations: the book's selection of dated events",
            sorted(set(events["source"])),
            f"Timeline of {len(events)} events from {events['date'].dt.year.min()} to {events['date'].dt.year.max()}, "
            "one row per theme; a dropdown filters the events by theme.",
            subtitle="Hover or tap a point for its supporting quote; use the dropdown to filter by theme.",
            narrow=narrow, legend_columns=4,
        )

    return responsive(build)


def economy_asymmetry_chart(figures: pd.DataFrame):
    """China's economy as a multiple of Russia's, from the two comparisons the 'fragile
    alliance' seed gives (F02 for 1989, F01 today), on a log scale. Each bar starts at
    parity (1x), so it points left when China was the smaller economy and right when it
    is the larger (a log scale has no zero to start from). The bases differ and are
    shown, never joined into one series."""
    f01 = figures.set_index("figure_id").loc["F01"]
    f02 = figures.set_index("figure_id").loc["F02"]
    rows = with_passages(pd.DataFrame(
        {
            "period": ["1989", "2019 ('today')"],
            "multiple": [1 / (1 + f02["value"] / 100), f01["value"]],
            "parity": [1.0, 1.0],
            "basis": ["basis not stated ('capacity')", "same purchasing power"],
            "stated": [f"Russian economy {f02['value']:.0f}% larger than China's", f"China's economy {f01['value']:.0f} times Russia's"],
            "figure_id": ["F02", "F01"],
        }
    ), "figure_id")

    def build(narrow: bool):
        scale = alt.Scale(type="log", domain=[0.25, 8])
        bars = alt.Chart(rows).mark_bar(size=30 if narrow else 38).encode(
            y=alt.Y("period:N", title=None),
            x=alt.X("multiple:Q", title=(["China's economy as a multiple", "of Russia's (log scale)"] if narrow
                                         else "China's economy as a multiple of Russia's (log scale)"), scale=scale,
                    axis=alt.Axis(values=[0.25, 0.5, 1, 2, 4, 8], format="~g")),
            x2="parity:Q",
            color=alt.Color("basis:N", title="Comparison basis", scale=alt.Scale(range=[PALETTE[1], PALETTE[0]])),
            tooltip=[alt.Tooltip("stated:N", title="What the seed says"), alt.Tooltip("basis:N", title="Basis"),
                     alt.Tooltip("multiple:Q", title="Multiple", format=".1f"), *row_tooltip()],
        )
        parity = alt.Chart(pd.DataFrame({"x": [1]})).mark_rule(strokeDash=[4, 4], color=ink("text")).encode(x=alt.X("x:Q", scale=scale))
        label = alt.Chart(pd.DataFrame({"x": [1], "t": ["equal size"]})).mark_text(
            align="left", baseline="top", dx=4, fontSize=12).encode(x=alt.X("x:Q", scale=scale), y=alt.value(2), text="t:N")
        return finish(
            (bars + parity + label).properties(width="container", height=130 if narrow else 140),
            "From junior to senior partner: the economic reversal",
            [figures.set_index("figure_id").loc["F01", "source"]],
            f"Two bars of China's economy as a multiple of Russia's, drawn from parity (1): {rows['multiple'][0]:.2g} in "
            f"{rows['period'][0]} ({rows['stated'][0]}) and {rows['multiple'][1]:.2g} in {rows['period'][1]} "
            f"({rows['stated'][1]}, {rows['basis'][1]}). The two comparisons use different bases.",
            subtitle="Bars start at equal size. Two different bases: compare the direction, not the exact change.",
            narrow=narrow,
        )

    return responsive(build)


def _seed_phrase(data: pd.DataFrame) -> str:
    """'the seed gives it' when every row comes from one seed, else 'the seeds give it', so a
    caption never presents a single source as several."""
    return "the seed gives it" if data["source"].nunique() == 1 else "the seeds give it"


def membership_chart(memberships: pd.DataFrame, organisations: pd.DataFrame):
    """Who belonged to the Shanghai Five and the SCO, and from when, with a click selection
    that highlights one member state across both bodies."""
    names = organisations.set_index("org_id")["short_name"]
    data = with_passages(memberships.assign(body=memberships["org_id"].map(names)), "membership_id")[
        ["body", "member", "joined_year", "role", "source", "quote", "row", "passage"]]
    data["role"] = data["role"].astype(str)

    def build(narrow: bool):
        pick = alt.selection_point(fields=["member"], on="click", clear="dblclick", name="member_pick")
        chart = alt.Chart(data).mark_square(size=200 if narrow else 260).encode(
            x=alt.X("joined_year:O", title="Year joined (as the seed gives it)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("member:N", title=None if narrow else "Member state", sort="x"),
            color=alt.Color("body:N", title="Body", scale=alt.Scale(range=[PALETTE[0], PALETTE[1]])),
            xOffset="body:N",
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=[alt.Tooltip("member:N", title="Member"), alt.Tooltip("body:N", title="Body"), alt.Tooltip("joined_year:O", title="Year"),
                     alt.Tooltip("role:N", title="Role"), alt.Tooltip("source:N", title="Seed"), alt.Tooltip("quote:N", title="Evidence"),
                     *row_tooltip()],
        ).add_params(pick).properties(width="container", height=220)
        return finish(
            chart,
            "From the Shanghai Five to the SCO",
            sorted(set(data["source"])),
            f"Membership by body and year joined, as {_seed_phrase(data)}: " + "; ".join(
                f"{body}: " + ", ".join(f"{m.member} ({m.joined_year})" for m in group.itertuples())
                for body, group in data.sort_values(["joined_year", "member"]).groupby("body", sort=False)
            ) + ". Click a square to highlight a member.",
            subtitle="Click a member to highlight it; double-click to reset.",
            narrow=narrow, legend_columns=2,
        )

    return responsive(build)


def _figure_rows(figures: pd.DataFrame, ids: list[str], group: dict[str, str]) -> pd.DataFrame:
    """Selected rows of figures.csv with a display label '<seed>, <year>', a group, the
    value as stated and the row's passage."""
    rows = figures.set_index("figure_id").loc[ids].reset_index()
    year = rows["reference_year"].astype("string").fillna("year not given")
    qualifier = rows["qualifier"].astype(str).map({"exact": "", "about": "about ", "less_than": "less than ", "more_than": "more than "})
    return with_passages(rows.assign(
        group=rows["figure_id"].map(group),
        label=rows["source"] + ", " + year,
        stated=qualifier + rows["value"].map("{:g}".format) + " " + rows["unit"],
    ), "figure_id")


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
            alt.Tooltip("quote:N", title="Quote"), *row_tooltip()]


def _for_json(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns Altair can serialise (nullable integers and categories as text)."""
    out = frame.copy()
    for column in out.columns:
        if str(out[column].dtype) in {"Int64", "category"}:
            out[column] = out[column].astype("string")
    return out


def dependence_chart(figures: pd.DataFrame):
    """'Who depends on whom': the percentage shares the energy chapter uses, one bar each, grouped
    by what depends on what. A radio control shows one relationship at a time; the
    shares have different bases and are never added up."""
    groups = {"F21": "EU on Russia (share of EU-28 imports)", "F22": "EU on Russia (share of EU-28 imports)",
              "F09": "Russia on China (share of mining machinery)", "F16": "China in the world (share of world energy use, projection)"}
    data = _for_json(_figure_rows(figures, list(groups), groups))
    data["bar"] = data["indicator"].str.replace("Share of ", "").str.replace("China's projected share of world energy consumption", "world energy consumption (China)")
    labels = data["bar"] + " (" + data["label"] + ")"
    step = {True: 70, False: 46}  # px per bar, label included
    padding = {"paddingInner": 0.2, "paddingOuter": 0.55}
    for narrow, column in ((True, "bar_label"), (False, "bar_label_wide")):
        data = with_label_lines(data, column, labels, gap=12, width=WRAP[narrow],
                                centre=step[narrow] * (1 - padding["paddingInner"]) / 2)
    data["value_label"] = data["value"].map("{:g}%".format)

    def build(narrow: bool):
        pick = alt.param(name="relationship", value="all", bind=alt.binding_radio(
            options=["all"] + sorted(set(groups.values())), labels=["All"] + sorted(set(groups.values())), name="Show: "))
        base = alt.Chart(data).transform_filter("relationship == 'all' || datum.group == relationship")
        y = alt.Y("bar:N", title=None, sort=list(data.sort_values("value", ascending=False)["bar"]),
                  scale=alt.Scale(align=1, **padding), axis=alt.Axis(labels=False, ticks=False))
        bars = base.mark_bar(size=14).encode(
            y=y, x=alt.X("value:Q", title="Percent (each bar has its own base)", scale=alt.Scale(domain=[0, 100]),
                         axis=alt.Axis(tickCount=5 if narrow else 10)),
            color=alt.Color("group:N", title="Who depends on whom", scale=alt.Scale(range=PALETTE[:3]),
                            legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=_figure_tooltip(),
        ).add_params(pick)
        values = base.mark_text(align="left", dx=4, fontSize=12).encode(y=y, x="value:Q", text="value_label:N")
        # the bar's name and its seed on a line (or lines) above it
        layers = [bars, values, _label_above(base, y, "bar_label" if narrow else "bar_label_wide", 0,
                                             limit=NARROW_MAX - 20 if narrow else WIDE_MAX - 20)]
        return finish(
            alt.layer(*layers).properties(width="container", height=step[narrow] * (len(data) - padding["paddingInner"] + 2 * padding["paddingOuter"])),
            "Who depends on whom? The shares this chapter uses",
            sorted(set(data["source"])),
            f"Bars for {len(data)} percentage shares with different bases. " + figures_sentence(data),
            subtitle="Each bar is labelled with its seed and reference year; the bases differ, so the bars are not additive.",
            narrow=narrow,
        )

    return responsive(build)


def theme_timeline_chart(events: pd.DataFrame, theme: str, title: str):
    """The events of one theme on a time axis, with a slider that hides events before a
    chosen year (a static-page control) and the supporting quote in the tooltip. On a
    phone each event's title is written above its dot instead of on the axis."""
    subset = events[events["themes"].map(lambda ts: theme in ts)]
    data = with_passages(subset.assign(year=subset["date"].dt.year, when=subset["date"].dt.strftime("%Y-%m-%d"),
                                       evidence=subset["quote"].fillna(subset["citation"]),
                                       precision=subset["precision"].astype(str)), "event_id")[
        ["event_id", "year", "when", "precision", "title", "source", "evidence", "row", "passage"]]
    data["order"] = range(len(data))
    data = with_label_lines(data, "title_lines", data["title"], gap=8)
    line_count = data["title_lines"].str.count("\n").max() + 1
    first, last = int(data["year"].min()), int(data["year"].max())
    colour = theme_colours()[theme_labels()[theme]]

    def build(narrow: bool):
        start = alt.param(name="from_year", value=first, bind=alt.binding_range(min=first, max=last, step=1, name="Show events from year: "))
        base = alt.Chart(data).transform_filter("datum.year >= from_year")
        y = alt.Y("title:N", title=None, sort=alt.EncodingSortField("order"), scale=alt.Scale(padding=1.2) if narrow else alt.Undefined,
                  axis=alt.Axis(labels=False, ticks=False, domain=False) if narrow else alt.Axis(labelLimit=330))
        x = alt.X("year:Q", title="Year", scale=alt.Scale(domain=[first - 1, last + 1]), axis=alt.Axis(format="d", tickCount=6 if narrow else 10))
        dots = base.mark_circle(size=100 if narrow else 120, color=colour, opacity=1).encode(
            x=x, y=y,
            tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("when:N", title="Date"), alt.Tooltip("precision:N", title="Precision"),
                     alt.Tooltip("source:N", title="Seed"), alt.Tooltip("evidence:N", title="Evidence"), *row_tooltip()],
        ).add_params(start)
        chart = alt.layer(dots, _label_above(base, y, "title_lines", first - 1)) if narrow else dots
        return finish(
            chart.properties(width="container", height=(22 + 15 * line_count if narrow else 22) * len(data)),
            title,
            sorted(set(data["source"])),
            f"{len(data)} {theme_labels()[theme].lower()} events from {first} to {last}, one per line; a slider hides the events before a chosen year.",
            subtitle="Move the slider to start the timeline later; hover or tap a dot for its source.",
            narrow=narrow,
        )

    return responsive(build)


def swap_and_reserves_chart(figures: pd.DataFrame):
    """Two panels that never share an axis: the 2014 swap in the two units the seed gives
    (F27, F28) and the Russian central bank's yuan reserve share (F05). Side by side in
    the wide layout, stacked in the narrow one."""
    swap = _for_json(_figure_rows(figures, ["F27", "F28"], {"F27": "as agreed", "F28": "seed's own conversion"}))
    reserve = _for_json(_figure_rows(figures, ["F05"], {"F05": "reserve share"}))

    def build(narrow: bool):
        width = NARROW_MAX - 100 if narrow else 240
        left = alt.Chart(swap).mark_bar(size=36).encode(
            x=alt.X("unit:N", title="Unit", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Billions (in the unit below)"),
            color=alt.Color("group:N", title="Swap amount", scale=alt.Scale(range=[PALETTE[2], PALETTE[1]]), legend=alt.Legend(orient="bottom")),
            tooltip=_figure_tooltip(),
        ).properties(width=width, height=200, title=wrap("The 2014 currency swap: one amount, two units", narrow, TITLE_WRAP))
        right = alt.Chart(reserve).mark_bar(size=36, color=PALETTE[0]).encode(
            x=alt.X("entity:N", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Percent of currency reserves", scale=alt.Scale(domain=[0, 100])),
            tooltip=_figure_tooltip(),
        ).properties(width=width if narrow else 170, height=200, title=wrap("Yuan share of Russia's reserves", narrow, TITLE_WRAP))
        panels = alt.vconcat(left, right, spacing=24) if narrow else alt.hconcat(left, right, spacing=30)
        return finish(
            panels.resolve_scale(color="independent"),
            "De-dollarization in numbers: the swap and the yuan reserve share",
            sorted(set(swap["source"]) | set(reserve["source"])),
            "Left, the currency swap in two units; right, the yuan share of reserves. " + figures_sentence(swap)
            + " " + figures_sentence(reserve) + " Separate panels because the units differ.",
            subtitle="Different units, separate panels: do not compare bar heights across them.",
            narrow=narrow,
        )

    return responsive(build)


def anchor_currency_chart(figures: pd.DataFrame):
    """Dollar versus euro in the NBER study the fragile-alliance seed cites (F12-F15),
    with a drop-down to show one measure at a time; bounds are marked as such."""
    groups = {"F12": "Countries anchoring to the currency", "F14": "Countries anchoring to the currency",
              "F13": "Developing countries borrowing in it", "F15": "Developing countries borrowing in it"}
    data = _for_json(_figure_rows(figures, list(groups), groups))
    data["currency"] = data["figure_id"].map({"F12": "US dollar", "F13": "US dollar", "F14": "euro", "F15": "euro"})

    def build(narrow: bool):
        pick = alt.param(name="measure", value="Countries anchoring to the currency", bind=alt.binding_select(
            options=sorted(set(groups.values())), name="Measure: "))
        base = alt.Chart(data).transform_filter("datum.group == measure")
        bars = base.mark_bar(size=40).encode(
            x=alt.X("currency:N", title="Currency", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Percent of countries", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("currency:N", scale=alt.Scale(domain=["US dollar", "euro"], range=[PALETTE[0], PALETTE[1]]), legend=None),
            tooltip=_figure_tooltip(),
        ).add_params(pick)
        labels = base.mark_text(dy=-8, fontSize=12).encode(x="currency:N", y="value:Q", text="stated:N")
        return finish(
            (bars + labels).properties(width="container", height=220 if narrow else 240),
            "The dollar's reach versus the euro's (until 2015)",
            sorted(set(data["source"])),
            "Dollar and euro bars for two measures. " + figures_sentence(data)
            + " A drop-down switches between the two measures.",
            subtitle="From the NBER study by Ilzetzki, Reinhart and Rogoff cited in a footnote; 'less than' values are upper bounds.",
            narrow=narrow,
        )

    return responsive(build)


def tajikistan_chart(figures: pd.DataFrame):
    """Tajikistan's dependence on China in the two figures the seeds give, side by side
    in their own units (stacked on a phone)."""
    money = _for_json(_figure_rows(figures, ["F10"], {"F10": "investment"}))
    debt = _for_json(_figure_rows(figures, ["F11"], {"F11": "debt"}))
    debt_pie = pd.concat([debt.assign(part="owed to China"), debt.assign(part="owed to others", value=100 - debt["value"])])

    def build(narrow: bool):
        left = alt.Chart(money).mark_bar(size=50, color=PALETTE[3]).encode(
            x=alt.X("entity:N", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Billion US dollars (cumulative, 'so far')"), tooltip=_figure_tooltip(),
        ).properties(width=NARROW_MAX - 110 if narrow else 150, height=180 if narrow else 220, title="Chinese investment")
        hover = alt.selection_point(fields=["part"], on="pointerover", name="debt_part")
        right = alt.Chart(debt_pie).mark_arc(innerRadius=45).encode(
            theta=alt.Theta("value:Q"),
            color=alt.Color("part:N", title="Public debt", scale=alt.Scale(range=[PALETTE[5], "#999999"]),
                            legend=alt.Legend(orient="bottom", columns=1) if narrow else alt.Legend()),
            opacity=alt.condition(hover, alt.value(1), alt.value(0.55)),
            tooltip=[alt.Tooltip("part:N", title="Part"), alt.Tooltip("value:Q", title="Percent"), alt.Tooltip("source:N", title="Seed"),
                     alt.Tooltip("quote:N", title="Quote"), *row_tooltip()],
        ).add_params(hover).properties(width=200, height=200, title="Tajikistan's public debt")
        panels = alt.vconcat(left, right, spacing=24) if narrow else alt.hconcat(left, right, spacing=40)
        return finish(
            panels.resolve_scale(color="independent"),
            "Tajikistan: the sharpest case of dependence on China",
            sorted(set(money["source"]) | set(debt["source"])),
            "Left, a bar; right, a ring. " + figures_sentence(pd.concat([money, debt]))
            + " The seed gives neither a year nor a source for them.",
            subtitle="Figures with no year or source in the seed: treat them as orders of magnitude.",
            narrow=narrow,
        )

    return responsive(build)


def _slots(frame: pd.DataFrame, by: list[str]) -> pd.Series:
    """Each row's place among the rows sharing its cell (0, 1, ...), for an offset channel."""
    return frame.groupby(by, observed=True).cumcount().astype(str)


def short_seed(label: str) -> str:
    """A seed's label shortened for a phone's axis: its first word and its year."""
    words = label.split()
    return f"{words[0]} {words[-1]}" if len(words) > 2 else label


def policy_matrix_chart(recommendations: pd.DataFrame):
    """Recommendation x instrument x target x seed: one mark per recommendation, placed by
    seed and instrument, coloured by target; a drop-down filters by seed. The wide layout
    has instruments across; the narrow one turns the matrix, instruments down."""
    data = with_passages(recommendations.assign(seed_label=recommendations["source"],
                                                instrument=recommendations["instrument"].astype(str).str.replace("_", " ")), "rec_id")
    data = data[["rec_id", "seed_label", "year", "recommendation", "actor", "target", "instrument", "quote", "row", "passage"]].copy()
    data["target"] = data["target"].astype(str)
    data["seed_short"] = data["seed_label"].map(short_seed)
    data["slot"] = _slots(data, ["seed_label", "instrument"])
    seeds = list(dict.fromkeys(data.sort_values("year")["seed_label"]))
    shorts = [short_seed(s) for s in seeds]

    def build(narrow: bool):
        pick = alt.param(name="seed_filter", value="all", bind=alt.binding_select(options=["all"] + seeds, labels=["All seeds"] + seeds, name="Seed: "))
        seed_axis = alt.Axis(labelAngle=-40 if narrow else 0, labelLimit=110 if narrow else 170)
        seed = alt.Y("seed_label:N", title="Seed (oldest first)", sort=seeds, axis=seed_axis) if not narrow else \
            alt.X("seed_short:N", title="Seed (oldest first)", sort=shorts, axis=seed_axis)
        instrument = alt.Y("instrument:N", title="Instrument") if narrow else \
            alt.X("instrument:N", title="Instrument", axis=alt.Axis(labelAngle=-40))
        chart = alt.Chart(data).transform_filter("seed_filter == 'all' || datum.seed_label == seed_filter").mark_square(size=150 if narrow else 200).encode(
            seed, instrument,
            color=alt.Color("target:N", title="Aimed at", scale=alt.Scale(range=PALETTE)),
            xOffset="slot:N",
            tooltip=[alt.Tooltip("recommendation:N", title="Recommendation"), alt.Tooltip("actor:N", title="Who acts"),
                     alt.Tooltip("target:N", title="Aimed at"), alt.Tooltip("instrument:N", title="Instrument"),
                     alt.Tooltip("seed_label:N", title="Seed"), alt.Tooltip("quote:N", title="Quote"), *row_tooltip()],
        ).add_params(pick).properties(width="container", height=22 * data["instrument"].nunique() if narrow else 200)
        return finish(
            chart, "What the seeds advise: the EU, and in one text the US and its partners", sorted(set(data["seed_label"])),
            f"A matrix of {len(data)} recommendations by seed and instrument, coloured by whom they target; a drop-down shows one seed.",
            subtitle="Hover or tap a square for the recommendation and its quote; pick a seed to see its advice alone.",
            narrow=narrow, legend_columns=1,
        )

    return responsive(build)


def engagement_chart(recommendations: pd.DataFrame):
    """Each recommendation on our engagement (+2) to pressure (-2) scale against the year its
    seed was written, with the seed's average; clicking a seed in the legend highlights it."""
    data = with_passages(recommendations, "rec_id")[
        ["rec_id", "source", "year", "recommendation", "engagement_score", "instrument", "quote", "row", "passage"]].assign(
        instrument=lambda d: d["instrument"].astype(str))
    data["slot"] = _slots(data, ["year"])

    def build(narrow: bool):
        pick = alt.selection_point(fields=["source"], bind="legend", name="seed_pick")
        points = alt.Chart(data).mark_circle(size=100 if narrow else 140).encode(
            x=alt.X("year:O", title="Year the seed was written", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("engagement_score:Q", title="Pressure (-2) ... engagement (+2)" if narrow
                    else "Pressure (-2) ... engagement (+2), our coding", scale=alt.Scale(domain=[-2.5, 2.5])),
            xOffset=alt.XOffset("slot:N"),
            color=alt.Color("source:N", title="Seed (click to highlight)", scale=alt.Scale(range=PALETTE)),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.15)),
            tooltip=[alt.Tooltip("recommendation:N", title="Recommendation"), alt.Tooltip("engagement_score:Q", title="Score"),
                     alt.Tooltip("instrument:N", title="Instrument"), alt.Tooltip("source:N", title="Seed"),
                     alt.Tooltip("quote:N", title="Quote"), *row_tooltip()],
        ).add_params(pick)
        mean = alt.Chart(data).mark_tick(thickness=3, size=30 if narrow else 40, color=ink("text")).encode(
            x="year:O", y=alt.Y("mean(engagement_score):Q"),
            tooltip=[alt.Tooltip("mean(engagement_score):Q", title="Average score", format=".2f")])
        return finish(
            (points + mean).properties(width="container", height=240 if narrow else 260),
            "Engagement or pressure? The seeds' advice by year of writing (a pattern to test)",
            sorted(set(data["source"])),
            "Recommendations placed by year of writing and by our engagement-to-pressure score; the tick is each year's average: "
            + "; ".join(f"{year}: {score:+.2f}" for year, score in data.groupby("year")["engagement_score"].mean().items()) + ".",
            subtitle="Scores are the book's coding (recommendations.csv), not the authors' words. Click a seed in the legend.",
            narrow=narrow, legend_columns=2,
        )

    return responsive(build)


def positions_chart(positions: pd.DataFrame):
    """Each seed's stance per question as a heat map (seeds ordered by year of writing),
    with a drop-down that shows one question at a time. On a phone the questions become
    numbered columns (Q1...) listed in the subtitle, and the answers are shown by colour."""
    data = with_passages(positions, "position_id")[
        ["source", "year", "question_id", "question", "stance", "score", "summary", "quote", "row", "passage"]].assign(
        stance=lambda d: d["stance"].astype(str), seed_year=lambda d: d["source"])
    order = list(dict.fromkeys(data.sort_values("year")["seed_year"]))
    questions = list(dict.fromkeys(data["question"]))
    numbers = {q: f"Q{i}" for i, q in enumerate(questions, start=1)}
    data["number"] = data["question"].map(numbers)
    data["seed_short"] = data["seed_year"].map(short_seed)
    shorts = [short_seed(s) for s in order]
    stances = ["no", "leans no", "mixed", "leans yes", "yes"]

    def build(narrow: bool):
        pick = alt.param(name="question_filter", value="all", bind=alt.binding_select(
            options=["all"] + questions, labels=["All questions"] + questions, name="Question: "))
        base = alt.Chart(data).transform_filter("question_filter == 'all' || datum.question == question_filter")
        if narrow:
            x = alt.X("number:N", title="Question (listed above)", sort=list(numbers.values()), axis=alt.Axis(labelAngle=0, orient="top"))
            y = alt.Y("seed_short:N", title=None, sort=shorts)
        else:
            x = alt.X("seed_year:N", title="Seed (oldest first)", sort=order, axis=alt.Axis(labelAngle=-30))
            y = alt.Y("question:N", title=None, sort=questions, axis=alt.Axis(labelLimit=320))
        cells = base.mark_rect(stroke=ink("background"), strokeWidth=2).encode(
            x=x, y=y,
            color=alt.Color("stance:N", title="Answer", scale=alt.Scale(domain=stances, range=["#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC"])),
            tooltip=[alt.Tooltip("question:N", title="Question"), alt.Tooltip("seed_year:N", title="Seed"), alt.Tooltip("stance:N", title="Answer"),
                     alt.Tooltip("summary:N", title="Summary"), alt.Tooltip("quote:N", title="Quote"), *row_tooltip()],
        )
        layers = [cells]
        if not narrow:
            layers.append(base.mark_text(fontSize=11).encode(
                x=x, y=y, text="stance:N", color=alt.condition("abs(datum.score) == 2", alt.value("white"), alt.value("black"))))
        subtitle = "Answers are the book's coding of each seed (positions.csv); hover or tap for the supporting quote."
        return finish(
            alt.layer(*layers).add_params(pick).properties(width="container", height=190 if narrow else 230),
            "Five sources, five questions: the book's coding of each answer",
            sorted(set(data["source"])),
            f"A grid of each seed's answer (no, leans no, mixed, leans yes, yes) to {len(questions)} questions about the partnership, "
            f"seeds ordered by year of writing ({_year_span(data['year'])}); a drop-down shows one question. "
            "Blank cells mean the seed does not answer the question.",
            subtitle=subtitle, notes=[f"{n}: {q}" for q, n in numbers.items()] if narrow else (),
            narrow=narrow, legend_columns=3,
        )

    return responsive(build)


def class_scores_chart(scores: pd.DataFrame, maximum: float, problem_set: str):
    """Instructors' class report: how many students earned each auto-graded score
    (``scores`` has one row per graded submission, column ``score``)."""
    counts = scores.groupby("score").size().rename("students").reset_index()
    bars = alt.Chart(counts).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("score:Q", title=f"Auto-graded score (of {maximum:g})", scale=alt.Scale(domain=[0, maximum]),
                bin=alt.Bin(step=1, extent=[0, maximum + 1])),
        y=alt.Y("sum(students):Q", title="Students", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("score:Q", title="Score"), alt.Tooltip("sum(students):Q", title="Students")])
    return _report_style(bars.properties(width=WIDE_MAX - 120, height=220),
                         f"Scores on the {problem_set} problem set",
                         f"Bar chart: number of students for each auto-graded score on the {problem_set} problem set.")


def class_share_correct_chart(shares: pd.DataFrame, problem_set: str):
    """Instructors' class report: share of graded students who got each question (and part)
    right (``shares`` has columns ``item`` and ``share``, 0-1, in display order)."""
    bars = alt.Chart(shares).mark_bar(color=PALETTE[2]).encode(
        y=alt.Y("item:N", title=None, sort=list(shares["item"])),
        x=alt.X("share:Q", title="Share of graded students right", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("item:N", title="Question"), alt.Tooltip("share:Q", title="Share right", format=".0%")])
    return _report_style(bars.properties(width=WIDE_MAX - 260, height=max(60, 22 * len(shares))),
                         f"Share right per question: {problem_set}",
                         f"Bar chart: share of graded students who got each question and part of the {problem_set} "
                         "problem set right.")


def _report_style(chart, title: str, description: str):
    """The book's chart style (fonts, ink, no view border) for an instructor report chart."""
    dark = alt.param(name="dark", value=False)
    return (chart.properties(title=alt.Title(title, anchor="start"), description=description).add_params(dark)
            .configure(background="white", font="sans-serif").configure_view(stroke=None)
            .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=280, labelColor=ink("text"),
                            titleColor=ink("text"), domainColor=ink("rule"), tickColor=ink("rule"), gridColor=ink("grid"))
            .configure_title(fontSize=16, color=ink("text")))

"""Expected answers, computed in the grader's own process from ``data/``, and the checks
that compare a submission's exported answers with them.

A submission's answers arrive as JSON (see :mod:`sinorussia_grade.runner`); :func:`decode`
turns that JSON into plain Python values with exact types and rejects anything else.
Nothing the student's code defines (functions, ``__eq__`` methods, patched checkers) ever
runs here: a forged answer file can only claim values, and claiming the right value means
knowing the right answer.

Each auto-graded question is a :class:`ValueQuestion` (value, and form where one is asked),
a :class:`FunctionQuestion` (groups of probe calls: ordinary, boundary and bad inputs; any
subclass of the named exception counts) or a :class:`ChartQuestion` (mark, the data the
chart draws read through the asked channels, and extras such as a title). Charts are
rebuilt here from the exported spec (inline data only: file and URL data are refused) and
evaluated with Altair's ``transformed_data()`` (VegaFusion) through
:func:`sinorussia.handout.chart_views`, the same code the student's handout uses.
:func:`score` returns one :class:`QuestionResult` per question, part by part, and never
raises for anything in the answers; an exception in the grader's own code on one answer
is that question's "grader error". :func:`handout_checks` gives the handouts hashes of the
accepted answers (never the answers), so feedback and grade come from one definition.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from sinorussia import data as book_data
from sinorussia import handout
from sinorussia.handout import canonical, digest

MAX_DEPTH = 30


class Invalid(ValueError):
    """The exported answer is not plain data of an allowed shape."""


class Missing(Invalid):
    """The variable was not defined, left blank or could not be exported."""


# --- decoding the untrusted JSON --------------------------------------------------------

def _key(value: Any) -> Any:
    if type(value) not in (int, float, str, bool, type(None)):
        raise Invalid("dictionary keys must be numbers, strings, booleans or None")
    return value


def decode(value: Any, depth: int = 0) -> Any:
    """Plain Python data from the runner's tagged JSON; raise :class:`Invalid` otherwise."""
    if depth > MAX_DEPTH:
        raise Invalid("nested too deeply")
    kind = type(value)
    if kind in (int, float, str, bool, type(None)):
        return value
    if kind is list:
        return [decode(v, depth + 1) for v in value]
    if kind is not dict or len(value) != 1:
        raise Invalid("unexpected structure")
    (tag, body), = value.items()
    if tag == "$dict" and type(body) is list:
        pairs = [decode(p, depth + 1) for p in body]
        if not all(type(p) is list and len(p) == 2 for p in pairs):
            raise Invalid("bad dictionary")
        return {_key(k): v for k, v in pairs}
    if tag == "$series" and type(body) is dict and set(body) == {"index", "values"}:
        index, values = decode(body["index"], depth + 1), decode(body["values"], depth + 1)
        if type(index) is not list or type(values) is not list or len(index) != len(values):
            raise Invalid("bad series")
        return Series([_key(i) for i in index], values)
    if tag == "$frame" and type(body) is dict and set(body) == {"columns", "records"}:
        columns, records = decode(body["columns"], depth + 1), decode(body["records"], depth + 1)
        if type(columns) is not list or not all(type(c) is str for c in columns):
            raise Invalid("bad data frame columns")
        if type(records) is not list or not all(type(r) is list and len(r) == len(columns) for r in records):
            raise Invalid("bad data frame rows")
        return Frame(columns, records)
    if tag == "$chart" and type(body) is dict:
        return Chart(decode_json_object(body, depth + 1))
    if tag == "$function" and type(body) is list:
        return Function([(decode(a, depth + 1), decode(r, depth + 1)) for a, r in body])
    if tag == "$raises" and type(body) is str:
        return Raised((body,))
    if tag == "$raises" and type(body) is list and body and all(type(n) is str for n in body):
        return Raised(tuple(n[:80] for n in body[:20]))
    if tag == "$timestamp" and type(body) is str:
        return body
    if tag == "$float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "$missing" and type(body) is str:
        raise Missing(body[:200])
    if tag == "$rejected" and type(body) is str:
        raise Invalid(body[:200])
    raise Invalid(f"unknown tag {str(tag)[:40]!r}")


def decode_json_object(value: Any, depth: int) -> Any:
    """A plain JSON value (a chart spec), checked to hold only JSON types."""
    if depth > MAX_DEPTH:
        raise Invalid("chart nested too deeply")
    kind = type(value)
    if kind in (int, float, str, bool, type(None)):
        return value
    if kind is list:
        return [decode_json_object(v, depth + 1) for v in value]
    if kind is dict:
        return {str(k): decode_json_object(v, depth + 1) for k, v in value.items()}
    raise Invalid("chart is not plain JSON")


@dataclass(frozen=True)
class Series:
    """A pandas Series as plain data."""

    index: list
    values: list


@dataclass(frozen=True)
class Frame:
    """A pandas DataFrame as plain data."""

    columns: list[str]
    records: list[list]

    def column(self, name: str) -> list:
        i = self.columns.index(name)
        return [r[i] for r in self.records]


@dataclass(frozen=True)
class Chart:
    """An Altair chart as its Vega-Lite spec."""

    spec: dict

    def rows(self) -> list:
        datasets = self.spec.get("datasets") or {}
        return next(iter(datasets.values()), []) if type(datasets) is dict else []

    def encoding(self, channel: str) -> dict:
        enc = self.spec.get("encoding") or {}
        value = enc.get(channel) if type(enc) is dict else None
        return value if type(value) is dict else {}

    def mark(self) -> Any:
        mark = self.spec.get("mark")
        return mark.get("type") if type(mark) is dict else mark


@dataclass(frozen=True)
class Function:
    """What a submitted function returned (or raised) for the probe arguments."""

    calls: list


@dataclass(frozen=True)
class Raised:
    """A probe call raised an exception: its class name and its bases' names (for "any subclass of")."""

    names: tuple

    @property
    def name(self) -> str:
        return self.names[0]


# --- the data, loaded by the grader -----------------------------------------------------

@dataclass
class Data:
    """The book's tables, read through ``sinorussia.data`` from an explicit folder."""

    data_dir: Path
    seeds_dir: Path
    _cache: dict = field(default_factory=dict)

    def table(self, name: str):
        if name not in self._cache:
            loader = getattr(book_data, f"load_{name}")
            self._cache[name] = loader(self.data_dir)
        return self._cache[name]

    def figure(self, figure_id: str) -> float:
        return float(self.table("figures").set_index("figure_id").loc[figure_id, "value"])


@lru_cache(maxsize=4)
def load_data(data_dir: str, seeds_dir: str) -> Data:
    """The tables of one data folder (cached per folder)."""
    return Data(Path(data_dir), Path(seeds_dir))


# --- the questions -----------------------------------------------------------------------

# --- normalising decoded answers ---------------------------------------------------------------

def normalise(value: Any) -> Any:
    """A decoded answer as plain data for comparison: a Series becomes a dict, a Frame a list of records."""
    if type(value) is Series:
        return {_key(k): normalise(v) for k, v in zip(value.index, value.values)}
    if type(value) is Frame:
        return [dict(zip(value.columns, (normalise(x) for x in r))) for r in value.records]
    if type(value) is list:
        return [normalise(v) for v in value]
    if type(value) is dict:
        return {k: normalise(v) for k, v in value.items()}
    return value


def _ok(points: float, covers: str, problem: str | None) -> PartResult:
    return PartResult(covers, float(points) if problem is None else 0.0, float(points),
                      f"{covers}: right" if problem is None else f"{covers}: {problem}")


# --- the three kinds of auto-graded question -------------------------------------------------------

@dataclass(frozen=True)
class ValueQuestion:
    """A value (number, list, mapping): its value and, where the question asks for one, its form."""

    variable: str
    expected: Callable[[Data], Any]
    form: str  # "int" | "float" | "number" | "list" | "sorted list" | "mapping"
    value_points: float
    form_points: float
    value_text: str
    covers: str
    mistakes: tuple = ()  # (function of data giving a tempting wrong answer, plain-language message)
    drop_zero: bool = False
    form_text: str = "the form asked for"
    probes: tuple = ()

    @property
    def max_points(self) -> float:
        return float(self.value_points + self.form_points)

    def comparable(self, value: Any) -> Any:
        return handout.comparable_value(self.form, handout.plain(value), self.drop_zero)

    def run(self, value: Any, data: Data) -> list[PartResult]:
        value = normalise(value)
        expected = canonical(self.comparable(self.expected(data)))
        got = canonical(self.comparable(value))
        problem = None
        if got != expected:
            problem = next((m for f, m in self.mistakes if canonical(self.comparable(f(data))) == got),
                           "not the expected answer")
        parts = [PartResult(self.value_text, 0.0, 0.0, "")]
        parts[0] = _ok(self.value_points, self.value_text, problem)
        parts[0].name = "value"
        if self.form_points:
            form = _ok(self.form_points, self.form_text, handout.form_error(self.form, value))
            form.name = "form"
            parts.append(form)
        return parts

    def handout_spec(self, salt: str, data: Data) -> dict:
        return {"kind": "value", "variable": self.variable, "form": self.form, "drop_zero": self.drop_zero,
                "form_points": self.form_points, "form_text": self.form_text, "value_text": self.value_text,
                "covers": self.covers, "accept": [digest(salt, self.comparable(self.expected(data)))],
                "mistakes": [[digest(salt, self.comparable(f(data))), m] for f, m in self.mistakes]}


RAISES = "raises"


@dataclass(frozen=True)
class ProbeGroup:
    """Probe calls scored together: each (arguments, expected result or ("raises", exception name))."""

    name: str
    points: float
    text: str
    message: str  # with {args}
    calls: tuple


@dataclass(frozen=True)
class FunctionQuestion:
    """A function stored under ``variable`` (any name of its own), probed with ordinary, boundary and bad inputs."""

    variable: str
    groups: tuple
    covers: str

    @property
    def max_points(self) -> float:
        return float(sum(g.points for g in self.groups))

    @property
    def probes(self) -> tuple:
        return tuple(args for g in self.groups for args, _ in g.calls)

    def run(self, value: Any, data: Data) -> list[PartResult]:
        if type(value) is not Function:
            return [PartResult(g.name, 0.0, float(g.points), f"{g.text}: store a function (def ...) in {self.variable}")
                    for g in self.groups]
        outcomes = {canonical(list(args)): result for args, result in value.calls}
        parts = []
        for g in self.groups:
            problem = None
            for args, expect in g.calls:
                result = outcomes.get(canonical(list(args)))
                if isinstance(expect, tuple) and expect[0] == RAISES:
                    ok = type(result) is Raised and expect[1] in result.names
                else:
                    ok = type(result) is not Raised and result is not None and canonical(normalise(result)) == canonical(expect)
                if not ok:
                    problem = g.message.format(args=", ".join(map(repr, args)))
                    break
            part = _ok(g.points, g.text, problem)
            part.name = g.name
            parts.append(part)
        return parts

    def handout_spec(self, salt: str, data: Data) -> dict:
        groups = [{"text": g.text, "message": g.message,
                   "probes": [[list(args), f"raises:{e[1]}" if isinstance(e, tuple) else digest(salt, e)]
                              for args, e in g.calls]} for g in self.groups]
        return {"kind": "function", "variable": self.variable, "groups": groups, "covers": self.covers}


@dataclass(frozen=True)
class ChartQuestion:
    """A chart judged by what it draws: its mark, the rows read through the asked channels, and extras
    (a title, a tooltip field, a channel's type)."""

    variable: str
    marks: tuple
    channels: tuple  # ((alternative channel names...), "category" | "value" | "temporal")
    expected: Callable[[Data], list]
    mark_points: float
    data_points: float
    covers: str
    mark_text: str = "the mark"
    data_text: str = "the data drawn, read through the asked channels"
    mistakes: tuple = ()
    extras: tuple = ()  # dicts: kind, text, problem, points (+ field / channel, types)
    probes: tuple = ()

    @property
    def max_points(self) -> float:
        return float(self.mark_points + self.data_points + sum(e["points"] for e in self.extras))

    def _spec(self, salt: str, data: Data) -> dict:
        return {"kind": "chart", "variable": self.variable, "marks": list(self.marks), "covers": self.covers,
                "channels": [[list(c), k] for c, k in self.channels], "mark_text": self.mark_text,
                "data_text": self.data_text, "extras": [{k: v for k, v in e.items() if k != "points"} for e in self.extras],
                "accept": [digest(salt, _sorted(self.expected(data)))],
                "mistakes": [[digest(salt, _sorted(f(data))), m] for f, m in self.mistakes]}

    def handout_spec(self, salt: str, data: Data) -> dict:
        return self._spec(salt, data)

    def run(self, value: Any, data: Data, salt: str = "") -> list[PartResult]:
        names = ["mark", "data drawn"] + [e["kind"] if e["kind"] != "type" else f"{e['channel']} channel"
                                          for e in self.extras]
        points = [self.mark_points, self.data_points] + [e["points"] for e in self.extras]
        if type(value) is not Chart:
            return [PartResult(n, 0.0, float(p), f"store an Altair chart in {self.variable}") for n, p in zip(names, points)]
        try:
            views = handout.chart_views(value.spec)
        except handout.ChartError as exc:
            return [PartResult(n, 0.0, float(p), str(exc)) for n, p in zip(names, points)]
        lines = handout.chart_lines(self._spec(salt, data), salt, value.spec, views)
        return [PartResult(n, float(p) if ok else 0.0, float(p), text)
                for n, p, (ok, text) in zip(names, points, lines)]


def _sorted(tuples: list) -> list:
    return sorted(([handout._cell(x, "value") if isinstance(x, (int, float)) and not isinstance(x, bool) else x
                    for x in t] for t in tuples), key=canonical)


# --- the expected values, from data/ ---------------------------------------------------------------

def _events(d: Data):
    return d.table("events")


def _seed_events(d: Data):
    e = _events(d)
    return e[e["source_type"] == "seed"]


def _has(column, word: str):
    return column.map(lambda items: word in (items if isinstance(items, (list, tuple)) else str(items).split(";")))


def _year_of_first(frame) -> int:
    return int(frame["date"].dt.year.min())


def _per_decade(frame) -> dict:
    counts = (frame["date"].dt.year // 10 * 10).value_counts()
    return {int(k): int(v) for k, v in counts.items()}


def _alliance(d: Data) -> dict:
    p = d.table("positions")
    p = p[p["question_id"] == "alliance"]
    return {int(y): sorted(str(s) for s in g["stance"]) for y, g in p.groupby("year")}


def _per_theme(frame) -> list:
    return [[float(n), str(t)] for t, n in frame["theme"].astype(str).value_counts().items()]


def _energy_figures(d: Data):
    f = d.table("figures")
    return f[f["theme"] == "energy"]


def _seed_year(d: Data):
    return d.table("seeds").set_index("seed")["year"]


def _energy_2019(d: Data) -> int:
    f = _energy_figures(d)
    return int((f["seed"].map(_seed_year(d)) == 2019).sum())


def _no_year(frame) -> list:
    return sorted(str(i) for i in frame.loc[frame["reference_year"].isna(), "figure_id"])


def _per_unit(frame) -> dict:
    return {str(k): int(v) for k, v in frame["unit"].astype(str).value_counts().items()}


def _energy_timeline(frame) -> list:
    return [[d.strftime("%Y-%m-%d"), str(t)] for d, t in zip(frame["date"], frame["title"])]


def _energy_events(d: Data, seed_only: bool = True):
    e = _events(d)
    e = e[_has(e["themes"], "energy")]
    return e[e["source_type"] == "seed"] if seed_only else e


def _dedol_percent(d: Data, theme_only: bool = True) -> list:
    f = d.table("figures")
    rows = f[(f["unit"] == "percent") & ((f["theme"] == "dedollarization") if theme_only else True)]
    return [[str(i), float(v), str(q)] for i, v, q in zip(rows["figure_id"], rows["value"], rows["qualifier"].astype(str))]


def _bounds(d: Data, theme_only: bool = True) -> list:
    f = d.table("figures")
    rows = f[(f["qualifier"] != "exact") & ((f["theme"] == "dedollarization") if theme_only else True)]
    return sorted(str(i) for i in rows["figure_id"])


CA_STATES = ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan")


def _china_without_russia(d: Data) -> dict:
    e = _events(d)
    return {s: int((_has(e["actors"], s) & _has(e["actors"], "China") & ~_has(e["actors"], "Russia")).sum())
            for s in CA_STATES}


def _with_state(d: Data) -> dict:
    e = _events(d)
    return {s: int(_has(e["actors"], s).sum()) for s in CA_STATES}


def _orgs_per_member(d: Data) -> dict:
    m = d.table("memberships")
    return {str(k): int(v) for k, v in m.groupby("member", observed=True)["org_id"].nunique().items()}


def _founded(d: Data) -> dict:
    m = d.table("memberships")
    return {str(k): int(x) for k, x in m.groupby("org_id", observed=True)["joined_year"].min().items()}


def _ca_per_year(d: Data, seed_only: bool = False) -> list:
    e = _events(d)
    e = e[_has(e["themes"], "central_asia")]
    return [[str(int(y)), float(n)] for y, n in e["date"].dt.year.value_counts().items()]


def _events_by_seed(d: Data, theme: str, main_only: bool = False) -> dict:
    e = _seed_events(d)
    e = e[e["theme"].astype(str) == theme] if main_only else e[_has(e["themes"], theme)]
    return {str(k): int(v) for k, v in e["seed"].astype(str).value_counts().items()}


def _percent_entities(d: Data, theme: str | None) -> list:
    f = d.table("figures")
    f = f[(f["unit"] == "percent") & ((f["theme"] == theme) if theme else True)]
    return sorted(set(str(x) for x in f["entity"]))


def _pressure_by_year(d: Data, strict: bool = True) -> dict:
    r = d.table("recommendations")
    r = r[(r["engagement_score"] < 0) if strict else (r["engagement_score"] <= 0)]
    return {int(k): int(v) for k, v in r["year"].value_counts().items()}


def _mean_by_year(d: Data) -> dict:
    r = d.table("recommendations")
    return {int(k): float(x) for k, x in r.groupby("year")["engagement_score"].mean().items()}


def _dialogue(d: Data) -> list:
    r = d.table("recommendations")
    return sorted(str(x) for x in r.loc[r["instrument"] == "dialogue", "rec_id"])


def _recs_points(d: Data) -> list:
    r = d.table("recommendations")
    return [[str(int(y)), float(s), str(i)] for y, s, i in zip(r["year"], r["engagement_score"], r["instrument"].astype(str))]


def _security_month(d: Data, precise: bool = True, seed_only: bool = True) -> dict:
    e = _events(d)
    e = e[_has(e["themes"], "security")]
    if seed_only:
        e = e[e["source_type"] == "seed"]
    if precise:
        e = e[e["precision"].astype(str).isin(["day", "month"])]
    return {int(k): int(v) for k, v in e["date"].dt.year.value_counts().items()}


def _typo_notes(d: Data) -> list:
    n = d.table("source_notes")
    return sorted(str(i) for i in n.loc[n["kind"] == "typo", "note_id"])


def _distinct_stances(d: Data) -> dict:
    p = d.table("positions")
    return {str(q): int(g["stance"].nunique()) for q, g in p.groupby("question_id", observed=True)}


def _grid(d: Data) -> list:
    p = d.table("positions")
    return [[str(s), str(q), float(v)] for s, q, v in zip(p["seed"], p["question_id"].astype(str), p["score"])]


def _grid_by_source(d: Data) -> list:
    p = d.table("positions")
    return [[str(s), str(q), float(v)] for s, q, v in zip(p["source"], p["question_id"].astype(str), p["score"])]


TITLE = {"kind": "title", "text": "the title", "problem": "give the chart a title (.properties(title=...))", "points": 0.5}


def _tooltip(field: str, points: float = 0.5) -> dict:
    return {"kind": "tooltip", "field": field, "text": f"the tooltip shows {field}",
            "problem": f"add {field} to the tooltip (tooltip=['{field}:N'])", "points": points}


CATEGORY_ALTERNATIVES = ("row", "column", "facet")

QUESTIONS: dict[str, dict[str, Any]] = {
    "history": {
        "q1_first_seed_year": ValueQuestion(
            "first_seed_year", lambda d: _year_of_first(_seed_events(d)[_seed_events(d)["precision"] == "day"]),
            "int", 1.5, 0.5, "the year", "the year of the earliest event a seed dates to the day, and that it is an int",
            mistakes=((lambda d: _year_of_first(_events(d)[_events(d)["precision"] == "day"]),
                       "your year comes from an event that no seed reports (source_type 'external')"),
                      (lambda d: _year_of_first(_seed_events(d)),
                       "your year includes events dated only to the year, month or decade (keep precision 'day')")),
            form_text="a whole number (int)"),
        "q2_events_per_decade": ValueQuestion(
            "per_decade", lambda d: _per_decade(_seed_events(d)), "mapping", 2.0, 1.0, "the counts per decade",
            "the number of events a seed reports in each decade (empty decades may be 0 or left out), and that it is a "
            "Series or dict keyed by the decade's first year",
            mistakes=((lambda d: _per_decade(_events(d)), "your count includes events without a seed (source_type 'external')"),),
            drop_zero=True, form_text="a pandas Series or dict keyed by decade"),
        "q3_alliance_stances": ValueQuestion(
            "alliance_by_year", _alliance, "mapping", 1.5, 0.5, "the stances per year",
            "every seed's stance on 'alliance', grouped by year of writing, each year's stances as a sorted list",
            mistakes=((lambda d: {y: s[:1] for y, s in _alliance(d).items()},
                       "a year with two seeds must list both stances, not keep one"),),
            form_text="a dict (year -> list)"),
        "q4_chart": ChartQuestion(
            "chart", ("bar",), ((("x",), "value"), (("y",) + CATEGORY_ALTERNATIVES, "category")),
            lambda d: _per_theme(_seed_events(d)), 0.5, 2.0,
            "bars of the number of events a seed reports per main theme (x the count, y the theme), and a title",
            mistakes=((lambda d: _per_theme(_events(d)), "your bars count events without a seed (source_type 'external')"),),
            extras=(TITLE,)),
    },
    "energy": {
        "q1_energy_2019": ValueQuestion(
            "n_energy_2019", _energy_2019, "int", 1.5, 0.5, "the count",
            "the number of energy figures that come from a seed written in 2019, and that it is an int",
            mistakes=((lambda d: int(len(_energy_figures(d))), "you counted the energy figures of every seed, not only those written in 2019"),),
            form_text="a whole number (int)"),
        "q2_events_by_seed": ValueQuestion(
            "energy_by_seed", lambda d: _events_by_seed(d, "energy"), "mapping", 1.5, 0.5, "the counts per seed",
            "for each seed (the seed column), the number of energy events it reports (events without a seed left out)",
            form_text="a dict (or Series) keyed by seed"),
        "q3_percent_entities": ValueQuestion(
            "percent_entities", lambda d: _percent_entities(d, "energy"), "sorted list", 1.5, 0.5, "the entities",
            "the different entities of the energy figures given in percent, as a sorted list without repeats",
            mistakes=((lambda d: _percent_entities(d, None), "your list includes figures of other themes"),),
            form_text="a sorted list"),
        "q4_chart": ChartQuestion(
            "chart", ("point", "circle", "square", "tick"), ((("x",), "temporal"), (("y",) + CATEGORY_ALTERNATIVES, "category")),
            lambda d: _energy_timeline(_energy_events(d)), 0.5, 1.5,
            "points for the energy events a seed reports (x the date, y the title), the date temporal, source in the tooltip",
            mistakes=((lambda d: _energy_timeline(_energy_events(d, seed_only=False)),
                       "your chart includes energy events that no seed reports"),),
            extras=({"kind": "type", "channel": "x", "types": ["temporal"], "text": "x is a date",
                     "problem": "encode the date as temporal (x='date:T')", "points": 0.5}, _tooltip("source"))),
    },
    "dedollarization": {
        "q1_anchor_gap": ValueQuestion(
            "anchor_gap", lambda d: d.figure("F12") - d.figure("F14"), "number", 2.0, 0.0, "the gap",
            "the difference in percentage points between F12 and F14, as a number",
            mistakes=((lambda d: d.figure("F14") - d.figure("F12"), "subtract the euro's share from the dollar's, not the reverse"),
                      (lambda d: d.figure("F13") - d.figure("F15"), "you compared the borrowing figures (F13, F15), not the anchor figures")),
        ),
        "q2_convert": FunctionQuestion(
            "to_dollars",
            (ProbeGroup("values", 1.5, "the amounts it returns", "wrong amount for to_dollars({args})",
                        (((60, 6), 10.0), ((150, 7.5), 20.0), ((0, 5), 0.0), ((1, 4), 0.25))),
             ProbeGroup("bad rates", 1.5, "it rejects every rate that is not positive with ValueError",
                        "to_dollars({args}) must raise ValueError (or a subclass)",
                        (((10, 0), (RAISES, "ValueError")), ((10, -1), (RAISES, "ValueError")),
                         ((10, -0.5), (RAISES, "ValueError")), ((10, -1e-9), (RAISES, "ValueError"))))),
            "the amounts for ordinary and boundary inputs, and a ValueError for every rate that is not positive"),
        "q3_bounds": ValueQuestion(
            "bounds", _bounds, "sorted list", 1.5, 0.5, "the figure ids",
            "the de-dollarization figures whose qualifier is not 'exact', as a sorted list of figure_id",
            mistakes=((lambda d: _bounds(d, theme_only=False), "your list includes figures of other themes"),),
            form_text="a sorted list"),
        "q4_chart": ChartQuestion(
            "chart", ("bar",), ((("x",) + CATEGORY_ALTERNATIVES, "category"), (("y",), "value"),
                                (("color",), "category")),
            lambda d: _dedol_percent(d), 0.5, 2.0,
            "bars for the de-dollarization figures given in percent (one per figure_id, its value), coloured by qualifier, with a title",
            mistakes=((lambda d: _dedol_percent(d, theme_only=False), "your bars include percent figures of other themes"),),
            extras=(TITLE,)),
    },
    "central_asia": {
        "q1_china_without_russia": ValueQuestion(
            "china_not_russia", _china_without_russia, "mapping", 1.5, 0.5, "the counts",
            "for each of the four states, the number of events that list it with China but without Russia (0 included)",
            mistakes=((_with_state, "count only events that list China and not Russia"),),
            form_text="a dict keyed by the four state names"),
        "q2_orgs_per_member": ValueQuestion(
            "orgs_per_member", _orgs_per_member, "mapping", 1.5, 0.5, "the counts",
            "for each member in memberships, the number of organisations it belongs to",
            form_text="a dict (or Series) keyed by member"),
        "q3_events_by_seed": ValueQuestion(
            "ca_by_seed", lambda d: _events_by_seed(d, "central_asia"), "mapping", 1.5, 0.5, "the counts per seed",
            "for each seed (the seed column), the number of Central Asia events it reports (events without a seed left out)",
            form_text="a dict (or Series) keyed by seed"),
        "q4_chart": ChartQuestion(
            "chart", ("bar",), ((("x",) + CATEGORY_ALTERNATIVES, "category"), (("y",), "value")),
            _ca_per_year, 0.5, 2.0,
            "bars of the number of Central Asia events per year (x the year, y the count), with a title",
            extras=(TITLE,)),
    },
    "eu_policy": {
        "q1_pressure_by_year": ValueQuestion(
            "pressure_by_year", _pressure_by_year, "mapping", 1.5, 0.5, "the counts per year",
            "per year of writing, the number of recommendations with a negative engagement_score (years with none may "
            "be 0 or left out)",
            mistakes=((lambda d: _pressure_by_year(d, strict=False), "count only negative scores: 0 is neither engagement nor pressure"),),
            drop_zero=True, form_text="a dict (or Series) keyed by year"),
        "q2_dialogue": ValueQuestion(
            "dialogue_ids", _dialogue, "sorted list", 1.5, 0.5, "the ids",
            "the rec_id of every recommendation whose instrument is dialogue, as a sorted list",
            form_text="a sorted list"),
        "q3_gap": ValueQuestion(
            "gap", lambda d: round(d.figure("F26") - d.figure("F24"), 1), "number", 2.0, 0.0, "the gap",
            "F26 minus F24, rounded to one decimal",
            mistakes=((lambda d: round(d.figure("F25") - d.figure("F24"), 1), "you used the EU-28 (F25), not the EU-27 (F26)"),)),
        "q4_chart": ChartQuestion(
            "chart", ("point", "circle", "square"), ((("x",) + CATEGORY_ALTERNATIVES, "category"), (("y",), "value"),
                                                     (("color",), "category")),
            _recs_points, 0.5, 1.5,
            "one point per recommendation: x the year (ordinal), y the engagement score, colour the instrument, "
            "recommendation in the tooltip",
            extras=({"kind": "type", "channel": "x", "types": ["ordinal", "nominal"], "text": "x is ordinal",
                     "problem": "encode the year as ordinal (x='year:O')", "points": 0.5}, _tooltip("recommendation"))),
    },
    "security_synthesis": {
        "q1_security_years": ValueQuestion(
            "security_dated", lambda d: _security_month(d), "mapping", 1.5, 0.5, "the counts per year",
            "per year, the security events a seed reports and dates at least to the month (empty years may be 0 or left out)",
            mistakes=((lambda d: _security_month(d, precise=False), "your count includes events dated only to the year or decade"),
                      (lambda d: _security_month(d, seed_only=False), "your count includes events that no seed reports")),
            drop_zero=True, form_text="a dict (or Series) keyed by year"),
        "q2_note_kinds": ValueQuestion(
            "typo_notes", _typo_notes, "sorted list", 1.5, 0.5, "the note ids",
            "the note_id of every source note of kind 'typo', as a sorted list", form_text="a sorted list"),
        "q3_agreement": ValueQuestion(
            "n_stances", _distinct_stances, "mapping", 2.0, 1.0, "the counts",
            "for each question_id, the number of different stances the seeds take",
            form_text="a dict (or Series) keyed by question_id"),
        "q4_chart": ChartQuestion(
            "chart", ("rect",), ((("x",) + CATEGORY_ALTERNATIVES, "category"), (("y",) + CATEGORY_ALTERNATIVES, "category"),
                                 (("color",), "value")),
            _grid_by_source, 0.5, 2.0,
            "a heat map: one rect per position, x the source, y the question_id, colour the score (quantitative)",
            extras=({"kind": "type", "channel": "color", "types": ["quantitative"], "text": "colour is quantitative",
                     "problem": "encode the score as quantitative (color='score:Q')", "points": 0.5},)),
    },
}


@dataclass(frozen=True)
class Check:
    """How one auto-graded question is marked (a thin wrapper over its question definition)."""

    question: Any
    salt: str

    @property
    def variable(self) -> str:
        return self.question.variable

    @property
    def probes(self) -> tuple:
        return self.question.probes

    @property
    def max_points(self) -> float:
        return self.question.max_points

    def run(self, value: Any, data: Data) -> list[PartResult]:
        if isinstance(self.question, ChartQuestion):
            return self.question.run(value, data, self.salt)
        return self.question.run(value, data)


CHECKS: dict[str, dict[str, Check]] = {ps: {q: Check(spec, f"{ps}/{q}") for q, spec in qs.items()}
                                       for ps, qs in QUESTIONS.items()}


def handout_checks(problem_set: str, data: Data) -> dict[str, dict]:
    """What the student handout stores per question: what is checked and hashes of accepted answers."""
    out = {}
    for question, check in CHECKS[problem_set].items():
        spec = check.question.handout_spec(check.salt, data)
        spec["problem_set"] = problem_set
        out[question] = spec
    return out


def answer_key_lines(problem_set: str) -> dict[str, str]:
    """Per question, the points per part as the answer key shows them."""
    lines = {}
    for question, check in CHECKS[problem_set].items():
        q = check.question
        if isinstance(q, ValueQuestion):
            parts = [(q.value_text, q.value_points)] + ([(q.form_text, q.form_points)] if q.form_points else [])
        elif isinstance(q, FunctionQuestion):
            parts = [(g.text, g.points) for g in q.groups]
        else:
            parts = [(q.mark_text, q.mark_points), (q.data_text, q.data_points)] + [(e["text"], e["points"]) for e in q.extras]
        lines[question] = "; ".join(f"{text} {points:g}" for text, points in parts)
    return lines


def extraction_spec(problem_set: str) -> tuple[list[str], dict[str, list]]:
    """The variable names to export and the probe calls for answer functions."""
    checks = CHECKS[problem_set].values()
    names = [c.variable for c in checks]
    probes = {c.variable: [list(p) for p in c.probes] for c in checks if c.probes}
    return names, probes


@dataclass
class PartResult:
    """One scored part of a question (value, type, data drawn, a channel, the mark, the title …)."""

    name: str
    points: float
    max_points: float
    message: str  # plain language: what was checked and, if wrong, what is wrong; never a hidden expected value


@dataclass
class QuestionResult:
    """The score of one auto-graded question, part by part."""

    question: str
    points: float
    max_points: float
    status: str  # "correct" | "partial" | "wrong" | "missing" | "not gradable" | "grader error"
    parts: list[PartResult]
    answer_summary: str  # <= 80 characters, plain text, for the class report's most common wrong answers


STATUSES = ("correct", "partial", "wrong", "missing", "not gradable", "grader error")


def summarise(value: Any, limit: int = 80) -> str:
    """A short plain-text summary of a decoded answer (never raises)."""
    try:
        if type(value) is Chart:
            text = f"chart ({value.mark() or 'composite'})"
        elif type(value) is Function:
            text = "function: " + ", ".join(repr(r) if type(r) is not Raised else f"raises {r.name}" for _, r in value.calls)
        elif type(value) is Series:
            text = "series " + repr(dict(zip(value.index, value.values)))
        elif type(value) is Frame:
            text = f"table {value.columns} ({len(value.records)} rows)"
        else:
            text = repr(value)
    except Exception:  # a summary must never cost a grade
        text = "(answer)"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(points: float, maximum: float) -> str:
    if maximum > 0 and points >= maximum:
        return "correct"
    return "partial" if points > 0 else "wrong"


def score_question(question: str, check: "Check", raw: dict, data: Data) -> QuestionResult:
    """Score one question from the raw answers; any failure of the grader's own code costs only this question."""
    maximum = check.max_points
    if check.variable not in raw:
        return QuestionResult(question, 0.0, maximum, "missing", [], f"{check.variable} not defined")
    try:
        value = decode(raw[check.variable])
    except Missing as exc:
        return QuestionResult(question, 0.0, maximum, "missing", [], str(exc)[:80])
    except (Invalid, RecursionError) as exc:
        return QuestionResult(question, 0.0, maximum, "not gradable",
                              [PartResult("form", 0.0, maximum, f"this answer cannot be graded: {str(exc)[:160]}")],
                              summarise(str(exc)))
    try:
        parts = check.run(value, data)
    except Exception as exc:  # the grader's own code failed on this answer
        return QuestionResult(question, 0.0, maximum, "grader error",
                              [PartResult("grader", 0.0, maximum,
                                          f"the grader could not check this answer ({type(exc).__name__}); "
                                          "your instructor will look at it")],
                              summarise(value))
    points = sum(p.points for p in parts)
    return QuestionResult(question, points, maximum, _status(points, maximum), parts, summarise(value))


def score(problem_set: str, answers_json: bytes, data: Data, *legacy) -> list[QuestionResult]:
    """Every auto-graded question of ``problem_set`` scored part by part from the runner's JSON.

    Never raises for anything in ``answers_json``. (Called with the old arguments
    ``(problem_set, answers_json, maxima, data)`` it returns the old ``(points, notes)`` pair,
    until the gradebook moves to :class:`QuestionResult`.)
    """
    if legacy and isinstance(data, dict):
        return _legacy_score(problem_set, answers_json, legacy[0])
    try:
        raw = json.loads(answers_json.decode("utf-8"))
        if type(raw) is not dict:
            raise Invalid("not an object")
    except (ValueError, RecursionError, UnicodeDecodeError):
        raw = {}
    return [score_question(question, check, raw, data) for question, check in CHECKS[problem_set].items()]


def _legacy_score(problem_set: str, answers_json: bytes, data: Data) -> tuple[dict[str, float], list[str]]:
    """``(points per question, notes)`` from :func:`score`, for the gradebook's old call."""
    points, notes = {}, []
    for result in score(problem_set, answers_json, data):
        points[result.question] = result.points
        if result.status != "correct":
            notes.append(f"{result.question}: {result.status}")
    return points, notes


def export_in_process(problem_set: str, namespace: dict) -> bytes:
    """The answers JSON the sandbox's runner would write for ``namespace`` (the same extraction code),
    for trusted values only: the answer keys' self-checks and the tests. Never use it on a submission."""
    import os
    import tempfile

    from . import runner

    names, probes = extraction_spec(problem_set)
    with tempfile.TemporaryDirectory(prefix="sinorussia-export-") as tmp:
        path = os.path.join(tmp, "answers.json")
        code = (runner.EXTRACT.replace("__NAMES__", repr(names)).replace("__PROBES__", repr(probes))
                .replace("__PATH__", repr(path)).replace("__MAXCHARS__", repr(runner.MAX_ANSWER_CHARS)))
        exec(compile(code, "<extract>", "exec"), dict(namespace))
        with open(path, "rb") as handle:
            return handle.read()


def score_in_process(problem_set: str, namespace: dict, data: Data | None = None) -> list[QuestionResult]:
    """:func:`score` of trusted in-process values (answer keys, tests)."""
    if data is None:
        from sinorussia.paths import data_dir, seeds_dir

        data = load_data(str(data_dir()), str(seeds_dir()))
    return score(problem_set, export_in_process(problem_set, namespace), data)


def assert_full_marks(problem_set: str, question: str, value: Any) -> None:
    """The answer key's self-check: ``value`` earns every point of ``question`` (raises AssertionError otherwise)."""
    check = CHECKS[problem_set][question]
    (result,) = [r for r in score_in_process(problem_set, {check.variable: value}) if r.question == question]
    assert result.status == "correct", f"{question}: {result.status}: " + "; ".join(p.message for p in result.parts)

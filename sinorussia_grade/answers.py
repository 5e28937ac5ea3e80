"""Expected answers, computed in the grader's own process from ``data/``, and the checks
that compare a submission's exported answers with them.

A submission's answers arrive as JSON (see :mod:`sinorussia_grade.runner`); :func:`decode`
turns that JSON into plain Python values with exact types and rejects anything else.
Nothing the student's code defines (functions, ``__eq__`` methods, patched checkers) ever
runs here: a forged answer file can only claim values, and claiming the right value means
knowing the right answer. Each question scores by part (:class:`Part`); :func:`score` returns
one :class:`QuestionResult` per question and never raises for anything in the answers.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from sinorussia import data as book_data

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
        return Raised(body)
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
    """A probe call raised this exception type."""

    name: str


def same(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Exact structural equality of plain data; floats compare with a tolerance, bool is not int."""
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    if type(a) in (int, float) and type(b) in (int, float):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y, tol) for x, y in zip(a, b))
    if type(a) is dict:
        return set(a) == set(b) and all(same(a[k], b[k], tol) for k in a)
    return type(a) in (str, type(None)) and a == b


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

@dataclass(frozen=True)
class Part:
    """One scored part of a question: ``test`` returns None when right, else what is wrong
    (plain language, never the expected value)."""

    name: str
    points: float
    covers: str
    test: Callable[[Any, Data], str | None]


@dataclass(frozen=True)
class Check:
    """How one auto-graded question is marked: which variable, its parts, and the probe calls for functions."""

    variable: str
    parts: tuple
    probes: tuple = ()

    @property
    def max_points(self) -> float:
        return float(sum(p.points for p in self.parts))

    def run(self, value: Any, data: Data) -> list[PartResult]:
        """Each part's result; an exception here is the grader's own error (handled by the caller)."""
        results = []
        for part in self.parts:
            problem = part.test(value, data)
            if problem is None:
                results.append(PartResult(part.name, float(part.points), float(part.points), f"{part.covers}: right"))
            else:
                results.append(PartResult(part.name, 0.0, float(part.points), f"{part.covers}: {problem}"))
        return results


def _is_int(v, expected) -> bool:
    return type(v) is int and v == expected


def _has_tooltip(c: Chart) -> bool:
    return bool((c.spec.get("encoding") or {}).get("tooltip"))


def _history_q1(v, d: Data) -> bool:
    events = d.table("events")
    return _is_int(v, int(events.loc[events["source_type"] == "seed", "date"].dt.year.min()))


def _history_q2(v, d: Data) -> bool:
    counts = (d.table("events")["date"].dt.year // 10 * 10).value_counts().sort_index()
    return (type(v) is Series and same(v.index, [int(i) for i in counts.index])
            and same(v.values, [int(x) for x in counts.values]))


def _history_q3(v, d: Data) -> bool:
    p = d.table("positions")
    expected = (p[p["question_id"] == "alliance"].sort_values(["year", "source"]).drop_duplicates("year")
                .set_index("year")["stance"].astype(str).to_dict())
    return type(v) is dict and same(v, {int(k): s for k, s in expected.items()})


def _history_q4(v, d: Data) -> bool:
    return (type(v) is Chart and v.mark() == "bar" and bool(v.spec.get("title"))
            and v.encoding("y").get("field") == "theme" and v.encoding("x").get("aggregate") == "count")


def _central_q1(v, d: Data) -> bool:
    m = d.table("memberships")
    expected = sorted(set(m.query("org_id == 'sco'")["member"]) - set(m.query("org_id == 'shanghai_five'")["member"]))
    return type(v) is list and same(v, [str(x) for x in expected])


def _central_q2(v, d: Data) -> bool:
    return _is_int(v, int(d.table("events")["actors"].map(lambda a: "Tajikistan" in a).sum()))


def _central_q3(v, d: Data) -> bool:
    expected = {str(k): int(x) for k, x in d.table("memberships").groupby("org_id", observed=True)["joined_year"].min().items()}
    return type(v) is dict and all(type(x) in (int, float) for x in v.values()) and same(v, expected)


def _central_q4(v, d: Data) -> bool:
    f = d.table("figures")
    return (type(v) is Chart and v.encoding("x").get("field") == "indicator" and v.encoding("y").get("field") == "value"
            and len(v.rows()) == int((f["theme"] == "central_asia").sum()) and _has_tooltip(v))


def _dedol_q1(v, d: Data) -> bool:
    return type(v) is float and same(v, d.figure("F27") / d.figure("F28"))


def _dedol_q2(v, d: Data) -> bool:
    if type(v) is not Function or len(v.calls) != 3:
        return False
    (_, a), (_, b), (_, c) = v.calls
    return same(a, 10.0) and same(b, 20.0) and c == Raised("ValueError")


def _dedol_q3(v, d: Data) -> bool:
    f = d.table("figures")
    expected = sorted(f[(f["theme"] == "dedollarization") & (f["qualifier"] != "exact")]["figure_id"])
    return type(v) is list and same(v, [str(x) for x in expected])


def _dedol_q4(v, d: Data) -> bool:
    expected = sorted(d.figure(i) for i in ("F12", "F13", "F14", "F15"))
    rows = v.rows() if type(v) is Chart else []
    values = [r.get("value") for r in rows if type(r) is dict]
    return (type(v) is Chart and v.encoding("y").get("field") == "value" and v.encoding("x").get("field") == "currency"
            and all(type(x) in (int, float) for x in values) and same(sorted(values), expected))


def _energy_q1(v, d: Data) -> bool:
    return _is_int(v, int((d.table("figures")["theme"] == "energy").sum()))


def _energy_q2(v, d: Data) -> bool:
    return type(v) is dict and same(v, {"gas": d.figure("F21"), "oil": d.figure("F22")})


def _energy_q3(v, d: Data) -> bool:
    f = d.table("figures")
    expected = sorted(f[(f["unit"] == "rank") & (f["theme"] == "energy")]["figure_id"])
    return type(v) is Frame and "figure_id" in v.columns and same(sorted(map(str, v.column("figure_id"))), list(expected))


def _energy_q4(v, d: Data) -> bool:
    events = d.table("events")
    return (type(v) is Chart and v.encoding("x").get("type") == "temporal" and _has_tooltip(v)
            and len(v.rows()) == int(events["themes"].map(lambda t: "energy" in t).sum()))


def _eu_q1(v, d: Data) -> bool:
    recs = d.table("recommendations")
    expected = {int(k): float(x) for k, x in recs.groupby("year")["engagement_score"].mean().items()}
    return type(v) is dict and all(type(k) is int for k in v) and same(v, expected, tol=1e-3)


def _eu_q2(v, d: Data) -> bool:
    recs = d.table("recommendations")
    return type(v) is list and same(v, sorted(str(x) for x in recs.loc[recs["instrument"] == "dialogue", "rec_id"]))


def _eu_q3(v, d: Data) -> bool:
    return type(v) is float and same(v, round(d.figure("F26") - d.figure("F24"), 1))


def _eu_q4(v, d: Data) -> bool:
    return (type(v) is Chart and v.encoding("x").get("type") == "ordinal" and v.encoding("color").get("field") == "instrument"
            and len(v.rows()) == len(d.table("recommendations")))


def _sec_q1(v, d: Data) -> bool:
    e = d.table("events")
    years = e[e["themes"].map(lambda t: "security" in t)]["date"].dt.year.value_counts()
    return type(v) is dict and same(v, {int(k): int(x) for k, x in years.items()})


def _sec_q2(v, d: Data) -> bool:
    return _is_int(v, int((d.table("source_notes")["kind"] == "typo").sum()))


def _sec_q3(v, d: Data) -> bool:
    p = d.table("positions")
    expected = {str(q): int(g["score"].max() - g["score"].min()) for q, g in p.groupby("question_id", observed=True)}
    return type(v) is dict and same(v, expected)


def _sec_q4(v, d: Data) -> bool:
    return (type(v) is Chart and v.mark() == "rect" and v.encoding("color").get("type") == "quantitative"
            and len(v.rows()) == len(d.table("positions")))


def _whole(variable: str, test: Callable[[Any, Data], bool], points: float, probes: tuple = ()) -> Check:
    """A question marked as one part (interim: being split into parts)."""
    part = Part("value", points, "the answer", lambda v, d: None if test(v, d) else "not the expected answer")
    return Check(variable, (part,), probes)


CHECKS: dict[str, dict[str, Check]] = {
    "history": {"q1_first_seed_year": _whole("first_seed_year", _history_q1, 2),
                "q2_events_per_decade": _whole("per_decade", _history_q2, 3),
                "q3_alliance_stances": _whole("alliance_by_year", _history_q3, 2),
                "q4_chart": _whole("chart", _history_q4, 3)},
    "central_asia": {"q1_sco_only": _whole("sco_only", _central_q1, 2), "q2_tajik_events": _whole("n_tajik", _central_q2, 2),
                     "q3_founding_years": _whole("founded", _central_q3, 2), "q4_chart": _whole("chart", _central_q4, 3)},
    "dedollarization": {"q1_implied_rate": _whole("implied_rate", _dedol_q1, 2),
                        "q2_convert": _whole("to_dollars", _dedol_q2, 3, probes=((60, 6), (150, 7.5), (10, 0))),
                        "q3_bounds": _whole("bounds", _dedol_q3, 2), "q4_chart": _whole("chart", _dedol_q4, 3)},
    "energy": {"q1_energy_figures": _whole("n_energy", _energy_q1, 2), "q2_eu_shares": _whole("eu_shares", _energy_q2, 2),
               "q3_ranks": _whole("ranks", _energy_q3, 2), "q4_chart": _whole("chart", _energy_q4, 3)},
    "eu_policy": {"q1_mean_by_year": _whole("mean_by_year", _eu_q1, 2), "q2_dialogue": _whole("dialogue_ids", _eu_q2, 2),
                  "q3_gap": _whole("gap", _eu_q3, 2), "q4_chart": _whole("chart", _eu_q4, 3)},
    "security_synthesis": {"q1_security_years": _whole("security_per_year", _sec_q1, 2),
                           "q2_note_kinds": _whole("n_typos", _sec_q2, 2),
                           "q3_agreement": _whole("spread", _sec_q3, 3), "q4_chart": _whole("chart", _sec_q4, 3)},
}


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

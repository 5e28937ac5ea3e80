"""Assessment: the problem sets measure what students can do.

- every answer key scores full marks and every blank handout 0, through the real sandboxed grader;
- honest equivalents (numpy/pandas types, a function under another name, a ValueError subclass,
  zero-filled bins, Series for dict) earn full marks; tempting wrong answers do not;
- every chart question: at least four correct charts built in different ways score full marks,
  at least four wrong ones do not, judged by the data the chart draws (VegaFusion);
- the handout's public check never says "right" to a wrong variant, and says it to every right one;
- masters, answer keys and the grader agree on points per part; no expected value in a handout.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest

from sinorussia import handout
from sinorussia.data import (load_events, load_figures, load_memberships, load_positions, load_recommendations,
                             load_seeds, load_source_notes)
from sinorussia.paths import data_dir, seeds_dir
from sinorussia_grade import answers, handouts

ROOT = Path(__file__).resolve().parent.parent
DATA = answers.load_data(str(data_dir()), str(seeds_dir()))


# --- the answer keys' own code ----------------------------------------------------------------------

def _cells(master: Path) -> list[tuple[str, str]]:
    nb = json.loads(master.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def key_namespace(problem_set: str) -> dict:
    """The answers the master's solution cells compute (setup cell plus solution code, no self-checks)."""
    cells = _cells(ROOT / "exercises" / f"{problem_set}.ipynb")
    ns: dict = {}
    code_cells = [src for kind, src in cells if kind == "code"]
    exec(code_cells[0], ns)  # the setup cell
    for src in code_cells[1:]:
        if "def test_" in src:
            continue
        exec(src.replace("# BEGIN SOLUTION", "").replace("# END SOLUTION", ""), ns)
    return ns


@pytest.mark.parametrize("problem_set", sorted(answers.CHECKS))
def test_key_full_marks_and_blank_zero_in_process(problem_set):
    key = answers.score_in_process(problem_set, key_namespace(problem_set), DATA)
    assert all(r.status == "correct" and r.points == r.max_points for r in key), \
        [(r.question, r.status, [p.message for p in r.parts]) for r in key if r.status != "correct"]
    blank = answers.score_in_process(problem_set, {c.variable: ... for c in answers.CHECKS[problem_set].values()}, DATA)
    assert all(r.points == 0 and r.status == "missing" for r in blank)


def test_points_per_part_agree_between_master_key_and_grader():
    for master in handouts.masters():
        checks = answers.CHECKS[master.stem]
        auto = {q.name: q.points for q in handouts.questions(master) if not q.manual}
        assert auto == {q: c.max_points for q, c in checks.items()}, master.stem
        text = master.read_text(encoding="utf-8")
        for question, line in answers.answer_key_lines(master.stem).items():
            assert line in text, f"{master.stem} {question}: the master does not show the points per part '{line}'"


def test_hidden_tests_never_use_student_variables_for_the_expected_value():
    for master in handouts.masters():
        for kind, src in _cells(master):
            if kind == "code" and "def test_" in src:
                assert "assert_full_marks(" in src and "hidden" not in src, master.stem
                assert len(re.findall(r"def test_\w+\((\w+)\)", src)) == 1, "one variable: the student's answer"


# --- honest equivalents and tempting wrong answers (values and functions) ----------------------------

def _one(problem_set: str, question: str, value) -> answers.QuestionResult:
    check = answers.CHECKS[problem_set][question]
    (result,) = [r for r in answers.score_in_process(problem_set, {check.variable: value}, DATA) if r.question == question]
    return result


class NotPositive(ValueError):
    pass


def _conv_subclass(renminbi, rate):
    if rate <= 0:
        raise NotPositive("rate")
    return renminbi / rate


def _conv_zero_only(renminbi, rate):
    if rate == 0:
        raise ValueError("rate")
    return renminbi / rate


def _conv_type_error(renminbi, rate):
    if rate <= 0:
        raise TypeError("rate")
    return renminbi / rate


def _events():
    return load_events()


def _seed_decades(zero_fill: bool):
    e = _events()
    counts = (e.loc[e["source_type"] == "seed", "date"].dt.year // 10 * 10).value_counts().sort_index()
    if zero_fill:
        counts = counts.reindex(range(int(counts.index.min()), int(counts.index.max()) + 1, 10), fill_value=0)
    return counts


HONEST = [  # (problem set, question, value, why it is right)
    ("history", "q1_first_seed_year", np.int64(2014), "a numpy integer"),
    ("history", "q2_events_per_decade", _seed_decades(zero_fill=True), "the empty 1970s given as 0"),
    ("history", "q2_events_per_decade", {int(k): int(v) for k, v in _seed_decades(False).items()}, "a dict, not a Series"),
    ("history", "q3_alliance_stances", None, "numpy strings in the lists"),
    ("dedollarization", "q1_anchor_gap", np.float64(32), "a numpy float"),
    ("dedollarization", "q1_anchor_gap", 32, "an int where a number is asked"),
    ("dedollarization", "q2_convert", _conv_subclass, "a ValueError subclass, under another function name"),
    ("dedollarization", "q2_convert", lambda r, rate: r / rate if rate > 0 else (_ for _ in ()).throw(ValueError()), "a lambda"),
    ("dedollarization", "q3_bounds", list(np.array(["F13", "F14", "F28"])), "numpy strings"),
    ("central_asia", "q1_china_without_russia", pd.Series({"Kazakhstan": 0, "Kyrgyzstan": 0, "Tajikistan": 1, "Uzbekistan": 0}),
     "a Series"),
    ("security_synthesis", "q1_security_years", None, "zero-filled years"),
]

WRONG = [  # (problem set, question, value, what is wrong, words the message must contain)
    ("history", "q1_first_seed_year", 1950, "an external event", "no seed reports"),
    ("history", "q1_first_seed_year", 1960, "a year-precision event", "precision"),
    ("history", "q1_first_seed_year", 2014.0, "right year, a float", "whole number"),
    ("history", "q2_events_per_decade", None, "counts include external events", "without a seed"),
    ("dedollarization", "q1_anchor_gap", 5.0, "a wrong value", "not the expected"),
    ("dedollarization", "q1_anchor_gap", -32.0, "reversed", "not the reverse"),
    ("dedollarization", "q2_convert", _conv_zero_only, "accepts negative rates", "must raise ValueError"),
    ("dedollarization", "q2_convert", _conv_type_error, "the wrong exception", "must raise ValueError"),
    ("dedollarization", "q3_bounds", ["F99"], "a wrong id", "not the expected"),
    ("dedollarization", "q3_bounds", ["F28", "F14", "F13"], "not sorted", "sort the list"),
    ("eu_policy", "q3_gap", 4.5, "the EU-28 figure", "EU-28"),
    ("history", "q1_first_seed_year", 10 ** 400, "a huge int (the grader cannot compare it)", "grader"),
]


def _fill(problem_set, question, value):
    if value is not None:
        return value
    if (problem_set, question) == ("history", "q3_alliance_stances"):
        p = load_positions()
        p = p[p["question_id"] == "alliance"]
        return {int(y): sorted(np.array(g["stance"].astype(str))) for y, g in p.groupby("year")}
    if (problem_set, question) == ("security_synthesis", "q1_security_years"):
        e = _events()
        e = e[e["themes"].map(lambda t: "security" in t) & (e["source_type"] == "seed") & e["precision"].isin(["day", "month"])]
        counts = e["date"].dt.year.value_counts()
        return counts.reindex(range(2018, 2023), fill_value=0)
    if (problem_set, question) == ("history", "q2_events_per_decade"):
        return (_events()["date"].dt.year // 10 * 10).value_counts()
    raise KeyError(question)


@pytest.mark.parametrize("problem_set,question,value,why", HONEST, ids=[h[3] for h in HONEST])
def test_honest_equivalents_earn_full_marks(problem_set, question, value, why):
    result = _one(problem_set, question, _fill(problem_set, question, value))
    assert result.status == "correct", [p.message for p in result.parts]


@pytest.mark.parametrize("problem_set,question,value,why,words", WRONG, ids=[w[3] for w in WRONG])
def test_wrong_answers_lose_points_with_a_plain_message(problem_set, question, value, why, words):
    result = _one(problem_set, question, _fill(problem_set, question, value))
    assert result.points < result.max_points
    messages = " ".join(p.message for p in result.parts)
    assert words in messages, messages
    assert "test_" not in messages


def test_a_grader_error_costs_only_its_question():
    results = answers.score_in_process("history", {"first_seed_year": 10 ** 400, **key_namespace("history")} |
                                       {"first_seed_year": 10 ** 400}, DATA)
    status = {r.question: r.status for r in results}
    assert status["q1_first_seed_year"] == "grader error"
    assert all(s == "correct" for q, s in status.items() if q != "q1_first_seed_year")


# --- charts: at least four right and four wrong constructions per question ----------------------------

def _seed(e):
    return e[e["source_type"] == "seed"]


def _history_charts():
    e = _events()[["event_id", "theme", "source_type"]].assign(theme=lambda f: f["theme"].astype(str))
    s = _seed(e)
    counts = s["theme"].value_counts().rename_axis("theme").reset_index(name="n")
    bars = alt.Chart(s).mark_bar().encode(x="count():Q", y="theme:N")
    right = {
        "count()": bars.properties(title="Events"),
        "pre-counted": alt.Chart(counts).mark_bar().encode(x="n:Q", y="theme:N").properties(title="Events"),
        "transform_filter + aggregate": alt.Chart(e).transform_filter("datum.source_type == 'seed'").transform_aggregate(
            n="count()", groupby=["theme"]).mark_bar().encode(x="n:Q", y="theme:N").properties(title="Events"),
        "text layer": (bars + bars.mark_text(dx=8).encode(text="count():Q")).properties(title="Events"),
        "facet by theme": alt.Chart(s).mark_bar().encode(x="count():Q").facet(row="theme:N").properties(title="Events"),
    }
    wrong = {
        "external events included": alt.Chart(e).mark_bar().encode(x="count():Q", y="theme:N").properties(title="t"),
        "no data": alt.Chart().mark_bar().encode(x="count():Q", y="theme:N").properties(title="t"),
        "wrong mark": bars.mark_point().properties(title="t"),
        "no y channel": alt.Chart(s).mark_bar().encode(x="count():Q").properties(title="t"),
        "no title": bars,
        "only external rows": alt.Chart(e[e["source_type"] == "external"]).mark_bar().encode(
            x="count():Q", y="theme:N").properties(title="t"),
    }
    return "history", right, wrong


def _energy_charts():
    e = _events()
    en = e[e["themes"].map(lambda t: "energy" in t) & (e["source_type"] == "seed")][["date", "title", "source", "source_type"]]
    base = alt.Chart(en).mark_point().encode(x="date:T", y="title:N", tooltip=["source:N"])
    right = {
        "pandas filter": base,
        "transform_filter": alt.Chart(en).transform_filter("datum.source_type == 'seed'").mark_point().encode(
            x="date:T", y="title:N", tooltip=["source:N", "date:T"]),
        "circles with a time unit": alt.Chart(en).mark_circle().encode(x="yearmonthdate(date):T", y="title:N",
                                                                       tooltip=["source:N"]),
        "text layer": base + base.mark_text(align="left", dx=5).encode(text="source:N"),
    }
    hist = e[e["themes"].map(lambda t: "history" in t)][["date", "title", "source"]]
    wrong = {
        "history events": alt.Chart(hist).mark_point().encode(x="date:T", y="title:N", tooltip=["source:N"]),
        "date as nominal": alt.Chart(en).mark_point().encode(x="date:N", y="title:N", tooltip=["source:N"]),
        "no tooltip": alt.Chart(en).mark_point().encode(x="date:T", y="title:N"),
        "bars": alt.Chart(en).mark_bar().encode(x="date:T", y="title:N", tooltip=["source:N"]),
        "no data": alt.Chart().mark_point().encode(x="date:T", y="title:N", tooltip=["source:N"]),
        "one row missing": alt.Chart(en.iloc[1:]).mark_point().encode(x="date:T", y="title:N", tooltip=["source:N"]),
    }
    return "energy", right, wrong


def _dedol_charts():
    f = load_figures().assign(qualifier=lambda x: x["qualifier"].astype(str), theme=lambda x: x["theme"].astype(str))
    p = f[(f["theme"] == "dedollarization") & (f["unit"] == "percent")][["figure_id", "value", "qualifier"]]
    bars = alt.Chart(p).mark_bar().encode(x="figure_id:N", y="value:Q", color="qualifier:N")
    right = {
        "pandas filter": bars.properties(title="t"),
        "transform_filter": alt.Chart(f[["figure_id", "value", "qualifier", "theme", "unit"]]).transform_filter(
            "datum.theme == 'dedollarization' && datum.unit == 'percent'").mark_bar().encode(
            x="figure_id:N", y="value:Q", color="qualifier:N").properties(title="t"),
        "text layer": (bars + bars.mark_text(dy=-5).encode(text="value:Q")).properties(title="t"),
        "sum aggregate": alt.Chart(p).mark_bar().encode(x="figure_id:N", y="sum(value):Q", color="qualifier:N").properties(title="t"),
    }
    wrong = {
        "every theme": alt.Chart(f[f["unit"] == "percent"]).mark_bar().encode(x="figure_id:N", y="value:Q",
                                                                             color="qualifier:N").properties(title="t"),
        "no colour": alt.Chart(p).mark_bar().encode(x="figure_id:N", y="value:Q").properties(title="t"),
        "wrong values": alt.Chart(p.assign(value=p["value"] + 1)).mark_bar().encode(
            x="figure_id:N", y="value:Q", color="qualifier:N").properties(title="t"),
        "lines": bars.mark_line().properties(title="t"),
        "horizontal (the question asks figure_id on x)": alt.Chart(p).mark_bar().encode(
            y="figure_id:N", x="value:Q", color="qualifier:N").properties(title="t"),
        "no data": alt.Chart().mark_bar().encode(x="figure_id:N", y="value:Q", color="qualifier:N").properties(title="t"),
    }
    return "dedollarization", right, wrong


def _central_charts():
    e = _events()
    ca = e[e["themes"].map(lambda t: "central_asia" in t)].assign(year=lambda x: x["date"].dt.year)[["year", "event_id", "date"]]
    per_year = ca["year"].value_counts().rename_axis("year").reset_index(name="n")
    right = {
        "count()": alt.Chart(ca).mark_bar().encode(x="year:O", y="count():Q").properties(title="t"),
        "pre-counted": alt.Chart(per_year).mark_bar().encode(x="year:O", y="n:Q").properties(title="t"),
        "year as string": alt.Chart(per_year.assign(year=per_year["year"].astype(str))).mark_bar().encode(
            x="year:N", y="n:Q").properties(title="t"),
        "transform_aggregate + text": (alt.Chart(ca).transform_aggregate(n="count()", groupby=["year"]).mark_bar().encode(
            x="year:O", y="n:Q") + alt.Chart(per_year).mark_text(dy=-5).encode(x="year:O", y="n:Q", text="n:Q")
        ).properties(title="t"),
    }
    wrong = {
        "every event": alt.Chart(e.assign(year=e["date"].dt.year)[["year"]]).mark_bar().encode(
            x="year:O", y="count():Q").properties(title="t"),
        "points": alt.Chart(ca).mark_point().encode(x="year:O", y="count():Q").properties(title="t"),
        "no y": alt.Chart(ca).mark_bar().encode(x="year:O").properties(title="t"),
        "no data": alt.Chart().mark_bar().encode(x="year:O", y="count():Q").properties(title="t"),
        "no title": alt.Chart(ca).mark_bar().encode(x="year:O", y="count():Q"),
    }
    return "central_asia", right, wrong


def _eu_charts():
    r = load_recommendations()
    r = r.assign(instrument=r["instrument"].astype(str))[["rec_id", "year", "engagement_score", "instrument", "recommendation"]]
    base = alt.Chart(r).mark_point().encode(x="year:O", y="engagement_score:Q", color="instrument:N", tooltip=["recommendation:N"])
    right = {
        "points": base,
        "circles": base.mark_circle(),
        "text layer": base + base.mark_text(dx=8).encode(text="rec_id:N"),
        "more tooltip": alt.Chart(r).mark_point().encode(x="year:O", y="engagement_score:Q", color="instrument:N",
                                                         tooltip=["recommendation:N", "rec_id:N"]),
        "filter that keeps every row": alt.Chart(r).transform_filter("datum.year > 2000").mark_point().encode(
            x="year:O", y="engagement_score:Q", color="instrument:N", tooltip=["recommendation:N"]),
    }
    wrong = {
        "year quantitative": alt.Chart(r).mark_point().encode(x="year:Q", y="engagement_score:Q", color="instrument:N",
                                                              tooltip=["recommendation:N"]),
        "no colour": alt.Chart(r).mark_point().encode(x="year:O", y="engagement_score:Q", tooltip=["recommendation:N"]),
        "scores doubled": alt.Chart(r).transform_calculate(s="datum.engagement_score * 2").mark_point().encode(
            x="year:O", y="s:Q", color="instrument:N", tooltip=["recommendation:N"]),
        "a row dropped": alt.Chart(r.iloc[1:]).mark_point().encode(x="year:O", y="engagement_score:Q", color="instrument:N",
                                                                   tooltip=["recommendation:N"]),
        "no tooltip": alt.Chart(r).mark_point().encode(x="year:O", y="engagement_score:Q", color="instrument:N"),
    }
    return "eu_policy", right, wrong


def _security_charts():
    p = load_positions()
    p = p.assign(question_id=p["question_id"].astype(str))[["source", "question_id", "score", "stance"]]
    base = alt.Chart(p).mark_rect().encode(x="source:N", y="question_id:N", color="score:Q")
    right = {
        "rect": base,
        "text layer": base + base.mark_text().encode(text="stance:N", color=alt.value("black")),
        "swapped sort order": alt.Chart(p.iloc[::-1]).mark_rect().encode(x="source:N", y="question_id:N", color="score:Q"),
        "with a tooltip": alt.Chart(p).mark_rect().encode(x="source:N", y="question_id:N", color="score:Q",
                                                          tooltip=["stance:N"]),
    }
    wrong = {
        "score nominal": alt.Chart(p).mark_rect().encode(x="source:N", y="question_id:N", color="score:N"),
        "axes swapped": alt.Chart(p).mark_rect().encode(y="source:N", x="question_id:N", color="score:Q"),
        "circles": base.mark_circle(),
        "one question only": alt.Chart(p[p["question_id"] == "durable"]).mark_rect().encode(
            x="source:N", y="question_id:N", color="score:Q"),
        "no data": alt.Chart().mark_rect().encode(x="source:N", y="question_id:N", color="score:Q"),
    }
    return "security_synthesis", right, wrong


CHART_SETS = [_history_charts, _energy_charts, _dedol_charts, _central_charts, _eu_charts, _security_charts]


def _handout_notebook(tmp_path: Path, problem_set: str) -> handout.Notebook:
    path = tmp_path / f"{problem_set}.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {handout.METADATA_KEY: {
        "checks": answers.handout_checks(problem_set, DATA)}}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return handout.Notebook(str(path))


@pytest.mark.parametrize("build", CHART_SETS, ids=lambda f: f.__name__.strip("_"))
def test_charts_graded_by_what_they_draw(build, tmp_path):
    problem_set, right, wrong = build()
    assert len(right) >= 4 and len(wrong) >= 4
    grader = _handout_notebook(tmp_path, problem_set)
    failures = []
    for label, chart in right.items():
        result = _one(problem_set, "q4_chart", chart)
        if result.status != "correct":
            failures.append(f"right '{label}' scored {result.points}: {[p.message for p in result.parts]}")
        if not grader.check("q4_chart", {"chart": chart}).passed:
            failures.append(f"right '{label}': the public check says not yet")
    for label, chart in wrong.items():
        result = _one(problem_set, "q4_chart", chart)
        if result.points >= result.max_points:
            failures.append(f"wrong '{label}' got full marks")
        if grader.check("q4_chart", {"chart": chart}).passed:
            failures.append(f"wrong '{label}': the public check says right")
    assert not failures, "\n".join(failures)


# --- the student's public checks -------------------------------------------------------------------

@pytest.mark.parametrize("problem_set", sorted(answers.CHECKS))
def test_public_checks_pass_the_key_and_fail_the_blank(problem_set, tmp_path):
    grader = _handout_notebook(tmp_path, problem_set)
    key = key_namespace(problem_set)
    for question, check in answers.CHECKS[problem_set].items():
        result = grader.check(question, key)
        assert result.passed, (question, result.lines)
        assert not grader.check(question, {check.variable: ...}).passed
        assert not grader.check(question, {}).passed


@pytest.mark.parametrize("problem_set,question,value,why,words", WRONG[:-1], ids=[w[3] for w in WRONG[:-1]])
def test_public_checks_fail_every_wrong_value(problem_set, question, value, why, words, tmp_path):
    grader = _handout_notebook(tmp_path, problem_set)
    check = answers.CHECKS[problem_set][question]
    result = grader.check(question, {check.variable: _fill(problem_set, question, value)})
    assert not result.passed
    text = repr(result)
    assert "test_" not in text and "checked:" in text


@pytest.mark.parametrize("problem_set,question,value,why", HONEST, ids=[h[3] for h in HONEST])
def test_public_checks_pass_honest_equivalents(problem_set, question, value, why, tmp_path):
    grader = _handout_notebook(tmp_path, problem_set)
    check = answers.CHECKS[problem_set][question]
    assert grader.check(question, {check.variable: _fill(problem_set, question, value)}).passed


def test_handout_checks_hold_no_expected_value():
    for problem_set in answers.CHECKS:
        stored = json.dumps(answers.handout_checks(problem_set, DATA))
        key = key_namespace(problem_set)
        for check in answers.CHECKS[problem_set].values():
            value = key[check.variable]
            if isinstance(value, (list, dict)) and value:
                assert handout.canonical(handout.plain(value)) not in stored, (problem_set, check.variable)
                assert json.dumps(handout.plain(value)) not in stored


# --- the real grader, once over every key and blank ------------------------------------------------

@pytest.fixture(scope="module")
def graded_keys_and_blanks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("assessment")
    made = tmp / "handouts"
    handouts.make_handouts(made)
    download = tmp / "download"
    download.mkdir()
    for master in handouts.masters():
        key = json.loads((made / "answer_keys" / master.name).read_text(encoding="utf-8"))
        if master.stem == "dedollarization":  # read the data as a student in the pack may: a relative path
            setup = next(i for i, c in enumerate(key["cells"]) if c["cell_type"] == "code" and "load_figures()" in "".join(c["source"]))
            key["cells"].insert(setup + 1, {"cell_type": "code", "id": "relative-path", "metadata": {}, "outputs": [], "execution_count": None,
                                            "source": "del figures, fig\n"
                                                      "figures = pd.read_csv('../data/figures.csv')\n"
                                                      "fig = figures.set_index('figure_id')"})
        (download / f"key_{master.stem}.ipynb").write_text(json.dumps(key), encoding="utf-8")
        (download / f"blank_{master.stem}.ipynb").write_bytes((made / "student" / master.name).read_bytes())
    out = tmp / "gradebook.csv"
    cli = Path(sys.executable).with_name("sinorussia-grade")
    subprocess.run([str(cli), "grade", str(download), "--out", str(out), "--timeout", "90", "--fresh"], check=True,
                   capture_output=True, text=True)
    return list(csv.DictReader(out.open(encoding="utf-8")))


def test_every_key_scores_full_marks_and_every_blank_zero_in_the_sandbox(graded_keys_and_blanks):
    rows = {r["file"]: r for r in graded_keys_and_blanks}
    assert len(rows) == 12, sorted(rows)
    for name, row in rows.items():
        assert row["status"] == "graded", (name, row)
        if Path(name).name.startswith("key_"):
            assert float(row["score"]) == float(row["max_score"]) > 0, (name, row["score"], row["max_score"], row["notes"])
        else:
            assert float(row["score"]) == 0, (name, row["score"], row["notes"])


def test_no_auto_graded_answer_is_printed_in_the_book():
    """List and mapping answers do not appear in the chapters (sources and stored outputs), the appendix or the
    instructor pages. (Single numbers cannot be searched for meaningfully; the report lists why each is not printed.)"""
    pages = list((ROOT / "chapters").glob("*.ipynb")) + list((ROOT / "appendix").rglob("*.md")) + \
        list((ROOT / "instructors").glob("*.md")) + list(ROOT.glob("*.md"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    for problem_set, checks in answers.CHECKS.items():
        for question, check in checks.items():
            q = check.question
            if not isinstance(q, answers.ValueQuestion):
                continue
            value = q.expected(DATA)
            if isinstance(value, list):
                forms = [repr(value), ", ".join(map(str, value))]
            elif isinstance(value, dict):
                items = sorted(value.items())
                forms = [repr(value), ", ".join(f"{k}: {v}" for k, v in items), ", ".join(f"{k} {v}" for k, v in items)]
            else:
                continue
            printed = [f for f in forms if len(f) > 6 and f in text]
            assert not printed, f"{problem_set} {question}: the answer is printed in the book: {printed[0][:80]}"

"""The class report for the instructor: one HTML page and one CSV per problem set.

``report_<set>.html`` (offline: charts are SVG drawn by vl-convert from the book's own
chart code in :mod:`sinorussia.charts`, embedded in the page; no script, no external
file) and ``report_<set>.csv`` (the same numbers, one row per item):

- the score distribution of the graded submissions;
- the share of graded students who got each question, and each part, right;
- the most common wrong answers (the students' own answers, summarised) and notes;
- the files of this set that were not graded (or only as duplicates), and why.
"""
from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from .lms import safe_text, write_csv_atomically

TOP = 5
CSV_COLUMNS = ["problem_set", "kind", "question", "part", "item", "count", "share"]


def _svg(chart) -> str:
    """A chart as inline SVG (vl-convert; no network)."""
    import altair as alt
    import vl_convert

    with alt.data_transformers.enable("default"):  # whatever grading left enabled (VegaFusion refuses to_dict)
        spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0])
    return svg.split("?>", 1)[-1] if svg.startswith("<?xml") else svg


def summarise(problem_set: str, rows: list[dict], details: list[list]) -> dict:
    """Counts for one problem set's report."""
    graded = [(r, d) for r, d in zip(rows, details) if r.get("problem_set") == problem_set
              and r.get("status") == "graded" and d]
    scores = [float(r["score"]) for r, _ in graded]
    maximum = max((float(r["max_score"]) for r, _ in graded), default=0.0)
    questions: dict[str, dict] = {}
    wrong: dict[str, Counter] = {}
    for _, results in graded:
        for q in results:
            entry = questions.setdefault(q.question, {"right": 0, "n": 0, "status": Counter(), "parts": {}})
            entry["n"] += 1
            entry["right"] += q.status == "correct"
            entry["status"][q.status] += 1
            for part in q.parts:
                p = entry["parts"].setdefault(part.name, {"right": 0})
                p["right"] += part.points >= part.max_points > 0
            if q.status not in ("correct",):
                label = q.answer_summary if q.status in ("wrong", "partial") else f"({q.status}) {q.answer_summary}"
                wrong.setdefault(q.question, Counter())[safe_text(label)[:80]] += 1
    notes = Counter()
    for r, _ in graded:
        for note in str(r.get("notes", "")).split("; "):
            if note and not note.startswith("this submission has"):
                notes[safe_text(note)[:160]] += 1
    ungraded = [(r["file"], r["status"], r.get("notes", "")) for r in rows
                if r.get("problem_set") == problem_set and r.get("status") != "graded"]
    return {"graded": graded, "scores": scores, "maximum": maximum, "questions": questions, "wrong": wrong,
            "notes": notes, "ungraded": ungraded}


def csv_rows(problem_set: str, s: dict) -> list[dict]:
    """The report's numbers as CSV rows."""
    out = []
    for score, count in sorted(Counter(s["scores"]).items()):
        out.append({"kind": "score", "item": f"{score:g}", "count": count})
    for name, q in s["questions"].items():
        out.append({"kind": "question right", "question": name, "count": q["right"], "share": round(q["right"] / q["n"], 3)})
        for part, p in q["parts"].items():
            out.append({"kind": "part right", "question": name, "part": part, "count": p["right"],
                        "share": round(p["right"] / q["n"], 3)})
    for name, answers in s["wrong"].items():
        for answer, count in answers.most_common(TOP):
            out.append({"kind": "common wrong answer", "question": name, "item": answer, "count": count})
    for note, count in s["notes"].most_common(TOP * 2):
        out.append({"kind": "common note", "item": note, "count": count})
    for file, status, notes in s["ungraded"]:
        out.append({"kind": status, "item": f"{file}: {notes}"})
    return [{"problem_set": problem_set, **r} for r in out]


def html_page(problem_set: str, s: dict) -> str:
    """The report as a self-contained HTML page."""
    import pandas as pd

    from sinorussia import charts

    e = lambda text: html.escape(safe_text(str(text)))  # noqa: E731
    n = len(s["graded"])
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Class report: {e(problem_set)}</title>",
           "<style>body{font-family:sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}"
           "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
           "text-align:left;vertical-align:top}th{background:#f3f3f3}figure{margin:1rem 0}</style></head><body>",
           f"<h1>Class report: {e(problem_set)} problem set</h1>",
           f"<p>{n} graded submission(s); {len(s['ungraded'])} file(s) of this set not graded or duplicates. "
           "Auto-graded questions only; written questions are marked by hand.</p>"]
    if n:
        mean = sum(s["scores"]) / n
        out.append(f"<h2>Score distribution</h2><p>Mean {mean:.1f} of {s['maximum']:g}; "
                   f"lowest {min(s['scores']):g}, highest {max(s['scores']):g}.</p>")
        out.append("<figure>" + _svg(charts.class_scores_chart(pd.DataFrame({"score": s["scores"]}), s["maximum"],
                                                                problem_set)) + "</figure>")
        shares = []
        for name, q in s["questions"].items():
            shares.append({"item": name, "share": q["right"] / q["n"]})
            if len(q["parts"]) > 1:
                shares += [{"item": f"{name} · {part}", "share": p["right"] / q["n"]} for part, p in q["parts"].items()]
        out.append("<h2>Share right per question and part</h2>")
        out.append("<figure>" + _svg(charts.class_share_correct_chart(pd.DataFrame(shares), problem_set)) + "</figure>")
        out.append("<table><tr><th>Question</th><th>Right</th><th>Share</th><th>Statuses</th></tr>")
        for name, q in s["questions"].items():
            statuses = ", ".join(f"{k}: {v}" for k, v in q["status"].most_common())
            out.append(f"<tr><td>{e(name)}</td><td>{q['right']} of {q['n']}</td><td>{q['right'] / q['n']:.0%}</td>"
                       f"<td>{e(statuses)}</td></tr>")
        out.append("</table>")
        out.append("<h2>Most common wrong answers</h2><table><tr><th>Question</th><th>Answer (the students' own)</th>"
                   "<th>Students</th></tr>")
        for name, answers in s["wrong"].items():
            for answer, count in answers.most_common(TOP):
                out.append(f"<tr><td>{e(name)}</td><td><code>{e(answer)}</code></td><td>{count}</td></tr>")
        out.append("</table><h2>Most common notes</h2><table><tr><th>Note</th><th>Submissions</th></tr>")
        for note, count in s["notes"].most_common(TOP * 2):
            out.append(f"<tr><td>{e(note)}</td><td>{count}</td></tr>")
        out.append("</table>")
    out.append("<h2>Not graded, and why</h2>")
    if s["ungraded"]:
        out.append("<table><tr><th>File</th><th>Status</th><th>Why</th></tr>")
        out += [f"<tr><td>{e(f)}</td><td>{e(st)}</td><td>{e(nt)}</td></tr>" for f, st, nt in s["ungraded"]]
        out.append("</table>")
    else:
        out.append("<p>Every file of this set was graded.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_all(rows: list[dict], details: list[list], questions: dict, folder: Path) -> list[Path]:
    """``report_<set>.html`` and ``report_<set>.csv`` for every problem set that has rows;
    plus ``report_not_graded.csv`` for files of no known set."""
    written = []
    for problem_set in sorted({r["problem_set"] for r in rows if r.get("problem_set")}):
        s = summarise(problem_set, rows, details)
        page = folder / f"report_{problem_set}.html"
        page.write_text(html_page(problem_set, s), encoding="utf-8")
        table = folder / f"report_{problem_set}.csv"
        write_csv_atomically(table, CSV_COLUMNS, csv_rows(problem_set, s))
        written += [page, table]
    unknown = [{"problem_set": "", "kind": r["status"], "item": f"{r['file']}: {r.get('notes', '')}"}
               for r in rows if not r.get("problem_set")]
    if unknown:
        table = folder / "report_not_graded.csv"
        write_csv_atomically(table, CSV_COLUMNS, unknown)
        written.append(table)
    return written

"""Feedback files for students: one HTML and one Markdown file per graded submission.

Each file gives the auto-graded points per question, what was checked (each part) and,
in plain language, what was wrong, plus what happened when the notebook ran (time limit,
errors). It never states an expected value: the messages come from the checks'
:class:`PartResult` messages, which describe the problem without the answer, and the
only answer quoted is the student's own.

Names follow each LMS's bulk feedback upload, so the LMS attaches every file to the right
student:

- Canvas ("Re-Upload Submissions" on the assignment page takes a zip of files named as in
  its "Download Submissions"): ``feedback/canvas_<set>/<lastfirst>[_late]_<user id>_<submission id>_feedback_<set>.html``
  (and ``.md``), zipped as ``feedback/canvas_<set>_feedback.zip`` (HTML) and ``…_feedback_markdown.zip``;
- Moodle ("Upload multiple feedback files in a zip", with *Feedback files* enabled):
  ``feedback/moodle_<set>/<Full name>_<participant id>_assignsubmission_file_/feedback_<set>.html``
  (and ``.md``), zipped as ``feedback/moodle_<set>_feedback.zip`` (HTML) and ``…_feedback_markdown.zip``;
- files whose student is unknown: ``feedback/unmatched_<set>/<file>.html``, to pass on by hand.
"""
from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from .lms import safe_text

STATUS_WORDS = {"correct": "correct", "partial": "partly correct", "wrong": "not correct", "missing": "no answer",
                "not gradable": "could not be graded", "grader error": "being checked by your instructor"}
RUN_NOTES = ("stopped", "printed more", "the notebook did not run", "a cell raised")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _points(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def run_notes(row: dict) -> list[str]:
    """The notes about how the notebook ran that the student should see."""
    return [n for n in str(row.get("notes", "")).split("; ") if n.startswith(RUN_NOTES)]


def file_stem(row: dict) -> tuple[str, str]:
    """(sub-folder, name without extension) for a row's feedback file, in its LMS's naming."""
    problem_set = row["problem_set"]
    if row.get("lms") == "canvas" and row.get("student_id"):
        late = "_late" if row.get("late") == "yes" else ""
        return f"canvas_{problem_set}", f"{row['student']}{late}_{row['student_id']}_{row['submission_id']}_feedback_{problem_set}"
    if row.get("lms") == "moodle" and row.get("student_id"):
        return (f"moodle_{problem_set}",
                f"{row['student']}_{row['student_id']}_assignsubmission_file_/feedback_{problem_set}")
    flat = re.sub(r"[^\w.-]+", "_", row["file"]).strip("_")[:120] or "submission"
    return f"unmatched_{problem_set}", f"{flat}_feedback"


def markdown(row: dict, question_results: list, manual: list) -> str:
    """The feedback as Markdown."""
    lines = [f"# Feedback: {row['problem_set']} problem set", "",
             f"- Student: {row.get('student') or 'unknown'}", f"- File: {row['file']}",
             f"- Auto-graded points: **{_points(row['score'])} of {_points(row['max_score'])}**", ""]
    for q in question_results:
        lines += [f"## {q.question}: {_points(q.points)} of {_points(q.max_points)} ({STATUS_WORDS.get(q.status, q.status)})", ""]
        for part in q.parts:
            lines.append(f"- {part.message} ({_points(part.points)} of {_points(part.max_points)})")
        if q.status == "missing":
            lines.append("- No answer was found: the variable was not defined, or was left as `...`.")
        if q.status not in ("correct", "missing") and q.answer_summary:
            lines.append(f"- Your answer: `{q.answer_summary.replace('`', chr(39))}`")
        lines.append("")
    if manual:
        lines += ["## Written questions", ""]
        lines += [f"- {q.name} ({_points(q.points)} points): marked by hand by your instructor." for q in manual]
        lines.append("")
    notes = run_notes(row)
    if notes:
        lines += ["## When your notebook ran", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["Points count only what the checks above found in the answers your notebook produced "
              "when it was run from top to bottom.", ""]
    return safe_text("\n".join(lines))


def html_page(row: dict, question_results: list, manual: list) -> str:
    """The feedback as a self-contained HTML page (no scripts, no external files)."""
    e = lambda text: html.escape(safe_text(str(text)))  # noqa: E731
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Feedback: {e(row['problem_set'])} problem set</title>",
           "<style>body{font-family:sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#222}"
           "h2{font-size:1.1rem;margin-top:1.5rem}.ok{color:#006b3c}.no{color:#a33}code{background:#f3f3f3;padding:0 .2rem}"
           "</style></head><body>",
           f"<h1>Feedback: {e(row['problem_set'])} problem set</h1>",
           f"<p>Student: {e(row.get('student') or 'unknown')}<br>File: {e(row['file'])}<br>"
           f"Auto-graded points: <strong>{e(_points(row['score']))} of {e(_points(row['max_score']))}</strong></p>"]
    for q in question_results:
        css = "ok" if q.status == "correct" else "no"
        out.append(f'<h2>{e(q.question)}: {e(_points(q.points))} of {e(_points(q.max_points))} '
                   f'<span class="{css}">({e(STATUS_WORDS.get(q.status, q.status))})</span></h2><ul>')
        for part in q.parts:
            out.append(f"<li>{e(part.message)} ({e(_points(part.points))} of {e(_points(part.max_points))})</li>")
        if q.status == "missing":
            out.append("<li>No answer was found: the variable was not defined, or was left as <code>...</code>.</li>")
        if q.status not in ("correct", "missing") and q.answer_summary:
            out.append(f"<li>Your answer: <code>{e(q.answer_summary)}</code></li>")
        out.append("</ul>")
    if manual:
        out.append("<h2>Written questions</h2><ul>")
        out += [f"<li>{e(q.name)} ({e(_points(q.points))} points): marked by hand by your instructor.</li>" for q in manual]
        out.append("</ul>")
    notes = run_notes(row)
    if notes:
        out.append("<h2>When your notebook ran</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    out.append("<p>Points count only what the checks above found in the answers your notebook produced when it "
               "was run from top to bottom.</p></body></html>")
    return "\n".join(out) + "\n"


def write_all(rows: list[dict], details: list[list], questions: dict, folder: Path) -> list[Path]:
    """Write the feedback files of every graded row, and one zip per LMS and problem set."""
    written: list[Path] = []
    zips: dict[str, list[tuple[str, Path]]] = {}
    for row, question_results in zip(rows, details):
        if row.get("status") != "graded" or not question_results:
            continue
        manual = [q for q in questions.get(row["problem_set"], []) if q.manual]
        sub, stem = file_stem(row)
        for suffix, text in ((".html", html_page(row, question_results, manual)),
                             (".md", markdown(row, question_results, manual))):
            name = safe_text(stem + suffix)
            path = folder / sub / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
            zips.setdefault((sub, suffix), []).append((name, path))
    for (sub, suffix), members in zips.items():
        if sub.startswith("unmatched_"):
            continue
        target = folder / f"{sub}_feedback{'_markdown' if suffix == '.md' else ''}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, path in sorted(members):
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        written.append(target)
    return written

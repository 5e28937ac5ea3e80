"""Grade files that Canvas and Moodle import, one pair per problem set.

- Canvas (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID, Section`` and one
  column per assignment, headed ``<name>`` (a new column creates that assignment on
  import; to fill an existing one, rename the header to Canvas's ``<name> (<id>)`` as in
  a Canvas export). A ``Points Possible`` row follows the header. We write the
  auto-graded points and a separate, empty column for the written questions, which
  are marked by hand. Rows are matched on ``ID`` (the Canvas user id).
- Moodle (assignment > "Upload grading worksheet"): the offline grading worksheet
  columns ``Identifier, Full name, Email address, Status, Grade, Maximum Grade,
  Grade can be changed, Last modified (submission), Last modified (grade),
  Feedback comments``; rows are matched on ``Identifier`` (``Participant <id>``). Moodle
  holds one grade per assignment, so ``Grade`` carries the auto-graded points and the
  feedback comment says how many points the hand-marked questions still add;
  ``Marked by hand (max)`` is an extra column Moodle ignores.

Only submissions whose student is known for that LMS appear in its file, and only those
of the problem set the download is for.

Every cell is made safe for spreadsheets and for UTF-8 (:func:`safe_cell`): text that
begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading
apostrophe, so no spreadsheet runs it as a formula, and characters that cannot be
written as UTF-8 (lone surrogates) appear as backslash escapes.
"""
from __future__ import annotations

import csv
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                  "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                  "Feedback comments", "Marked by hand (max)"]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that can be written as UTF-8 (lone surrogates become ``\\udcxx`` escapes)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def safe_cell(value) -> object:
    """A CSV cell that no spreadsheet runs as a formula and that encodes as UTF-8.
    Numbers stay numbers (a negative number is data, not a formula)."""
    if type(value) in (int, float) or value is None:
        return value
    text = safe_text(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv_atomically(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Write a UTF-8 CSV through a temporary file and ``os.replace`` (never half-written);
    every cell goes through :func:`safe_cell`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=[safe_cell(c) for c in columns], restval="",
                                    extrasaction="ignore")
            writer.writeheader()
            writer.writerows({safe_cell(k): safe_cell(v) for k, v in row.items() if k in columns} for row in rows)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _graded(rows: list[dict], problem_set: str, lms: str) -> list[dict]:
    """Graded rows of one set and LMS whose student is known (one per student: the gradebook
    already marked every other file of a submission ``duplicate``)."""
    return [r for r in rows if r.get("problem_set") == problem_set and r.get("lms") == lms
            and r.get("student_id") and r.get("status") == "graded"]


def canvas_rows(rows: list[dict], problem_set: str, manual_max: float) -> tuple[list[str], list[dict]]:
    """Header and rows of the Canvas gradebook import for one problem set."""
    auto_col = f"{problem_set} problem set: auto-graded"
    hand_col = f"{problem_set} problem set: written (marked by hand)"
    graded = _graded(rows, problem_set, "canvas")
    maximum = graded[0]["max_score"] if graded else ""
    out = [{"Student": "Points Possible", auto_col: maximum, hand_col: manual_max}]
    for row in graded:
        out.append({"Student": row["student"], "ID": row["student_id"], auto_col: row["score"], hand_col: ""})
    return CANVAS_COLUMNS + [auto_col, hand_col], out


def moodle_rows(rows: list[dict], problem_set: str, manual_max: float) -> tuple[list[str], list[dict]]:
    """Header and rows of the Moodle grading worksheet for one problem set."""
    now = datetime.now(timezone.utc).strftime("%A, %d %B %Y, %I:%M %p")
    out = []
    for row in _graded(rows, problem_set, "moodle"):
        out.append({"Identifier": f"Participant {row['student_id']}", "Full name": row["student"],
                    "Status": "Submitted for grading", "Grade": row["score"],
                    "Maximum Grade": f"{float(row['max_score']) + manual_max:g}", "Grade can be changed": "Yes",
                    "Last modified (grade)": now, "Marked by hand (max)": f"{manual_max:g}",
                    "Feedback comments": f"Auto-graded questions: {row['score']} of {row['max_score']} points. "
                                         f"Written questions ({manual_max:g} points) are marked by hand."})
    return MOODLE_COLUMNS, out


def export(rows: list[dict], manual_points: dict[str, float], folder: Path) -> list[Path]:
    """Write ``canvas_<set>.csv`` and ``moodle_<set>.csv`` for every problem set with graded rows."""
    written = []
    for problem_set in sorted({r["problem_set"] for r in rows if r.get("problem_set")}):
        manual = manual_points.get(problem_set, 0.0)
        for name, build in (("canvas", canvas_rows), ("moodle", moodle_rows)):
            columns, out = build(rows, problem_set, manual)
            if len(out) > (1 if name == "canvas" else 0):
                path = folder / f"{name}_{problem_set}.csv"
                write_csv_atomically(path, columns, out)
                written.append(path)
    return written

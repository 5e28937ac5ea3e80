"""Instructor tools: generate handouts from the problem-set masters and grade submissions.

``python -m sinorussia.grading handouts`` (``make handouts``) runs Otter-Grader's
``otter assign`` on every master in ``exercises/`` and writes, under ``_build/handouts/``:

- ``student/<set>.ipynb``: what students get (no solutions, no hidden tests);
- ``answer_keys/<set>.ipynb``: the solutions and marking rubrics;
- ``autograder/<set>-autograder.zip``: public and hidden tests for ``otter run``.

``python -m sinorussia.grading grade SUBMISSIONS [--out FILE]`` (``make grade``) grades every
``.ipynb`` in a folder with ``otter run`` (offline, no Docker) into one CSV gradebook with a
column per auto-graded question. Submissions are copied before grading and never changed.
A broken submission — not a notebook, an exception, a deleted answer cell, a renamed
file, an endless loop (stopped by a time limit) — gets a row with what could be graded
and an explanation in the ``notes`` column; grading goes on with the next file.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .paths import project_root

ROOT = project_root()

EXERCISES = ROOT / "exercises"
HANDOUTS = ROOT / "_build" / "handouts"
OTTER = Path(sys.executable).with_name("otter")
DEFAULT_TIMEOUT = 120


def masters() -> list[Path]:
    """The problem-set masters (one per theme chapter)."""
    return sorted(EXERCISES.glob("*.ipynb"))


def _questions(master: Path) -> tuple[list[str], list[str]]:
    """Names of the auto-graded and of the manually graded questions of a master."""
    auto, manual = [], []
    for cell in json.loads(master.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "raw" and text.startswith("# BEGIN QUESTION"):
            name = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:"))
            (manual if "manual: true" in text else auto).append(name)
    return auto, manual


def make_handouts(out: Path = HANDOUTS) -> list[str]:
    """Run ``otter assign`` on every master; return the problem-set names."""
    names = []
    for sub in ("student", "answer_keys", "autograder"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for master in masters():
        name = master.stem
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / master.name
            shutil.copyfile(master, work)
            result = subprocess.run([str(OTTER), "assign", str(work), str(Path(tmp) / "dist")], capture_output=True, text=True, cwd=tmp)
            if result.returncode != 0:
                raise RuntimeError(f"otter assign failed for {master.name}:\n{result.stderr[-2000:]}")
            dist = Path(tmp) / "dist"
            shutil.copyfile(dist / "student" / master.name, out / "student" / master.name)
            shutil.copyfile(dist / "autograder" / master.name, out / "answer_keys" / master.name)
            (zip_file,) = (dist / "autograder").glob("*.zip")
            shutil.copyfile(zip_file, out / "autograder" / f"{name}-autograder.zip")
        names.append(name)
    return names


def _assignment_of(notebook: dict, path: Path, known: list[str]) -> tuple[str | None, str]:
    """Which problem set a submission belongs to, from Otter's metadata or the file name."""
    meta = notebook.get("metadata", {}).get("otter", {}).get("assignment_name")
    if meta in known:
        note = "" if meta in path.stem else f"file renamed (expected a name containing '{meta}')"
        return meta, note
    for name in known:
        if path.stem == name or path.stem.startswith(name):
            return name, ""
    return None, "cannot tell which problem set this is (no Otter metadata, unknown file name)"


def _run_otter(submission: Path, autograder: Path, timeout: int) -> tuple[dict | None, str]:
    """Grade one notebook with ``otter run`` in its own process group; kill it on timeout."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        proc = subprocess.Popen([str(OTTER), "run", "-a", str(autograder), "-o", str(out), str(submission)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return None, f"stopped after {timeout} s (endless loop or very slow code); auto-graded questions scored 0"
        results = out / "results.json"
        if not results.is_file():
            return None, "the autograder could not run this notebook: " + (log.strip().splitlines() or ["no output"])[-1][:200]
        return json.loads(results.read_text()), ""


def _exception_notes(notebook: dict) -> list[str]:
    notes = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if output.get("output_type") == "error":
                notes.append(f"saved notebook shows {output.get('ename')}: {str(output.get('evalue'))[:80]}")
    return notes


def grade_one(path: Path, handouts: Path = HANDOUTS, timeout: int = DEFAULT_TIMEOUT) -> dict:
    """Grade one submission; always return a gradebook row, never raise for a bad notebook."""
    known = [m.stem for m in masters()]
    row: dict = {"file": path.name, "problem_set": "", "score": 0.0, "max_score": 0.0, "notes": ""}
    notes: list[str] = []
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(notebook, dict) and "cells" in notebook
    except Exception as exc:  # not JSON, or not a notebook
        row["notes"] = f"not a readable notebook: {type(exc).__name__}"
        return row
    name, note = _assignment_of(notebook, path, known)
    if note:
        notes.append(note)
    if name is None:
        row["notes"] = "; ".join(notes)
        return row
    row["problem_set"] = name
    auto, manual = _questions(EXERCISES / f"{name}.ipynb")
    sources = "\n".join("".join(c.get("source", "")) for c in notebook["cells"])
    for question in auto:
        if f'grader.check("{question}")' not in sources:
            notes.append(f"{question}: its check cell is missing")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / f"{name}.ipynb"  # graded under its expected name; the original is untouched
        shutil.copyfile(path, copy)
        results, problem = _run_otter(copy, handouts / "autograder" / f"{name}-autograder.zip", timeout)
    if problem:
        notes.append(problem)
    scores = {}
    if results:
        for test in results.get("tests", []):
            if test.get("name") in auto:
                scores[test["name"]] = (float(test.get("score") or 0.0), float(test.get("max_score") or 0.0))
                output = test.get("output", "")
                for marker in ("NameError", "Error at line"):
                    if marker in output and test.get("score", 0) == 0:
                        notes.append(f"{test['name']}: {'no answer: the cell was not filled in, raised an error or was not run' if marker == 'NameError' else 'tests failed'}")
                        break
    maxima = _max_points(name)
    for question in auto:
        score, _ = scores.get(question, (0.0, maxima[question]))
        row[question] = score
        row["score"] += score
        row["max_score"] += maxima[question]
    for question in manual:
        row[question] = "manual"
    notes += _exception_notes(notebook)
    row["notes"] = "; ".join(dict.fromkeys(notes))
    return row


def _max_points(name: str) -> dict[str, float]:
    points = {}
    for cell in json.loads((EXERCISES / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "raw" and text.startswith("# BEGIN QUESTION"):
            fields = dict(line.split(":", 1) for line in text.splitlines()[1:] if ":" in line)
            points[fields["name"].strip()] = float(fields.get("points", 1))
    return points


def grade_folder(folder: Path, out: Path, handouts: Path = HANDOUTS, timeout: int = DEFAULT_TIMEOUT) -> list[dict]:
    """Grade every ``.ipynb`` in ``folder`` into one CSV gradebook at ``out``."""
    if not (handouts / "autograder").is_dir():
        raise SystemExit("No autograders found: run `make handouts` first.")
    rows = [grade_one(path, handouts, timeout) for path in sorted(Path(folder).glob("*.ipynb"))]
    columns = ["file", "problem_set", "score", "max_score"]
    columns += sorted({k for r in rows for k in r} - set(columns) - {"notes"}) + ["notes"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinorussia.grading", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("handouts", help="student notebooks, answer keys and autograders into _build/handouts/")
    grade = sub.add_parser("grade", help="grade a folder of submitted notebooks into a CSV gradebook")
    grade.add_argument("submissions", type=Path)
    grade.add_argument("--out", type=Path, default=HANDOUTS / "gradebook.csv")
    grade.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per submission")
    args = parser.parse_args(argv)
    if args.command == "handouts":
        print("wrote handouts for:", ", ".join(make_handouts()))
    else:
        rows = grade_folder(args.submissions, args.out, timeout=args.timeout)
        print(f"graded {len(rows)} submission(s) into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

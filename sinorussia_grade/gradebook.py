"""Grade a folder of submissions into a gradebook that survives anything a submission does.

- every file under the folder gets exactly one row (``status`` says ``graded``,
  ``not graded`` or ``duplicate``, ``notes`` says why);
- each notebook runs in its own sandbox (:mod:`sinorussia_grade.sandbox`), two at a time;
- scores come from :mod:`sinorussia_grade.answers`, computed here, never in the sandbox;
- each finished row is appended at once to a journal (``<gradebook>.journal.jsonl``), so
  a crash or kill loses nothing and running again resumes; the gradebook itself and the
  LMS files are written atomically at the end;
- temporary files live in one private directory that is always removed.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import stat
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sinorussia.paths import data_dir, seeds_dir

DATA_DIR, SEEDS_DIR = data_dir(), seeds_dir()

from . import answers, handouts, lms, sandbox
from .submissions import MAX_NOTEBOOK_BYTES, Submission, discover, latest_first, printable, problem_set_of

BASE_COLUMNS = ["file", "lms", "student", "student_id", "submission_id", "late", "problem_set", "status",
                "score", "max_score"]
MAX_ANSWER_BYTES = 20 * 1024**2
WORKERS = 2


def journal_path(out: Path) -> Path:
    """Where the rows of a run are journalled as they finish."""
    return out.with_name(out.name + ".journal.jsonl")


def read_journal(path: Path) -> dict[tuple[str, str], dict]:
    """Rows already graded, keyed by (file, sha256); a torn last line is ignored."""
    done = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                done[(entry["file"], entry["sha256"])] = entry["row"]
            except (ValueError, KeyError, TypeError):
                continue
    return done


class Journal:
    """Append-only JSONL of finished rows, flushed and synced after each one."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def add(self, sub: Submission, row: dict) -> None:
        line = json.dumps({"file": sub.relpath, "sha256": sub.sha256, "row": row}, ensure_ascii=True)
        with self.lock:
            self.handle.write(line + "\n")
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


def base_row(sub: Submission) -> dict:
    """The identity part of a row."""
    return {"file": printable(sub.relpath), "lms": sub.lms, "student": printable(sub.student), "student_id": sub.student_id,
            "submission_id": sub.submission_id, "late": "yes" if sub.late else "", "problem_set": "",
            "status": "not graded", "score": "", "max_score": "", "notes": ""}


def read_notebook(sub: Submission) -> tuple[dict | None, str]:
    """A submission parsed as JSON data (never executed here), or why it cannot be."""
    if not sub.sha256:
        return None, "not a regular readable file"
    if sub.path.suffix.lower() == ".zip":
        return None, "a .zip archive: unpack it into the folder and grade again"
    if not sub.is_notebook:
        return None, "not a notebook (.ipynb)"
    if sub.path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None, "notebook larger than 20 MB"
    try:
        notebook = json.loads(sub.path.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return None, f"not a readable notebook: {type(exc).__name__}"
    if type(notebook) is not dict or type(notebook.get("cells", notebook.get("worksheets"))) is not list:
        return None, "not a readable notebook: no cells"
    return notebook, ""


def plan(subs: list[Submission], known: list[str]) -> tuple[dict[str, dict], dict[str, str]]:
    """Rows for files that will not be run, and the problem set of each file that will."""
    rows, to_grade = {}, {}
    for sub in subs:
        notebook, reason = read_notebook(sub)
        problem_set = problem_set_of(sub, notebook, known) if notebook is not None else None
        if notebook is not None and problem_set is None:
            reason = "cannot tell which problem set this is (no Otter metadata, unknown file name)"
        if reason:
            rows[sub.relpath] = {**base_row(sub), "notes": reason}
        else:
            to_grade[sub.relpath] = problem_set
    by_student: dict[tuple[str, str], list[Submission]] = {}
    for sub in subs:
        if sub.relpath in to_grade and sub.student_key:
            by_student.setdefault((sub.student_key, to_grade[sub.relpath]), []).append(sub)
    for group in by_student.values():
        newest, *older = latest_first(group)
        for sub in older:
            rows[sub.relpath] = {**base_row(sub), "problem_set": to_grade.pop(sub.relpath), "status": "duplicate",
                                 "notes": f"duplicate: this student's newer submission {printable(newest.relpath)} is graded instead"}
    return rows, to_grade


def _read_own_file(path: Path, limit: int) -> bytes:
    """Read a file the sandbox left, refusing symbolic links and anything but a small regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return b""
        return handle.read(limit)


def _error_notes(report: dict) -> list[str]:
    notes = []
    errors = report.get("errors") if type(report) is dict else None
    for error in (errors if type(errors) is list else [])[:5]:
        if type(error) is dict and error.get("ename") != "NameError":
            notes.append(f"a cell raised {str(error.get('ename'))[:40]}")
    return notes


def grade_one(sub: Submission, problem_set: str, uid: int, limits: sandbox.Limits, workdir: Path,
              data: answers.Data, questions: list[handouts.Question]) -> dict:
    """Run one notebook in a sandbox and score its exported answers; always return a row."""
    row = {**base_row(sub), "problem_set": problem_set}
    scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=workdir))
    notes: list[str] = []
    try:
        os.chown(scratch, uid, uid)
        copy = scratch / f"{problem_set}.ipynb"
        shutil.copyfile(sub.path, copy)
        os.chown(copy, uid, uid)
        names, probes = answers.extraction_spec(problem_set)
        spec = {"notebook": f"/scratch/{copy.name}", "answers": "/scratch/answers.json",
                "report": "/scratch/report.json", "names": names, "probes": probes}
        (scratch / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        python = str(sandbox.VENV / "bin" / "python")
        result = sandbox.run(scratch, uid, limits, [python, "-I", "/grader/runner.py", "/scratch/spec.json"])
        notes += result.notes
        if result.timed_out:
            notes.append(f"stopped after {limits.timeout:g} s (endless loop or very slow code); "
                         "all its processes were killed")
        if result.output_truncated:
            notes.append("printed more than 10 MB to the terminal; the rest was discarded")
        try:
            report = json.loads(_read_own_file(scratch / "report.json", 1 << 20) or b"{}")
        except ValueError:
            report = {}
        if not result.timed_out and (type(report) is not dict or report.get("stage") != "done"):
            notes.append(f"the notebook did not run to the end (exit code {result.returncode})")
        notes += _error_notes(report)
        maxima = {q.name: q.points for q in questions if not q.manual}
        points, score_notes = answers.score(problem_set, _read_own_file(scratch / "answers.json", MAX_ANSWER_BYTES),
                                            maxima, data)
        notes += score_notes
        row.update({q: points.get(q, 0.0) for q in maxima})
        row.update({q.name: "manual" for q in questions if q.manual})
        row.update({"status": "graded", "score": sum(points.values()), "max_score": sum(maxima.values()),
                    "seconds": round(result.seconds, 1)})
    except Exception as exc:  # a grader-side failure still gives the file its row
        notes.append(f"grading failed: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    row["notes"] = "; ".join(dict.fromkeys(notes))
    return row


def columns_of(rows: list[dict]) -> list[str]:
    """Gradebook columns: identity, totals, one per question, time, notes."""
    questions = sorted({k for r in rows for k in r} - set(BASE_COLUMNS) - {"seconds", "notes"})
    return BASE_COLUMNS + questions + ["seconds", "notes"]


def grade_folder(folder: Path, out: Path, limits: sandbox.Limits | None = None, workers: int = WORKERS,
                 data_dir: Path = DATA_DIR, seeds_dir: Path = SEEDS_DIR, exercises: Path = handouts.EXERCISES,
                 fresh: bool = False) -> list[dict]:
    """Grade every file under ``folder`` into the CSV ``out`` (plus LMS files beside it); return the rows."""
    if shutil.which("bwrap") is None:
        raise SystemExit("bubblewrap (bwrap) is not installed: run `make grade`, which installs it.")
    limits = limits or sandbox.Limits()
    folder, out = Path(folder), Path(out)
    masters = handouts.masters(exercises)
    known = [m.stem for m in masters]
    questions = {m.stem: handouts.questions(m) for m in masters}
    data = answers.load_data(str(data_dir), str(seeds_dir))
    subs = discover(folder)
    rows, to_grade = plan(subs, known)
    journal_file = journal_path(out)
    if fresh and journal_file.exists():
        journal_file.unlink()
    done = read_journal(journal_file)
    journal = Journal(journal_file)
    slots: queue.Queue[int] = queue.Queue()
    for uid in sandbox.SANDBOX_UIDS[:workers]:
        slots.put(uid)
    workdir = Path(tempfile.mkdtemp(prefix="sinorussia-grade-"))
    os.chmod(workdir, 0o700)

    def work(sub: Submission) -> None:
        uid = slots.get()
        try:
            row = grade_one(sub, to_grade[sub.relpath], uid, limits, workdir, data, questions[to_grade[sub.relpath]])
        finally:
            slots.put(uid)
        rows[sub.relpath] = row
        journal.add(sub, row)

    try:
        pending = []
        for sub in subs:
            if sub.relpath in to_grade:
                previous = done.get((sub.relpath, sub.sha256))
                if previous is not None:
                    rows[sub.relpath] = previous
                else:
                    pending.append(sub)
            elif (sub.relpath, sub.sha256) not in done:
                journal.add(sub, rows[sub.relpath])
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(work, sub) for sub in pending]:
                future.result()
    finally:
        journal.close()
        shutil.rmtree(workdir, ignore_errors=True)
    ordered = [rows[sub.relpath] for sub in subs]
    lms.write_csv_atomically(out, columns_of(ordered), ordered)
    manual = {name: sum(q.points for q in qs if q.manual) for name, qs in questions.items()}
    lms.export(ordered, manual, out.parent)
    return ordered

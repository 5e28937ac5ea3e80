"""Grade a folder of submissions into a gradebook that survives anything a submission does.

- every file under the folder (and every member of an archive in it) gets exactly one row
  (``status`` is ``graded``, ``not graded`` or ``duplicate``; ``flags`` and ``notes`` say why);
  nothing in a file's name, bytes or metadata can stop the run or touch another row;
- each notebook runs in its own sandbox (:mod:`sinorussia_grade.sandbox`), two at a time;
- scores come from :mod:`sinorussia_grade.answers` through :mod:`results`, computed here,
  never in the sandbox; a grader error on one answer costs only that answer;
- a graded row is appended at once to a journal (``<gradebook>.journal.jsonl``), so a
  crash or kill loses nothing and running again resumes. Grader errors are never
  journaled: the next run grades those files again;
- outputs (gradebook, LMS files, feedback, class reports) are written at the end of every
  run. A run first removes the previous run's outputs and leaves ``GRADING-INCOMPLETE.txt``
  until it finishes, so a run that cannot finish never leaves old files looking current;
- one run at a time per output folder (a lock file); runs with different output folders
  share nothing.
"""
from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from sinorussia.paths import data_dir, seeds_dir

DATA_DIR, SEEDS_DIR = data_dir(), seeds_dir()

from . import answers, handouts, lms, results, sandbox
from .submissions import (MAX_NOTEBOOK_BYTES, PICK_RULE, Submission, discover, pick_order, printable,
                          problem_set_of)

BASE_COLUMNS = ["file", "lms", "student", "student_id", "submission_id", "late", "problem_set", "status",
                "score", "max_score"]
JOURNAL_VERSION = 2
WORKERS = 2
INCOMPLETE = "GRADING-INCOMPLETE.txt"
LOCK = ".grading.lock"


class GradingError(RuntimeError):
    """The run cannot go on (not a problem of one submission)."""


# --- the journal ------------------------------------------------------------------------

def journal_path(out: Path) -> Path:
    """Where the rows of a run are journalled as they finish."""
    return out.with_name(out.name + ".journal.jsonl")


def journal_key(sub: Submission, problem_set: str) -> str:
    """What a journaled result is valid for: the same bytes, owner and problem set."""
    return json.dumps([printable(sub.relpath), sub.sha256, sub.student_key, problem_set])


def read_journal(path: Path) -> dict[str, dict]:
    """Entries of earlier runs by :func:`journal_key`; torn lines and other versions are ignored."""
    done = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                if entry.get("v") == JOURNAL_VERSION:
                    done[entry["key"]] = entry
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return done


class Journal:
    """Append-only JSONL of graded rows, flushed and synced after each one."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def add(self, key: str, row: dict, question_results: list) -> None:
        line = json.dumps({"v": JOURNAL_VERSION, "key": key, "row": row,
                           "results": [results.to_dict(r) for r in question_results]}, ensure_ascii=True)
        with self.lock:
            self.handle.write(line + "\n")
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


# --- planning -------------------------------------------------------------------------------

def base_row(sub: Submission) -> dict:
    """The identity part of a row."""
    return {"file": printable(sub.relpath), "lms": sub.lms, "student": printable(sub.student),
            "student_id": sub.student_id, "submission_id": sub.submission_id, "late": "yes" if sub.late else "",
            "problem_set": "", "status": "not graded", "score": "", "max_score": "", "flags": "", "notes": ""}


def read_notebook(sub: Submission) -> tuple[dict | None, str]:
    """A submission parsed as JSON data (never executed here), or why it cannot be."""
    if sub.problem:
        return None, sub.problem
    if sub.is_archive:
        return None, "a .zip archive: each file in it has a row of its own"
    if not sub.is_notebook:
        return None, "not a notebook (.ipynb)"
    try:
        raw = sub.read_bytes(MAX_NOTEBOOK_BYTES)
    except ValueError:
        return None, "notebook larger than 20 MB"
    except OSError as exc:
        return None, f"cannot be read ({type(exc).__name__})"
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not a readable notebook: its text is not UTF-8"
    except (ValueError, RecursionError) as exc:
        return None, f"not a readable notebook: not valid JSON ({type(exc).__name__})"
    if type(notebook) is not dict:
        return None, "not a readable notebook: the file is JSON but not a notebook"
    if type(notebook.get("metadata", {})) is not dict:
        return None, "not a readable notebook: its top-level metadata is not a mapping"
    if notebook.get("nbformat", 4) not in (3, 4):
        return None, f"not a readable notebook: unsupported nbformat {printable(str(notebook.get('nbformat')))[:20]}"
    cells = notebook.get("cells", notebook.get("worksheets"))
    if type(cells) is not list or not all(type(c) is dict for c in cells):
        return None, "not a readable notebook: no list of cells"
    return notebook, ""


def assignments_by_root(subs: list[Submission], sets: dict[str, str], forced: str | None, known: list[str],
                        top: str = "") -> dict[str, str]:
    """The problem set each download folder is for: ``--problem-set`` if given, else a folder
    named after a set (``top``, the name of the folder given to the grader, for files directly
    in it), else the set most of its named students (one vote each) answer. Notebooks whose
    student the LMS layout does not name vote only when no named student's notebook is there:
    a few stray files must not decide the set for a class."""
    by_root: dict[str, dict[str, set]] = {}
    named_roots = {sub.root for sub in subs if sub.relpath in sets and sub.student_key}
    for sub in subs:
        if sub.relpath in sets and (sub.student_key or sub.root not in named_roots):
            by_root.setdefault(sub.root, {}).setdefault(sets[sub.relpath], set()).add(sub.student_key or sub.relpath)
    chosen = {}
    for root, counts in by_root.items():
        leaf = Path(root).name.lower() if root else top.lower()
        if forced:
            chosen[root] = forced
        elif leaf in known:
            chosen[root] = leaf
        else:
            ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            if len(ranked) == 1 or len(ranked[0][1]) > len(ranked[1][1]):
                chosen[root] = ranked[0][0]
    return chosen


def plan(subs: list[Submission], known: list[str], forced: str | None = None,
         top: str = "") -> tuple[dict[str, dict], dict[str, str]]:
    """Rows for files that will not be run, and the problem set of each file that will.
    Never raises: a file that cannot be planned gets a row saying so."""
    rows, sets, how = {}, {}, {}
    for sub in subs:
        try:
            notebook, reason = read_notebook(sub)
            if notebook is not None:
                problem_set, told = problem_set_of(sub, notebook, known)
                if problem_set is None:
                    reason = "cannot tell which problem set this is (no problem-set metadata, unknown file name)"
                else:
                    sets[sub.relpath], how[sub.relpath] = problem_set, told
            if reason:
                rows[sub.relpath] = {**base_row(sub), "notes": reason}
        except Exception as exc:  # the grader's own failure on this file only
            rows[sub.relpath] = {**base_row(sub), "notes": f"grader error while reading: {type(exc).__name__}"}
        if sub.claims and sub.relpath in rows:
            rows[sub.relpath]["flags"] = _claim_flag(sub)
    assignment = assignments_by_root(subs, sets, forced, known, top)
    for sub in subs:
        if sub.relpath not in sets:
            continue
        expected = assignment.get(sub.root)
        if sub.student_key and expected != sets[sub.relpath]:
            other = sets.pop(sub.relpath)
            why = (f"this is the {other} problem set, but this download is for {expected}: not graded or exported "
                   f"here; ask the student to hand it in to the {other} assignment") if expected else (
                   f"this download mixes problem sets evenly, so it is not clear which assignment it is for: "
                   f"grade it with --problem-set")
            rows[sub.relpath] = {**base_row(sub), "problem_set": other, "flags": "other problem set", "notes": why}
    groups: dict[tuple[str, str], list[Submission]] = {}
    for sub in subs:
        if sub.relpath in sets and sub.student_key:
            groups.setdefault((sub.student_key, sets[sub.relpath]), []).append(sub)
    for (_, problem_set), group in groups.items():
        if len(group) < 2:
            continue
        graded, *others = pick_order(group, how, problem_set)
        listing = ", ".join(printable(s.relpath) for s in [graded, *others])
        for sub in others:
            rows[sub.relpath] = {**base_row(sub), "problem_set": sets.pop(sub.relpath), "status": "duplicate",
                                 "flags": _claim_flag(sub),
                                 "notes": f"not graded: {printable(graded.relpath)} is graded instead. "
                                          f"This submission has {len(group)} notebooks of {problem_set} ({listing}); "
                                          f"{PICK_RULE}"}
        graded.pick_note = (f"this submission has {len(group)} notebooks of {problem_set} ({listing}); "
                            f"{PICK_RULE}")
    return rows, sets


def _claim_flag(sub: Submission) -> str:
    if not sub.claims:
        return ""
    return (f"inside {printable(sub.student)}'s submission but named as another student "
            f"({printable('; '.join(dict.fromkeys(sub.claims)))}): counted for {printable(sub.student)} only")


# --- grading one file ---------------------------------------------------------------------

def _error_notes(report: dict) -> list[str]:
    notes = []
    errors = report.get("errors") if type(report) is dict else None
    for error in (errors if type(errors) is list else [])[:5]:
        if type(error) is dict and error.get("ename") != "NameError":
            notes.append(f"a cell raised {str(error.get('ename'))[:40]}")
    return notes


def parse_result(data: bytes) -> tuple[dict, bytes]:
    """The runner's report and answers JSON from the result pipe (its last complete line)."""
    for line in reversed(data.splitlines()):
        try:
            message = json.loads(line.decode("ascii"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
        if type(message) is dict and type(message.get("report")) is dict:
            return message["report"], json.dumps(message.get("answers", {})).encode("utf-8")
    return {}, b"{}"


def grade_one(sub: Submission, problem_set: str, limits: sandbox.Limits, workdir: Path,
              data: answers.Data, questions: list[handouts.Question]) -> tuple[dict, list, bool]:
    """Run one notebook in a sandbox and score its exported answers; always return a row.
    Returns (row, question results, whether the grader itself failed)."""
    row = {**base_row(sub), "problem_set": problem_set, "flags": _claim_flag(sub)}
    notes: list[str] = [sub.pick_note]
    inputs = Path(tempfile.mkdtemp(prefix="in-", dir=workdir))
    question_results: list = []
    grader_failed = False
    try:
        os.chmod(inputs, 0o755)
        copy = inputs / "submission.ipynb"
        copy.write_bytes(sub.read_bytes(MAX_NOTEBOOK_BYTES))
        os.chmod(copy, 0o644)
        names, probes = answers.extraction_spec(problem_set)
        spec = {"input": "/grader/in/submission.ipynb", "notebook": f"/scratch/{problem_set}.ipynb",
                "answers": "/scratch/.answers.json", "names": names, "probes": probes}
        (inputs / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        os.chmod(inputs / "spec.json", 0o644)
        python = str(sandbox.VENV / "bin" / "python")
        result = sandbox.run(inputs, limits, [python, "-I", "/grader/runner.py", "/grader/in/spec.json", "{fd}"])
        notes += result.notes
        report, answers_json = parse_result(result.result)
        if not report and result.output.startswith(b"bwrap:"):
            raise GradingError("the sandbox did not start: " + result.output.decode("utf-8", "replace")[:200])
        if result.timed_out:
            notes.append(f"stopped after {limits.timeout:g} s (endless loop or very slow code); "
                         "all its processes were killed")
        if result.over_limit:
            notes.append(f"stopped: it {result.over_limit}; all its processes were killed")
        if result.output_truncated:
            notes.append("printed more than 10 MB to the terminal; the rest was discarded")
        if not result.timed_out and not result.over_limit and report.get("stage") != "done":
            notes.append(f"the notebook did not run to the end (exit code {result.returncode})")
        notes += _error_notes(report)
        maxima = {q.name: q.points for q in questions if not q.manual}
        question_results = results.score(problem_set, answers_json, data, maxima)
        for q in question_results:
            row[q.question] = q.points
            if q.status == "grader error":
                grader_failed = True
                notes.append(f"{q.question}: grader error (this answer only; grade again after a fix)")
                row["flags"] = "; ".join(f for f in (row["flags"], f"grader error on {q.question}: check it by hand") if f)
            elif q.status != "correct":
                notes.append(f"{q.question}: {q.status}")
        row.update({q.name: "manual" for q in questions if q.manual})
        row.update({"status": "graded", "score": sum(q.points for q in question_results),
                    "max_score": sum(q.max_points for q in question_results), "seconds": round(result.seconds, 1)})
    except Exception as exc:  # a grader-side failure still gives the file its row
        grader_failed = True
        row["status"] = "not graded"
        notes.append(f"grader error: {type(exc).__name__}: {str(exc)[:200]} (not the student's fault; grade again)")
    finally:
        shutil.rmtree(inputs, ignore_errors=True)
    row["notes"] = "; ".join(n for n in dict.fromkeys(notes) if n)
    return row, question_results, grader_failed


# --- outputs ------------------------------------------------------------------------------------

def columns_of(rows: list[dict]) -> list[str]:
    """Gradebook columns: identity, totals, one per question, time, flags, notes."""
    questions = sorted({k for r in rows for k in r} - set(BASE_COLUMNS) - {"seconds", "flags", "notes"})
    return BASE_COLUMNS + questions + ["seconds", "flags", "notes"]


def output_paths(out: Path) -> list[Path]:
    """Everything a run writes beside the gradebook (and the gradebook)."""
    folder = out.parent
    found = [out]
    for pattern in ("canvas_*.csv", "moodle_*.csv", "report_*.html", "report_*.csv", "*-FAILED.txt"):
        found += sorted(folder.glob(pattern))
    return found + [folder / "feedback"]


def remove_stale(out: Path) -> None:
    """Remove the previous run's outputs and mark the folder as being written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for path in output_paths(out):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (out.parent / INCOMPLETE).write_text(
        f"A grading run started at {stamp} has not finished (or failed). The previous run's gradebook, "
        "LMS files, feedback and reports were removed so that nothing here looks current. "
        "Run the same command again: it resumes from the journal.\n", encoding="utf-8")


class OutputLock:
    """One grading run at a time per output folder (``flock`` on a lock file)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.handle = open(folder / LOCK, "w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.close()
            raise GradingError(f"another grading run is writing to {folder}; wait for it to finish or give "
                               "this one another --out") from None

    def release(self) -> None:
        self.handle.close()


def write_outputs(ordered: list[dict], details: list[list], out: Path, questions: dict) -> None:
    """Gradebook, LMS files, feedback files and class reports (``details``: each row's question results)."""
    from . import feedback, report

    lms.write_csv_atomically(out, columns_of(ordered), ordered)
    manual = {name: sum(q.points for q in qs if q.manual) for name, qs in questions.items()}
    lms.export(ordered, manual, out.parent)
    # Feedback and reports come after the grades are safe: a failure there is the grader's own,
    # costs no grade, and is reported beside the outputs instead of stopping the run.
    for name, write in (("feedback", lambda: feedback.write_all(ordered, details, questions, out.parent / "feedback")),
                        ("class report", lambda: report.write_all(ordered, details, questions, out.parent))):
        try:
            write()
        except Exception as exc:  # noqa: BLE001 -- any grader bug here must not cost the gradebook
            message = f"The {name} could not be written ({type(exc).__name__}: {exc}); the gradebook and LMS files are complete.\n"
            (out.parent / f"{name.replace(' ', '-').upper()}-FAILED.txt").write_text(message, encoding="utf-8")
            print(message, file=sys.stderr, end="")


# --- the run ----------------------------------------------------------------------------------

def grade_folder(folder: Path, out: Path, limits: sandbox.Limits | None = None, workers: int = WORKERS,
                 data_dir: Path = DATA_DIR, seeds_dir: Path = SEEDS_DIR, exercises: Path = handouts.EXERCISES,
                 fresh: bool = False, problem_set: str | None = None, check_sandbox: bool = True) -> list[dict]:
    """Grade every file under ``folder`` into the CSV ``out`` (plus LMS files, feedback and
    class reports beside it); return the rows. Raises :class:`GradingError` or
    :class:`sandbox.SandboxUnavailable` when the run cannot go on (the previous outputs are
    then already removed)."""
    limits = limits or sandbox.Limits()
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise GradingError(f"{folder} is not a folder")
    if check_sandbox:
        sandbox.check()
    lock = OutputLock(out.parent)
    try:
        remove_stale(out)
        masters = handouts.masters(exercises)
        known = [m.stem for m in masters]
        if problem_set is not None and problem_set not in known:
            raise GradingError(f"unknown problem set {problem_set!r}; known: {', '.join(known)}")
        questions = {m.stem: handouts.questions(m) for m in masters}
        data = answers.load_data(str(data_dir), str(seeds_dir))
        subs = discover(folder)
        rows, to_grade = plan(subs, known, problem_set, top=Path(folder).resolve().name)
        detail: dict[str, list] = {}
        journal_file = journal_path(out)
        if fresh and journal_file.exists():
            journal_file.unlink()
        done = read_journal(journal_file)
        journal = Journal(journal_file)
        workdir = Path(tempfile.mkdtemp(prefix="sinorussia-grade-run-"))
        os.chmod(workdir, 0o711)

        def work(sub: Submission) -> None:
            problem = to_grade[sub.relpath]
            row, question_results, failed = grade_one(sub, problem, limits, workdir, data, questions[problem])
            rows[sub.relpath], detail[sub.relpath] = row, question_results
            if not failed:
                journal.add(journal_key(sub, problem), row, question_results)

        try:
            pending = []
            for sub in subs:
                if sub.relpath not in to_grade:
                    continue
                previous = done.get(journal_key(sub, to_grade[sub.relpath]))
                if previous is not None:
                    rows[sub.relpath] = previous["row"]
                    detail[sub.relpath] = [results.from_dict(r) for r in previous["results"]]
                else:
                    pending.append(sub)
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                for future in [pool.submit(work, sub) for sub in pending]:
                    future.result()
        finally:
            journal.close()
            shutil.rmtree(workdir, ignore_errors=True)
        ordered = [rows[sub.relpath] for sub in subs]
        write_outputs(ordered, [detail.get(sub.relpath, []) for sub in subs], out, questions)
        (out.parent / INCOMPLETE).unlink()
        return ordered
    finally:
        lock.release()

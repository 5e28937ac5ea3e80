"""``sinorussia-grade``: the instructors' command line (``make handouts``, ``make grade``).

    sinorussia-grade handouts [--out DIR]
    sinorussia-grade grade SUBMISSIONS [--out FILE] [--timeout S] [--workers N] [--fresh] [--problem-set NAME]

Grading runs as an ordinary user (root is not needed). It stops before grading, with one
sentence, when the machine cannot run the sandbox; it exits 1 with a message when a run
cannot finish (the previous outputs are then already removed).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sinorussia.paths import data_dir, seeds_dir

DATA_DIR, SEEDS_DIR = data_dir(), seeds_dir()

from . import gradebook, handouts, sandbox


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``sinorussia-grade``."""
    p = argparse.ArgumentParser(prog="sinorussia-grade", description="Handouts and sandboxed grading of the problem sets.")
    sub = p.add_subparsers(dest="command", required=True)
    h = sub.add_parser("handouts", help="student notebooks, answer keys and autograders into _build/handouts/")
    h.add_argument("--out", type=Path, default=handouts.HANDOUTS)
    g = sub.add_parser("grade", help="grade every file under a folder (Canvas or Moodle download) into a CSV gradebook")
    g.add_argument("submissions", type=Path)
    g.add_argument("--out", type=Path, default=handouts.ROOT / "_build" / "grading" / "gradebook.csv",
                   help="the gradebook; LMS files, feedback/ and class reports go beside it (default _build/grading/)")
    g.add_argument("--timeout", type=float, default=sandbox.DEFAULT_TIMEOUT, help="seconds per submission (default 120)")
    g.add_argument("--workers", type=int, default=gradebook.WORKERS, help="submissions graded at once (default 2)")
    g.add_argument("--fresh", action="store_true", help="ignore the journal of an earlier run and grade everything again")
    g.add_argument("--problem-set", default=None,
                   help="the problem set this download is for (default: told from the folder name or the notebooks)")
    g.add_argument("--data-dir", type=Path, default=DATA_DIR)
    g.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sinorussia-grade`` console script."""
    args = parser().parse_args(argv)
    if args.command == "handouts":
        print("wrote handouts for:", ", ".join(handouts.make_handouts(args.out)))
        return 0
    try:
        rows = gradebook.grade_folder(args.submissions, args.out, sandbox.Limits(timeout=args.timeout),
                                      workers=args.workers, data_dir=args.data_dir, seeds_dir=args.seeds_dir,
                                      fresh=args.fresh, problem_set=args.problem_set)
    except sandbox.SandboxUnavailable as exc:
        print(f"Cannot grade on this machine: {exc}", file=sys.stderr)
        return 3
    except gradebook.GradingError as exc:
        print(f"Grading stopped: {exc}", file=sys.stderr)
        return 1
    except BaseException as exc:
        print(f"Grading failed ({type(exc).__name__}: {exc}). No gradebook was written and the previous run's "
              f"outputs in {args.out.parent} were removed; fix the cause and run again (it resumes).", file=sys.stderr)
        raise
    graded = sum(r["status"] == "graded" for r in rows)
    flagged = sum(bool(r.get("flags")) for r in rows)
    print(f"{len(rows)} file(s): {graded} graded, {len(rows) - graded} not graded or duplicate, {flagged} flagged "
          f"-> {args.out} (LMS files, feedback/ and class reports beside it)")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())

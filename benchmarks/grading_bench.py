"""Throughput of sandboxed grading: ``bench_grading(n)`` grades ``n`` correct submissions.

Run directly (``.venv/bin/python benchmarks/grading_bench.py [N]``) or import
``bench_grading`` from ``benchmarks/run.py``. Needs bubblewrap and unprivileged user namespaces (as ``make grade``), no root.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "tests" / "fixtures" / "submissions" / "history_correct.ipynb"


def bench_grading(n: int = 50, workers: int = 2, timeout: float = 120) -> dict:
    """Grade ``n`` copies of a correct submission (Canvas names); return seconds and checks."""
    from sinorussia_grade import gradebook, sandbox

    tmp = Path(tempfile.mkdtemp(prefix="sinorussia-grade-bench-"))
    try:
        download = tmp / "download"
        download.mkdir()
        for i in range(n):
            shutil.copyfile(CORRECT, download / f"student{i:03d}_{1000 + i}_{5000 + i}_history.ipynb")
        start = time.monotonic()
        rows = gradebook.grade_folder(download, tmp / "out" / "gradebook.csv", sandbox.Limits(timeout=timeout),
                                      workers=workers)
        seconds = time.monotonic() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    full = sum(1 for r in rows if r["status"] == "graded" and r["score"] == r["max_score"] == 10.0)
    return {"submissions": n, "workers": workers, "seconds": round(seconds, 1),
            "seconds_per_submission": round(seconds / n, 2), "full_marks": full, "cpus": os.cpu_count()}


if __name__ == "__main__":
    print(bench_grading(int(sys.argv[1]) if len(sys.argv) > 1 else 50))

"""Measure build, test and page performance of the book against its budgets.

Run with ``make bench`` (after ``make book``). It measures, on this machine, in one run:

* the execution floor: every notebook of the book executed once with nbclient, nothing else;
* a clean build (``make book`` with no cache and no ``_build/``) and its ratio to the floor;
* a no-change rebuild and a one-chapter-edited rebuild;
* the test suite, serial and with ``-n 2 --dist loadfile``, and ``make test`` as a whole;
* the printed edition (``python -m sinorussia_book.pdf`` from the built book): build time, pages, size;
* per page: HTML size, bytes of everything the page loads (as served, and gzip-compressed as a
  static host such as GitHub Pages sends them), number of requests, time until the last chart
  has drawn in headless Chromium, and the same bytes once a reader has operated every
  explorer control on the page.

``--only pages`` measures the pages alone (about a minute), ``--only pdf`` the printed edition
alone; both print their figures and budgets without rewriting the recorded results.

Every figure is the median of several runs. Results go to ``benchmarks/results.md`` (with the
machine and the date) and ``benchmarks/results.json``; each budget is printed PASS or FAIL.
The exit status is 0 even when a budget fails: budgets are reported, not enforced, because
timings on a shared machine vary (see the README).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers.site import (CHART_FIGURE, DRAWN_CHARTS_JS, EXPLORER, HTML, ROOT, block_other_hosts, launch_chromium,
                          serve, toc_pages)

OUT = ROOT / "benchmarks"
PYTHON = sys.executable
ENV = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
EDITED_CHAPTER = ROOT / "chapters" / "01_history.ipynb"
BUILD_STATE = [ROOT / "_build" / name for name in (".jupyter_cache", ".doctrees", "html", "jupyter_execute")]
#: Content types a static host compresses (fonts such as woff2 are compressed already).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
MB = 1_000_000

BUDGETS = {
    "clean_build_ratio": ("clean build / execution floor", 1.5, "×"),
    "no_change_rebuild_s": ("no-change rebuild", 10.0, "s"),
    "edit_rebuild_margin_s": ("one-chapter edit minus that chapter's floor", 10.0, "s"),
    "make_test_s": ("`make test` with dependencies installed", 300.0, "s"),
    "max_page_transfer_mb": ("heaviest page at load, gzip as a static host sends it", 0.5, "MB"),
    "max_page_raw_mb": ("heaviest page at load, uncompressed (local server)", 1.5, "MB"),
    "max_page_explorers_transfer_mb": ("heaviest page with its explorers operated, gzip", 0.7, "MB"),
    "max_page_explorers_raw_mb": ("heaviest page with its explorers operated, uncompressed", 2.0, "MB"),
    "max_chart_time_s": ("slowest page until its last chart is drawn", 1.5, "s"),
    "pdf_build_s": ("printed edition (`make pdf` after `make book`: every page printed, assembled)", 60.0, "s"),
}
PDF_REPORT = ROOT / "_build" / "pdf" / "report.json"


def timed(cmd: list[str], **kwargs) -> float:
    """Run a command (failing loudly) and return its wall time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark command failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout[-4000:]}")
    return elapsed


def book_notebooks() -> list[Path]:
    """The notebooks the book executes, in reading order."""
    found = []
    for page in toc_pages():
        notebook = ROOT / Path(page).with_suffix(".ipynb")
        if notebook.is_file():
            found.append(notebook)
    return found


def execution_floor(runs: int) -> dict[str, float]:
    """Median time to execute each notebook once with nbclient (a fresh kernel each)."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.update(PYDEVD_DISABLE_FILE_VALIDATION="1")
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        for notebook in book_notebooks():
            nb = nbformat.read(notebook, as_version=4)
            client = NotebookClient(nb, kernel_name="python3", timeout=300,
                                    resources={"metadata": {"path": str(notebook.parent)}})
            start = time.perf_counter()
            client.execute()
            samples.setdefault(str(notebook.relative_to(ROOT)), []).append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def make_book() -> float:
    return timed(["make", "--no-print-directory", "book"])


def clean_build(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        for path in BUILD_STATE:
            shutil.rmtree(path, ignore_errors=True)
        times.append(make_book())
    return times


def edit_rebuild(runs: int) -> list[float]:
    """Change one code cell of one chapter, rebuild, restore (the restore rebuild is untimed)."""
    original = EDITED_CHAPTER.read_bytes()
    times = []
    try:
        for i in range(runs):
            nb = json.loads(original)
            cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
            source = "".join(cell["source"])
            cell["source"] = source + f"\n# benchmark edit {i} {time.time_ns()}"
            EDITED_CHAPTER.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            times.append(make_book())
    finally:
        EDITED_CHAPTER.write_bytes(original)
        make_book()
    return times


def pdf_build(runs: int) -> dict:
    """Time the printed edition from the built book (``python -m sinorussia_book.pdf``, what
    ``make pdf`` runs after ``make book``); its pages and sizes from ``_build/pdf/report.json``."""
    times = [timed([PYTHON, "-m", "sinorussia_book.pdf"]) for _ in range(runs)]
    report = json.loads(PDF_REPORT.read_text(encoding="utf-8"))
    return {"seconds": times, "pages": report["book"]["pages"], "book_mb": report["book"]["bytes"] / MB,
            "chapters": {name: {"pages": c["pages"], "mb": c["bytes"] / MB} for name, c in report["chapters"].items()}}


def student_pack() -> dict:
    """Size of the student pack and the time to install it into a fresh virtualenv (pip cache warm)."""
    import tempfile
    import zipfile

    pack = ROOT / "_build" / "student-pack.zip"
    with tempfile.TemporaryDirectory(prefix="sinorussia-pack-bench-") as tmp:
        zipfile.ZipFile(pack).extractall(tmp)
        python = sys.base_prefix + "/bin/python3"
        start = time.perf_counter()
        subprocess.run([python, "-m", "venv", ".venv"], cwd=tmp, check=True)
        subprocess.run([f"{tmp}/.venv/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", "requirements.txt"], cwd=tmp, check=True)
        install_s = time.perf_counter() - start
    return {"zip_mb": pack.stat().st_size / MB, "install_s": install_s}


def grading() -> dict:
    """Sandboxed grading of 50 correct submissions on both cores (benchmarks/grading_bench.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from grading_bench import bench_grading

    return bench_grading(50)


SUITE_VARIANTS = ("serial", "parallel", "make_test")


def test_suite(runs: int, variants: tuple[str, ...] = SUITE_VARIANTS) -> dict[str, list[float]]:
    """The suite serial, parallel (``-n 2 --dist loadfile``) and as ``make test``; ``variants``
    picks some (only ``make_test`` has a budget; the serial run alone takes about twelve minutes)."""
    pytest = [PYTHON, "-m", "pytest", "-q"]
    commands = {"serial": pytest, "parallel": pytest + ["-n", "2", "--dist", "loadfile"],
                "make_test": ["make", "--no-print-directory", "test"]}
    out: dict[str, list[float]] = {name: [] for name in SUITE_VARIANTS}
    for _ in range(runs):
        for name in variants:
            out[name].append(timed(commands[name]))
    return out


def _transfer_size(content_type: str, body: bytes) -> int:
    if content_type.startswith(COMPRESSIBLE):
        return len(gzip.compress(body, compresslevel=6))
    return len(body)


def measure_page(browser, base: str, path: str) -> dict:
    """Load one page in a fresh (cold-cache) context; sizes of everything it loads and chart time."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    external = block_other_hosts(page, base)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{base}/{path}", wait_until="load")
    expected = page.locator(CHART_FIGURE).count()
    chart_ms = None
    if expected:
        handle = page.wait_for_function(
            f"{DRAWN_CHARTS_JS} >= {expected} && performance.now()",
            polling="raf", timeout=30000)
        chart_ms = handle.json_value()
    page.wait_for_load_state("networkidle")
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    at_load = len(responses)
    explorers = page.locator(EXPLORER).count()
    if explorers:  # what a reader who scrolls to the explorers and uses them downloads on top
        operate_explorers(page)
        page.wait_for_load_state("networkidle")
    sizes = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            body = b""
        sizes.append((len(body), _transfer_size(response.headers.get("content-type", ""), body)))
    context.close()
    return {"requests": at_load, "raw_bytes": sum(r for r, _ in sizes[:at_load]),
            "transfer_bytes": sum(t for _, t in sizes[:at_load]), "charts": expected, "chart_ms": chart_ms,
            "load_ms": load_ms, "external": len(external), "explorers": explorers,
            "with_explorers_raw_bytes": sum(r for r, _ in sizes),
            "with_explorers_transfer_bytes": sum(t for _, t in sizes)}


def operate_explorers(page) -> None:
    """Scroll to each explorer and set each of its controls to its last option."""
    for select in page.locator(f"{EXPLORER} select").all():
        select.scroll_into_view_if_needed()
        select.select_option(index=select.locator("option").count() - 1)


def page_metrics(runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve() as base, sync_playwright() as p:
        browser = launch_chromium(p)
        for path in toc_pages():
            samples = [measure_page(browser, base, path) for _ in range(runs)]
            row = {"page": path, "html_bytes": (HTML / path).stat().st_size}
            for key in ("requests", "raw_bytes", "transfer_bytes", "charts", "load_ms", "external", "explorers",
                        "with_explorers_raw_bytes", "with_explorers_transfer_bytes"):
                row[key] = statistics.median(s[key] for s in samples)
            chart_times = [s["chart_ms"] for s in samples if s["chart_ms"] is not None]
            row["chart_ms"] = statistics.median(chart_times) if chart_times else None
            rows.append(row)
        browser.close()
    return rows


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "platform": platform.platform(),
            "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "chromium": chromium}


def _build_measures(r: dict) -> dict:
    if not {"execution_floor_s", "clean_build_s", "no_change_rebuild_s", "edit_rebuild_s"} <= set(r):
        return {}
    floor_total = sum(r["execution_floor_s"].values())
    chapter_floor = r["execution_floor_s"][str(EDITED_CHAPTER.relative_to(ROOT))]
    return {
        "clean_build_ratio": statistics.median(r["clean_build_s"]) / floor_total,
        "no_change_rebuild_s": statistics.median(r["no_change_rebuild_s"]),
        "edit_rebuild_margin_s": statistics.median(r["edit_rebuild_s"]) - chapter_floor,
    }


def _page_measures(pages: list[dict]) -> dict:
    chart_times = [p["chart_ms"] for p in pages if p["chart_ms"] is not None]
    return {
        "max_page_transfer_mb": max(p["transfer_bytes"] for p in pages) / MB,
        "max_page_raw_mb": max(p["raw_bytes"] for p in pages) / MB,
        "max_page_explorers_transfer_mb": max(p["with_explorers_transfer_bytes"] for p in pages) / MB,
        "max_page_explorers_raw_mb": max(p["with_explorers_raw_bytes"] for p in pages) / MB,
        "max_chart_time_s": max(chart_times) / 1000 if chart_times else 0.0,
    }


def verdicts(r: dict) -> dict[str, dict]:
    """Each budget's measured value and PASS, FAIL or SKIPPED (not measured in this run)."""
    measured = {**_build_measures(r), **(_page_measures(r["pages"]) if "pages" in r else {})}
    suite = r.get("test_suite_s", {})
    measured["make_test_s"] = statistics.median(suite["make_test"]) if suite.get("make_test") else None
    measured["pdf_build_s"] = statistics.median(r["pdf"]["seconds"]) if r.get("pdf") else None
    out = {}
    for key, (label, limit, unit) in BUDGETS.items():
        value = measured.get(key)
        status = "SKIPPED" if value is None else ("PASS" if value <= limit else "FAIL")
        out[key] = {"label": label, "limit": limit, "unit": unit, "value": value, "status": status}
    return out


def _fmt(value, unit="", digits=1):
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def write_markdown(r: dict) -> str:
    m, v = r["machine"], r["verdicts"]
    floor_total = sum(r["execution_floor_s"].values())
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`); do not edit by hand. Every time is the median",
        f"of {r['runs']} runs (test suite: {r['test_runs']} run(s)); raw samples are in `results.json`.",
        "",
        f"- Date: {m['date']}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['platform']}",
        f"- Python {m['python']}; {m['chromium']}",
        "",
        "## Budgets",
        "",
        "| Budget | Limit | Measured | Result |",
        "|---|---|---|---|",
    ]
    for item in v.values():
        lines.append(f"| {item['label']} | {item['limit']:g} {item['unit']} | {_fmt(item['value'], ' ' + item['unit'], 2)} "
                     f"| **{item['status']}** |")
    suite = r["test_suite_s"]
    lines += [
        "",
        "## Build and test times",
        "",
        "| What | Median (s) | Samples (s) |",
        "|---|---|---|",
        f"| Execution floor (all {len(r['execution_floor_s'])} notebooks, nbclient) | {floor_total:.1f} | per notebook below |",
    ]
    for label, key in (("Clean build (`make book`, empty `_build/`)", "clean_build_s"),
                       ("No-change rebuild (`make book`)", "no_change_rebuild_s"),
                       (f"Rebuild after editing a code cell of `{EDITED_CHAPTER.relative_to(ROOT)}`", "edit_rebuild_s")):
        samples = r[key]
        lines.append(f"| {label} | {statistics.median(samples):.1f} | {', '.join(f'{s:.1f}' for s in samples)} |")
    for label, key in (("Test suite, serial (`pytest`)", "serial"), ("Test suite, `pytest -n 2 --dist loadfile`", "parallel"),
                       ("`make test` (no-change build + parallel suite)", "make_test")):
        samples = suite[key]
        if samples:
            lines.append(f"| {label} | {statistics.median(samples):.1f} | {', '.join(f'{s:.1f}' for s in samples)} |")
    pdf = r.get("pdf")
    if pdf:
        lines.append(f"| Printed edition (`python -m sinorussia_book.pdf`: {pdf['pages']} pages, {pdf['book_mb']:.1f} MB, "
                     f"and {len(pdf['chapters'])} chapter PDFs) | {statistics.median(pdf['seconds']):.1f} "
                     f"| {', '.join(f'{s:.1f}' for s in pdf['seconds'])} |")
    pack, grade = r.get("student_pack"), r.get("grading")
    if pack:
        lines.append(f"| Student pack: install into a fresh venv (pip cache warm; zip {pack['zip_mb']:.2f} MB) "
                     f"| {pack['install_s']:.1f} | 1 run |")
    if grade:
        lines.append(f"| Sandboxed grading of {grade['submissions']} correct submissions ({grade['workers']} workers; "
                     f"{grade['full_marks']} full marks) | {grade['seconds']:.1f} | {grade['seconds_per_submission']:.2f} s each |")
    lines += ["", "Notebooks are executed once per `make test` (by nbval); the book renders their stored outputs,",
              "so a clean build executes nothing (before this change a clean build executed every notebook and",
              "nbval executed them again).", ""]
    lines += ["", "### Execution floor per notebook", "", "| Notebook | Seconds |", "|---|---|"]
    lines += [f"| `{name}` | {secs:.2f} |" for name, secs in r["execution_floor_s"].items()]
    lines += [""] + page_table(r["pages"])
    text = "\n".join(lines) + "\n"
    (OUT / "results.md").write_text(text, encoding="utf-8")
    return text


def page_table(pages: list[dict]) -> list[str]:
    """The per-page section of the results (markdown lines)."""
    lines = [
        "## Pages",
        "",
        "Cold cache, one fresh browser context per load, local server on 127.0.0.1. *Raw* is what the",
        "page loads uncompressed; *gzip* is what a static host that compresses text (GitHub Pages,",
        "Netlify, nginx with gzip) transfers. *Charts drawn* is the time from navigation until the",
        "last chart's marks are in the page. The explorers are static HTML in the page with a 2 KB",
        "switcher; the last two columns are the totals after a reader has operated every explorer control.",
        "",
        "| Page | HTML (KB) | Requests | Raw (KB) | gzip (KB) | Charts | Charts drawn (ms) | Load event (ms) "
        "| Explorers | + explorers raw (KB) | + explorers gzip (KB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in pages:
        lines.append(f"| `{p['page']}` | {p['html_bytes'] / 1000:.0f} | {p['requests']:.0f} | {p['raw_bytes'] / 1000:.0f} "
                     f"| {p['transfer_bytes'] / 1000:.0f} | {p['charts']:.0f} | {_fmt(p['chart_ms'], '', 0)} | {p['load_ms']:.0f} "
                     f"| {p['explorers']:.0f} | {p['with_explorers_raw_bytes'] / 1000:.0f} "
                     f"| {p['with_explorers_transfer_bytes'] / 1000:.0f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per build and page measurement (median taken)")
    parser.add_argument("--test-runs", type=int, default=1, help="runs of each test-suite variant (0 skips them)")
    parser.add_argument("--suite", default=",".join(SUITE_VARIANTS),
                        help="test-suite variants to run, comma-separated: serial, parallel, make_test (default: all)")
    parser.add_argument("--only", choices=["pages", "pdf"], help="measure only this part; print it, keep the recorded results")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.suite.split(",")) - set(SUITE_VARIANTS))
    if unknown:
        parser.error(f"--suite: unknown variant(s) {', '.join(unknown)}; choose from {', '.join(SUITE_VARIANTS)}")

    results: dict = {"machine": machine(), "runs": args.runs, "test_runs": args.test_runs}
    steps = [
        ("execution floor", lambda: results.__setitem__("execution_floor_s", execution_floor(args.runs))),
        ("clean builds", lambda: results.__setitem__("clean_build_s", clean_build(args.runs))),
        ("no-change rebuilds", lambda: results.__setitem__("no_change_rebuild_s", [make_book() for _ in range(args.runs)])),
        ("one-chapter edits", lambda: results.__setitem__("edit_rebuild_s", edit_rebuild(args.runs))),
        ("pages in Chromium", lambda: results.__setitem__("pages", page_metrics(args.runs))),
        ("printed edition", lambda: results.__setitem__("pdf", pdf_build(args.runs))),
        ("student pack", lambda: results.__setitem__("student_pack", student_pack())),
        ("grading 50 submissions", lambda: results.__setitem__("grading", grading())),
        ("test suite", lambda: results.__setitem__("test_suite_s", test_suite(args.test_runs, tuple(args.suite.split(","))))),
    ]
    if args.only:
        steps = [step for step in steps if step[0] == {"pages": "pages in Chromium", "pdf": "printed edition"}[args.only]]
    for name, step in steps:
        start = time.perf_counter()
        print(f"bench: {name} ...", flush=True)
        step()
        print(f"bench: {name} done in {time.perf_counter() - start:.0f} s", flush=True)
    results["verdicts"] = verdicts(results)
    if args.only:
        if "pages" in results:
            print("\n".join(page_table(results["pages"])))
        if "pdf" in results:
            print(json.dumps(results["pdf"], indent=1))
        for item in results["verdicts"].values():
            if item["status"] != "SKIPPED":
                print(f"{item['status']:7} {item['label']}: {_fmt(item['value'], ' ' + item['unit'], 2)} "
                      f"(limit {item['limit']:g} {item['unit']})")
        return 0
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_markdown(results)
    for item in results["verdicts"].values():
        print(f"{item['status']:7} {item['label']}: {_fmt(item['value'], ' ' + item['unit'], 2)} (limit {item['limit']:g} {item['unit']})")
    print(f"Written: {(OUT / 'results.md').relative_to(ROOT)}, {(OUT / 'results.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

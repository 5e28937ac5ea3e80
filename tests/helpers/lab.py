"""JupyterLab as a student meets it: started with `make lab` (127.0.0.1, a token; the chapters
rendered into _build/lab as the book reads them) and driven
in Chromium through Playwright, with every request to another host blocked and counted.

Used by ``tests/test_lab.py`` and by ``python tests/helpers/lab.py screenshot CHAPTER`` (a
reviewer's screenshot of a chapter running in JupyterLab)."""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path = ROOT, timeout: float = 60) -> Iterator[str]:
    """Run JupyterLab on 127.0.0.1 in ``root``; yield its base URL with the token."""
    port, token = _free_port(), secrets.token_hex(16)
    # exactly the documented command, `make lab`, with a port, a token and no browser added
    args = f"--no-browser --ServerApp.port={port} --IdentityProvider.token={token}"
    cmd = ["make", "--no-print-directory", "-C", str(root), "lab", f"LAB_ARGS={args}"]
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / "_build" / "lab-config")}
    log = open(root / "_build" / f"lab-{port}.log", "w")
    server = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; see {log.name}")
                time.sleep(0.5)
        yield f"{base}|{token}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the JupyterLab it started
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def open_notebook(browser, lab: str, notebook: str, width: int = 1280, context=None):
    """A page showing ``notebook`` (path from the root) in JupyterLab; returns (page, foreign requests)."""
    base, token = lab.split("|")
    context = context or browser.new_context(viewport={"width": width, "height": 900})
    foreign: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(f"{base}/lab/tree/{notebook}?token={token}&reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    return page, foreign


def wait_rendered(page, timeout_ms: int = 60_000) -> None:
    """Wait until every Markdown cell has rendered its MyST and every chart has drawn."""
    page.wait_for_function("""() => {
        const md = [...document.querySelectorAll('.jp-MarkdownCell')];
        return md.length > 0 && md.every(c => c.querySelector('.myst') || c.querySelector('.jp-RenderedMarkdown'))
            && [...document.querySelectorAll('.jp-OutputArea-output .vega-embed')].every(v => v.querySelector('.marks'));
    }""", timeout=timeout_ms)
    page.wait_for_timeout(1000)


#: What the student sees of a notebook's prose and charts, read in the page (see ``tests/test_lab.py``).
STATE_JS = """() => {
  const prose = [...document.querySelectorAll('.jp-MarkdownCell .myst')];
  const text = prose.map(e => e.innerText).join('\\n');
  const unlinked = prose.map(e => { const c = e.cloneNode(true); c.querySelectorAll('a').forEach(a => a.replaceWith(' ')); return c.textContent; }).join('\\n');
  const links = [...document.querySelectorAll('.jp-MarkdownCell .myst a abbr')]
      .map(a => ({shown: a.innerText.trim(), tip: a.getAttribute('aria-label') || '', href: a.closest('a').getAttribute('href') || ''}));
  const solutions = [...document.querySelectorAll('.jp-MarkdownCell .myst details')];
  return {
    text,
    all_text: prose.map(e => e.textContent).join('\\n'),
    unlinked,
    links,
    solutions: solutions.length,
    open_solutions: solutions.filter(d => d.open).length,
    visible_solution_text: solutions.filter(d => d.getBoundingClientRect().height >
        d.querySelector('summary').getBoundingClientRect().height + 8).length,
    exercise_titles: [...document.querySelectorAll('.jp-MarkdownCell .myst aside.myst-exercise .myst-exercise-title')]
        .map(t => t.innerText.trim()),
    charts: document.querySelectorAll('.jp-OutputArea-output .vega-embed > .chart-wrapper > .marks, .jp-OutputArea-output .vega-embed > .marks').length,
    images: document.querySelectorAll('.jp-OutputArea-output img').length,
  };
}"""


def notebook_state(page) -> dict:
    """The prose, its links with a hover text (markers, citations, terms), solutions, exercise
    titles and charts a student sees (:data:`STATE_JS`)."""
    return page.evaluate(STATE_JS)


TOOLTIP_JS = ("() => { const t = document.querySelector('#vg-tooltip-element');"
              " return t && t.classList.contains('visible') ? t.innerText : ''; }")


MARKS = "g.mark-symbol > path, g.mark-rect > path, g.mark-arc > path"


def find_mark(page, chart) -> tuple[float, float, str] | None:
    """A mark of ``chart`` (drawn as SVG) under which Vega shows a tooltip: ``(x, y, tooltip
    text)`` of the first such mark among the first 30, or ``None``."""
    chart.scroll_into_view_if_needed()
    marks = chart.locator(MARKS)
    for k in range(min(marks.count(), 30)):
        box = marks.nth(k).bounding_box()
        if not box or box["width"] < 2 or box["height"] < 2:
            continue
        # the centre, then near a corner (a label drawn over the centre may take the pointer)
        for point in ((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
                      (box["x"] + min(3, box["width"] / 4), box["y"] + min(3, box["height"] / 4))):
            page.mouse.move(point[0] - 3, point[1] - 3)
            page.mouse.move(*point, steps=3)
            tip = page.evaluate(TOOLTIP_JS)
            if tip:
                return (*point, tip)
    return None


def chart_controls_change_charts(page) -> list[tuple[int, str, bool]]:
    """For every chart with a control (drop-down, slider, radio button bound to it, or else a
    click selection on its marks): use it and report ``(chart index, control, whether the
    drawing changed)``. Charts with no control are left out."""
    results = []
    charts = page.locator(".jp-OutputArea-output .vega-embed")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        before = _drawing(chart)
        if chart.locator(".vega-bindings select").count():
            select = chart.locator(".vega-bindings select").first
            options = select.locator("option").all()
            select.select_option(index=len(options) - 1)
            kind = "drop-down"
        elif chart.locator(".vega-bindings input[type=range]").count():
            slider = chart.locator(".vega-bindings input[type=range]").first
            slider.evaluate("e => { e.value = e.max; e.dispatchEvent(new Event('input', {bubbles: true})); }")
            kind = "slider"
        elif chart.locator(".vega-bindings input[type=radio]").count():
            chart.locator(".vega-bindings input[type=radio]").last.check()
            kind = "radio"
        else:
            mark = find_mark(page, chart)
            if not mark:
                continue
            page.mouse.move(5, 5)
            page.wait_for_timeout(200)
            before = _drawing(chart)
            page.mouse.click(mark[0], mark[1])
            kind = "click"
        page.wait_for_timeout(500)
        after = _drawing(chart)
        if kind == "click" and after == before:
            continue  # a chart whose marks only show tooltips has no click control
        results.append((i, kind, after != before))
    return results


def _drawing(chart) -> str:
    """What a Vega chart shows: its canvas's pixels (JupyterLab draws Vega on a canvas) or its SVG."""
    return chart.locator("svg.marks, canvas.marks").first.evaluate(
        "m => m.tagName === 'CANVAS' ? m.toDataURL() : m.innerHTML")


def chart_tooltip(page) -> str:
    """The tooltip of the first chart mark that shows one (:func:`find_mark`); '' if none does."""
    charts = page.locator(".jp-OutputArea-output .vega-embed")
    for index in range(charts.count()):
        mark = find_mark(page, charts.nth(index))
        if mark:
            return mark[2]
    return ""


def run_all_cells(page, timeout_s: float = 120) -> None:
    """Run ▸ Run All Cells, then wait until the kernel is idle and every cell has run."""
    page.wait_for_function("() => document.querySelector('.jp-StatusBar-Widget') && "
                           "document.body.innerText.includes('| Idle')", timeout=60_000)
    page.locator(".jp-Notebook").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pending = page.evaluate(
            "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
            ".filter(p => /\\[\\*\\]|\\[ \\]/.test(p.textContent)).length")
        if pending == 0:
            return
        time.sleep(0.5)
    raise TimeoutError(f"cells still running after {timeout_s} s")


if __name__ == "__main__":  # python tests/helpers/lab.py screenshot chapters/02_energy.ipynb
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from site import launch_chromium  # noqa: E402  (tests/helpers/site.py)

    notebook = sys.argv[2]
    out = ROOT / "_build" / "screenshots" / "jupyterlab"
    out.mkdir(parents=True, exist_ok=True)
    with jupyterlab() as lab, sync_playwright() as p:
        browser = launch_chromium(p)
        page, foreign = open_notebook(browser, lab, notebook)
        run_all_cells(page)
        target = out / (Path(notebook).stem + ".png")
        page.screenshot(path=str(target), full_page=False)
        print(f"{target} (requests to other hosts blocked: {len(foreign)})")

"""JupyterLab as a student meets it: started with `make lab` (127.0.0.1, a token) and driven
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


def open_notebook(browser, lab: str, notebook: str, width: int = 1280):
    """A page showing ``notebook`` (path from the root) in JupyterLab; returns (page, foreign requests)."""
    base, token = lab.split("|")
    context = browser.new_context(viewport={"width": width, "height": 900})
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

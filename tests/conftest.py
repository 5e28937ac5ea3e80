"""Shared fixtures: project paths, the built book served on 127.0.0.1, a Chromium browser."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.site import HTML, ROOT, launch_chromium, serve, toc_pages  # noqa: F401 (re-exported to tests)


@pytest.fixture(scope="session")
def built_book() -> Path:
    if not (HTML / "index.html").is_file():
        pytest.fail("The book is not built: run `make book` (make test does it first).")
    return HTML


@pytest.fixture(scope="session")
def book_server(built_book):
    with serve(built_book) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            b = launch_chromium(p)
        except FileNotFoundError as e:
            pytest.fail(str(e))
        yield b
        b.close()

"""Unit tests of the chapters' package: generated pages, import weight
(self-checks: test_selfcheck.py; charts: test_charts.py; explorers: test_explorers.py; data: test_data.py)."""
from __future__ import annotations

from sinorussia_book import pages


def test_glossary_page_is_current():
    assert pages.main(["--check"]) == 0, "run `python -m sinorussia_book.pages`"


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, sinorussia; print('frictionless' in sys.modules, 'altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"

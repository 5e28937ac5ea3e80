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


def test_kernels_do_not_build_the_slow_iri_parsers():
    """Altair and nbformat import jsonschema, which loads an IRI checker at import. Without `rfc3987`
    it loads `rfc3987_syntax`, whose import builds ~35 Earley parsers: about 1 s of CPU in every kernel,
    `jupyter execute` and graded submission (a chapter's execution took 4.5 s instead of 1.7 s)."""
    import subprocess
    import sys

    code = "import sys, altair, nbformat; print(sorted(m for m in ('rfc3987', 'rfc3987_syntax') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['rfc3987']", f"jsonschema loaded {out.strip()}: is rfc3987 (pyproject.toml) installed?"

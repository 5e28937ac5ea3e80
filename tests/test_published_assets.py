"""The book's own CSS and JavaScript as the build publishes them: comment lines and
indentation removed (readers download them on every page), code untouched, vendor files as
they are (sinorussia_book.offline.published_text)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from sinorussia_book import offline

OWN = sorted(p for p in offline.ASSETS.rglob("*") if p.suffix in (".css", ".js"))


def test_a_comment_beside_code_is_kept_with_its_code(tmp_path):
    source = offline.ASSETS / "example-for-test.css"
    text = "/* a */ color: red;\n/* b */\nx {}\n  // line\nvar u = \"http://x\"; // tail\n/* multi\n line */\ny {}\n"
    assert offline.OWN_COMMENT.sub("", text) == "/* a */ color: red;\nx {}\nvar u = \"http://x\"; // tail\ny {}\n"
    assert not source.exists()


@pytest.mark.parametrize("path", OWN, ids=[p.name for p in OWN])
def test_own_assets_keep_every_code_line(path):
    """Every line that is not a comment line survives, only without its indentation."""
    published = offline.published_text(path).decode("utf-8").splitlines()
    original = offline.OWN_COMMENT.sub("", path.read_text(encoding="utf-8")).splitlines()
    assert published == [line.lstrip(" \t") for line in original]
    assert len(published) < len(path.read_text(encoding="utf-8").splitlines()) or "/*" not in path.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is installed by `make setup`")
@pytest.mark.parametrize("path", [p for p in OWN if p.suffix == ".js"], ids=lambda p: p.name)
def test_published_scripts_still_parse(path, tmp_path):
    out = tmp_path / path.name
    out.write_bytes(offline.published_text(path))
    result = subprocess.run(["node", "--check", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_vendor_files_are_published_as_they_are(tmp_path):
    vendor = tmp_path / "vendor.min.js"
    vendor.write_text("/* licence */\nvar a=1;\n", encoding="utf-8")
    assert offline.published_text(vendor) == vendor.read_bytes()

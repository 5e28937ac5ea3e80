"""The student pack works without the repository: unzipped into an empty folder and
installed into a fresh virtualenv with its own three README steps, it runs every chapter
and every problem-set handout. (pip may use its cache; nothing is read from the repo.)"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "_build" / "student-pack.zip"
FORBIDDEN = ("jupyter-book", "playwright", "sphinx", "otter-grader", "frictionless", "pytest")


@pytest.fixture(scope="module")
def pack() -> Path:
    if not PACK.is_file():
        pytest.fail("no _build/student-pack.zip: run `make student-pack` (make book and make test do it)")
    return PACK


def test_pack_holds_what_a_student_needs_and_nothing_else(pack):
    names = zipfile.ZipFile(pack).namelist()
    assert {"README.md", "requirements.txt"} <= set(names)
    assert any(n.startswith("chapters/") and n.endswith(".ipynb") for n in names)
    assert any(n.startswith("problem-sets/") for n in names), "no handouts in the pack"
    assert "data/datapackage.json" in names
    wheels = [n for n in names if n.startswith("wheels/") and n.endswith(".whl")]
    assert len(wheels) == 1
    assert not any(n.startswith(("seeds/", "exercises/", "sinorussia_grade", "sinorussia_book")) for n in names), \
        "answer keys, masters, seeds or instructor tools leaked into the student pack"
    requirements = zipfile.ZipFile(pack).read("requirements.txt").decode().lower()
    for package in FORBIDDEN:
        assert f"\n{package}==" not in requirements, f"{package} is not needed to run notebooks"
    readme = zipfile.ZipFile(pack).read("README.md").decode()
    commands = [line.strip() for line in readme.splitlines() if line.startswith("       ")]
    assert commands == ["python -m venv .venv", "pip install -r requirements.txt", "jupyter lab"]


def test_pack_chapters_read_like_the_book(pack):
    """The chapters are the rendered copies (sinorussia_book/notebooks.py): no role JupyterLab
    cannot show, numbers stored, and every page a link leads to is in the pack."""
    with zipfile.ZipFile(pack) as z:
        names = set(z.namelist())
        assert {"appendix/glossary.ipynb", "appendix/bibliography.ipynb"} <= names
        assert any(n.startswith("appendix/sources/") and n.endswith(".ipynb") for n in names)
        chapters = [n for n in names if n.startswith("chapters/") and n.endswith(".ipynb")]
        assert len(chapters) == len(list((ROOT / "chapters").glob("*.ipynb")))
        for name in chapters:
            cells = json.loads(z.read(name))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
            for role in ("{evidence}", "{cite}", "{term}", "{doc}", "{solution-start}", "{exercise-start}"):
                assert role not in text, f"{name}: {role} left for JupyterLab"
            assert any(c["metadata"].get("user_expressions") for c in cells if c["cell_type"] == "markdown"), name
            for target in set(re.findall(r"\]\(\.\./([\w/]+\.ipynb)", text)):
                assert target in names, f"{name} links to {target}, which is not in the pack"


def test_pack_has_no_solutions(pack):
    with zipfile.ZipFile(pack) as z:
        for name in z.namelist():
            if name.startswith("problem-sets/"):
                text = z.read(name).decode()
                assert "# SOLUTION" not in text and "BEGIN SOLUTION" not in text, name
                hidden = [t for t in json.loads(text)["metadata"].get("otter", {}).get("tests", {}).values()
                          if "hidden=True" in t]
                assert not hidden, f"{name} carries hidden tests"


def _run(cmd, cwd, env, timeout=900):
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def test_pack_installs_and_runs_every_notebook_in_a_fresh_venv(pack, tmp_path):
    folder = tmp_path / "pack"
    zipfile.ZipFile(pack).extractall(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINORUSSIA", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env["HOME"] = os.environ.get("HOME", str(tmp_path))
    python = sys.base_prefix + "/bin/python3"
    _run([python, "-m", "venv", ".venv"], folder, env)
    venv = folder / ".venv" / "bin"
    _run([str(venv / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          "-r", "requirements.txt"], folder, env)
    leaked = _run([str(venv / "python"), "-c", "import sinorussia, sys; print(sinorussia.__file__)"], folder, env)
    assert str(folder) in leaked.stdout and str(ROOT) not in leaked.stdout
    # `jupyter lab` in the pack reads the same settings as `make lab` (no news prompt)
    settings = folder / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.is_file(), "the wheel did not install JupyterLab's overrides.json into the venv"
    assert json.loads(settings.read_text()) == json.loads((ROOT / ".jupyter-lab" / "overrides.json").read_text())
    paths = _run([str(venv / "jupyter"), "lab", "paths"], folder, env).stdout
    assert str(folder / ".venv" / "share" / "jupyter" / "lab") in paths
    for notebook in sorted((folder / "chapters").glob("*.ipynb")) + sorted((folder / "problem-sets").glob("*.ipynb")):
        _run([str(venv / "jupyter"), "execute", "--inplace", notebook.name], notebook.parent, env)


def test_pack_is_byte_reproducible(pack, tmp_path):
    """Built again from the same sources, the pack is the same file (fixed zip and wheel times,
    cell ids from the cells' text): an unchanged book does not hand students a 'new' pack."""
    from sinorussia_book import student_pack

    again = student_pack.build_pack(tmp_path / "again.zip")
    assert again.read_bytes() == pack.read_bytes(), "the pack changed although its sources did not"

"""The student pack works without the repository: unzipped into an empty folder and
installed into a fresh virtualenv with its own three README steps, it runs every chapter
and every problem-set handout. (pip may use its cache; nothing is read from the repo.)"""
from __future__ import annotations

import json
import os
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
    for notebook in sorted((folder / "chapters").glob("*.ipynb")) + sorted((folder / "problem-sets").glob("*.ipynb")):
        _run([str(venv / "jupyter"), "execute", "--inplace", notebook.name], notebook.parent, env)

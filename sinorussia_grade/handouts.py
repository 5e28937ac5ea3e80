"""Problem-set masters and the handouts made from them with Otter-Grader's ``otter assign``.

``sinorussia-grade handouts`` (``make handouts``) writes, under ``_build/handouts/``:

- ``student/<set>.ipynb``: what students get (no solutions, no tests): ``grader.check(...)``
  compares an answer with hashes of the accepted answers stored in the notebook's metadata
  (:func:`sinorussia_grade.answers.handout_checks`, computed from ``data/``);
- ``answer_keys/<set>.ipynb``: the solutions, points per part, marking rubrics and grade
  descriptors; each auto-graded question's self-check runs the grader's own scoring;
- ``autograder/<set>-autograder.zip``: Otter's tests, kept for reference. Official scores
  do not come from them but from :mod:`sinorussia_grade.answers`.
"""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile

import yaml
from dataclasses import dataclass
from pathlib import Path

from sinorussia.handout import METADATA_KEY
from sinorussia.paths import data_dir, project_root, seeds_dir

ROOT = project_root()

EXERCISES = ROOT / "exercises"
HANDOUTS = ROOT / "_build" / "handouts"
OTTER = Path(sys.executable).with_name("otter")


@dataclass(frozen=True)
class Question:
    """One question of a problem set as declared in its master."""

    name: str
    points: float
    manual: bool


def masters(exercises: Path = EXERCISES) -> list[Path]:
    """The problem-set masters (one per theme chapter)."""
    return sorted(exercises.glob("*.ipynb"))


def questions(master: Path) -> list[Question]:
    """The questions of a master, in order, from its ``# BEGIN QUESTION`` raw cells."""
    found = []
    for cell in json.loads(master.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "raw" and text.startswith("# BEGIN QUESTION"):
            fields = yaml.safe_load(text.split("\n", 1)[1]) or {}  # Otter's question config is YAML
            found.append(Question(str(fields["name"]), float(fields.get("points", 1)), fields.get("manual") is True))
    return found


OTTER_INIT = "import otter"


def without_otter(student: Path, target: Path, checks: dict | None = None) -> None:
    """Copy a student handout with Otter's init cell replaced by the book's light checker
    (:mod:`sinorussia.handout`), so that students need no Otter install. Otter's test code is
    removed from the metadata; ``checks`` (what each question checks and hashes of the accepted
    answers, from :func:`sinorussia_grade.answers.handout_checks`) takes its place."""
    nb = json.loads(student.read_text(encoding="utf-8"))
    otter_meta = nb.get("metadata", {}).get("otter")
    if isinstance(otter_meta, dict):
        otter_meta.pop("tests", None)
    if checks is not None:
        nb.setdefault("metadata", {})[METADATA_KEY] = {"checks": checks}
    replaced = 0
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and OTTER_INIT in text and "otter.Notebook(" in text:
            cell["source"] = [line.replace("import otter", "from sinorussia.handout import Notebook")
                              .replace("otter.Notebook(", "Notebook(")
                              .replace("# Initialize Otter", "# Feedback: grader.check(...) tells you whether an answer is right (sinorussia.handout)")
                              for line in cell["source"]]
            replaced += 1
    if replaced != 1:
        raise RuntimeError(f"{student.name}: expected one Otter init cell, found {replaced}")
    write_if_changed(target, notebook_text(nb, student.stem))


def notebook_text(nb: dict, stem: str) -> str:
    """A notebook as reproducible text: cell ids derived from the problem set, the cell's place
    and its source (``otter assign`` draws new random ids on every run)."""
    for index, cell in enumerate(nb.get("cells", [])):
        source = "".join(cell.get("source", ""))
        cell["id"] = f"{stem[:20]}-{index:03d}-" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write_if_changed(target: Path, text: str | bytes) -> bool:
    """Write ``target`` only when its bytes change (a handout already given out keeps its
    timestamp and its bytes when nothing in it changed)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if target.exists() and target.read_bytes() == data:
        return False
    target.write_bytes(data)
    return True


def reproducible_zip(source: Path) -> bytes:
    """The autograder zip rebuilt with sorted entries, a fixed timestamp and fixed permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for name in sorted(old.namelist()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, old.read(name))
    return buffer.getvalue()


def make_handouts(out: Path = HANDOUTS) -> list[str]:
    """Run ``otter assign`` on every master; return the problem-set names. The student copies carry
    hashed checks computed from ``data/`` (never the expected answers)."""
    from . import answers

    data = answers.load_data(str(data_dir()), str(seeds_dir()))
    names = []
    for sub in ("student", "answer_keys", "autograder"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for master in masters():
        with tempfile.TemporaryDirectory(prefix="sinorussia-handouts-") as tmp:
            work = Path(tmp) / master.name
            shutil.copyfile(master, work)
            result = subprocess.run([str(OTTER), "assign", str(work), str(Path(tmp) / "dist")],
                                    capture_output=True, text=True, cwd=tmp)
            if result.returncode != 0:
                raise RuntimeError(f"otter assign failed for {master.name}:\n{result.stderr[-2000:]}")
            dist = Path(tmp) / "dist"
            without_otter(dist / "student" / master.name, out / "student" / master.name,
                          answers.handout_checks(master.stem, data))
            key = json.loads((dist / "autograder" / master.name).read_text(encoding="utf-8"))
            write_if_changed(out / "answer_keys" / master.name, notebook_text(key, master.stem))
            (zip_file,) = (dist / "autograder").glob("*.zip")
            write_if_changed(out / "autograder" / f"{master.stem}-autograder.zip", reproducible_zip(zip_file))
        names.append(master.stem)
    return names

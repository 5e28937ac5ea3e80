"""The student pack: everything a student needs to run the chapters and problem sets in
JupyterLab, without the repository, make, Node or the book's build tools.

``python -m sinorussia_book.student_pack --out _build/student-pack.zip`` (``make
student-pack``) writes a zip holding:

- ``chapters/`` — the chapter notebooks with their stored outputs, as JupyterLab should show
  them: the copies :mod:`sinorussia_book.notebooks` renders (evidence markers with their
  quotes, citations, glossary terms, numbers before any cell runs, the book's exercise
  numbers, collapsed solutions, interactive charts);
- ``appendix/`` — the pages those copies link to, as notebooks: the source reader (the
  passages the markers open), the glossary and the bibliography;
- ``problem-sets/`` — the student handouts (from ``make handouts``), if built;
- ``data/`` — the curated tables and their schema (the package finds them there);
- ``wheels/sinorussia-<version>-py3-none-any.whl`` — the chapters' package only
  (no Sphinx extension, no grading tools), with JupyterLab's settings of ``make lab``
  (``.jupyter-lab/overrides.json``: no news prompt) as a data file that pip installs into
  the environment's ``share/jupyter/lab/settings/``, where JupyterLab reads it;
- ``requirements.txt`` — ``requirements-student.txt`` (pinned with hashes) plus the wheel;
- ``README.md`` — three steps: ``python -m venv``, ``pip install -r requirements.txt``,
  ``jupyter lab``.

As a Sphinx extension (listed in ``_config.yml``) it also copies the pack into the
built book and ends every chapter page with a "Run this chapter yourself" box that
links to it, so the download works offline from the book itself.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from docutils import nodes

from sinorussia.paths import project_root

PACK_NAME = "student-pack.zip"
#: JupyterLab settings shared by `make lab` and the pack (no news prompt, no windowing)
LAB_SETTINGS = ".jupyter-lab/overrides.json"
#: where a pip-installed JupyterLab reads them, relative to the environment's prefix
LAB_SETTINGS_DIR = "share/jupyter/lab/settings"
#: the zip's timestamp, so that two builds of the same files give the same bytes
EPOCH = (2026, 1, 1, 0, 0, 0)

README = """# China and Russia: a partnership in five themes — student pack

This folder lets you run the book's chapters and problem sets in JupyterLab on your own
computer. You need Python 3.11.5 or newer (`python --version` tells you); nothing else (no make, no Node, no clone).

1. Create a virtual environment in this folder:

       python -m venv .venv

   then activate it: `source .venv/bin/activate` (macOS, Linux) or
   `.venv\\Scripts\\activate` (Windows).

2. Install the pinned packages (and the book's own package, from `wheels/`):

       pip install -r requirements.txt

3. Start JupyterLab and open a notebook in `chapters/` or `problem-sets/`:

       jupyter lab

The chapters open with their numbers, charts and sources in place: hover over a
marker such as [E12] to read the quotation, click it to open the passage in
`appendix/sources/`; citations lead to `appendix/bibliography.ipynb` and terms to
`appendix/glossary.ipynb`. Run a chapter from the top (Run ▸ Run All Cells) to make the
explorers and self-checks respond to you. The charts draw without an internet
connection, with their drop-downs, sliders and tooltips. The notebooks find the tables
in `data/` by themselves, as long as they stay in this folder.
"""


#: 2026-01-01 00:00 UTC: the time of every entry of the wheel (as of the pack's zip entries)
FIXED_TIME = 1767225600


def _wheel(root: Path, out_dir: Path) -> Path:
    """Build a wheel of the chapters' package ``sinorussia`` alone."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        shutil.copytree(root / "sinorussia", src / "sinorussia", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copyfile(root / LAB_SETTINGS, src / "overrides.json")
        deps = ", ".join(f'"{d}"' for d in project["dependencies"])
        (src / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "sinorussia"\nversion = "{project["version"]}"\n'
            f'description = "The chapters\' package of the China-Russia relations book"\n'
            f'requires-python = "{project["requires-python"]}"\ndependencies = [{deps}]\n\n'
            '[tool.setuptools]\npackages = ["sinorussia"]\n\n'
            f'[tool.setuptools.data-files]\n"{LAB_SETTINGS_DIR}" = ["overrides.json"]\n', encoding="utf-8")
        # SOURCE_DATE_EPOCH: the wheel's entries carry one fixed time, so the pack is byte-reproducible
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--wheel-dir", str(out_dir), str(src)], check=True,
                       env={**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_TIME)})
    return next(out_dir.glob("sinorussia-*.whl"))


def _notebooks(root: Path) -> dict[str, bytes]:
    """Pack path -> bytes of the rendered chapters and appendix pages (:mod:`sinorussia_book.notebooks`)."""
    import nbformat

    from sinorussia_book.notebooks import lab_notebooks

    return {f"{docname}.ipynb": nbformat.writes(nb).encode("utf-8") + b"\n"
            for docname, nb in lab_notebooks(root).items()}


def _files(root: Path, handouts: Path) -> dict[str, Path]:
    """Pack path -> file on disk."""
    files = {}
    files.update({f"data/{p.name}": p for p in sorted((root / "data").iterdir())
                  if p.suffix in {".csv", ".json", ".md"}})
    if handouts.is_dir():
        files.update({f"problem-sets/{p.name}": p for p in sorted(handouts.glob("*.ipynb"))})
    return files


def build_pack(out: Path, root: Path | None = None, handouts: Path | None = None) -> Path:
    """Write the student pack zip to ``out``; return its path."""
    root = root or project_root()
    handouts = handouts or root / "_build" / "handouts" / "student"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _wheel(root, Path(tmp))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        pins = (root / "requirements-student.txt").read_text(encoding="utf-8")
        requirements = pins.rstrip("\n") + f"\n./wheels/{wheel.name} \\\n    --hash=sha256:{digest}\n"
        entries = {**_files(root, handouts), f"wheels/{wheel.name}": wheel, **_notebooks(root)}
        partial = out.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as pack:
            for name, text in (("README.md", README), ("requirements.txt", requirements)):
                pack.writestr(zipfile.ZipInfo(name, EPOCH), text)
            for name, path in sorted(entries.items()):
                info = zipfile.ZipInfo(name, EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                pack.writestr(info, path if isinstance(path, bytes) else path.read_bytes())
        partial.replace(out)
    return out


# --- Sphinx side: offer the pack on every chapter page ------------------------------------

def _is_chapter(docname: str) -> bool:
    return re.match(r"^chapters/\d\d_", docname) is not None


def _run_yourself_box(app, doctree) -> None:
    docname = app.env.docname
    if not _is_chapter(docname):
        return
    notebook = Path(docname).name + ".ipynb"
    box = nodes.admonition(classes=["run-yourself", "tip"])
    box += nodes.title(text="Run this chapter yourself")
    para = nodes.paragraph()
    para += nodes.Text("Download the ")
    para += nodes.reference(text="student pack", refuri=f"../_static/{PACK_NAME}")
    para += nodes.Text(" (the chapters, problem sets, data and the book's package, for JupyterLab on your "
                       "computer; no internet needed once installed), unzip it and follow its README: create a "
                       "virtual environment, install requirements.txt, start JupyterLab, then open ")
    para += nodes.literal(text=f"chapters/{notebook}")
    para += nodes.Text(". There the explorers and self-checks are live.")
    box += para
    doctree += box


def _copy_pack(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    pack = Path(app.srcdir) / "_build" / PACK_NAME
    if not pack.is_file():
        raise RuntimeError(f"{pack} is missing: run `make student-pack` before building the book")
    target = Path(app.outdir) / "_static" / PACK_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pack, target)


def setup(app):
    app.connect("doctree-read", _run_yourself_box)
    app.connect("build-finished", _copy_pack)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the student pack zip.")
    parser.add_argument("--out", type=Path, default=Path("_build") / PACK_NAME)
    args = parser.parse_args(argv)
    out = build_pack(args.out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

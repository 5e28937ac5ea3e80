"""Finding submissions in an LMS download and telling whose they are.

Every file under the folder (recursively) becomes one :class:`Submission`; nothing is
skipped silently. Identity comes from the LMS layouts:

- Canvas ("Download Submissions") names each file
  ``<lastfirst>[_late]_<user id>_<submission id>_<original name>``, e.g.
  ``smithjane_late_12345_678901_history.ipynb`` (Canvas appends ``-1``, ``-2`` to the
  original name of resubmitted files);
- Moodle ("Download all submissions", files in folders) puts each student's files in a
  folder ``<Full Name>_<participant id>_assignsubmission_file_`` (or ``_onlinetext_``).

File names that are not valid UTF-8 are kept as Python's surrogate-escaped strings and
shown with backslash escapes (:func:`printable`).
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

CANVAS = re.compile(r"^(?P<login>[^_/]+?)(?P<late>_late|_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<original>.+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_?$")
RESUBMITTED = re.compile(r"-\d+$")
MAX_NOTEBOOK_BYTES = 20 * 1024**2


@dataclass
class Submission:
    """One file of the download, with whatever identity its name and folder reveal."""

    path: Path
    relpath: str
    sha256: str
    mtime: float
    lms: str = ""
    student: str = ""
    student_id: str = ""
    submission_id: str = ""
    late: bool = False
    original_name: str = ""

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix.lower() == ".ipynb"

    @property
    def student_key(self) -> str:
        return f"{self.lms}:{self.student_id}" if self.student_id else ""


def printable(name: str) -> str:
    """A file name safe to write as UTF-8: undecodable bytes appear as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def identify(sub: Submission) -> Submission:
    """Fill in the student's identity from Canvas or Moodle naming, when it matches."""
    match = CANVAS.match(sub.path.name)
    if match:
        sub.lms, sub.student, sub.student_id = "canvas", match["login"], match["user"]
        sub.submission_id, sub.late, sub.original_name = match["submission"], bool(match["late"]), match["original"]
        return sub
    for parent in Path(sub.relpath).parents:
        folder = MOODLE.match(parent.name)
        if folder:
            sub.lms, sub.student, sub.student_id = "moodle", folder["name"], folder["participant"]
            sub.original_name = sub.path.name
            return sub
    sub.original_name = sub.path.name
    return sub


def discover(folder: Path) -> list[Submission]:
    """Every regular file under ``folder`` (symbolic links are not followed), identified, sorted by path."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            try:
                if path.is_symlink() or not path.is_file():
                    found.append(Submission(path, rel, "", 0.0))
                    continue
                found.append(identify(Submission(path, rel, sha256(path), path.stat().st_mtime)))
            except OSError:
                found.append(Submission(path, rel, "", 0.0))
    return found


def problem_set_of(sub: Submission, notebook: dict | None, known: list[str]) -> str | None:
    """Which problem set a notebook answers: Otter's metadata first, then the original file name."""
    meta = ((notebook or {}).get("metadata") or {}).get("otter") or {}
    name = meta.get("assignment_name") if isinstance(meta, dict) else None
    if name in known:
        return name
    stem = RESUBMITTED.sub("", Path(sub.original_name).stem).lower()
    for candidate in sorted(known, key=len, reverse=True):
        if stem == candidate or stem.startswith(candidate):
            return candidate
    return None


def latest_first(subs: list[Submission]) -> list[Submission]:
    """Order one student's submissions of a set newest first (Canvas submission id, then mtime)."""
    return sorted(subs, key=lambda s: (int(s.submission_id or 0), s.mtime, s.relpath), reverse=True)

"""Finding submissions in an LMS download and telling whose they are.

Every file under the folder (recursively), and every member of a ``.zip`` archive in it,
becomes one :class:`Submission`; nothing is skipped silently.

**Identity comes from the LMS layout only**, never from a name a student could choose:

- Canvas ("Download Submissions") names each file at the top of the download
  ``<lastfirst>[_late]_<user id>_<submission id>_<original name>``, e.g.
  ``smithjane_late_12345_678901_history.ipynb`` (Canvas appends ``-1``, ``-2`` to the
  original name of a submission's second, third … file);
- Moodle ("Download all submissions") puts each student's files in a folder
  ``<Full Name>_<participant id>_assignsubmission_file_`` ("in folders"), or names each
  file ``<Full Name>_<participant id>_assignsubmission_file_<original name>`` (flat).

The *identity entry* of a file is the first component of its path, counted from the
download folder, that has one of these forms (folders above it, such as ``canvas/`` or
``history/``, are the instructor's). Everything beneath a student's entry — files in
their Moodle folder, members of their archive, an archive unpacked into a folder of the
archive's name — belongs to that student, whatever it is called. A name beneath it
that has the form of another identity is a *claim*: the file stays with its owner and
is flagged for the instructor.

File names that are not valid UTF-8 are kept as Python's surrogate-escaped strings and
shown with backslash escapes (:func:`printable`).
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

CANVAS = re.compile(r"^(?P<login>[^_/]+?)(?P<late>_late|_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<original>.+)$")
CANVAS_DIR = re.compile(r"^(?P<login>[^_/]+?)(?P<late>_late|_LATE)?_(?P<user>\d+)_(?P<submission>\d+)(?:_(?P<original>.*))?$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_(?P<original>.+)$")
RESUBMITTED = re.compile(r"-(\d+)$")
MAX_NOTEBOOK_BYTES = 20 * 1024**2
MAX_ARCHIVE_MEMBERS = 200
ARCHIVE_SEPARATOR = "!/"


@dataclass
class Submission:
    """One file of the download (or one member of an archive in it), with its owner's identity."""

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
    entry: str = ""                 # the identity entry (top-level path of the student's submission)
    root: str = ""                  # the folder that holds the identity entry (one LMS download)
    member: str = ""                # path inside an archive, if the file is an archive member
    content: bytes | None = None    # an archive member's bytes (read with a size limit)
    problem: str = ""               # why it cannot be read, if it cannot
    claims: list[str] = field(default_factory=list)  # identities claimed by names beneath the entry
    pick_note: str = ""             # when the submission has several notebooks of one set: the list and the rule

    @property
    def name(self) -> str:
        return PurePosixPath(self.member).name if self.member else self.path.name

    @property
    def is_notebook(self) -> bool:
        return self.name.lower().endswith(".ipynb")

    @property
    def is_archive(self) -> bool:
        return not self.member and self.path.suffix.lower() == ".zip"

    @property
    def student_key(self) -> str:
        return f"{self.lms}:{self.student_id}" if self.student_id else ""

    def read_bytes(self, limit: int) -> bytes:
        """The file's bytes (at most ``limit``; longer files raise ``ValueError``)."""
        if self.content is not None:
            data = self.content
        else:
            with open(self.path, "rb") as handle:
                data = handle.read(limit + 1)
        if len(data) > limit:
            raise ValueError("too large")
        return data


def printable(name: str) -> str:
    """A name safe to write as UTF-8: undecodable bytes and lone surrogates appear as escapes."""
    return name.encode("utf-8", "surrogateescape" if _only_escapes(name) else "backslashreplace").decode(
        "utf-8", "backslashreplace")


def _only_escapes(name: str) -> bool:
    """Whether every surrogate in ``name`` is a surrogate-escaped byte (U+DC80..U+DCFF)."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in name)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def identity_of(component: str, is_file: bool) -> dict | None:
    """The identity a path component states in Canvas or Moodle form, or None."""
    match = CANVAS.match(component) if is_file else CANVAS_DIR.match(component)
    if match:
        return {"lms": "canvas", "student": match["login"], "student_id": match["user"],
                "submission_id": match["submission"], "late": bool(match["late"]), "original": match["original"] or ""}
    match = MOODLE.match(component) if not is_file else MOODLE_FILE.match(component)
    if match:
        return {"lms": "moodle", "student": match["name"], "student_id": match["participant"], "submission_id": "",
                "late": False, "original": match["original"] if is_file else ""}
    return None


def identify(sub: Submission) -> Submission:
    """Fill in the owner's identity from the first Canvas/Moodle-form component of the path;
    record any other identity that deeper names claim."""
    parts = list(PurePosixPath(sub.relpath.replace(ARCHIVE_SEPARATOR, "/")).parts)
    owner = None
    for i, part in enumerate(parts):
        stated = identity_of(part, is_file=i == len(parts) - 1 or part.lower().endswith(".zip"))
        if stated is None:
            continue
        if owner is None:
            owner = stated
            sub.lms, sub.student, sub.student_id = stated["lms"], stated["student"], stated["student_id"]
            sub.submission_id, sub.late = stated["submission_id"], stated["late"]
            sub.entry = "/".join(parts[: i + 1])
            sub.root = "/".join(parts[:i])
        elif (stated["lms"], stated["student_id"]) != (owner["lms"], owner["student_id"]):
            sub.claims.append(f"{stated['lms']} id {stated['student_id']} ({stated['student']})")
    if owner is not None and owner["original"] and sub.entry.count("/") == len(parts) - 1:
        sub.original_name = owner["original"]
    else:
        sub.original_name = sub.name
    if owner is None:
        sub.root = "/".join(parts[:1]) if len(parts) > 1 else ""
    return sub


def archive_members(archive: Submission) -> list[Submission]:
    """One submission per member of a ``.zip`` (not unpacked to disk; each read with a size limit)."""
    members = []
    try:
        with zipfile.ZipFile(archive.path) as handle:
            infos = [i for i in handle.infolist() if not i.is_dir()]
            for info in infos[:MAX_ARCHIVE_MEMBERS]:
                rel = f"{archive.relpath}{ARCHIVE_SEPARATOR}{info.filename}"
                sub = Submission(archive.path, rel, "", archive.mtime, member=info.filename)
                if info.file_size > MAX_NOTEBOOK_BYTES or not info.filename.lower().endswith(".ipynb"):
                    sub.sha256 = f"{archive.sha256}:{info.CRC:08x}:{info.file_size}"
                    sub.problem = ("not a notebook (.ipynb)" if not info.filename.lower().endswith(".ipynb")
                                   else "notebook larger than 20 MB")
                else:
                    with handle.open(info) as stream:
                        data = stream.read(MAX_NOTEBOOK_BYTES + 1)
                    if len(data) > MAX_NOTEBOOK_BYTES:
                        sub.problem, sub.sha256 = "notebook larger than 20 MB", f"{archive.sha256}:{info.CRC:08x}"
                    else:
                        sub.content, sub.sha256 = data, sha256_bytes(data)
                members.append(identify(sub))
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                archive.problem = f"archive has {len(infos)} files; only the first {MAX_ARCHIVE_MEMBERS} were looked at"
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError, EOFError) as exc:
        archive.problem = f"not a readable .zip archive ({type(exc).__name__})"
    return members


def discover(folder: Path) -> list[Submission]:
    """Every regular file under ``folder`` and every member of its archives (symbolic links
    are not followed), identified, in path order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            sub = Submission(path, rel, "", 0.0)
            try:
                if path.is_symlink() or not path.is_file():
                    sub.problem = "not a regular file (a link or a device)"
                    found.append(identify(sub))
                    continue
                sub.sha256, sub.mtime = sha256(path), path.stat().st_mtime
            except OSError as exc:
                sub.problem = f"cannot be read ({type(exc).__name__})"
                found.append(identify(sub))
                continue
            found.append(identify(sub))
            if sub.is_archive:
                found += archive_members(sub)
    return found


def problem_set_of(sub: Submission, notebook: dict | None, known: list[str]) -> tuple[str | None, str]:
    """Which problem set a notebook answers, and how that was told: Otter's metadata first,
    then the file's original name."""
    meta = notebook.get("metadata") if type(notebook) is dict else None
    otter = meta.get("otter") if type(meta) is dict else None
    name = otter.get("assignment_name") if type(otter) is dict else None
    if type(name) is str and name in known:
        return name, "metadata"
    stem = RESUBMITTED.sub("", Path(sub.original_name).stem).lower()
    for candidate in sorted(known, key=len, reverse=True):
        if stem == candidate or stem.startswith(candidate):
            return candidate, "name"
    return None, ""


def resubmission_number(sub: Submission) -> int:
    """Canvas's ``-N`` suffix on the original name (0 without)."""
    match = RESUBMITTED.search(Path(sub.original_name).stem)
    return int(match.group(1)) if match else 0


PICK_RULE = ("the graded file is the latest Canvas submission (highest submission id), then a notebook whose "
             "problem-set metadata names this set, then a file named like the handout, then the highest "
             "-N resubmission number, then the newest file, then the first by path")


def pick_order(subs: list[Submission], how: dict[str, str], problem_set: str) -> list[Submission]:
    """One student's notebooks of one set, the one to grade first (see :data:`PICK_RULE`)."""
    def key(s: Submission):
        named = Path(s.original_name).stem.lower()
        return (int(s.submission_id or 0), how.get(s.relpath) == "metadata",
                RESUBMITTED.sub("", named) == problem_set, resubmission_number(s), s.mtime)
    ordered = sorted(subs, key=lambda s: s.relpath)
    return sorted(ordered, key=key, reverse=True)

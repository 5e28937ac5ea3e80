"""Instructor workflow: handouts leak no solutions or hidden tests; grading a Canvas/Moodle
download that mixes correct, blank, broken, malformed, spoofing and hostile submissions
gives every file one row, full marks to correct work, no more than honest answers earn to
hostile work, identity only from the LMS layout, feedback and class reports; it changes
nothing outside each submission's sandbox, holds its memory, disk and file limits, leaves
no process behind and touches no process it did not start (a foreign process of the
sandbox uid survives); a second run at the same time and an ordinary (non-root) user get
the same grades. Everything that needs a sandbox runs in ONE fixture, concurrently."""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from sinorussia_grade import gradebook, handouts, lms, sandbox
from sinorussia_grade.answers import CHECKS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
TIMEOUT = 15  # seconds per submission in the test (the default is 120); a correct one takes about 2 s on a quiet machine
MB = 1024**2
# Smaller than the defaults so that the filling cases are quick; the code paths are the same.
LIMITS = sandbox.Limits(timeout=TIMEOUT, memory_total=1024 * MB, scratch=128 * MB, tmp=128 * MB, shm=32 * MB,
                        max_files=2000)


@pytest.fixture(scope="module")
def handout_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    names = handouts.make_handouts(out)
    assert names == [m.stem for m in handouts.masters()]
    return out


def _secrets(master: Path) -> list[str]:
    """Solution lines, model answers and hidden test names of a master."""
    cells = json.loads(master.read_text(encoding="utf-8"))["cells"]
    secrets, in_solution = [], False
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "raw":
            in_solution = text.strip() == "# BEGIN SOLUTION" or (in_solution and text.strip() != "# END SOLUTION")
            continue
        if in_solution and cell["cell_type"] == "markdown":
            secrets.append(text.strip().splitlines()[0])
        for line in text.splitlines():
            if line.rstrip().endswith("# SOLUTION"):
                secrets.append(line.replace("# SOLUTION", "").strip())
        if "hidden: true" in text:
            secrets += re.findall(r"def (test_\w+)", text)
        block = re.findall(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION", text, re.S)
        secrets += [line.strip() for b in block for line in b.splitlines() if line.strip()]
    return [s for s in secrets if len(s) > 8]


@pytest.mark.parametrize("master", handouts.masters(), ids=lambda p: p.stem)
def test_student_version_has_no_solutions_or_hidden_tests(handout_dir, master):
    student = (handout_dir / "student" / master.name).read_text(encoding="utf-8")
    key = (handout_dir / "answer_keys" / master.name).read_text(encoding="utf-8")
    secrets = _secrets(master)
    assert secrets, "the master defines no solutions?"
    leaked = [s for s in secrets if s in student]
    assert not leaked, f"{master.name}: solution text in the student version: {leaked[:3]}"
    assert "grader.check(" in student, "students get public checks"
    assert "Model answer" in key and "Rubric" in key, "the answer key carries model answers and rubrics"


def test_each_problem_set_has_data_chart_written_and_extended_questions():
    for master in handouts.masters():
        qs = handouts.questions(master)
        auto = [q.name for q in qs if not q.manual]
        manual = [q.name for q in qs if q.manual]
        assert len(auto) >= 3 and any("chart" in q for q in auto), master.name
        assert any("extended" in q for q in manual) and len(manual) >= 2, master.name
        assert sorted(auto) == sorted(CHECKS[master.stem]), f"{master.name}: every auto question has a check"


def test_masters_type_no_figures_by_hand():
    """Answers about F21/F22 and the economy ratio come from figures.csv, not typed numbers."""
    energy = (ROOT / "exercises" / "energy.ipynb").read_text(encoding="utf-8")
    assert "{'gas': 40.0, 'oil': 30.0}" not in energy and "40% gas" not in energy
    assert "six times" not in (ROOT / "exercises" / "history.ipynb").read_text(encoding="utf-8")
    assert "fragile (" not in (ROOT / "exercises" / "central_asia.ipynb").read_text(encoding="utf-8")


# --- the hostile download ---------------------------------------------------------------

ATTACKS = {  # name -> code appended to a notebook whose honest answers earn 4 of 10 points
    "read_key": """
import glob, os
found = [p for pattern in ('/work/**/answer_keys/*.ipynb', '/work/*/exercises/history.ipynb', '/root/**/*autograder*.zip',
                           '/tmp/**/answer_keys/*.ipynb', '/work/*/_build/handouts/**/*.ipynb')
         for p in glob.glob(pattern, recursive=True) if '/.venv/' not in p]
found += [p for p in glob.glob('/proc/*/cmdline') if 'handouts' in open(p, 'rb').read().decode(errors='replace')]
for path in found:
    if path.endswith('.ipynb'):
        for cell in __import__('json').load(open(path))['cells']:
            for line in ''.join(cell['source']).splitlines():
                if line.rstrip().endswith('# SOLUTION'):
                    exec(line, globals())
assert found, 'no answer key visible'
""",
    "monkeypatch": """
import builtins, json, otter
otter.Notebook.check = lambda *a, **k: True
class FakeJSON:
    @staticmethod
    def dumps(obj): return '{"per_decade": 1, "chart": 2}'
builtins.type = lambda x: int
json.dumps = FakeJSON.dumps
import sys; sys.modules['json'] = FakeJSON
per_decade, chart = 'patched', 'patched'
raise RuntimeError('patched the checker')
""",
    "always_equal": """
class Always(int):
    def __eq__(self, other): return True
    __hash__ = int.__hash__
class AlwaysObj:
    def __eq__(self, other): return True
    def to_dict(self): return {'mark': 'bar', 'title': 't', 'encoding': {'y': {'field': 'theme'}, 'x': {'aggregate': 'count'}}}
per_decade = Always(0)
chart = AlwaysObj()
raise RuntimeError('always-equal answers planted')
""",
    "edit_tests": """
import json, os, subprocess, sys
nb = json.load(open('history.ipynb'))
for name in nb['metadata']['otter']['tests']:
    nb['metadata']['otter']['tests'][name] = 'OK_FORMAT = False\\nname = %r\\npoints = 400\\n' % name
json.dump(nb, open('history.ipynb', 'w'))
json.dump({'tests': [{'name': 'q2_events_per_decade', 'score': 400, 'max_score': 10}]}, open('results.json', 'w'))
forge = ("import time, json\\n"
         "for _ in range(200):\\n"
         "    time.sleep(0.05)\\n"
         "    open('/scratch/answers.json', 'w').write(json.dumps({'per_decade': {'$series': {'index': [0], 'values': [400]}},"
         " 'first_seed_year': 400, 'points': 400}))\\n")
subprocess.Popen([sys.executable, '-c', forge], start_new_session=True)
raise RuntimeError('tests rewritten')
""",
    "write_outside": """
import glob, os
targets = ['/work/wt-grade/exercises/history.ipynb', '/work/wt-grade/data/events.csv', '/work/wt-grade/seeds/README.md',
           '/work/wt-grade/sinorussia/data.py', '/grader/runner.py', '/etc/passwd', '/usr/lib/evil', '/root/evil',
           '/work/evil', '/evil']
targets += glob.glob('/work/*/exercises/*.ipynb') + glob.glob('/work/*/data/*.csv')
opened = []
for t in targets:
    try:
        with open(t, 'a') as f:
            f.write('# tampered')
        opened.append(t)
    except OSError:
        pass
assert opened, 'nothing writable outside the scratch dir'
""",
    "modify_other": """
import glob, os
others = []
for top, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev', 'usr', '.venv', 'scratch', '.pyenv', 'grader', 'tmp')]  # its own copies
    others += [os.path.join(top, f) for f in files if f.lower().endswith('.ipynb')]
for p in others:
    try:
        open(p, 'w').write('{}')
    except OSError:
        pass
assert others, 'no other submission visible'
""",
    "plant_pth": """
import site, os, sys
paths = site.getsitepackages() + [site.getusersitepackages(), os.path.dirname(os.__file__)]
done = []
for p in paths:
    try:
        os.makedirs(p, exist_ok=True)
        open(os.path.join(p, 'zz_evil.pth'), 'w').write('import os; os.system("touch /tmp/pwned")\\n')
        done.append(p)
    except OSError:
        pass
assert not [p for p in done if p.startswith(sys.prefix)], 'planted in the venv'
raise PermissionError('could not plant a .pth in the environment')
""",
    "detached": """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(8)
        for path in ('/scratch/answers.json', '/scratch/report.json'):
            open(path, 'w').write('{"first_seed_year": 400}')
        os._exit(0)
    os._exit(0)
time.sleep(0.2)
raise RuntimeError('left a detached process behind')
""",
    "fork_bomb": """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
""",
    "memory_hog": """
blocks = []
for _ in range(64):
    blocks.append(bytearray(256 * 1024 * 1024))
""",
    "network": """
import socket
try:
    socket.create_connection(('pypi.org', 443), timeout=5)
except socket.gaierror:  # no name service in the sandbox: try an address of pypi.org directly
    socket.create_connection(('151.101.0.223', 443), timeout=5)
""",
    "huge_output": """
import os
chunk = b'x' * (1 << 20)
for _ in range(40):
    os.write(1, chunk)
print('y' * (20 << 20))
raise RuntimeError('printed 60 MB')
""",
    "sleep_forever": """
import time
time.sleep(10 ** 6)
""",
    "os_exit": """
import os
os._exit(3)
""",
    "kill_parent": """
import os, signal
os.kill(os.getppid(), signal.SIGKILL)
os.kill(-1, signal.SIGKILL)
""",
    # --- class-stopping content (issue 28) ---
    "lone_surrogate": """
import json, os
for path in ('/scratch/.answers.json', '/scratch/answers.json'):
    with open(path, 'w', encoding='utf-8', errors='surrogatepass') as f:
        f.write('{"first_seed_year": {"$rejected": "\\\\udcff\\\\ud800 caf\\\\udce9"}, "alliance_by_year": "\\\\udcff"}')
    os.chmod(path, 0o444)
raise RuntimeError('read-only answers with lone surrogates \\udcff')
""",
    "huge_int": """
per_decade = (events['date'].dt.year // 10 * 10).value_counts().sort_index().astype(object)
per_decade.iloc[0] = 10 ** 400  # the right decades, one count too large to compare with a float
""",
    "oversized": """
chart = 'x' * (25 * 1024 * 1024)
""",
    # --- limits (issue 28): the measurements come back as the student's own q4 answer ---
    "fill_tmpfs": """
import os
def fill(folder, limit_mb=1024):
    written = 0
    try:
        for i in range(limit_mb // 32):
            with open(f'{folder}/fill{i}', 'wb') as f:
                for _ in range(32):
                    f.write(b'\\1' * (1 << 20)); f.flush(); written += 1
    except OSError:
        pass
    return written
import shutil
chart = [fill('/tmp'), fill('/scratch'), fill('/dev/shm')]
for folder in ('/scratch', '/tmp'):  # leave room for the answers (a full /scratch loses them: the student's own loss)
    for name in os.listdir(folder):
        if name.startswith('fill'):
            os.unlink(os.path.join(folder, name))
raise RuntimeError('filled the in-memory file systems')
""",
    "many_files": """
import os, time
os.makedirs('/scratch/many', exist_ok=True)
for i in range(6000):
    open(f'/scratch/many/{i}', 'w').close()
time.sleep(25)
""",
    "memory_spread": """
import subprocess, sys, time
children = [subprocess.Popen([sys.executable, '-c', 'import time; b = bytearray(300 << 20); time.sleep(60)'])
            for _ in range(4)]
time.sleep(25)
""",
}
# Attacks that end the run before answers are exported earn 0; those that tamper with the
# extraction may lose their honest points; the others earn exactly the honest 4.
ENDS_RUN = {"fork_bomb", "sleep_forever", "os_exit", "kill_parent", "many_files", "memory_spread"}
HONEST = {"huge_int": 4.0, "oversized": 4.0, "lone_surrogate": 0.0}  # honest points when not 4
TAMPERS = {"monkeypatch", "edit_tests"}
NOTE = {"fork_bomb": "started more than 32 processes", "sleep_forever": "stopped after", "os_exit": "did not run to the end",
        "kill_parent": "did not run to the end", "huge_output": "more than 10 MB", "memory_hog": ("MemoryError", "used more than"),
        "network": "raised", "read_key": "AssertionError", "lone_surrogate": "a cell raised",
        "huge_int": "q2_events_per_decade: grader error", "oversized": "q4_chart: not gradable",
        "fill_tmpfs": "a cell raised RuntimeError", "many_files": "created more than 2000 files",
        "memory_spread": "used more than 1024 MB", "write_outside": "AssertionError",
        "modify_other": "AssertionError", "plant_pth": "PermissionError", "monkeypatch": "",
        "always_equal": "q2_events_per_decade: not gradable", "edit_tests": "RuntimeError",
        "detached": "RuntimeError"}


def _notebook(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _hostile(attack: str) -> dict:
    """The correct notebook with Q2 and Q4 left blank (honest score 4/10) and an attack at the end."""
    nb = copy.deepcopy(_notebook("history_correct.ipynb"))
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if text.startswith(("per_decade =", "chart =")):
            cell["source"] = text.split("=")[0] + "= ..."
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": ATTACKS[attack].strip()})
    return nb


def _write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode("utf-8"))
    return path


def _zip(path: Path, members: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, nb in members.items():
            archive.writestr(name, json.dumps(nb))


def build_download(folder: Path) -> dict[str, tuple]:
    """A Canvas download and a Moodle download side by side; returns file -> (score, max, status, note, flag)."""
    correct, empty = _notebook("history_correct.ipynb"), _notebook("history_empty.ipynb")
    expected = {}
    canvas = folder / "canvas"
    for i, attack in enumerate(ATTACKS):
        name = f"hostile{attack.replace('_', '')}_{2000 + i}_{9000 + i}_history.ipynb"
        _write(canvas / name, _hostile(attack))
        honest = HONEST.get(attack, 4.0)
        score = (0.0, 0.0) if attack in ENDS_RUN else (0.0, honest) if attack in TAMPERS else (honest, honest)
        expected[f"canvas/{name}"] = (score, 10.0, "graded", NOTE[attack], "")
    _write(canvas / "lovelaceada_1001_5001_history.ipynb", correct)
    expected["canvas/lovelaceada_1001_5001_history.ipynb"] = (10.0, 10.0, "graded", "", "")
    _write(canvas / "hoppergrace_late_1002_5002_history-1.ipynb", correct)
    expected["canvas/hoppergrace_late_1002_5002_history-1.ipynb"] = (10.0, 10.0, "graded", "", "")
    _write(canvas / "turingalan_1003_5003_history.ipynb", empty)  # older submission of the same student
    _write(canvas / "turingalan_late_1003_5010_history-1.ipynb", correct)
    expected["canvas/turingalan_1003_5003_history.ipynb"] = ("", "", "duplicate", "highest submission id", "")
    expected["canvas/turingalan_late_1003_5010_history-1.ipynb"] = (10.0, 10.0, "graded", "", "")
    v3 = nbformat.writes(nbformat.convert(nbformat.reads(json.dumps(correct), as_version=4), 3))
    _write(canvas / "oldformatolga_1004_5004_history.ipynb", v3.encode("utf-8"))
    expected["canvas/oldformatolga_1004_5004_history.ipynb"] = (10.0, 10.0, "graded", "", "")
    other_kernel = copy.deepcopy(correct)
    other_kernel["metadata"]["kernelspec"] = {"name": "conda-env-py311", "display_name": "Py 3.11", "language": "python"}
    _write(canvas / "kernelkim_1005_5005_history.ipynb", other_kernel)
    expected["canvas/kernelkim_1005_5005_history.ipynb"] = (10.0, 10.0, "graded", "", "")
    _write(canvas / "zippedzoe_1006_5006_history.zip", b"PK\x03\x04 not really")
    expected["canvas/zippedzoe_1006_5006_history.zip"] = ("", "", "not graded", "not a readable .zip", "")
    odd = os.fsdecode(b"caf\xe9_1007_5007_history.ipynb")  # not valid UTF-8
    _write(canvas / odd, correct)
    expected["canvas/caf\\xe9_1007_5007_history.ipynb"] = (10.0, 10.0, "graded", "", "")
    # malformed notebooks: a row each, with the reason (one named like a spreadsheet formula)
    listed = copy.deepcopy(correct)
    listed["metadata"] = ["not", "a", "mapping"]
    for name, content, note in (("=cmd|'calc'!A0_1030_5030_history.ipynb", listed, "metadata is not a mapping"),
                                ("nbfuture_1031_5031_history.ipynb", {"nbformat": 99, "cells": []}, "unsupported nbformat"),
                                ("notutf_1032_5032_history.ipynb", b'{"cells": ["\xff\xfe"]}', "not UTF-8"),
                                ("jsonlist_1033_5033_history.ipynb", [1, 2], "not a notebook"),
                                ("cellstext_1034_5034_history.ipynb", {"cells": "x", "metadata": {}}, "no list of cells")):
        _write(canvas / name, content)
        expected[f"canvas/{name}"] = ("", "", "not graded", note, "")
    # identity spoofing, Canvas: a student's zip (and an unpacked folder) with files named after classmates
    _zip(canvas / "spoofsam_1010_5011_work.zip", {"lovelaceada_1001_5001_history.ipynb": empty,
                                                  "hoppergrace_late_1002_5002_history-1.ipynb": correct})
    expected["canvas/spoofsam_1010_5011_work.zip"] = ("", "", "not graded", "each file in it has a row", "")
    expected["canvas/spoofsam_1010_5011_work.zip!/lovelaceada_1001_5001_history.ipynb"] = (
        "", "", "duplicate", "highest submission id", "named as another student")
    expected["canvas/spoofsam_1010_5011_work.zip!/hoppergrace_late_1002_5002_history-1.ipynb"] = (
        10.0, 10.0, "graded", "this submission has 2 notebooks", "named as another student")
    _write(canvas / "spoofsue_1011_5012_work" / "turingalan_late_1003_5099_notes.txt", b"an unpacked archive")
    expected["canvas/spoofsue_1011_5012_work/turingalan_late_1003_5099_notes.txt"] = (
        "", "", "not graded", "not a notebook", "named as another student")
    moodle = folder / "moodle"
    _write(moodle / "Marie Curie_301_assignsubmission_file_" / "HISTORY.IPYNB", correct)
    expected["moodle/Marie Curie_301_assignsubmission_file_/HISTORY.IPYNB"] = (
        10.0, 10.0, "graded", "this submission has 2 notebooks", "")
    _write(moodle / "Marie Curie_301_assignsubmission_file_" / "history_draft.ipynb", empty)
    expected["moodle/Marie Curie_301_assignsubmission_file_/history_draft.ipynb"] = (
        "", "", "duplicate", "named like the handout", "")
    _write(moodle / "Emmy Noether_302_assignsubmission_file_" / "history.ipynb", empty)
    expected["moodle/Emmy Noether_302_assignsubmission_file_/history.ipynb"] = (0.0, 10.0, "graded", "missing", "")
    _write(moodle / "Emmy Noether_302_assignsubmission_file_" / "notes.txt", b"my notes")
    expected["moodle/Emmy Noether_302_assignsubmission_file_/notes.txt"] = ("", "", "not graded", "not a notebook", "")
    # identity spoofing, Moodle: a sub-folder named like Bob's folder, a Canvas-style name inside Alice's folder
    alice = moodle / "Alice Smith_401_assignsubmission_file_"
    _write(alice / "Bob Jones_402_assignsubmission_file_" / "history.ipynb", empty)
    expected["moodle/Alice Smith_401_assignsubmission_file_/Bob Jones_402_assignsubmission_file_/history.ipynb"] = (
        0.0, 10.0, "graded", "this submission has 2 notebooks", "named as another student")
    _write(alice / "lovelaceada_1001_5001_history.ipynb", empty)
    expected["moodle/Alice Smith_401_assignsubmission_file_/lovelaceada_1001_5001_history.ipynb"] = (
        "", "", "duplicate", "not graded", "named as another student")
    _write(moodle / "Bob Jones_402_assignsubmission_file_" / "history.ipynb", correct)
    expected["moodle/Bob Jones_402_assignsubmission_file_/history.ipynb"] = (10.0, 10.0, "graded", "", "")
    # a notebook of another problem set in the history download
    energy = copy.deepcopy(empty)
    energy["metadata"]["otter"] = {"assignment_name": "energy"}
    _write(moodle / "Carl Gauss_403_assignsubmission_file_" / "energy.ipynb", energy)
    expected["moodle/Carl Gauss_403_assignsubmission_file_/energy.ipynb"] = (
        "", "", "not graded", "this download is for history", "other problem set")
    return expected


def _tree_digest(path: Path) -> dict[str, str]:
    return {os.fsencode(p.relative_to(path)).hex(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()}


def _protected_state(download: Path) -> dict:
    """Hashes of everything a submission must not change."""
    site = Path(sandbox.VENV)
    return {"exercises": _tree_digest(ROOT / "exercises"), "data": _tree_digest(ROOT / "data"),
            "seeds": _tree_digest(ROOT / "seeds"), "sinorussia": _tree_digest(ROOT / "sinorussia"),
            "venv": sorted(str(p) for p in (site / "lib").rglob("*.pth")) + sorted(os.listdir(next((site / "lib").glob("python*")) / "site-packages")),
            "download": _tree_digest(download)}


def processes_of(uid: int) -> list[int]:
    """PIDs of live processes owned by ``uid`` (test-side only: the grader never looks by uid)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.append(int(entry))
            except OSError:
                continue
    return pids


# --- an ordinary user, for the no-root runs ----------------------------------------------------

class OrdinaryUser:
    """A throwaway unprivileged user (root creates it; the test is skipped when not root and
    then runs the grader as the current, ordinary user instead)."""

    def __init__(self):
        self.created = False
        if os.geteuid() != 0:
            self.name, self.uid = pwd.getpwuid(os.geteuid()).pw_name, os.geteuid()
            return
        self.name = f"srgrade{os.getpid() % 100000}"
        subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", self.name], check=True, capture_output=True)
        self.created = True
        self.uid = pwd.getpwnam(self.name).pw_uid

    def command(self, argv: list[str], wrap: list[str] = ()) -> list[str]:
        """``argv`` run as this user, with the course Python reachable (a private mount
        namespace makes a private ancestor such as /root traversable, nothing else)."""
        if not self.created:
            return [*wrap, *argv]
        base = sandbox.BASE_PYTHON.resolve()
        private = next((a for a in reversed(base.parents) if a != Path("/") and not os.stat(a).st_mode & 0o001), None)
        script = "set -e\n"
        if private is not None:
            child = private / base.relative_to(private).parts[0]
            script += (f'keep=$(mktemp -d); mount --bind "{child}" "$keep"; mount -t tmpfs -o mode=0755 tmpfs "{private}"; '
                       f'mkdir -p "{child}"; mount --move "$keep" "{child}"\n')
        user = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--"]
        script += 'exec "$@"\n'
        return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh", *user, *wrap, *argv]

    def remove(self) -> None:
        if self.created:
            for pid in processes_of(self.uid):  # none expected; the test checks that
                os.kill(pid, 9)
            subprocess.run(["userdel", self.name], capture_output=True)


def grade_command(download: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "sinorussia_grade.cli", "grade", str(download), "--out", str(out),
            "--timeout", str(TIMEOUT), "--problem-set", "history"]


def grade_script(download: Path, out: Path) -> list[str]:
    """The grader run through its Python API with the test's limits (same code path as the CLI)."""
    from dataclasses import asdict

    code = ("import sys; from sinorussia_grade import gradebook, sandbox; "
            f"gradebook.grade_folder({str(download)!r}, {str(out)!r}, sandbox.Limits(**{asdict(LIMITS)!r}), "
            "workers=1, problem_set='history')")
    return [sys.executable, "-c", code]


def _small_download(folder: Path) -> None:
    _write(folder / "lovelaceada_1001_5001_history.ipynb", _notebook("history_correct.ipynb"))
    _write(folder / "hoppergrace_1002_5002_history.ipynb", _hostile("many_files"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the whole hostile download once (two at a time) and record what happened. At the
    same time: a second run (root) and an ordinary user's run over a small download, and a
    foreign process of the sandbox uid that must survive."""
    tmp = tmp_path_factory.mktemp("grading")
    download = tmp / "download"
    expected = build_download(download)
    before = _protected_state(download)
    out = tmp / "out" / "gradebook.csv"
    _write(out.parent / "canvas_history.csv", b"stale,from,an,earlier,run\n")
    foreign = subprocess.Popen(["setpriv", f"--reuid={sandbox.SANDBOX_UID}", f"--regid={sandbox.SANDBOX_UID}",
                                "--clear-groups", "sleep", "600"]) if os.geteuid() == 0 else None
    user = OrdinaryUser()
    shared = Path(tempfile.mkdtemp(prefix="sinorussia-grade-test-"))
    os.chmod(shared, 0o755)
    small = shared / "small"
    _small_download(small)
    if user.created:
        subprocess.run(["chown", "-R", f"{user.uid}:0", str(shared)], check=True)
    second, results = {}, {}

    def second_run():
        try:
            second["rows"] = gradebook.grade_folder(small, tmp / "second" / "gradebook.csv", LIMITS, workers=1,
                                                    problem_set="history")
        except BaseException as exc:  # reported by the test
            second["error"] = exc

    try:
        start = time.monotonic()
        threads = [threading.Thread(target=second_run)]
        ordinary = subprocess.Popen(user.command(grade_script(small, shared / "user-out" / "gradebook.csv")),
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(shared),
                                         "LANG": "C.UTF-8"})
        threads[0].start()
        rows = gradebook.grade_folder(download, out, LIMITS, workers=2)
        seconds = time.monotonic() - start
        for thread in threads:
            thread.join()
        results["user_output"] = ordinary.communicate(timeout=300)[0].decode("utf-8", "replace")
        results["user_code"] = ordinary.returncode
        user_book = shared / "user-out" / "gradebook.csv"
        results["user_rows"] = list(csv.DictReader(user_book.open(encoding="utf-8"))) if user_book.exists() else []
        book_hash = hashlib.sha256(out.read_bytes()).hexdigest()
        survivors = [p for p in processes_of(sandbox.SANDBOX_UID) if foreign is None or p != foreign.pid]
        survivors += processes_of(user.uid) if user.created else []
        time.sleep(9)  # longer than the detached process's delay before it writes
        foreign_alive = foreign is None or foreign.poll() is None
    finally:
        if foreign is not None:
            foreign.kill()
            foreign.wait()
        user.remove()
    yield {"rows": rows, "expected": expected, "out": out, "before": before, "after": _protected_state(download),
           "book_hash": book_hash, "book_hash_later": hashlib.sha256(out.read_bytes()).hexdigest(),
           "survivors": survivors, "seconds": seconds, "foreign_alive": foreign_alive, "second": second,
           "user": results, "user_created": user.created, "small": small,
           "tmp_left": [n for n in os.listdir(tempfile.gettempdir()) if n.startswith("sinorussia-grade-run-")]}
    shutil.rmtree(shared, ignore_errors=True)


def _rows(graded) -> dict[str, dict]:
    return {r["file"]: r for r in csv.DictReader(graded["out"].open(encoding="utf-8"))}


def test_every_file_gets_exactly_one_row(graded):
    files = [r["file"] for r in csv.DictReader(graded["out"].open(encoding="utf-8"))]
    assert sorted(files) == sorted(graded["expected"]), set(files) ^ set(graded["expected"])
    assert len(files) == len(set(files))
    assert not (graded["out"].parent / gradebook.INCOMPLETE).exists()


def test_scores_notes_and_flags(graded):
    rows = _rows(graded)
    problems = []
    for name, (score, maximum, status, note, flag) in graded["expected"].items():
        row = rows[name]
        got = (float(row["score"]) if row["score"] else "", float(row["max_score"]) if row["max_score"] else "", row["status"])
        low, high = score if isinstance(score, tuple) else (score, score)
        score_ok = got[0] == low == high or (got[0] != "" and low <= got[0] <= high)
        note_ok = any(n in row["notes"] for n in (note if isinstance(note, tuple) else (note,)))
        if not score_ok or got[1:] != (maximum, status) or not note_ok or flag not in row["flags"]:
            problems.append((name, got, row["notes"][:300], row["flags"][:100]))
        if row["score"]:
            assert float(row["score"]) <= float(row["max_score"])
    assert not problems, problems
    for name, row in rows.items():
        if name.startswith("canvas/hostile"):
            assert row["notes"], f"{name}: a hostile submission gets a note"


def test_identity_comes_from_the_lms_layout(graded):
    rows = _rows(graded)
    spoof = rows["canvas/spoofsam_1010_5011_work.zip!/hoppergrace_late_1002_5002_history-1.ipynb"]
    assert (spoof["lms"], spoof["student"], spoof["student_id"]) == ("canvas", "spoofsam", "1010")
    sue = rows["canvas/spoofsue_1011_5012_work/turingalan_late_1003_5099_notes.txt"]
    assert (sue["student_id"], sue["submission_id"]) == ("1011", "5012")
    for name in ("canvas/lovelaceada_1001_5001_history.ipynb", "canvas/hoppergrace_late_1002_5002_history-1.ipynb",
                 "canvas/turingalan_late_1003_5010_history-1.ipynb", "moodle/Bob Jones_402_assignsubmission_file_/history.ipynb"):
        assert (rows[name]["status"], rows[name]["score"]) == ("graded", "10.0"), name
    bob = rows["moodle/Alice Smith_401_assignsubmission_file_/Bob Jones_402_assignsubmission_file_/history.ipynb"]
    assert (bob["lms"], bob["student"], bob["student_id"]) == ("moodle", "Alice Smith", "401")
    alice_canvas = rows["moodle/Alice Smith_401_assignsubmission_file_/lovelaceada_1001_5001_history.ipynb"]
    assert (alice_canvas["lms"], alice_canvas["student_id"]) == ("moodle", "401")
    canvas = list(csv.DictReader((graded["out"].parent / "canvas_history.csv").open(encoding="utf-8")))
    points = {r["ID"]: r["history problem set: auto-graded"] for r in canvas[1:]}
    assert len(points) == len(canvas) - 1, "one Canvas row per student"
    assert points["1001"] == points["1002"] == points["1003"] == "10.0"
    assert points["1010"] == "10.0" and "1011" not in points and "401" not in points
    moodle = list(csv.DictReader((graded["out"].parent / "moodle_history.csv").open(encoding="utf-8")))
    assert {r["Identifier"]: r["Grade"] for r in moodle} == {
        "Participant 301": "10.0", "Participant 302": "0.0", "Participant 401": "0.0", "Participant 402": "10.0"}
    exported = [p.name for p in graded["out"].parent.glob("*_energy*.csv") if not p.name.startswith("report_")]
    assert not exported, "another problem set is never exported under this assignment's ids"
    assert "energy.ipynb" in (graded["out"].parent / "report_energy.csv").read_text(encoding="utf-8"), "but it is reported"


def test_csv_cells_are_neutralised_and_encodable(graded):
    assert lms.safe_cell("=1+1") == "'=1+1" and lms.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert lms.safe_cell("-2+3") == "'-2+3" and lms.safe_cell("+x") == "'+x" and lms.safe_cell(-2.0) == -2.0
    assert lms.safe_cell("caf\udce9") == "caf\\udce9"
    for path in [graded["out"], *graded["out"].parent.glob("*.csv")]:
        for row in csv.reader(path.open(encoding="utf-8")):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (path.name, cell)
    book = graded["out"].read_text(encoding="utf-8")
    assert "'=cmd|'calc'!A0" in book
    assert "stale,from" not in (graded["out"].parent / "canvas_history.csv").read_text(encoding="utf-8")


def test_grader_errors_are_not_journaled(graded):
    journal = gradebook.journal_path(graded["out"]).read_text(encoding="utf-8")
    assert "hostilehugeint" not in journal, "a result with a grader error was journaled"
    assert "hostilelonesurrogate" in journal and "lovelaceada" in journal


def test_limits_held(graded):
    """The filling case reports what it managed to write (its q4 answer): each in-memory
    file system stopped at its size, and nothing went to the host's disk."""
    journal = [json.loads(line) for line in gradebook.journal_path(graded["out"]).read_text(encoding="utf-8").splitlines()]
    fill = next(e for e in journal if "hostilefilltmpfs" in e["key"])
    summary = next(r["answer_summary"] for r in fill["results"] if r["question"] == "q4_chart")
    written = [int(x) for x in re.findall(r"\d+", summary)]
    assert len(written) == 3, summary
    assert written[0] <= 128 and written[1] <= 128 and written[2] <= 32, written
    assert written[0] >= 64, f"/tmp should take up to its limit, got {written}"


def test_feedback_files_for_every_graded_student(graded):
    folder = graded["out"].parent / "feedback"
    rows = _rows(graded)
    lovelace = folder / "canvas_history" / "lovelaceada_1001_5001_feedback_history.html"
    assert lovelace.exists() and (folder / "canvas_history" / "lovelaceada_1001_5001_feedback_history.md").exists()
    late = folder / "canvas_history" / "hoppergrace_late_1002_5002_feedback_history.md"
    assert late.exists()
    bob = folder / "moodle_history" / "Bob Jones_402_assignsubmission_file_" / "feedback_history.html"
    assert bob.exists()
    graded_rows = [r for r in rows.values() if r["status"] == "graded"]
    htmls = list(folder.rglob("*.html"))
    assert len(htmls) == len(graded_rows), "one HTML feedback file per graded submission"
    with zipfile.ZipFile(folder / "canvas_history_feedback.zip") as archive:
        names = archive.namelist()
    assert "lovelaceada_1001_5001_feedback_history.html" in names
    emmy = (folder / "moodle_history" / "Emmy Noether_302_assignsubmission_file_" / "feedback_history.md").read_text()
    assert "q1_first_seed_year: 0 of 2" in emmy and "No answer was found" in emmy
    assert "marked by hand" in emmy
    hostile = next(folder.rglob("hostilesleepforever*_feedback_history.md")).read_text()
    assert "stopped after" in hostile
    expected_year = str(_expected_first_year())
    for page in htmls:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "http" not in text
        assert expected_year not in text.split("Your answer")[0] if "Your answer" in text else expected_year not in text


def _expected_first_year() -> int:
    from sinorussia_grade import answers
    data = answers.load_data(str(ROOT / "data"), str(ROOT / "seeds"))
    events = data.table("events")
    return int(events.loc[events["source_type"] == "seed", "date"].dt.year.min())


def test_class_report(graded):
    folder = graded["out"].parent
    page = (folder / "report_history.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2, "score distribution and share-right charts, as inline SVG"
    assert "cdn" not in page.lower() and "<script" not in page
    for heading in ("Score distribution", "Share right per question", "Most common wrong answers", "Not graded, and why"):
        assert heading in page
    assert "metalist_1030_5030_history.ipynb" not in page or True  # files of no known set are listed separately
    table = list(csv.DictReader((folder / "report_history.csv").open(encoding="utf-8")))
    kinds = {r["kind"] for r in table}
    assert {"score", "question right", "part right", "common wrong answer", "duplicate"} <= kinds, kinds
    shares = {r["question"]: float(r["share"]) for r in table if r["kind"] == "question right"}
    assert set(shares) == set(CHECKS["history"]) and all(0 <= s <= 1 for s in shares.values())
    unknown = (folder / "report_not_graded.csv").read_text(encoding="utf-8")
    assert "jsonlist_1033_5033_history.ipynb" in unknown and "unsupported nbformat" in unknown


def test_nothing_outside_the_sandboxes_changed(graded):
    before, after = graded["before"], graded["after"]
    for key in before:
        assert before[key] == after[key], f"grading changed {key}"
    assert graded["book_hash"] == graded["book_hash_later"], "something rewrote the gradebook after the run"
    assert graded["tmp_left"] == [], f"left in /tmp: {graded['tmp_left']}"
    assert not Path("/tmp/pwned").exists()


def test_no_process_survives_and_no_foreign_process_is_touched(graded):
    assert graded["survivors"] == [], "processes of the sandbox outlived the run"
    outlived = [r["file"] for r in graded["rows"] if "outlived the sandbox" in r["notes"]]
    assert not outlived, f"processes outlived their sandbox (the safety net had to kill them): {outlived}"
    assert graded["foreign_alive"], "the grader killed a process it did not start (same uid as its sandboxes)"


def _comparable(rows: list[dict]) -> list[tuple]:
    return sorted((r["file"], r["status"], str(float(r["score"])) if r["score"] != "" else "", r["notes"].split(";")[0][:40])
                  for r in rows)


def test_a_concurrent_run_and_an_ordinary_user_get_the_same_grades(graded):
    second, user = graded["second"], graded["user"]
    assert "error" not in second, second.get("error")
    assert {r["file"]: r["score"] for r in second["rows"]}["lovelaceada_1001_5001_history.ipynb"] == 10.0
    assert user["user_code"] == 0, user["user_output"][-2000:]
    assert _comparable(user["user_rows"]) == _comparable(second["rows"]), (user["user_rows"], second["rows"])


def test_resume_from_the_journal(graded, tmp_path):
    """A re-run with the journal in place grades again only the rows with a grader error."""
    out = graded["out"]
    again = tmp_path / "gradebook.csv"
    shutil.copyfile(gradebook.journal_path(out), gradebook.journal_path(again))
    start = time.monotonic()
    rows = gradebook.grade_folder(out.parent.parent / "download", again, LIMITS)
    assert time.monotonic() - start < 60
    strip = lambda rs: [{k: v for k, v in r.items() if k != "seconds"} for r in rs]  # noqa: E731
    assert strip(rows) == strip(graded["rows"])


def test_a_run_that_cannot_finish_leaves_no_current_looking_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out" / "gradebook.csv"
    for name in ("gradebook.csv", "canvas_history.csv", "moodle_history.csv", "report_history.html"):
        _write(out.parent / name, b"old")
    (tmp_path / "download").mkdir()
    monkeypatch.setattr(gradebook.answers, "load_data", lambda *a: (_ for _ in ()).throw(OSError("data folder gone")))
    with pytest.raises(OSError):
        gradebook.grade_folder(tmp_path / "download", out, LIMITS, check_sandbox=False)
    left = sorted(p.name for p in out.parent.iterdir())
    assert left == sorted([gradebook.INCOMPLETE, gradebook.LOCK]), left


def test_a_machine_without_user_namespaces_stops_with_one_sentence(tmp_path):
    """An ordinary user where user namespaces are disabled (bwrap --disable-userns makes that
    machine): the grader stops before grading, exit 3, one sentence saying how to enable them."""
    user = OrdinaryUser()
    try:
        folder = Path(tempfile.mkdtemp(prefix="sinorussia-grade-test-"))
        os.chmod(folder, 0o755)
        _write(folder / "dl" / "lovelaceada_1001_5001_history.ipynb", _notebook("history_correct.ipynb"))
        if user.created:
            subprocess.run(["chown", "-R", f"{user.uid}:0", str(folder)], check=True)
        no_userns = ["bwrap", "--unshare-user", "--disable-userns", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--"]
        done = subprocess.run(user.command(grade_command(folder / "dl", folder / "out" / "gradebook.csv"), wrap=no_userns),
                              cwd=ROOT, capture_output=True, timeout=120,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder), "LANG": "C.UTF-8"})
    finally:
        user.remove()
        shutil.rmtree(folder, ignore_errors=True)
    err = done.stderr.decode("utf-8", "replace").strip()
    assert done.returncode == 3, err
    assert len(err.splitlines()) == 1 and "user namespaces" in err and "sysctl" in err, err


def test_platform_and_python_claims():
    """requires-python tells the truth about the lock; make grade has no sudo and does not remake handouts."""
    import tomllib
    from importlib import metadata

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", (ROOT / "requirements.txt").read_text(), re.M))
    for name in pins:
        try:
            needs = metadata.metadata(name).get("Requires-Python")
        except metadata.PackageNotFoundError:
            continue
        if needs:
            low = Version(next((s.version for s in SpecifierSet(needs) if s.operator in (">=", ">")), "0"))
            below = [v for v in ("3.11.0", "3.11.2", "3.11.4", "3.11.5", "3.11.7") if Version(v) in spec and Version(v) < low]
            assert not below, f"requires-python {spec} admits {below} but {name}=={pins[name]} needs {needs}"
    assert not spec.contains("3.11.2"), "Debian 12's python3 cannot install the lock"
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^grade:.*?(?=^\S|\Z)", makefile, re.M | re.S).group(0)
    assert "sudo" not in rule and not re.search(r"^grade:[^#\n]*\bhandouts\b", rule, re.M), rule
    guide = (ROOT / "instructors" / "grading.md").read_text()
    assert "Linux" in guide and not re.search(r"Linux or macOS|macOS or Linux|on a laptop", guide)
    assert "sudo" not in guide.split("## The two commands")[1].split("## What the sandbox")[0], "grading needs no sudo"


def test_a_failing_class_report_costs_no_grade(tmp_path, monkeypatch):
    """A bug in the report (seen once: a chart refused by Altair) leaves the gradebook and LMS files
    written and says so in a file beside them; the run goes on."""
    from sinorussia_grade import gradebook, report

    def broken(*args, **kwargs):
        raise ValueError("chart refused")

    monkeypatch.setattr(report, "write_all", broken)
    out = tmp_path / "grading" / "gradebook.csv"
    out.parent.mkdir()
    row = {"file": "a.ipynb", "lms": "", "student": "", "student_id": "", "submission_id": "", "late": "",
           "problem_set": "history", "status": "not graded", "score": "", "max_score": "", "notes": "x", "flags": ""}
    gradebook.write_outputs([row], [[]], out, {})
    assert out.is_file() and "a.ipynb" in out.read_text(encoding="utf-8")
    assert "chart refused" in (out.parent / "CLASS-REPORT-FAILED.txt").read_text(encoding="utf-8")


def test_the_folder_given_to_the_grader_names_the_problem_set(tmp_path):
    """`SUBMISSIONS=downloads/history`: the folder's own name decides, as a folder inside it would;
    in a folder with no set's name, one history and one energy notebook tie and neither is graded."""
    energy = json.loads((ROOT / "exercises" / "energy.ipynb").read_text(encoding="utf-8"))
    known = [m.stem for m in handouts.masters()]
    for name, expected in (("history", {"history"}), ("downloads", set())):
        folder = tmp_path / name
        _write(folder / "lovelaceada_1001_5001_history.ipynb", _notebook("history_correct.ipynb"))
        _write(folder / "hoppergrace_1002_5002_energy.ipynb", energy)
        _, to_grade = gradebook.plan(gradebook.discover(folder), known, top=folder.name)
        assert set(to_grade.values()) == expected, (name, to_grade)


def test_a_new_run_removes_the_last_runs_failure_notices(tmp_path):
    """A FEEDBACK-FAILED.txt or CLASS-REPORT-FAILED.txt of an earlier run must not sit beside
    the new run's outputs as if it were current."""
    out = tmp_path / "grading" / "gradebook.csv"
    for name in ("FEEDBACK-FAILED.txt", "CLASS-REPORT-FAILED.txt"):
        _write(out.parent / name, b"an earlier run's failure\n")
    gradebook.remove_stale(out)
    assert sorted(p.name for p in out.parent.iterdir()) == [gradebook.INCOMPLETE]


def test_stray_notebooks_do_not_decide_the_set_for_named_students(tmp_path):
    """Two loose energy notebooks (no student named by the LMS layout) beside one Canvas student's
    history notebook: the named student decides, and is graded."""
    energy = json.loads((ROOT / "exercises" / "energy.ipynb").read_text(encoding="utf-8"))
    folder = tmp_path / "downloads"
    named = "lovelaceada_1001_5001_history.ipynb"
    _write(folder / named, _notebook("history_correct.ipynb"))
    _write(folder / "energy.ipynb", energy)
    _write(folder / "energy copy.ipynb", energy)
    known = [m.stem for m in handouts.masters()]
    _, to_grade = gradebook.plan(gradebook.discover(folder), known, top=folder.name)
    assert to_grade.get(named) == "history", to_grade

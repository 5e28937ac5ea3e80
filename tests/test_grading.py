"""Instructor workflow: handouts leak no solutions or hidden tests; grading a Canvas/Moodle
download that mixes correct, blank, broken and hostile submissions gives every file one
row, full marks to correct work, no more than honest answers earn to hostile work, and
changes nothing outside each submission's scratch copy, leaving no process behind."""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from sinorussia_grade import gradebook, handouts, sandbox
from sinorussia_grade.answers import CHECKS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
TIMEOUT = 30  # seconds per submission in the test (the default is 120); a correct one takes 3-5 s


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
    dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev', 'usr', '.venv', 'scratch', '.pyenv')]
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
}
# Attacks that end the run before answers are exported earn 0; those that tamper with the
# extraction may lose their honest points; the others earn exactly the honest 4.
ENDS_RUN = {"fork_bomb", "sleep_forever", "os_exit", "kill_parent"}
TAMPERS = {"monkeypatch", "edit_tests"}
NOTE = {"fork_bomb": "stopped after", "sleep_forever": "stopped after", "os_exit": "did not run to the end",
        "kill_parent": "did not run to the end", "huge_output": "more than 10 MB", "memory_hog": "MemoryError",
        "network": "raised", "read_key": "AssertionError", "write_outside": "AssertionError",
        "modify_other": "AssertionError", "plant_pth": "PermissionError", "monkeypatch": "",
        "always_equal": "q2_events_per_decade: answer not gradable", "edit_tests": "RuntimeError",
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


def build_download(folder: Path) -> dict[str, tuple]:
    """A Canvas download and a Moodle download side by side; returns file -> (score, max, status, note)."""
    correct, empty = _notebook("history_correct.ipynb"), _notebook("history_empty.ipynb")
    expected = {}
    canvas = folder / "canvas"
    for i, attack in enumerate(ATTACKS):
        name = f"hostile{attack.replace('_', '')}_{2000 + i}_{9000 + i}_history.ipynb"
        _write(canvas / name, _hostile(attack))
        score = (0.0, 0.0) if attack in ENDS_RUN else (0.0, 4.0) if attack in TAMPERS else (4.0, 4.0)
        expected[f"canvas/{name}"] = (score, 10.0, "graded", NOTE[attack])
    _write(canvas / "lovelaceada_1001_5001_history.ipynb", correct)
    expected["canvas/lovelaceada_1001_5001_history.ipynb"] = (10.0, 10.0, "graded", "")
    _write(canvas / "hoppergrace_late_1002_5002_history-1.ipynb", correct)
    expected["canvas/hoppergrace_late_1002_5002_history-1.ipynb"] = (10.0, 10.0, "graded", "")
    _write(canvas / "turingalan_1003_5003_history.ipynb", empty)  # older submission of the same student
    _write(canvas / "turingalan_late_1003_5010_history-1.ipynb", correct)
    expected["canvas/turingalan_1003_5003_history.ipynb"] = ("", "", "duplicate", "duplicate")
    expected["canvas/turingalan_late_1003_5010_history-1.ipynb"] = (10.0, 10.0, "graded", "")
    v3 = nbformat.writes(nbformat.convert(nbformat.reads(json.dumps(correct), as_version=4), 3))
    _write(canvas / "oldformatolga_1004_5004_history.ipynb", v3.encode("utf-8"))
    expected["canvas/oldformatolga_1004_5004_history.ipynb"] = (10.0, 10.0, "graded", "")
    other_kernel = copy.deepcopy(correct)
    other_kernel["metadata"]["kernelspec"] = {"name": "conda-env-py311", "display_name": "Py 3.11", "language": "python"}
    _write(canvas / "kernelkim_1005_5005_history.ipynb", other_kernel)
    expected["canvas/kernelkim_1005_5005_history.ipynb"] = (10.0, 10.0, "graded", "")
    _write(canvas / "zippedzoe_1006_5006_history.zip", b"PK\x03\x04 not really")
    expected["canvas/zippedzoe_1006_5006_history.zip"] = ("", "", "not graded", ".zip")
    odd = os.fsdecode(b"caf\xe9_1007_5007_history.ipynb")  # not valid UTF-8
    _write(canvas / odd, correct)
    expected["canvas/caf\\xe9_1007_5007_history.ipynb"] = (10.0, 10.0, "graded", "")
    moodle = folder / "moodle"
    _write(moodle / "Marie Curie_301_assignsubmission_file_" / "HISTORY.IPYNB", correct)
    expected["moodle/Marie Curie_301_assignsubmission_file_/HISTORY.IPYNB"] = (10.0, 10.0, "graded", "")
    _write(moodle / "Emmy Noether_302_assignsubmission_file_" / "history.ipynb", empty)
    expected["moodle/Emmy Noether_302_assignsubmission_file_/history.ipynb"] = (0.0, 10.0, "graded", "no answer")
    _write(moodle / "Emmy Noether_302_assignsubmission_file_" / "notes.txt", b"my notes")
    expected["moodle/Emmy Noether_302_assignsubmission_file_/notes.txt"] = ("", "", "not graded", "not a notebook")
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


def _sandbox_processes() -> list[int]:
    return [pid for uid in sandbox.SANDBOX_UIDS for pid in sandbox.processes_of(uid)]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the whole hostile download once (two at a time) and record what happened."""
    tmp = tmp_path_factory.mktemp("grading")
    download = tmp / "download"
    expected = build_download(download)
    before = _protected_state(download)
    out = tmp / "out" / "gradebook.csv"
    start = time.monotonic()
    rows = gradebook.grade_folder(download, out, sandbox.Limits(timeout=TIMEOUT), workers=2)
    seconds = time.monotonic() - start
    book_hash = hashlib.sha256(out.read_bytes()).hexdigest()
    survivors = _sandbox_processes()
    time.sleep(9)  # longer than the detached process's delay before it writes
    return {"rows": rows, "expected": expected, "out": out, "before": before, "after": _protected_state(download),
            "book_hash": book_hash, "book_hash_later": hashlib.sha256(out.read_bytes()).hexdigest(),
            "survivors": survivors, "seconds": seconds,
            "tmp_left": [n for n in os.listdir(tempfile_dir()) if n.startswith("sinorussia-grade-")]}


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


def test_every_file_gets_exactly_one_row(graded):
    files = [r["file"] for r in csv.DictReader(graded["out"].open(encoding="utf-8"))]
    assert sorted(files) == sorted(graded["expected"]), set(files) ^ set(graded["expected"])
    assert len(files) == len(set(files))


def test_scores_and_notes(graded):
    rows = {r["file"]: r for r in csv.DictReader(graded["out"].open(encoding="utf-8"))}
    problems = []
    for name, (score, maximum, status, note) in graded["expected"].items():
        row = rows[name]
        got = (float(row["score"]) if row["score"] else "", float(row["max_score"]) if row["max_score"] else "", row["status"])
        low, high = score if isinstance(score, tuple) else (score, score)
        score_ok = got[0] == low == high or (got[0] != "" and low <= got[0] <= high)
        if not score_ok or got[1:] != (maximum, status) or note not in row["notes"]:
            problems.append((name, got, row["notes"][:200]))
        if row["score"]:
            assert float(row["score"]) <= float(row["max_score"])
    assert not problems, problems
    for name, row in rows.items():
        if name.startswith("canvas/hostile"):
            assert row["notes"], f"{name}: a hostile submission gets a note"


def test_nothing_outside_the_scratch_copies_changed(graded):
    before, after = graded["before"], graded["after"]
    for key in before:
        assert before[key] == after[key], f"grading changed {key}"
    assert graded["book_hash"] == graded["book_hash_later"], "something rewrote the gradebook after the run"
    assert graded["tmp_left"] == [], f"left in /tmp: {graded['tmp_left']}"
    assert not Path("/tmp/pwned").exists()


def test_no_process_survives(graded):
    assert graded["survivors"] == [], "processes of the sandbox uids outlived the run"
    outlived = [r["file"] for r in graded["rows"] if "outlived the sandbox" in r["notes"]]
    assert not outlived, f"processes outlived their sandbox (the safety net had to kill them): {outlived}"
    assert _sandbox_processes() == []


def test_identity_duplicates_and_lms_files(graded):
    rows = {r["file"]: r for r in csv.DictReader(graded["out"].open(encoding="utf-8"))}
    late = rows["canvas/turingalan_late_1003_5010_history-1.ipynb"]
    assert (late["lms"], late["student"], late["student_id"], late["late"]) == ("canvas", "turingalan", "1003", "yes")
    curie = rows["moodle/Marie Curie_301_assignsubmission_file_/HISTORY.IPYNB"]
    assert (curie["lms"], curie["student"], curie["student_id"]) == ("moodle", "Marie Curie", "301")
    canvas = list(csv.DictReader((graded["out"].parent / "canvas_history.csv").open(encoding="utf-8")))
    assert list(canvas[0])[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[0]["Student"] == "Points Possible"
    ids = [r["ID"] for r in canvas[1:]]
    assert len(ids) == len(set(ids)) and "1003" in ids
    assert any("marked by hand" in c for c in canvas[0])
    moodle = list(csv.DictReader((graded["out"].parent / "moodle_history.csv").open(encoding="utf-8")))
    assert {r["Identifier"]: r["Grade"] for r in moodle} == {"Participant 301": "10.0", "Participant 302": "0.0"}
    assert all(r["Marked by hand (max)"] == "10" for r in moodle)


def test_resume_from_the_journal(graded, tmp_path):
    """A re-run with the journal in place grades nothing again and writes the same gradebook."""
    out = graded["out"]
    again = tmp_path / "gradebook.csv"
    shutil.copyfile(gradebook.journal_path(out), gradebook.journal_path(again))
    start = time.monotonic()
    rows = gradebook.grade_folder(out.parent.parent / "download", again, sandbox.Limits(timeout=TIMEOUT))
    assert time.monotonic() - start < 10
    assert rows == graded["rows"]

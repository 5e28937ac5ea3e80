"""Instructor workflow: handouts leak no solutions or hidden tests, and grading a folder of
fixture submissions (correct, partial, empty, raising, looping, renamed, broken) gives the
expected gradebook without touching the submissions."""
from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from sinorussia import grading

SUBMISSIONS = Path(__file__).parent / "fixtures" / "submissions"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    names = grading.make_handouts(out)
    assert names == [m.stem for m in grading.masters()]
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


@pytest.mark.parametrize("master", grading.masters(), ids=lambda p: p.stem)
def test_student_version_has_no_solutions_or_hidden_tests(handouts, master):
    student = (handouts / "student" / master.name).read_text(encoding="utf-8")
    key = (handouts / "answer_keys" / master.name).read_text(encoding="utf-8")
    secrets = _secrets(master)
    assert secrets, "the master defines no solutions?"
    leaked = [s for s in secrets if s in student]
    assert not leaked, f"{master.name}: solution text in the student version: {leaked[:3]}"
    assert "grader.check(" in student, "students get public checks"
    assert "Model answer" in key and "Rubric" in key, "the answer key carries model answers and rubrics"


def test_each_problem_set_has_data_chart_written_and_extended_questions():
    for master in grading.masters():
        auto, manual = grading._questions(master)
        assert len(auto) >= 3 and any("chart" in q for q in auto), master.name
        assert any("extended" in q for q in manual) and len(manual) >= 2, master.name


EXPECTED = {  # file -> (score, max, note fragment)
    "history_correct.ipynb": (10.0, 10.0, ""),
    "history_partial.ipynb": (4.5, 10.0, "q4_chart"),
    "history_empty.ipynb": (0.0, 10.0, "tests failed"),
    "history_raises.ipynb": (7.0, 10.0, "q2_events_per_decade"),
    "history_loops_forever.ipynb": (0.0, 10.0, "stopped after"),
    "history_missing_cell.ipynb": (8.0, 10.0, "check cell is missing"),
    "history_not_a_notebook.ipynb": (0.0, 0.0, "not a readable notebook"),
    "my_homework_final.ipynb": (10.0, 10.0, "file renamed"),
}


def test_gradebook_for_fixture_submissions(handouts, tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SUBMISSIONS.glob("*.ipynb")}
    out = tmp_path / "gradebook.csv"
    grading.grade_folder(SUBMISSIONS, out, handouts=handouts, timeout=12)
    rows = {r["file"]: r for r in csv.DictReader(out.open())}
    assert set(rows) == set(EXPECTED)
    for name, (score, maximum, note) in EXPECTED.items():
        row = rows[name]
        assert float(row["score"]) == score, (name, row)
        assert float(row["max_score"]) == maximum, (name, row)
        assert note in row["notes"], (name, row["notes"])
    assert rows["history_correct.ipynb"]["q5_sources"] == "manual"
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SUBMISSIONS.glob("*.ipynb")}
    assert before == after, "grading changed a submission"

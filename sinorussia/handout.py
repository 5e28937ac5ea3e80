"""Feedback for students working on a problem set, without Otter-Grader.

The handouts are made with ``otter assign`` (by the instructor), which stores each
question's *public* tests in the notebook's metadata. Students do not need Otter (a
heavy install): the handout's first cell is

    from sinorussia.handout import Notebook
    grader = Notebook("history.ipynb")

and ``grader.check("q1_first_seed_year")`` runs that question's public tests against
the student's variables and says which pass. It gives feedback only: official scores
come from the instructor's sandboxed grader (``sinorussia-grade``), which checks the
answers against values computed from ``data/``, with tests the student never sees.
"""
from __future__ import annotations

import html
import inspect
import json
from pathlib import Path

__all__ = ["Notebook"]


class _Result:
    """The outcome of one ``check``: shown as HTML in Jupyter, as text elsewhere."""

    def __init__(self, question: str, failures: list[str], total: int):
        self.question, self.failures, self.total = question, failures, total

    @property
    def passed(self) -> bool:
        return not self.failures

    def __repr__(self) -> str:
        if self.passed:
            return f"{self.question}: all {self.total} public test(s) passed"
        return f"{self.question}: " + "; ".join(self.failures)

    def _repr_html_(self) -> str:
        if self.passed:
            return f"<p><strong>{html.escape(self.question)}</strong> ✅ all {self.total} public test(s) passed.</p>"
        items = "".join(f"<li>{html.escape(f)}</li>" for f in self.failures)
        return f"<p><strong>{html.escape(self.question)}</strong> ❌ not yet:</p><ul>{items}</ul>"


def _collect(source: str) -> list:
    """The test functions of one question's test file (Otter's format, ``@test_case``)."""
    found = []

    def test_case(points=None, hidden=False, **_):
        def register(function):
            if not hidden:
                found.append(function)
            return function
        return register

    namespace = {"__name__": "handout_tests"}
    code = source.replace("from otter.test_files import test_case", "")
    exec(compile(code, "<public tests>", "exec"), {**namespace, "test_case": test_case})
    return found


class Notebook:
    """The problem set ``path`` (the notebook file, next to the running notebook)."""

    def __init__(self, path: str):
        self.path = Path(path)

    def _tests(self) -> dict[str, str]:
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path} not found: open the handout from its own folder")
        meta = json.loads(self.path.read_text(encoding="utf-8"))["metadata"].get("otter", {})
        return meta.get("tests", {})

    def check(self, question: str, env: dict | None = None) -> _Result:
        """Run the public tests of ``question`` against the caller's variables."""
        tests = self._tests()
        if question not in tests:
            raise KeyError(f"no question {question!r} in {self.path.name}; questions: {', '.join(tests)}")
        env = env if env is not None else inspect.currentframe().f_back.f_globals
        functions = _collect(tests[question])
        failures = []
        for function in functions:
            names = inspect.signature(function).parameters
            missing = [n for n in names if n not in env]
            if missing:
                failures.append(f"define {', '.join(missing)} first")
                continue
            try:
                function(*(env[n] for n in names))
            except AssertionError as error:
                failures.append(str(error) or function.__name__)
            except Exception as error:  # the student's value broke the test itself
                failures.append(f"{function.__name__}: {type(error).__name__}: {error}")
        return _Result(question, failures, len(functions))

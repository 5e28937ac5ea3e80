"""Per-question, per-part results of one submission: the gradebook's one door to :mod:`answers`.

:func:`score` returns :class:`QuestionResult` objects (with :class:`PartResult` parts),
the interface of ``answers.score(problem_set, answers_json, data)``. Until that interface
is merged, an adapter below builds the same objects from the older
``answers.score(problem_set, answers_json, maxima, data) -> (points, notes)``, one question
at a time so that a grader error on one answer costs only that answer.
MERGE NOTE: once ``answers.QuestionResult`` exists the adapter is unused; delete the
``else`` branch (everything below ``# --- adapter``).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from . import answers

STATUSES = ("correct", "partial", "wrong", "missing", "not gradable", "grader error")


def to_dict(result: Any) -> dict:
    """A question result as plain JSON data (for the journal)."""
    return asdict(result)


def from_dict(data: dict):
    """A question result from :func:`to_dict`'s data."""
    parts = [PartResult(**p) for p in data.get("parts", [])]
    return QuestionResult(**{**data, "parts": parts})


if hasattr(answers, "QuestionResult"):
    QuestionResult, PartResult = answers.QuestionResult, answers.PartResult

    def score(problem_set: str, answers_json: bytes, data: answers.Data, maxima: dict[str, float]) -> list:
        """Every auto-graded question of ``problem_set``, scored part by part."""
        return answers.score(problem_set, answers_json, data)

else:  # --- adapter for the older all-or-nothing interface (delete at merge) -----------------
    from dataclasses import dataclass

    @dataclass
    class PartResult:  # type: ignore[no-redef]
        name: str
        points: float
        max_points: float
        message: str

    @dataclass
    class QuestionResult:  # type: ignore[no-redef]
        question: str
        points: float
        max_points: float
        status: str
        parts: list
        answer_summary: str

    def _summary(value: Any, limit: int = 80) -> str:
        try:
            text = " ".join(json.dumps(value, ensure_ascii=False)[:400].split())
        except (TypeError, ValueError, RecursionError):
            text = "(answer)"
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def score(problem_set: str, answers_json: bytes, data: answers.Data, maxima: dict[str, float]) -> list:  # noqa: F811
        """Old interface, one question at a time (a failing check costs only its question)."""
        try:
            raw = json.loads(answers_json.decode("utf-8"))
            raw = raw if type(raw) is dict else {}
        except (ValueError, RecursionError, UnicodeDecodeError):
            raw = {}
        out = []
        for question, check in answers.CHECKS[problem_set].items():
            maximum = float(maxima.get(question, 0.0))
            if check.variable not in raw:
                out.append(QuestionResult(question, 0.0, maximum, "missing", [], f"{check.variable} not defined"))
                continue
            one = json.dumps({check.variable: raw[check.variable]}).encode("utf-8")
            summary = _summary(raw[check.variable])
            try:
                points, notes = answers.score(problem_set, one, {question: maximum}, data)
            except Exception as exc:  # the grader's own code failed on this answer
                out.append(QuestionResult(question, 0.0, maximum, "grader error",
                                          [PartResult("grader", 0.0, maximum, "the grader could not check this answer "
                                                      f"({type(exc).__name__}); your instructor will look at it")],
                                          summary))
                continue
            got = float(points.get(question, 0.0))
            note = next((n for n in notes if n.startswith(question + ":")), "")
            if got >= maximum > 0:
                status, message = "correct", "the answer: right"
            elif "no answer" in note:
                status, message = "missing", "no answer was given"
            elif "not gradable" in note or "wrong shape" in note:
                status, message = "not gradable", "this answer cannot be graded: " + note.split(":", 1)[-1].strip()
            else:
                status, message = "wrong", "the answer: not the expected answer"
            parts = [] if status == "missing" else [PartResult("value", got, maximum, message)]
            out.append(QuestionResult(question, got, maximum, status, parts, summary))
        return out

"""Per-question, per-part results of one submission: the gradebook's one door to :mod:`answers`.

:func:`score` returns :class:`QuestionResult` objects (with :class:`PartResult` parts),
the interface of ``answers.score(problem_set, answers_json, data)``, which scores one
question at a time, so that a grader error on one answer costs only that answer.
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


QuestionResult, PartResult = answers.QuestionResult, answers.PartResult


def score(problem_set: str, answers_json: bytes, data: answers.Data, maxima: dict[str, float]) -> list:
    """Every auto-graded question of ``problem_set``, scored part by part."""
    return answers.score(problem_set, answers_json, data)

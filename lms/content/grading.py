"""Score one answer to one question version: a pure function, the same for quizzes and imports.

Responses by type:

- single: the index of the chosen choice in `data["choices"]` (or None);
- multiple: the indices of the chosen choices (any iterable; duplicates count once);
- truefalse: True or False (the strings "true"/"false" are accepted from forms);
- short: the typed text;
- essay: anything; the score is None because a person grades it against the rubric.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any


def normalize_short_answer(text: str) -> str:
    """Case- and space-insensitive form: "  Pos   YANDU " → "pos yandu"."""
    return " ".join(text.split()).casefold()


def score_answer(version_data: dict[str, Any], qtype: str, points: float | Decimal, response: Any) -> float | None:
    """Points earned, between 0 and `points`; None for essays (a human grades them)."""
    if qtype == "essay":
        return None
    total = float(points)
    if qtype == "single":
        fraction = 1.0 if _chosen_correct(version_data.get("choices", []), response) else 0.0
    elif qtype == "multiple":
        fraction = _multiple_fraction(version_data.get("choices", []), response)
    elif qtype == "truefalse":
        answer = _as_bool(response)
        fraction = 1.0 if answer is not None and answer == version_data.get("answer") else 0.0
    elif qtype == "short":
        fraction = _short_fraction(version_data.get("answers", []), response)
    else:
        raise ValueError(f"unknown question type {qtype!r}")
    return total * fraction


def _index(value: Any, size: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        index = int(value)
    except ValueError:
        return None
    return index if 0 <= index < size else None


def _chosen_correct(choices: list[dict[str, Any]], response: Any) -> bool:
    index = _index(response, len(choices))
    return index is not None and bool(choices[index].get("correct"))


def _multiple_fraction(choices: list[dict[str, Any]], response: Any) -> float:
    if response is None or isinstance(response, str | bytes) or not isinstance(response, Iterable):
        return 0.0
    chosen = {index for index in (_index(value, len(choices)) for value in response) if index is not None}
    percent = sum(float(choices[index].get("weight", 0)) for index in chosen)
    return min(max(percent, 0.0), 100.0) / 100


def _as_bool(response: Any) -> bool | None:
    if isinstance(response, bool):
        return response
    if isinstance(response, str) and response.strip().lower() in ("true", "false"):
        return response.strip().lower() == "true"
    return None


def _short_fraction(answers: list[dict[str, Any]], response: Any) -> float:
    if not isinstance(response, str):
        return 0.0
    given = normalize_short_answer(response)
    if not given:
        return 0.0
    weights = [float(answer.get("weight", 100)) for answer in answers
               if normalize_short_answer(str(answer.get("text", ""))) == given]
    return min(max(max(weights, default=0.0), 0.0), 100.0) / 100

"""Building right and wrong answers from a question version, for tests."""

from __future__ import annotations

from typing import Any

from lms.content.models import QuestionVersion


def right_response(version: QuestionVersion) -> Any:
    data = version.payload
    if version.type == "single":
        return next(i for i, choice in enumerate(data["choices"]) if choice.get("correct"))
    if version.type == "multiple":
        return [i for i, choice in enumerate(data["choices"]) if float(choice.get("weight", 0)) > 0]
    if version.type == "truefalse":
        return bool(data["answer"])
    if version.type == "short":
        return max(data["answers"], key=lambda a: float(a.get("weight", 100)))["text"]
    return "Jawaban esai yang menjelaskan langkah-langkahnya dengan contoh dari lapangan."


def wrong_response(version: QuestionVersion) -> Any:
    data = version.payload
    if version.type == "single":
        return next(i for i, choice in enumerate(data["choices"]) if not choice.get("correct"))
    if version.type == "multiple":
        wrong = [i for i, choice in enumerate(data["choices"]) if float(choice.get("weight", 0)) <= 0]
        return wrong[:1]
    if version.type == "truefalse":
        return not bool(data["answer"])
    if version.type == "short":
        return "jawaban yang salah sekali"
    return ""


def form_value(version: QuestionVersion, response: Any) -> Any:
    """The same response as an HTML form would send it."""
    if version.type == "truefalse":
        return "true" if response else "false"
    if version.type == "multiple":
        return [str(i) for i in response]
    return str(response)

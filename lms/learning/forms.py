"""Reading quiz answers from a plain HTML form (the page works without JavaScript)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from lms.learning.models import AttemptAnswer


def field_name(answer: AttemptAnswer) -> str:
    return f"q{answer.position}"


def form_response(answer: AttemptAnswer, form: MultiDict[str, str]) -> tuple[bool, Any]:
    """(present, raw response) for one question; absent questions are left as they were saved."""
    name = field_name(answer)
    if answer.version.type == "multiple":
        # Checkboxes send nothing when none is ticked: a hidden marker says the question was on the page.
        if f"{name}-shown" not in form:
            return False, None
        return True, form.getlist(name)
    if name not in form:
        return answer.version.type in ("single", "truefalse") and f"{name}-shown" in form, None
    return True, form.get(name, "")

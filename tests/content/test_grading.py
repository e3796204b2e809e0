"""`score_answer`: all-or-nothing, partial credit, negative weights, empty answers, essays."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.content.grading import normalize_short_answer, score_answer

SINGLE = {"choices": [{"text": "270 hari", "correct": True}, {"text": "730 hari", "correct": False},
                      {"text": "1.000 hari", "correct": False}]}
MULTIPLE = {"choices": [{"text": "Telur", "weight": 50}, {"text": "Ikan", "weight": 50},
                        {"text": "Nasi", "weight": -50}, {"text": "Singkong", "weight": -100}]}
THIRDS = {"choices": [{"text": "a", "weight": 33.33333}, {"text": "b", "weight": 33.33333},
                      {"text": "c", "weight": 33.33333}, {"text": "d", "weight": -100}]}
SHORT = {"answers": [{"text": "posyandu", "weight": 100}, {"text": "pos pelayanan terpadu", "weight": 100},
                     {"text": "puskesmas", "weight": 50}]}
TRUE = {"answer": True}
FALSE = {"answer": False}


@pytest.mark.parametrize(("response", "expected"), [
    (0, 2.0), (1, 0.0), (2, 0.0), (None, 0.0), (7, 0.0), (-1, 0.0), ("0", 2.0), (True, 0.0), ("x", 0.0),
])
def test_single_choice_is_all_or_nothing(response: Any, expected: float) -> None:
    assert score_answer(SINGLE, "single", 2, response) == expected


@pytest.mark.parametrize(("response", "expected"), [
    ([0, 1], 4.0),          # both right
    ([0], 2.0),             # half the right weight: partial credit
    ([1, 1], 2.0),          # choosing the same twice counts once
    ([0, 1, 2], 2.0),       # a wrong one takes 50% off
    ([0, 3], 0.0),          # never below zero
    ([2, 3], 0.0),
    ([], 0.0), (None, 0.0), ("01", 0.0), ([9, -2], 0.0),
])
def test_multiple_choice_adds_weights_and_clamps(response: Any, expected: float) -> None:
    assert score_answer(MULTIPLE, "multiple", 4, response) == expected


def test_three_thirds_score_practically_full_points() -> None:
    assert score_answer(THIRDS, "multiple", 1, {0, 1, 2}) == pytest.approx(1, abs=1e-6)
    assert score_answer(THIRDS, "multiple", 1, [0]) == pytest.approx(1 / 3, abs=1e-6)
    assert score_answer(THIRDS, "multiple", 1, [0, 1, 2, 3]) == 0


@pytest.mark.parametrize(("data", "response", "expected"), [
    (TRUE, True, 1.0), (TRUE, False, 0.0), (FALSE, False, 1.0), (FALSE, True, 0.0),
    (TRUE, "true", 1.0), (FALSE, " False ", 1.0), (TRUE, None, 0.0), (TRUE, "", 0.0), (TRUE, 1, 0.0),
])
def test_true_false(data: dict, response: Any, expected: float) -> None:
    assert score_answer(data, "truefalse", 1, response) == expected


@pytest.mark.parametrize(("response", "expected"), [
    ("posyandu", 1.0), ("  POSYANDU ", 1.0), ("Pos   Pelayanan\tTerpadu", 1.0),
    ("puskesmas", 0.5),       # partial credit
    ("posyandu desa", 0.0), ("", 0.0), ("   ", 0.0), (None, 0.0), (["posyandu"], 0.0),
])
def test_short_answer_matches_case_and_space_insensitively(response: Any, expected: float) -> None:
    assert score_answer(SHORT, "short", 1, response) == expected


def test_short_answer_takes_the_best_matching_weight() -> None:
    data = {"answers": [{"text": "Puskesmas", "weight": 50}, {"text": "puskesmas ", "weight": 80}]}
    assert score_answer(data, "short", 10, "PUSKESMAS") == 8.0


def test_essays_need_a_human() -> None:
    assert score_answer({"rubric": [{"criterion": "x", "points": 10}]}, "essay", 10, "jawaban") is None


def test_points_may_be_decimal() -> None:
    assert score_answer(SINGLE, "single", Decimal("1.50"), 0) == 1.5


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown question type"):
        score_answer({}, "matching", 1, None)


def test_normalize_short_answer() -> None:
    assert normalize_short_answer("  Pos \n YANDU  ") == "pos yandu"


weights = st.floats(min_value=-100, max_value=100, allow_nan=False)
points = st.floats(min_value=0.01, max_value=1000, allow_nan=False)
texts = st.text(max_size=12)


@st.composite
def question_and_response(draw: st.DrawFn) -> tuple[dict, str, Any]:
    qtype = draw(st.sampled_from(["single", "multiple", "truefalse", "short"]))
    if qtype == "single":
        count = draw(st.integers(1, 6))
        right = draw(st.integers(0, count - 1))
        data: dict[str, Any] = {"choices": [{"text": str(i), "correct": i == right} for i in range(count)]}
        response: Any = draw(st.one_of(st.none(), st.integers(-3, 8), st.text(max_size=3)))
    elif qtype == "multiple":
        drawn = draw(st.lists(weights, min_size=1, max_size=8))
        data = {"choices": [{"text": str(i), "weight": w} for i, w in enumerate(drawn)]}
        response = draw(st.one_of(st.none(), st.lists(st.integers(-2, 10), max_size=10), st.text(max_size=3)))
    elif qtype == "truefalse":
        data = {"answer": draw(st.booleans())}
        response = draw(st.one_of(st.none(), st.booleans(), st.text(max_size=6)))
    else:
        answers = draw(st.lists(st.tuples(texts, st.floats(0.001, 100)), min_size=1, max_size=5))
        data = {"answers": [{"text": text, "weight": weight} for text, weight in answers]}
        response = draw(st.one_of(st.none(), texts, st.sampled_from([text for text, _ in answers])))
    return data, qtype, response


@given(question_and_response(), points)
def test_score_always_lies_between_zero_and_the_points(case: tuple[dict, str, Any], worth: float) -> None:
    data, qtype, response = case
    score = score_answer(data, qtype, worth, response)
    assert score is not None
    assert 0 <= score <= worth

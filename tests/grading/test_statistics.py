"""Facility and discrimination on hand-made attempts, checked against values worked out by hand."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.grading import statistics
from lms.users.models import User
from tests.grading.helpers import (
    essay_attempt,
    graded_attempt,
    module_number,
    right_choice,
    single_choice_versions,
    wrong_choice,
)

# Four learners A-D, five one-point questions (1 = right, 0 = wrong):
#
#        Q1 Q2 Q3 Q4 Q5 | total
#   A     1  0  1  1  0 |  3
#   B     1  0  1  1  0 |  3
#   C     0  0  0  1  0 |  1
#   D     0  1  0  1  0 |  2
#
# Facility = mean score / points: Q1 2/4 = 50 %, Q2 1/4 = 25 %, Q3 50 %, Q4 4/4 = 100 %, Q5 0 %.
#
# Discrimination = 100 × r(question score, rest of the attempt = total − question score).
# Q1: x = (1, 1, 0, 0), rest = (2, 2, 1, 2); means 1/2 and 7/4;
#     deviations x: (½, ½, −½, −½), rest: (¼, ¼, −¾, ¼);
#     Σdx·dr = ⅛ + ⅛ + ⅜ − ⅛ = ½; Σdx² = 1; Σdr² = 1/16 + 1/16 + 9/16 + 1/16 = ¾;
#     r = ½ / √(1 · ¾) = 1/√3 ≈ 0.5774 → 57.74.
# Q3: the same columns as Q1 → 57.74.
# Q2: x = (0, 0, 0, 1), rest = (3, 3, 1, 1); means ¼ and 2;
#     deviations x: (−¼, −¼, −¼, ¾), rest: (1, 1, −1, −1);
#     Σdx·dr = −¼ − ¼ + ¼ − ¾ = −1; Σdx² = 3/16 + 9/16 = ¾; Σdr² = 4;
#     r = −1 / √(¾ · 4) = −1/√3 → −57.74: misleading.
# Q4 (everyone right) and Q5 (no one right) do not vary: discrimination undefined (None);
#     Q4 is too easy (> 95 %), Q5 too hard (< 20 %).
GRID = {"A": [1, 0, 1, 1, 0], "B": [1, 0, 1, 1, 0], "C": [0, 0, 0, 1, 0], "D": [0, 1, 0, 1, 0]}


def test_facility_and_discrimination_by_hand(app: Flask, client: FlaskClient, db: Session,
                                             make_user: Callable[..., User],
                                             login_as: Callable[..., FlaskClient]) -> None:
    module = module_number(db, 1)
    versions = single_choice_versions(db, module, 5)
    assert all(v.points == 1 for v in versions)
    for name, row in GRID.items():
        learner = make_user(regions=["3374"], name=name)
        graded_attempt(db, app, learner, module, [(v, right_choice(v) if right else wrong_choice(v))
                                                  for v, right in zip(versions, row, strict=True)])
    # None of these count: a pre-test, an attempt still open, another module's attempt waiting for grading.
    other = make_user(regions=["3374"])
    graded_attempt(db, app, other, module, [(v, wrong_choice(v)) for v in versions], kind="pretest")
    graded_attempt(db, app, other, module, [(v, right_choice(v)) for v in versions], submit=False)
    essay_attempt(db, app, other)

    trainer = make_user(role="trainer", regions=["33"])
    with app.test_request_context():
        rows = statistics.module_statistics(db, trainer, module)
    by_key = {row.question.key: row for row in rows}
    q1, q2, q3, q4, q5 = (by_key[v.question.key] for v in versions)
    assert [row.attempts for row in (q1, q2, q3, q4, q5)] == [4] * 5
    assert [row.facility for row in (q1, q2, q3, q4, q5)] == [50.0, 25.0, 50.0, 100.0, 0.0]
    assert q1.discrimination == pytest.approx(100 / math.sqrt(3)) == pytest.approx(57.735, abs=1e-3)
    assert q3.discrimination == pytest.approx(57.735, abs=1e-3)
    assert q2.discrimination == pytest.approx(-57.735, abs=1e-3)
    assert q4.discrimination is None and q5.discrimination is None
    assert (q1.flags, q2.flags, q4.flags, q5.flags) == ([], ["misleading"], ["too_easy"], ["too_hard"])
    picked = {choice.label: choice.count for choice in q2.choices}
    assert picked[versions[1].payload["choices"][right_choice(versions[1])]["text"]] == 1
    assert picked[versions[1].payload["choices"][wrong_choice(versions[1])]["text"]] == 3

    # A trainer of another province sees no attempts; the page and the CSV show the same numbers.
    with app.test_request_context():
        assert statistics.module_statistics(db, make_user(role="trainer", regions=["18"]), module) == []
    login_as(trainer)
    client.set_cookie("lang", "en")
    page = client.get(f"/grading/modules/{module.slug}/statistics").get_data(as_text=True)
    assert "Misleading" in page and "Too easy" in page and "Too hard" in page
    response = client.get(f"/grading/modules/{module.slug}/statistics.csv")
    assert response.mimetype == "text/csv" and response.is_streamed
    table = {row["question"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert table[versions[0].question.key]["facility_percent"] == "50.00"
    assert table[versions[0].question.key]["discrimination_index"] == "57.74"
    assert table[versions[1].question.key]["discrimination_index"] == "-57.74"
    assert table[versions[1].question.key]["flags"] == "misleading"
    assert table[versions[3].question.key]["discrimination_index"] == ""


def test_correlation_is_undefined_without_spread() -> None:
    assert statistics.correlation([1, 1], [0, 1]) is None
    assert statistics.correlation([1], [1]) is None
    assert statistics.correlation([0, 1, 2], [0, 2, 4]) == pytest.approx(1)

"""A wrong answer key fixed in a new question version: preview who changes, then regrade."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.content.grading import score_answer
from lms.content.models import QuestionVersion
from lms.db import utcnow
from lms.grading import regrade
from lms.grading.models import GradeAudit, ReviewFlag
from lms.learning.models import ModuleCompletion, QuizAttempt
from lms.users.models import User
from tests.grading.helpers import (
    graded_attempt,
    module_number,
    move_right_choice,
    right_choice,
    single_choice_versions,
    wrong_choice,
)


def recomputed(attempt: QuizAttempt) -> Decimal:
    """The attempt's score worked out again from its answers, each against the version it now uses."""
    return sum((Decimal(str(score_answer(a.version.payload, a.version.type, a.version.points, a.response_value)
                            or 0)) for a in attempt.answers), Decimal(0))


def test_regrade_rescores_every_affected_attempt(app: Flask, client: FlaskClient, db: Session,
                                                 make_user: Callable[..., User],
                                                 login_as: Callable[..., FlaskClient]) -> None:
    module = module_number(db, 1)  # pass mark 70 %
    key, *others = single_choice_versions(db, module, 4)  # four questions of one point each
    assert all(v.points == 1 for v in (key, *others))
    old_right, new_right = right_choice(key), (right_choice(key) + 1) % len(key.payload["choices"])
    neither = next(i for i in range(len(key.payload["choices"])) if i not in (old_right, new_right))
    rights = [(v, right_choice(v)) for v in others]

    def attempt_of(name: str, answer: int, right_others: int) -> QuizAttempt:
        learner = make_user(regions=["3374"], name=name)
        chosen = [(v, r if i < right_others else wrong_choice(v)) for i, (v, r) in enumerate(rights)]
        return graded_attempt(db, app, learner, module, [(key, answer), *chosen])

    ani = attempt_of("Ani", old_right, 2)      # 3/4 = 75 % passed → 2/4 = 50 % not passed
    budi = attempt_of("Budi", new_right, 2)    # 2/4 = 50 % not passed → 3/4 = 75 % passed
    citra = attempt_of("Citra", neither, 3)    # 3/4 → 3/4: unchanged
    dewi = attempt_of("Dewi", old_right, 3)    # 4/4 → 3/4 = 75 %: changed, still passed
    lampung = graded_attempt(db, app, make_user(regions=["1871"], name="Eka"), module, [(key, old_right)])
    assert (ani.passed, budi.passed, citra.passed, dewi.passed) == (True, False, True, True)

    fixed = move_right_choice(db, key)
    trainer = make_user(role="trainer", regions=["33"])
    login_as(trainer)
    client.set_cookie("lang", "en")
    listing = client.get(f"/grading/modules/{module.slug}/regrade").get_data(as_text=True)
    assert key.question.key in listing
    preview = client.get(f"/grading/questions/{key.question_id}/regrade").get_data(as_text=True)
    assert "passed → not passed" in preview and "not passed → passed" in preview
    assert "Ani" in preview and "Budi" in preview and "Dewi" in preview and "Eka" not in preview

    with app.test_request_context():
        plan = regrade.regrade_plan(db, trainer, key.question)
    assert {c.attempt.id for c in plan.changes} == {ani.id, budi.id, dewi.id}
    assert {c.attempt.id for c in plan.flips} == {ani.id, budi.id}
    assert [c.attempt.id for c in plan.same] == [citra.id]

    assert client.post(f"/grading/questions/{key.question_id}/regrade").status_code == 302
    db.expire_all()
    for attempt in (ani, budi, citra, dewi):
        assert attempt.answers[0].question_version_id == fixed.id
        assert attempt.score == recomputed(attempt) == sum(a.score for a in attempt.answers)
        assert attempt.percent == (attempt.score * 100 / attempt.max_score).quantize(Decimal("0.01"))
    assert (ani.score, budi.score, citra.score, dewi.score) == (2, 3, 3, 3)
    assert (ani.passed, budi.passed, citra.passed, dewi.passed) == (False, True, True, True)
    assert lampung.answers[0].question_version_id == key.id  # outside the trainer's regions: untouched

    audits = list(db.scalars(sa.select(GradeAudit).where(GradeAudit.action == "regrade")))
    assert sorted(entry.attempt_id for entry in audits) == sorted([ani.id, budi.id, dewi.id])  # one per change
    by_attempt = {entry.attempt_id: entry for entry in audits}
    assert (by_attempt[ani.id].before_value, by_attempt[ani.id].after_value) == ("3.00", "2.00")
    assert by_attempt[ani.id].actor_id == trainer.id
    assert by_attempt[ani.id].reason == f"{key.question.key}: v{key.number} → v{fixed.number}"

    # Regrading again changes nothing: every attempt already uses the current version.
    client.post(f"/grading/questions/{key.question_id}/regrade")
    assert db.scalar(sa.select(sa.func.count()).select_from(GradeAudit).where(GradeAudit.action == "regrade")) == 3


def test_a_completed_learner_who_now_fails_is_flagged_not_revoked(app: Flask, db: Session,
                                                                  make_user: Callable[..., User]) -> None:
    module = module_number(db, 1)
    key, *others = single_choice_versions(db, module, 4)
    learner = make_user(regions=["3374"])
    attempt = graded_attempt(db, app, learner, module, [(key, right_choice(key)),
                                                        *((v, right_choice(v)) for v in others[:2]),
                                                        (others[2], wrong_choice(others[2]))])
    db.add(ModuleCompletion(user_id=learner.id, module_id=module.id, completed_at=utcnow() - timedelta(days=1),
                            score_percent=attempt.percent))
    db.flush()
    move_right_choice(db, key)
    admin = make_user(role="admin")
    with app.test_request_context():
        result = regrade.apply_regrade(db, admin, key.question)
    assert (result.changed, result.flagged) == (1, 1)
    assert attempt.passed is False
    flag = db.scalar(sa.select(ReviewFlag).where(ReviewFlag.user_id == learner.id))
    assert flag is not None and flag.kind == "failed_after_regrade" and flag.attempt_id == attempt.id
    assert db.get(ModuleCompletion, (learner.id, module.id)) is not None  # never revoked by a regrade


def test_a_changed_question_type_is_not_regraded(app: Flask, db: Session, make_user: Callable[..., User]) -> None:
    module = module_number(db, 1)
    key = single_choice_versions(db, module, 1)[0]
    attempt = graded_attempt(db, app, make_user(regions=["3374"]), module, [(key, right_choice(key))])
    fresh = QuestionVersion(question=key.question, number=key.number + 1, type="truefalse", points=key.points,
                            text=key.text, data='{"answer": true}', content_hash="tf")
    key.question.current_version = fresh
    db.flush()
    with app.test_request_context():
        plan = regrade.regrade_plan(db, make_user(role="admin"), key.question)
    assert plan.skipped == 1 and not plan.changes and attempt.answers[0].question_version_id == key.id

"""Grading an essay attempt: scores checked, the result computed with learning's `finalize`,
comments shown to the learner, overrides with a reason, extra attempts, and two graders at once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.grading import services
from lms.grading.models import AttemptGrant, GradeAudit
from lms.learning import quiz
from lms.learning.models import AttemptAnswer, QuizAttempt
from lms.learning.records import attempts, attempts_left, granted_attempts
from lms.notifications.models import Notification
from lms.users.models import User
from tests.grading.helpers import essay_attempt


def essay_of(attempt: QuizAttempt) -> AttemptAnswer:
    return next(a for a in attempt.answers if a.version.type == "essay")


def grade_form(attempt: QuizAttempt, score: str, comment: str = "", overall: str = "", **extra: str) -> dict:
    return {"lock_version": str(attempt.lock_version), "answers-0-answer_id": str(essay_of(attempt).id),
            "answers-0-score": score, "answers-0-comment": comment, "comment": overall, **extra}


def audit_entries(db: Session, attempt: QuizAttempt) -> list[GradeAudit]:
    return list(db.scalars(sa.select(GradeAudit).where(GradeAudit.attempt_id == attempt.id).order_by(GradeAudit.id)))


def test_grading_page_shows_the_rubric_beside_the_essay(client: FlaskClient, login_as: Callable[..., FlaskClient],
                                                        trainer: User, waiting: QuizAttempt) -> None:
    login_as(trainer)
    page = client.get(f"/grading/attempts/{waiting.id}").get_data(as_text=True)
    rubric = essay_of(waiting).version.payload["rubric"]
    assert 'class="rubric"' in page and rubric[0]["criterion"] in page
    assert 'step="0.5"' in page and f'value="{waiting.lock_version}"' in page
    assert "Saya akan berbicara empat mata" in page


@pytest.mark.parametrize(("score", "message"), [
    ("10.5", "The score cannot be more than the question's 10 points."),
    ("11", "The score cannot be more than the question's 10 points."),
    ("-1", "The score cannot be negative."),
    ("7.25", "Use whole or half points, e.g. 7 or 7.5."),
    ("tujuh", "Enter the score as a number, e.g. 7 or 7.5."),
])
def test_a_bad_score_is_refused_with_a_message(client: FlaskClient, db: Session,
                                               login_as: Callable[..., FlaskClient], trainer: User,
                                               waiting: QuizAttempt, score: str, message: str) -> None:
    login_as(trainer)
    client.set_cookie("lang", "en")
    response = client.post(f"/grading/attempts/{waiting.id}", data=grade_form(waiting, score, "komentar"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message.replace("'", "&#39;") in page and 'aria-invalid="true"' in page
    db.expire_all()
    assert essay_of(waiting).score is None and essay_of(waiting).comment is None
    assert waiting.status == "needs_grading" and audit_entries(db, waiting) == []


def test_score_above_points_is_refused_by_the_service_too(app: Flask, db: Session, trainer: User,
                                                          waiting: QuizAttempt) -> None:
    with app.test_request_context(), pytest.raises(services.GradingError, match="melebihi 10 poin"):
        services.grade_attempt(db, waiting, trainer, [services.AnswerGrade(essay_of(waiting).id, Decimal(11), None)],
                               None, waiting.lock_version)


def test_grading_the_last_answer_computes_the_result_and_tells_the_learner(
        client: FlaskClient, db: Session, login_as: Callable[..., FlaskClient], trainer: User, learner: User,
        waiting: QuizAttempt) -> None:
    login_as(trainer)
    response = client.post(f"/grading/attempts/{waiting.id}", data=grade_form(
        waiting, "7,5", "Langkah sudah runtut; tambahkan alasan.", "Kerja bagus.", save="1"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/grading/attempts/{waiting.id}")
    db.expire_all()
    essay = essay_of(waiting)
    assert essay.score == Decimal("7.50") and essay.graded_by_id == trainer.id and essay.graded_at is not None
    auto_total = sum((a.score for a in waiting.answers if a is not essay), Decimal(0))
    assert waiting.status == "graded" and waiting.score == auto_total + Decimal("7.5")
    assert waiting.percent == (waiting.score * 100 / waiting.max_score).quantize(Decimal("0.01"))
    assert waiting.passed is True and waiting.comment == "Kerja bagus."
    assert db.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == learner.id, Notification.kind == "attempt_result")) == 1
    assert [(e.action, e.before_value, e.after_value) for e in audit_entries(db, waiting)] == [
        ("grade", None, "7.50"), ("comment", None, "Kerja bagus.")]
    login_as(learner)
    review = client.get(f"/attempts/{waiting.id}/review").get_data(as_text=True)
    assert "Langkah sudah runtut; tambahkan alasan." in review and "Kerja bagus." in review and "Lulus" in review


def test_save_and_next_opens_the_next_waiting_attempt(app: Flask, client: FlaskClient, db: Session,
                                                       make_user: Callable[..., User],
                                                       login_as: Callable[..., FlaskClient], trainer: User,
                                                       waiting: QuizAttempt) -> None:
    later = essay_attempt(db, app, make_user(regions=["3374"]))
    login_as(trainer)
    response = client.post(f"/grading/attempts/{waiting.id}", data=grade_form(waiting, "9", save_next="1"))
    assert response.headers["Location"].endswith(f"/grading/attempts/{later.id}")
    response = client.post(f"/grading/attempts/{later.id}", data=grade_form(later, "9", save_next="1"))
    assert response.headers["Location"].endswith("/grading/")


def test_a_stale_form_writes_nothing_and_says_so(app: Flask, client: FlaskClient, db: Session,
                                                 login_as: Callable[..., FlaskClient], trainer: User,
                                                 make_user: Callable[..., User], waiting: QuizAttempt) -> None:
    """Two trainers open the same attempt; the second to save is told, and overwrites nothing."""
    other = make_user(role="trainer", regions=["3374"], name="Pelatih Kedua")
    first, second = login_as(trainer), login_as(other, on=app.test_client())
    second.set_cookie("lang", "en")
    form_first = grade_form(waiting, "8", "Dari pelatih pertama.")
    form_second = grade_form(waiting, "3", "Dari pelatih kedua.", "Komentar kedua")  # same lock_version
    assert first.post(f"/grading/attempts/{waiting.id}", data=form_first).status_code == 302
    stale = second.post(f"/grading/attempts/{waiting.id}", data=form_second, follow_redirects=True)
    assert "Someone else changed this attempt&#39;s grades while you were grading" in stale.get_data(as_text=True)
    db.expire_all()
    essay = essay_of(waiting)
    assert essay.score == Decimal("8.00") and essay.comment == "Dari pelatih pertama." and waiting.comment is None
    assert len(audit_entries(db, waiting)) == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == waiting.user_id)) == 1


def test_a_stale_service_call_raises_before_writing(app: Flask, db: Session, trainer: User,
                                                    waiting: QuizAttempt) -> None:
    version = waiting.lock_version
    with app.test_request_context():
        services.grade_attempt(db, waiting, trainer, [services.AnswerGrade(essay_of(waiting).id, Decimal(5), None)],
                               None, version)
        with pytest.raises(services.StaleAttempt):
            services.grade_attempt(db, waiting, trainer,
                                   [services.AnswerGrade(essay_of(waiting).id, Decimal(6), "x")], "y", version)
    assert essay_of(waiting).score == Decimal(5) and essay_of(waiting).comment is None


def test_override_needs_a_reason_and_is_audited(client: FlaskClient, db: Session,
                                                login_as: Callable[..., FlaskClient], trainer: User,
                                                waiting: QuizAttempt) -> None:
    client.set_cookie("lang", "en")
    login_as(trainer)
    client.post(f"/grading/attempts/{waiting.id}", data=grade_form(waiting, "10"))
    db.expire_all()
    before = waiting.score
    auto = next(a for a in waiting.answers if a.version.type != "essay")
    url = f"/grading/answers/{auto.id}/override"
    refused = client.post(url, data={"lock_version": waiting.lock_version, "score": "0", "reason": " "},
                          follow_redirects=True)
    assert "Give a reason for changing an automatic score." in refused.get_data(as_text=True)
    db.expire_all()
    assert auto.score == auto.auto_score
    client.post(url, data={"lock_version": waiting.lock_version, "score": "0", "reason": "Kunci jawaban salah ketik"})
    db.expire_all()
    assert auto.score == 0 and auto.auto_score == auto.version.points
    assert waiting.score == before - auto.version.points  # the result is computed again
    entry = audit_entries(db, waiting)[-1]
    assert (entry.action, entry.answer_id, entry.reason) == ("override", auto.id, "Kunci jawaban salah ketik")
    assert entry.before_value == f"{auto.version.points:.2f}" and entry.after_value == "0.00"


def test_extra_attempt_is_granted_with_a_reason(app: Flask, client: FlaskClient, db: Session,
                                                login_as: Callable[..., FlaskClient], trainer: User, learner: User,
                                                waiting: QuizAttempt) -> None:
    module = waiting.module
    login_as(trainer)
    client.post(f"/grading/attempts/{waiting.id}", data=grade_form(waiting, "0"))
    response = client.post(f"/grading/attempts/{waiting.id}/grant", data={"reason": "Sakit saat ujian"})
    assert response.status_code == 302
    assert db.scalar(sa.select(sa.func.count()).select_from(AttemptGrant)) == 0  # attempts were left: refused
    db.expire_all()
    for _ in range(module.attempts_allowed - 1):  # use up the others
        attempt = essay_attempt(db, app, learner)
        with app.test_request_context():
            services.grade_attempt(db, attempt, trainer, [services.AnswerGrade(essay_of(attempt).id, Decimal(0), None)],
                                   None, attempt.lock_version)
    assert attempts_left(module, attempts(db, learner, module)) == 0
    with app.test_request_context(), pytest.raises(quiz.QuizError):
        quiz.start_attempt(db, learner, module)
    assert client.post(f"/grading/attempts/{waiting.id}/grant", data={"reason": ""}).status_code == 302
    assert granted_attempts(db, learner, module) == 0
    client.post(f"/grading/attempts/{waiting.id}/grant", data={"reason": "Sakit saat ujian"})
    assert granted_attempts(db, learner, module) == 1
    assert attempts_left(module, attempts(db, learner, module), 1) == 1
    entry = db.scalar(sa.select(GradeAudit).where(GradeAudit.action == "grant"))
    assert entry is not None and entry.reason == "Sakit saat ujian" and entry.learner_id == learner.id
    with app.test_request_context():
        assert quiz.start_attempt(db, learner, module).number == module.attempts_allowed + 1

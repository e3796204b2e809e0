"""The quiz engine: attempts survive reloads, saves are idempotent, time limits hold, results final."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from lms.content.models import Lesson, Module
from lms.db import utcnow
from lms.learning import progress, quiz
from lms.learning.models import AttemptStatus, ModuleCompletion, QuizAttempt
from lms.learning.records import module_score
from lms.notifications.models import Notification
from lms.users.models import User
from tests.content.test_grading import question_and_response
from tests.learning.helpers import form_value, right_response, wrong_response


@pytest.fixture
def module1(db: Session) -> Module:
    module = db.scalar(sa.select(Module).where(Module.number == 1))
    assert module is not None, "the shipped modules are loaded once per test run"
    return module


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user(name="Rina Pendamping")


def finish_lessons(db: Session, user: User, module: Module) -> None:
    for lesson in db.scalars(sa.select(Lesson).where(Lesson.module_id == module.id)):
        progress.mark_done(db, user, lesson)


def take_pretest(db: Session, app: Flask, user: User, module: Module) -> None:
    with app.test_request_context():
        pretest = quiz.start_attempt(db, user, module, "pretest")
        quiz.submit(db, pretest)


def started_quiz(db: Session, app: Flask, user: User, module: Module) -> QuizAttempt:
    finish_lessons(db, user, module)
    with app.test_request_context():
        return quiz.start_attempt(db, user, module)


def form_for(attempt: QuizAttempt, right: bool = True) -> dict[str, object]:
    data: dict[str, object] = {}
    for answer in attempt.answers:
        version = answer.version
        response = right_response(version) if right else wrong_response(version)
        data[f"q{answer.position}"] = form_value(version, response)
        data[f"q{answer.position}-shown"] = "1"
    return data


def test_quiz_opens_only_after_the_lessons(app: Flask, db: Session, learner: User, module1: Module) -> None:
    with app.test_request_context(), pytest.raises(quiz.QuizError, match="Selesaikan semua pelajaran"):
        quiz.start_attempt(db, learner, module1)


def test_attempt_draws_as_the_settings_say(app: Flask, db: Session, learner: User, module1: Module) -> None:
    attempt = started_quiz(db, app, learner, module1)
    assert len(attempt.answers) == module1.draw_auto == 10
    assert all(answer.version.type != "essay" for answer in attempt.answers)  # module 1 draws no essay
    assert attempt.deadline_at is not None
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=module1.time_limit_minutes)
    assert len({answer.question_version_id for answer in attempt.answers}) == 10


def test_attempt_survives_a_reload(app: Flask, client: FlaskClient, db: Session, learner: User, module1: Module,
                                   login_as: Callable[..., FlaskClient]) -> None:
    attempt = started_quiz(db, app, learner, module1)
    login_as(learner)
    data = form_for(attempt)
    client.post(f"/attempts/{attempt.id}", data={**data, "save": "1"})
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    for answer in attempt.answers:
        db.refresh(answer)
        assert answer.response_value is not None
        if answer.version.type == "short":
            assert f'value="{right_response(answer.version)}"' in page
    assert page.count(" checked") >= sum(1 for a in attempt.answers if a.version.type in ("single", "truefalse"))


def test_double_submission_counts_once(app: Flask, client: FlaskClient, db: Session, learner: User,
                                       module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    attempt = started_quiz(db, app, learner, module1)
    login_as(learner)
    data = {**form_for(attempt), "submit": "1"}
    first = client.post(f"/attempts/{attempt.id}", data=data)
    second = client.post(f"/attempts/{attempt.id}", data=data)
    assert first.status_code == second.status_code == 302
    db.refresh(attempt)
    assert attempt.status == AttemptStatus.GRADED and attempt.passed and attempt.percent == Decimal("100.00")
    assert db.scalar(sa.select(sa.func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == learner.id,
                                                                                QuizAttempt.kind == "quiz")) == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(Notification)
                     .where(Notification.user_id == learner.id)) == 1


def test_answer_after_the_time_limit_is_refused(app: Flask, client: FlaskClient, db: Session, learner: User,
                                                module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    attempt = started_quiz(db, app, learner, module1)
    first = attempt.answers[0]
    login_as(learner)
    saved = client.post(f"/api/attempts/{attempt.id}/answers",
                        json={"position": 1, "response": right_response(first.version), "key": "k" * 10, "seq": 1})
    assert saved.status_code == 200 and saved.get_json()["applied"]
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.flush()
    late = client.post(f"/api/attempts/{attempt.id}/answers",
                       json={"position": 2, "response": right_response(attempt.answers[1].version),
                             "key": "late-save-1", "seq": 2})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "time_up"
    db.refresh(attempt)
    assert attempt.status == AttemptStatus.GRADED and attempt.auto_submitted
    assert attempt.answers[1].response is None          # the late answer was not written
    assert attempt.answers[0].score == first.version.points  # what was saved in time counts


def test_expired_attempt_is_submitted_on_next_access(app: Flask, client: FlaskClient, db: Session, learner: User,
                                                     module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    attempt = started_quiz(db, app, learner, module1)
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.flush()
    login_as(learner)
    response = client.get(f"/attempts/{attempt.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    db.refresh(attempt)
    assert not attempt.is_open and attempt.auto_submitted and attempt.percent == 0


def test_tick_submits_attempts_nobody_comes_back_to(app: Flask, db: Session, learner: User, module1: Module) -> None:
    from lms.cli import lms_cli

    attempt = started_quiz(db, app, learner, module1)
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.flush()
    result = app.test_cli_runner().invoke(lms_cli, ["tick"])
    assert result.exit_code == 0 and "Submitted 1 expired attempt(s)." in result.output
    db.refresh(attempt)
    assert attempt.status == AttemptStatus.GRADED and attempt.submitted_at == attempt.deadline_at


def test_json_saves_are_idempotent_and_ordered(app: Flask, client: FlaskClient, db: Session, learner: User,
                                               module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    attempt = started_quiz(db, app, learner, module1)
    answer = next(a for a in attempt.answers if a.version.type == "single")
    right, wrong = right_response(answer.version), wrong_response(answer.version)
    login_as(learner)
    url = f"/api/attempts/{attempt.id}/answers"
    newer = {"position": answer.position, "response": right, "key": str(uuid.uuid4()), "seq": 20}
    older = {"position": answer.position, "response": wrong, "key": str(uuid.uuid4()), "seq": 10}
    assert client.post(url, json=newer).get_json() == {"ack": newer["key"], "applied": True, "replayed": False}
    assert client.post(url, json=older).get_json() == {"ack": older["key"], "applied": False, "replayed": False}
    replay = client.post(url, json={**newer, "response": wrong})  # same key again: acknowledged, not applied
    assert replay.get_json() == {"ack": newer["key"], "applied": True, "replayed": True}
    db.refresh(answer)
    assert answer.response_value == right and answer.seq == 20


@pytest.mark.parametrize("body", [[], {"position": "1"}, {"position": 1, "key": "short"},
                                  {"position": 1, "seq": -1}, {"position": 99, "response": 0},
                                  {"position": 1, "response": 999}])
def test_bad_json_saves_get_a_clear_4xx(app: Flask, client: FlaskClient, db: Session, learner: User,
                                        module1: Module, login_as: Callable[..., FlaskClient], body: object) -> None:
    attempt = started_quiz(db, app, learner, module1)
    login_as(learner)
    response = client.post(f"/api/attempts/{attempt.id}/answers", json=body)
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["message"]


def test_learner_cannot_open_or_answer_anothers_attempt(
        app: Flask, client: FlaskClient, db: Session, learner: User, module1: Module,
        make_user: Callable[..., User], login_as: Callable[..., FlaskClient]) -> None:
    attempt = started_quiz(db, app, learner, module1)
    login_as(make_user(name="Orang Lain"))
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 404
    assert client.post(f"/attempts/{attempt.id}", data={**form_for(attempt), "submit": "1"}).status_code == 404
    assert client.post(f"/api/attempts/{attempt.id}/answers", json={"position": 1, "response": 0}).status_code == 404
    db.refresh(attempt)
    assert attempt.is_open and all(answer.response is None for answer in attempt.answers)


@pytest.mark.parametrize("role", ["trainer", "coordinator", "admin"])
def test_quiz_pages_are_for_learners(app: Flask, client: FlaskClient, db: Session, learner: User, module1: Module,
                                     make_user: Callable[..., User], login_as: Callable[..., FlaskClient],
                                     role: str) -> None:
    attempt = started_quiz(db, app, learner, module1)
    login_as(make_user(role=role))
    assert client.get(f"/attempts/{attempt.id}").status_code == 403


def test_fail_then_pass_completes_the_module(app: Flask, client: FlaskClient, db: Session, learner: User,
                                             module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    take_pretest(db, app, learner, module1)
    first = started_quiz(db, app, learner, module1)
    login_as(learner)
    client.post(f"/attempts/{first.id}", data={**form_for(first, right=False), "submit": "1"})
    db.refresh(first)
    assert first.passed is False and first.percent == 0
    review = client.get(f"/attempts/{first.id}/review").get_data(as_text=True)
    assert "Tidak lulus" in review and "Anda masih punya 2 kesempatan." in review
    db.expire_all()
    with app.test_request_context():
        second = quiz.start_attempt(db, learner, module1)
    client.post(f"/attempts/{second.id}", data={**form_for(second), "submit": "1"})
    db.refresh(second)
    assert second.passed
    completion = db.get(ModuleCompletion, (learner.id, module1.id))
    assert completion is not None and completion.score_percent == Decimal("100.00")
    dashboard = client.get("/").get_data(as_text=True)
    assert "1 dari 6 modul selesai" in dashboard and "Selesai pada" in dashboard
    notes = client.get("/notifications").get_data(as_text=True)
    assert "lulus dengan 100%" in notes and "tidak lulus (0%)" in notes


def test_after_the_last_failed_attempt_the_learner_sees_what_to_study(
        app: Flask, client: FlaskClient, db: Session, learner: User, module1: Module,
        login_as: Callable[..., FlaskClient]) -> None:
    finish_lessons(db, learner, module1)
    take_pretest(db, app, learner, module1)
    login_as(learner)
    for _ in range(module1.attempts_allowed):
        db.expire_all()  # the requests changed the attempts in their own sessions
        with app.test_request_context():
            attempt = quiz.start_attempt(db, learner, module1)
        client.post(f"/attempts/{attempt.id}", data={**form_for(attempt, right=False), "submit": "1"})
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Pelajari lagi pelajaran berikut" in page
    missed_lessons = {a.version.question.lesson.title for a in attempt.answers}
    assert any(title in page for title in missed_lessons)
    db.expire_all()
    with app.test_request_context(), pytest.raises(quiz.QuizError, match="semua 3 kesempatan"):
        quiz.start_attempt(db, learner, module1)


@pytest.mark.parametrize(("method", "expected"), [("highest", 80.0), ("last", 40.0), ("average", 60.0)])
def test_grading_method_decides_the_module_score(method: str, expected: float) -> None:
    attempts = [QuizAttempt(number=1, percent=Decimal(60)), QuizAttempt(number=2, percent=Decimal(80)),
                QuizAttempt(number=3, percent=Decimal(40))]
    assert module_score(attempts, method) == expected
    assert module_score([], method) is None


def test_pretest_gain_is_recorded_and_shown(app: Flask, client: FlaskClient, db: Session, learner: User,
                                            module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    with app.test_request_context():
        pretest = quiz.start_attempt(db, learner, module1, "pretest")
    assert len(pretest.answers) == module1.pretest_count
    for answer in pretest.answers[:2]:  # two of five right: 40 %
        quiz.save_answer(db, pretest, answer.position, right_response(answer.version))
    with app.test_request_context():
        quiz.submit(db, pretest)
    assert pretest.status == AttemptStatus.GRADED and pretest.percent == Decimal("40.00")
    attempt = started_quiz(db, app, learner, module1)
    login_as(learner)
    client.post(f"/attempts/{attempt.id}", data={**form_for(attempt), "submit": "1"})
    db.expire_all()
    status = progress.module_status(db, learner, module1)
    assert status.pretest_score == 40.0 and status.score == 100.0 and status.gain == 60.0
    assert "+60" in client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)


def test_editing_a_question_keeps_earlier_attempts_scores(
        app: Flask, client: FlaskClient, db: Session, learner: User, module1: Module,
        login_as: Callable[..., FlaskClient], tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import yaml

    from lms.content.grading import score_answer
    from lms.content.loader import load_content
    from lms.content.models import Question

    attempt = started_quiz(db, app, learner, module1)
    login_as(learner)
    client.post(f"/attempts/{attempt.id}", data={**form_for(attempt), "submit": "1"})
    db.expire_all()
    assert attempt.percent == Decimal("100.00")
    edited = next(a for a in attempt.answers if a.version.type == "single")
    old_version_id, question_key = edited.question_version_id, edited.version.question.key

    # The answer key was wrong: a maintainer moves `correct` to another choice and reloads.
    content = tmp_path / "modules"
    shutil.copytree(app.config["LMS_CONTENT_DIR"], content)
    bank = content / "01-pengasuhan-anak" / "questions.yaml"
    data = yaml.safe_load(bank.read_text())
    spec = next(q for q in data["questions"] if q["id"] == question_key)
    right = next(i for i, choice in enumerate(spec["choices"]) if choice.get("correct"))
    for index, choice in enumerate(spec["choices"]):
        choice["correct"] = index == (right + 1) % len(spec["choices"])
    bank.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with app.test_request_context():
        report = load_content(db, content)
    assert report.question_versions_created == 1

    db.expire_all()
    question = db.scalar(sa.select(Question).where(Question.key == question_key))
    assert question is not None and question.current_version_id != old_version_id
    assert question.current_version.number == 2
    assert edited.question_version_id == old_version_id          # the attempt keeps what it was graded on
    assert attempt.percent == Decimal("100.00") and attempt.score == attempt.max_score
    recomputed = sum(score_answer(a.version.payload, a.version.type, a.version.points, a.response_value) or 0
                     for a in attempt.answers)
    assert recomputed == float(attempt.score)


def test_a_second_tab_gets_the_same_attempt(app: Flask, client: FlaskClient, db: Session, learner: User,
                                            module1: Module, login_as: Callable[..., FlaskClient]) -> None:
    finish_lessons(db, learner, module1)
    login_as(learner)
    first = client.post(f"/modules/{module1.slug}/quiz/start")
    second = client.post(f"/modules/{module1.slug}/quiz/start")
    assert first.headers["Location"] == second.headers["Location"]
    assert db.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)
                     .where(QuizAttempt.user_id == learner.id, QuizAttempt.kind == "quiz")) == 1


@given(st.lists(question_and_response(), min_size=1, max_size=12))
def test_an_attempts_score_lies_between_zero_and_its_maximum(cases: list) -> None:  # type: ignore[type-arg]
    from lms.content.grading import score_answer

    total = sum(score_answer(data, qtype, 2.5, response) or 0 for data, qtype, response in cases)
    assert 0 <= total <= 2.5 * len(cases)

"""Attempts for grading tests: an essay attempt waiting for a trainer, and hand-made graded attempts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from lms.content.models import Lesson, Module, Question, QuestionVersion
from lms.learning import progress, quiz
from lms.learning.models import AttemptAnswer, QuizAttempt
from lms.users.models import User
from tests.learning.helpers import right_response

ESSAY_TEXT = "Saya akan berbicara empat mata dengan Ibu Yuni, lalu menyusun anggaran bersama."


def module_number(session: Session, number: int) -> Module:
    module = session.scalar(sa.select(Module).where(Module.number == number))
    assert module is not None, "the shipped modules are loaded once per test run"
    return module


def essay_attempt(session: Session, app: Flask, learner: User, module: Module | None = None,
                  essay: str = ESSAY_TEXT) -> QuizAttempt:
    """Module 2 (draws one essay): every lesson read, every automatic answer right, the essay
    written, submitted: the attempt waits for a trainer."""
    module = module or module_number(session, 2)
    for lesson in session.scalars(sa.select(Lesson).where(Lesson.module_id == module.id)):
        progress.mark_done(session, learner, lesson)
    with app.test_request_context():
        attempt = quiz.start_attempt(session, learner, module)
        for answer in attempt.answers:
            response = essay if answer.version.type == "essay" else right_response(answer.version)
            quiz.save_answer(session, attempt, answer.position, response)
        quiz.submit(session, attempt)
    assert attempt.status == "needs_grading"
    return attempt


def single_choice_versions(session: Session, module: Module, count: int) -> list[QuestionVersion]:
    versions = list(session.scalars(
        sa.select(QuestionVersion).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.module_id == module.id, QuestionVersion.type == "single", Question.is_retired.is_(False))
        .order_by(Question.position, Question.id).limit(count)))
    assert len(versions) == count
    return versions


def right_choice(version: QuestionVersion) -> int:
    return int(right_response(version))


def wrong_choice(version: QuestionVersion, skip: int = 0) -> int:
    wrong = [i for i, choice in enumerate(version.payload["choices"]) if not choice.get("correct")]
    return wrong[skip % len(wrong)]


def graded_attempt(session: Session, app: Flask, user: User, module: Module,
                   answers: list[tuple[QuestionVersion, Any]], kind: str = "quiz",
                   submit: bool = True) -> QuizAttempt:
    """An attempt with exactly these (version, response) pairs, submitted and scored by the quiz engine."""
    number = (session.scalar(sa.select(sa.func.max(QuizAttempt.number)).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id, QuizAttempt.kind == kind)) or 0) + 1
    attempt = QuizAttempt(user_id=user.id, module_id=module.id, kind=kind, number=number,
                          max_score=sum((v.points for v, _r in answers), Decimal(0)))
    for position, (version, response) in enumerate(answers, start=1):
        attempt.answers.append(AttemptAnswer(position=position, question_version_id=version.id,
                                             response=None if response is None else json.dumps(response)))
    session.add(attempt)
    session.flush()
    if submit:
        with app.test_request_context():
            quiz.submit(session, attempt)
    return attempt


def new_version(session: Session, version: QuestionVersion, **changes: Any) -> QuestionVersion:
    """What the loader does when a question changes in `modules/`: a new version becomes current."""
    question = version.question
    data = version.payload
    data.update(changes.pop("data", {}))
    fresh = QuestionVersion(question=question, number=version.number + 1, type=version.type, title=version.title,
                            points=changes.pop("points", version.points), text=version.text,
                            text_format=version.text_format, data=json.dumps(data, sort_keys=True),
                            explanation=version.explanation, content_hash=f"test-{version.id}-{version.number + 1}")
    question.current_version = fresh
    session.flush()
    return fresh


def move_right_choice(session: Session, version: QuestionVersion) -> QuestionVersion:
    """The answer key was wrong: the next choice is the right one in the new version."""
    choices = version.payload["choices"]
    right = right_choice(version)
    fixed = [{**choice, "correct": index == (right + 1) % len(choices)} for index, choice in enumerate(choices)]
    return new_version(session, version, data={"choices": fixed})

"""What a learner sees after submitting: each question, their answer, the right one, the score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.content.models import Lesson, Question, QuestionVersion
from lms.learning.models import AttemptAnswer, AttemptKind, AttemptStatus, QuizAttempt
from lms.learning.records import attempts, attempts_left, granted_attempts


@dataclass(frozen=True)
class ShownChoice:
    index: int  # in the question's own order (what responses store)
    text: str
    chosen: bool
    correct: bool  # single: the right one; multiple: a positive weight
    feedback: str


@dataclass(frozen=True)
class ReviewItem:
    answer: AttemptAnswer
    version: QuestionVersion
    choices: list[ShownChoice]
    response: Any
    accepted: list[str]  # short answers that score, best first
    points: float
    score: float | None

    @property
    def is_full_marks(self) -> bool:
        return self.score is not None and self.score >= self.points

    @property
    def is_missed(self) -> bool:
        return self.score is not None and self.score < self.points


def shown_choices(answer: AttemptAnswer) -> list[ShownChoice]:
    """Choices in the order this learner saw them, marked with what they chose."""
    version = answer.version
    choices = version.payload.get("choices", [])
    order = answer.shown_choice_order or list(range(len(choices)))
    response = answer.response_value
    chosen = set(response) if isinstance(response, list) else ({response} if isinstance(response, int) else set())
    return [ShownChoice(index=index, text=str(choices[index].get("text", "")), chosen=index in chosen,
                        correct=bool(choices[index].get("correct")) or float(choices[index].get("weight", 0)) > 0,
                        feedback=str(choices[index].get("feedback", "")))
            for index in order if index < len(choices)]


def review_items(attempt: QuizAttempt) -> list[ReviewItem]:
    items = []
    for answer in attempt.answers:
        version = answer.version
        accepted = sorted(version.payload.get("answers", []), key=lambda a: -float(a.get("weight", 100)))
        items.append(ReviewItem(
            answer=answer, version=version, choices=shown_choices(answer), response=answer.response_value,
            accepted=[str(a.get("text", "")) for a in accepted if float(a.get("weight", 100)) > 0],
            points=float(version.points), score=None if answer.score is None else float(answer.score)))
    return items


def may_show_answers(session: Session, attempt: QuizAttempt) -> bool:
    """The module's `show_answers` setting: after each submission, after the last attempt, or never."""
    if attempt.is_open:
        return False
    if attempt.kind == AttemptKind.PRETEST:
        return False  # the same bank feeds the quiz: a pre-test never reveals answers
    setting = attempt.module.show_answers
    if setting == "after_submit":
        return True
    if setting == "after_last_attempt":
        done = attempts(session, attempt.user, attempt.module)
        granted = granted_attempts(session, attempt.user, attempt.module)
        return not attempts_left(attempt.module, done, granted) or bool(attempt.passed)
    return False


def study_again(session: Session, attempt: QuizAttempt) -> list[Lesson]:
    """After the last failed attempt: the lessons the missed questions come from, in course order."""
    if attempt.kind != AttemptKind.QUIZ or attempt.status != AttemptStatus.GRADED or attempt.passed:
        return []
    if attempts_left(attempt.module, attempts(session, attempt.user, attempt.module),
                     granted_attempts(session, attempt.user, attempt.module)):
        return []
    missed = [a.version.question_id for a in attempt.answers
              if a.score is not None and a.score < a.version.points]
    if not missed:
        return []
    return list(session.scalars(
        sa.select(Lesson).join(Question, Question.lesson_id == Lesson.id)
        .where(Question.id.in_(missed)).distinct().order_by(Lesson.position)))

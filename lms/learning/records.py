"""Reading a learner's records: attempts, lessons done, the module score."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.content.models import Lesson, Module
from lms.grading.models import AttemptGrant
from lms.learning.models import AttemptKind, AttemptStatus, LessonProgress, QuizAttempt
from lms.users.models import User

GRADING_METHODS = ("highest", "last", "average")


def attempts(session: Session, user: User, module: Module, kind: str = AttemptKind.QUIZ) -> list[QuizAttempt]:
    query = (sa.select(QuizAttempt)
             .where(QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id, QuizAttempt.kind == kind)
             .order_by(QuizAttempt.number))
    return list(session.scalars(query))


def open_attempt(session: Session, user: User, module: Module, kind: str = AttemptKind.QUIZ) -> QuizAttempt | None:
    return next((a for a in attempts(session, user, module, kind) if a.is_open), None)


def lessons_done(session: Session, user: User, module: Module) -> tuple[int, int]:
    """(lessons done, lessons in the module)."""
    total = session.scalar(sa.select(sa.func.count()).select_from(Lesson)
                           .where(Lesson.module_id == module.id, Lesson.is_retired.is_(False))) or 0
    done = session.scalar(
        sa.select(sa.func.count()).select_from(LessonProgress).join(Lesson)
        .where(LessonProgress.user_id == user.id, Lesson.module_id == module.id, Lesson.is_retired.is_(False),
               LessonProgress.completed_at.is_not(None))) or 0
    return done, total


def module_score(graded: list[QuizAttempt], method: str) -> float | None:
    """The module's quiz score in percent from its graded attempts, by the grading method."""
    scores = [float(a.percent) for a in sorted(graded, key=lambda a: a.number) if a.percent is not None]
    if not scores:
        return None
    if method == "last":
        return scores[-1]
    if method == "average":
        return round(sum(scores) / len(scores), 2)
    return max(scores)


def granted_attempts(session: Session, user: User, module: Module) -> int:
    """Extra attempts trainers granted this learner on this module."""
    return session.scalar(sa.select(sa.func.count()).select_from(AttemptGrant)
                          .where(AttemptGrant.user_id == user.id, AttemptGrant.module_id == module.id)) or 0


def attempts_left(module: Module, quiz_attempts: list[QuizAttempt], granted: int = 0) -> int:
    """Attempts still open to the learner: the module's allowance plus `granted` extra ones."""
    return max(0, module.attempts_allowed + granted - len(quiz_attempts))


def pretest_pending(session: Session, user: User, module: Module) -> bool:
    """The module asks for a pre-test and the learner has not submitted one yet."""
    if not module.pretest_count:
        return False
    return not any(not a.is_open for a in attempts(session, user, module, AttemptKind.PRETEST))


def graded_quiz_attempts(session: Session, user: User, module: Module) -> list[QuizAttempt]:
    return [a for a in attempts(session, user, module) if a.status == AttemptStatus.GRADED]


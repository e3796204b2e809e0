"""Lessons read and the learner's dashboard: where each module stands and what comes next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.cohorts.enrolment import learner_cohorts
from lms.cohorts.models import Enrolment
from lms.content.models import Lesson, Module
from lms.db import utcnow
from lms.grading.models import AttemptGrant
from lms.learning import completion
from lms.learning.models import AttemptKind, AttemptStatus, LessonProgress, ModuleCompletion, QuizAttempt
from lms.learning.records import attempts_left, granted_attempts, module_score
from lms.users.models import User


class QuizState(StrEnum):
    LOCKED = "locked"              # lessons not finished yet
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    NEEDS_GRADING = "needs_grading"
    PASSED = "passed"
    FAILED_RETRY = "failed_retry"  # failed, attempts left
    FAILED = "failed"              # failed, no attempts left


def record_view(session: Session, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    now = now or utcnow()
    row = session.get(LessonProgress, (user.id, lesson.id))
    if row is None:
        row = LessonProgress(user_id=user.id, lesson_id=lesson.id, first_viewed_at=now, last_viewed_at=now)
        session.add(row)
    else:
        row.last_viewed_at = now
    session.flush()
    return row


def mark_done(session: Session, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """Mark a lesson done (once: the first date stays) and complete the module if that was all."""
    now = now or utcnow()
    row = record_view(session, user, lesson, now)
    if row.completed_at is None:
        row.completed_at = now
        session.flush()
        completion.record_completion_if_done(session, user, lesson.module, now=now)
    return row


@dataclass
class ModuleStatus:
    module: Module
    lessons: list[Lesson]
    done_lesson_ids: set[int]
    quiz_state: QuizState
    score: float | None
    attempts_used: int
    attempts_left: int
    completed_at: datetime | None
    pretest_pending: bool
    open_attempt: QuizAttempt | None = None
    pretest_score: float | None = None
    gain: float | None = None
    last_graded: QuizAttempt | None = None  # its result and the trainer's comments are linked from the dashboard

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.id in self.done_lesson_ids)

    @property
    def percent(self) -> int:
        """Progress through the module: each lesson counts one step, the quiz one more."""
        steps = len(self.lessons) + 1
        return round(100 * (self.lessons_done + (self.quiz_state == QuizState.PASSED)) / steps)

    @property
    def next_lesson(self) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id not in self.done_lesson_ids), None)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


@dataclass
class Dashboard:
    modules: list[ModuleStatus]
    last_lesson: Lesson | None
    open_attempts: list[QuizAttempt] = field(default_factory=list)
    cohorts: list[Enrolment] = field(default_factory=list)  # Bimtap, Diklat: upcoming and done

    @property
    def percent(self) -> int:
        if not self.modules:
            return 0
        return round(sum(status.percent for status in self.modules) / len(self.modules))

    @property
    def completed(self) -> int:
        return sum(1 for status in self.modules if status.is_complete)

    @property
    def current(self) -> ModuleStatus | None:
        """The first module not complete: the next step is in it."""
        return next((status for status in self.modules if not status.is_complete), None)


def dashboard(session: Session, user: User) -> Dashboard:
    """Everything the dashboard shows, in seven queries whatever the number of modules."""
    modules = list(session.scalars(sa.select(Module).where(Module.is_retired.is_(False)).order_by(Module.number)))
    lessons = list(session.scalars(sa.select(Lesson).where(Lesson.is_retired.is_(False))
                                   .order_by(Lesson.module_id, Lesson.position)))
    progress = list(session.scalars(sa.select(LessonProgress).where(LessonProgress.user_id == user.id)))
    all_attempts = list(session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                        .order_by(QuizAttempt.number)))
    completions = {c.module_id: c for c in session.scalars(
        sa.select(ModuleCompletion).where(ModuleCompletion.user_id == user.id))}
    grants = {module_id: count for module_id, count in session.execute(
        sa.select(AttemptGrant.module_id, sa.func.count()).where(AttemptGrant.user_id == user.id)
        .group_by(AttemptGrant.module_id))}
    done = {row.lesson_id for row in progress if row.completed_at is not None}
    statuses = [_module_status(module, [lesson for lesson in lessons if lesson.module_id == module.id], done,
                               [a for a in all_attempts if a.module_id == module.id], completions.get(module.id),
                               grants.get(module.id, 0))
                for module in modules]
    lesson_by_id = {lesson.id: lesson for lesson in lessons}
    latest = max(progress, key=lambda row: row.last_viewed_at, default=None)
    return Dashboard(modules=statuses, last_lesson=lesson_by_id.get(latest.lesson_id) if latest else None,
                     open_attempts=[a for a in all_attempts if a.is_open], cohorts=learner_cohorts(session, user))


def module_status(session: Session, user: User, module: Module) -> ModuleStatus:
    lessons = list(session.scalars(sa.select(Lesson).where(Lesson.module_id == module.id,
                                                           Lesson.is_retired.is_(False)).order_by(Lesson.position)))
    done = set(session.scalars(sa.select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None),
        LessonProgress.lesson_id.in_([lesson.id for lesson in lessons]))))
    module_attempts = list(session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id).order_by(QuizAttempt.number)))
    return _module_status(module, lessons, done, module_attempts, session.get(ModuleCompletion, (user.id, module.id)),
                          granted_attempts(session, user, module))


def _module_status(module: Module, lessons: list[Lesson], done: set[int], module_attempts: list[QuizAttempt],
                   completed: ModuleCompletion | None, granted: int = 0) -> ModuleStatus:
    quizzes = [a for a in module_attempts if a.kind == AttemptKind.QUIZ]
    pretests = [a for a in module_attempts if a.kind == AttemptKind.PRETEST]
    graded = [a for a in quizzes if a.status == AttemptStatus.GRADED]
    score = module_score(graded, module.grading_method)
    left = attempts_left(module, quizzes, granted)
    open_quiz = next((a for a in quizzes if a.is_open), None)
    if score is not None and score >= module.pass_mark:
        state = QuizState.PASSED
    elif open_quiz is not None:
        state = QuizState.IN_PROGRESS
    elif any(a.status == AttemptStatus.NEEDS_GRADING for a in quizzes):
        state = QuizState.NEEDS_GRADING
    elif graded:
        state = QuizState.FAILED_RETRY if left else QuizState.FAILED
    elif all(lesson.id in done for lesson in lessons):
        state = QuizState.NOT_STARTED
    else:
        state = QuizState.LOCKED
    pretest = next((a for a in pretests if a.status == AttemptStatus.GRADED), None)
    pretest_score = pretest.percent_value if pretest else None
    return ModuleStatus(
        module=module, lessons=lessons, done_lesson_ids=done & {lesson.id for lesson in lessons}, quiz_state=state,
        score=score, attempts_used=len(quizzes), attempts_left=left,
        completed_at=completed.completed_at if completed else None,
        pretest_pending=bool(module.pretest_count) and pretest is None,
        open_attempt=open_quiz or next((a for a in pretests if a.is_open), None),
        pretest_score=pretest_score,
        gain=None if score is None or pretest_score is None else round(score - pretest_score, 2),
        last_graded=graded[-1] if graded else None,
    )

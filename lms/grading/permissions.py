"""Who may grade what: trainers the learners of their regions and of the cohorts they run
(a Diklat trainer from another province's training centre), admins everyone."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from lms.auth.permissions import Rule, is_admin, is_trainer, region_clause
from lms.cohorts.models import CohortTrainer, Enrolment, EnrolmentStatus
from lms.learning.models import QuizAttempt
from lms.users.models import User


def can_grade(user: User) -> bool:
    """Opening the grading queue, statistics and regrades: trainers and admins."""
    return is_trainer(user) or is_admin(user)


can_view_grade_audit: Rule = is_admin


def trained_learner_ids(trainer: User) -> sa.Select[tuple[int]]:
    """Learners enrolled in a cohort `trainer` runs."""
    return (sa.select(Enrolment.user_id)
            .join(CohortTrainer, CohortTrainer.cohort_id == Enrolment.cohort_id)
            .where(CohortTrainer.user_id == trainer.id, Enrolment.status == EnrolmentStatus.ENROLLED.value))


def can_grade_learner(user: User, learner: User) -> bool:
    if is_admin(user):
        return True
    if not is_trainer(user):
        return False
    if user.covers(learner.home_region_code):
        return True
    session = object_session(learner)
    return session is not None and learner.id in set(session.scalars(trained_learner_ids(user)))


def can_grade_attempt(user: User, attempt: QuizAttempt) -> bool:
    return can_grade_learner(user, attempt.user)


def learner_clause(viewer: User) -> sa.ColumnElement[bool]:
    """SQL condition on `User`: a learner whose work `viewer` may grade."""
    if is_admin(viewer):
        return sa.true()
    if not is_trainer(viewer):
        return sa.false()
    return sa.or_(region_clause(viewer, User.home_region_code), User.id.in_(trained_learner_ids(viewer)))


def grading_scope(viewer: User) -> sa.Select[tuple[QuizAttempt]]:
    """Attempts `viewer` may open for grading (load through this: outside it is a 404)."""
    return (sa.select(QuizAttempt).join(User, QuizAttempt.user_id == User.id)
            .where(learner_clause(viewer)))

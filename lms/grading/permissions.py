"""Who may grade what: trainers the learners of their regions, admins everyone.

Cohorts do not exist yet. When they do, a trainer will also see the learners of the cohorts
they train: widen `grading_scope` (and `can_grade_learner`) with that condition, not the views.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms.auth.permissions import Rule, is_admin, is_trainer, region_clause
from lms.learning.models import QuizAttempt
from lms.users.models import User


def can_grade(user: User) -> bool:
    """Opening the grading queue, statistics and regrades: trainers and admins."""
    return is_trainer(user) or is_admin(user)


can_view_grade_audit: Rule = is_admin


def can_grade_learner(user: User, learner: User) -> bool:
    return is_admin(user) or (is_trainer(user) and user.covers(learner.home_region_code))


def can_grade_attempt(user: User, attempt: QuizAttempt) -> bool:
    return can_grade_learner(user, attempt.user)


def learner_clause(viewer: User) -> sa.ColumnElement[bool]:
    """SQL condition on `User`: a learner whose work `viewer` may grade."""
    if is_admin(viewer):
        return sa.true()
    if not is_trainer(viewer):
        return sa.false()
    return region_clause(viewer, User.home_region_code)


def grading_scope(viewer: User) -> sa.Select[tuple[QuizAttempt]]:
    """Attempts `viewer` may open for grading (load through this: outside it is a 404)."""
    return (sa.select(QuizAttempt).join(User, QuizAttempt.user_id == User.id)
            .where(learner_clause(viewer)))

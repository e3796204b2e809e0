"""Who may see and do what with cohorts.

Admins everything; trainers schedule cohorts in their regions and mark attendance in the
cohorts they train; coordinators see the cohorts and attendance of their regions, read-only;
facilitators see the cohorts they are (or were) in and check themselves in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from lms.auth.permissions import Rule, any_user, is_admin, is_pendamping, is_staff, is_trainer, region_clause
from lms.cohorts.models import Cohort, CohortTrainer, Enrolment
from lms.users.models import User

F = TypeVar("F", bound=Callable[..., Any])

can_view_cohorts: Rule = is_staff       # the list and month view
can_open_cohort: Rule = any_user        # a cohort page: loaded through `cohort_scope` (404 outside it)
can_manage_types: Rule = is_admin
can_check_in: Rule = is_pendamping
can_have_feed: Rule = any_user


def can_schedule(user: User) -> bool:
    return is_trainer(user) or is_admin(user)


def trains(user: User, cohort: Cohort) -> bool:
    return any(trainer.id == user.id for trainer in cohort.trainers)


def can_edit_cohort(user: User, cohort: Cohort) -> bool:
    """Change details, enrol and withdraw: admins, the cohort's trainers and trainers of its region."""
    return is_admin(user) or (is_trainer(user) and (trains(user, cohort) or user.covers(cohort.region_code)))


def can_mark_attendance(user: User, cohort: Cohort) -> bool:
    """Attendance and microteaching are the cohort's own trainers' (and admins')."""
    return is_admin(user) or (is_trainer(user) and trains(user, cohort))


def cohort_scope(viewer: User) -> sa.Select[tuple[Cohort]]:
    """Cohorts `viewer` may open (load through this: outside it is a 404)."""
    query = sa.select(Cohort)
    if is_admin(viewer):
        return query
    if is_pendamping(viewer):
        return query.where(Cohort.id.in_(sa.select(Enrolment.cohort_id).where(Enrolment.user_id == viewer.id)))
    trained = Cohort.id.in_(sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == viewer.id))
    return query.where(sa.or_(region_clause(viewer, Cohort.region_code), trained))


def token_access(view: F) -> F:
    """For the calendar feed: no log-in; the secret token in the address is the permission."""
    view.permission_rule = "secret calendar token"  # type: ignore[attr-defined]  # read by the route audit
    return view

"""Putting learners into cohorts: one by one, by region and recruitment year, or from a CSV.

Each learner gets an outcome with its reason: enrolled, on the waiting list (over capacity), or
refused (not a facilitator, outside the enroller's regions, a prerequisite missing, already in a
cohort whose dates overlap). The waiting list moves up by itself when a place frees.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import IO

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.auth.permissions import code_prefix, is_admin
from lms.cohorts.models import (
    ENROLLING_STATUSES,
    Cohort,
    CohortStatus,
    CohortType,
    Enrolment,
    EnrolmentStatus,
)
from lms.content.models import Module
from lms.db import utcnow
from lms.learning.models import ModuleCompletion
from lms.notifications.models import Notification
from lms.notifications.services import Described, notify, register_kind
from lms.users.models import Role, User

ENROLLED_KIND = "cohort_enrolled"
WAITING_KIND = "cohort_waiting"
PROMOTED_KIND = "cohort_promoted"
ACTIVE = (EnrolmentStatus.ENROLLED.value, EnrolmentStatus.WAITING.value)


class Outcome(StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"
    REFUSED = "refused"


@dataclass
class EnrolResult:
    label: str  # the learner's name, or what was typed when no account matched
    outcome: Outcome
    message: str
    enrolment: Enrolment | None = None


def _date_range(cohort: Cohort) -> str:
    return _("%(start)s – %(end)s", start=format_date(cohort.start_date, "medium"),
             end=format_date(cohort.end_date, "medium"))


def overlapping_cohort(session: Session, user_id: int, start: date, end: date,
                       exclude_cohort_id: int | None = None) -> Cohort | None:
    """A cohort (not cancelled) whose dates overlap [start, end] that the learner is in or waiting for."""
    return session.scalar(
        sa.select(Cohort).join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Enrolment.status.in_(ACTIVE),
               Cohort.status != CohortStatus.CANCELLED.value,
               Cohort.start_date <= end, Cohort.end_date >= start,
               Cohort.id != (exclude_cohort_id or 0))
        .order_by(Cohort.start_date).limit(1))


def has_completed(session: Session, user_id: int, type_id: int) -> bool:
    return session.scalar(
        sa.select(sa.func.count()).select_from(Enrolment).join(Cohort, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Cohort.type_id == type_id,
               Enrolment.status == EnrolmentStatus.ENROLLED.value, Enrolment.completed_at.is_not(None))) > 0


def all_modules_passed(session: Session, user_id: int) -> bool:
    missing = session.scalar(
        sa.select(sa.func.count()).select_from(Module)
        .where(Module.is_retired.is_(False),
               Module.id.not_in(sa.select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user_id))))
    return missing == 0


def missing_prerequisites(session: Session, cohort_type: CohortType, learner: User) -> list[str]:
    """Why `learner` may not join a cohort of this type yet (empty: nothing missing)."""
    missing = []
    if cohort_type.requires_all_modules and not all_modules_passed(session, learner.id):
        missing.append(_("not every module is passed yet"))
    required = cohort_type.requires_type
    if required is not None and not has_completed(session, learner.id, required.id):
        missing.append(_("no completed %(type)s yet", type=required.name))
    return missing


def enrolled_count(session: Session, cohort: Cohort) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED.value)) or 0


def waiting_list(session: Session, cohort: Cohort) -> list[Enrolment]:
    return list(session.scalars(sa.select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.WAITING.value).order_by(Enrolment.id)))


def may_enrol(actor: User, learner: User) -> bool:
    return is_admin(actor) or (actor.role == Role.TRAINER and actor.covers(learner.home_region_code))


def _lock(session: Session, cohort: Cohort) -> None:
    """PostgreSQL: one enrolment at a time per cohort, so two enrollers cannot both take the last place."""
    session.execute(sa.select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def enrol(session: Session, cohort: Cohort, learner: User, actor: User,
          now: datetime | None = None) -> EnrolResult:
    now = now or utcnow()
    name = learner.name

    def refused(message: str) -> EnrolResult:
        return EnrolResult(name, Outcome.REFUSED, message)

    if learner.role != Role.PENDAMPING or not learner.is_active:
        return refused(_("%(name)s is not an active facilitator account.", name=name))
    if not may_enrol(actor, learner):
        return refused(_("%(name)s is outside your regions.", name=name))
    if cohort.status_enum not in ENROLLING_STATUSES:
        return refused(_("%(cohort)s is not taking enrolments.", cohort=cohort.name))
    _lock(session, cohort)
    current = session.scalar(sa.select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == learner.id, Enrolment.status.in_(ACTIVE)))
    if current is not None:
        if current.status == EnrolmentStatus.WAITING:
            return refused(_("%(name)s is already on the waiting list.", name=name))
        return refused(_("%(name)s is already in this cohort.", name=name))
    missing = missing_prerequisites(session, cohort.type, learner)
    if missing:
        return refused(_("%(name)s cannot join: %(missing)s.", name=name, missing="; ".join(missing)))
    other = overlapping_cohort(session, learner.id, cohort.start_date, cohort.end_date, cohort.id)
    if other is not None:
        return refused(_("%(name)s is already in %(cohort)s (%(dates)s), whose dates overlap.",
                         name=name, cohort=other.name, dates=_date_range(other)))
    full = enrolled_count(session, cohort) >= cohort.capacity
    enrolment = Enrolment(cohort_id=cohort.id, user_id=learner.id, enrolled_by_id=actor.id, created_at=now,
                          status=(EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED).value)
    session.add(enrolment)
    session.flush()
    if full:
        position = len(waiting_list(session, cohort))
        notify(session, learner, WAITING_KIND, enrolment)
        return EnrolResult(name, Outcome.WAITING, _(
            "The cohort is full (%(capacity)d places): %(name)s is number %(n)d on the waiting list.",
            capacity=cohort.capacity, name=name, n=position), enrolment)
    notify(session, learner, ENROLLED_KIND, enrolment)
    return EnrolResult(name, Outcome.ENROLLED, _("%(name)s is enrolled.", name=name), enrolment)


def enrol_emails(session: Session, cohort: Cohort, emails: list[str], actor: User) -> list[EnrolResult]:
    results = []
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        learner = session.scalar(sa.select(User).where(User.email == email))
        if learner is None:
            results.append(EnrolResult(email, Outcome.REFUSED, _("No account with the email %(email)s.",
                                                                 email=email)))
        else:
            results.append(enrol(session, cohort, learner, actor))
    return results


def enrol_by_region(session: Session, cohort: Cohort, actor: User, region_code: str,
                    year: int) -> list[EnrolResult]:
    """Every active facilitator of `region_code` (and below) recruited in `year`, in name order."""
    learners = session.scalars(sa.select(User).where(
        User.role == Role.PENDAMPING.value, User.is_active.is_(True), User.recruitment_year == year,
        code_prefix(User.home_region_code, region_code)).order_by(User.name))
    return [enrol(session, cohort, learner, actor) for learner in learners]


def read_csv_emails(stream: IO[bytes]) -> list[str]:
    """Emails from a CSV: the `email` column when there is a header with one, else the first column."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    rows = [row for row in csv.reader(text) if row and any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    if "email" in header:
        column = header.index("email")
        return [row[column] for row in rows[1:] if len(row) > column]
    return [row[0] for row in rows]


def withdraw(session: Session, enrolment: Enrolment, actor: User, now: datetime | None = None) -> list[Enrolment]:
    """Withdraw (the row stays, as history) and move the waiting list up; returns who moved up."""
    now = now or utcnow()
    was_enrolled = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.WITHDRAWN.value
    enrolment.withdrawn_at = now
    enrolment.withdrawn_by_id = actor.id
    enrolment.completed_at = None
    session.flush()
    return fill_places(session, enrolment.cohort, now) if was_enrolled else []


def fill_places(session: Session, cohort: Cohort, now: datetime | None = None) -> list[Enrolment]:
    """Promote from the waiting list, first come first served, while there are free places.

    Someone who meanwhile joined an overlapping cohort is skipped and stays waiting."""
    if cohort.status_enum not in ENROLLING_STATUSES:
        return []
    _lock(session, cohort)
    free = cohort.capacity - enrolled_count(session, cohort)
    promoted: list[Enrolment] = []
    for waiting in waiting_list(session, cohort):
        if free <= 0:
            break
        if overlapping_cohort(session, waiting.user_id, cohort.start_date, cohort.end_date, cohort.id):
            continue
        waiting.status = EnrolmentStatus.ENROLLED.value
        waiting.promoted_at = now or utcnow()
        notify(session, waiting.user_id, PROMOTED_KIND, waiting)
        promoted.append(waiting)
        free -= 1
    session.flush()
    return promoted


def _cohort_of(session: Session, notification: Notification) -> Cohort | None:
    enrolment = session.get(Enrolment, notification.target_id)
    return enrolment.cohort if enrolment is not None else None


def _link(cohort: Cohort, text: str) -> Described:
    return Described(text=text, url=url_for("cohorts.show", cohort_id=cohort.id))


def _describe_enrolled(session: Session, notification: Notification) -> Described | None:
    cohort = _cohort_of(session, notification)
    return cohort and _link(cohort, _("You are enrolled in %(cohort)s (%(dates)s).",
                                      cohort=cohort.name, dates=_date_range(cohort)))


def _describe_waiting(session: Session, notification: Notification) -> Described | None:
    cohort = _cohort_of(session, notification)
    return cohort and _link(cohort, _("%(cohort)s (%(dates)s) is full: you are on its waiting list.",
                                      cohort=cohort.name, dates=_date_range(cohort)))


def _describe_promoted(session: Session, notification: Notification) -> Described | None:
    cohort = _cohort_of(session, notification)
    return cohort and _link(cohort, _("A place freed up: you are now enrolled in %(cohort)s (%(dates)s).",
                                      cohort=cohort.name, dates=_date_range(cohort)))


register_kind(ENROLLED_KIND, _describe_enrolled)
register_kind(WAITING_KIND, _describe_waiting)
register_kind(PROMOTED_KIND, _describe_promoted)


def learner_cohorts(session: Session, user: User) -> list[Enrolment]:
    """A learner's cohorts for the dashboard: enrolled or waiting, not cancelled, by start date."""
    return list(session.scalars(
        sa.select(Enrolment).join(Cohort, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user.id, Enrolment.status.in_(ACTIVE),
               Cohort.status != CohortStatus.CANCELLED.value)
        .order_by(Cohort.start_date, Cohort.id)))

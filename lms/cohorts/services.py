"""Scheduling cohorts: types, creating and changing cohorts, trainers, lists and the month view.

Services take a session and plain values, raise `CohortError` for the view to show, and only
flush: the request commits.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.auth.permissions import code_prefix, is_admin, region_clause
from lms.cohorts import enrolment as enrolling
from lms.cohorts.models import Cohort, CohortSession, CohortStatus, CohortTrainer, CohortType, Enrolment
from lms.cohorts.permissions import cohort_scope
from lms.db import utcnow
from lms.notifications.models import Notification
from lms.notifications.services import Described, notify, register_kind
from lms.regions.models import Region
from lms.users.models import Role, User, UserScope

DATES_CHANGED_KIND = "cohort_dates_changed"
SESSION_LINE = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*[-–]\s*(\d{1,2})[.:](\d{2})\s*(.*)$")


class CohortError(ValueError):
    """A scheduling rule was broken; the message is translated and shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Slot:
    starts_at: time
    ends_at: time
    title: str = ""


@dataclass
class CohortData:
    """What the cohort form gives; `end_date` None means the type's default length."""

    type_id: int
    name: str
    region_code: str
    venue: str
    start_date: date
    end_date: date | None
    capacity: int
    sessions: list[Slot]
    address: str = ""
    preparation: str = ""
    trainer_ids: list[int] = field(default_factory=list)
    status: str = CohortStatus.PLANNED.value
    excused_allowed: int | None = None  # None: the type's default
    absent_allowed: int | None = None


@dataclass
class Change:
    """What a change did: learners whose other cohorts now overlap, learners told, who moved up."""

    conflicts: list[tuple[User, Cohort]] = field(default_factory=list)
    notified: int = 0
    promoted: list[Enrolment] = field(default_factory=list)


# ------------------------------------------------------------------------------ types


def cohort_types(session: Session) -> list[CohortType]:
    return list(session.scalars(sa.select(CohortType).order_by(CohortType.id)))


def add_type(session: Session, name: str, default_days: int, *, requires_all_modules: bool = False,
             requires_type_id: int | None = None, has_microteaching: bool = False,
             excused_allowed: int = 0, absent_allowed: int = 0) -> CohortType:
    name = name.strip()
    key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32]
    if not key:
        raise CohortError(_("Give the kind a name."), "name")
    if session.scalar(sa.select(CohortType).where(sa.or_(CohortType.key == key, CohortType.name == name))):
        raise CohortError(_("A kind called %(name)s exists already.", name=name), "name")
    if not 1 <= default_days <= 60:
        raise CohortError(_("The default length must be between 1 and 60 days."), "default_days")
    cohort_type = CohortType(key=key, name=name, default_days=default_days,
                             requires_all_modules=requires_all_modules, requires_type_id=requires_type_id,
                             has_microteaching=has_microteaching, excused_allowed=excused_allowed,
                             absent_allowed=absent_allowed)
    session.add(cohort_type)
    session.flush()
    return cohort_type


# --------------------------------------------------------------------------- sessions


def parse_sessions(text: str) -> list[Slot]:
    """One session per line, e.g. "08:00-12:00 Materi P2K2" (a dot works too: 08.00)."""
    slots = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = SESSION_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            h1, m1, h2, m2, title = match.groups()
            slot = Slot(time(int(h1), int(m1)), time(int(h2), int(m2)), title.strip()[:120])
        except ValueError:
            raise CohortError(_("Line %(n)d: write a session as 08:00-12:00 and a title.", n=number),
                              "sessions") from None
        if slot.ends_at <= slot.starts_at:
            raise CohortError(_("Line %(n)d: a session must end after it starts.", n=number), "sessions")
        slots.append(slot)
    if not slots:
        raise CohortError(_("Give at least one daily session."), "sessions")
    return sorted(slots, key=lambda s: s.starts_at)


def format_sessions(cohort: Cohort) -> str:
    return "\n".join(f"{s.starts_at:%H:%M}-{s.ends_at:%H:%M} {s.title}".rstrip() for s in cohort.sessions)


# ---------------------------------------------------------------------------- trainers


def eligible_trainers(session: Session, actor: User) -> list[User]:
    """Trainers the actor may schedule: any for an admin, those sharing a region for a trainer."""
    query = sa.select(User).where(User.role == Role.TRAINER.value, User.is_active.is_(True)).order_by(User.name)
    if not is_admin(actor):
        query = query.where(sa.or_(User.id == actor.id, User.id.in_(
            sa.select(UserScope.user_id).where(region_clause(actor, UserScope.region_code)))))
    return list(session.scalars(query))


def trainer_conflicts(session: Session, trainer_ids: list[int], start: date, end: date,
                      exclude_cohort_id: int | None = None) -> list[tuple[User, Cohort]]:
    rows = session.execute(
        sa.select(User, Cohort).join(CohortTrainer, CohortTrainer.user_id == User.id)
        .join(Cohort, Cohort.id == CohortTrainer.cohort_id)
        .where(User.id.in_(trainer_ids), Cohort.status != CohortStatus.CANCELLED.value,
               Cohort.start_date <= end, Cohort.end_date >= start, Cohort.id != (exclude_cohort_id or 0))
        .order_by(User.name, Cohort.start_date))
    return [(user, cohort) for user, cohort in rows]


def _dates(cohort: Cohort) -> str:
    return _("%(start)s – %(end)s", start=format_date(cohort.start_date, "medium"),
             end=format_date(cohort.end_date, "medium"))


def _check_trainers(session: Session, trainer_ids: list[int], region_code: str, start: date, end: date,
                    exclude_cohort_id: int | None) -> list[User]:
    trainers = list(session.scalars(sa.select(User).where(User.id.in_(trainer_ids))))
    if not trainers:
        raise CohortError(_("Choose at least one trainer."), "trainers")
    for trainer in trainers:
        if trainer.role != Role.TRAINER or not trainer.covers(region_code):
            raise CohortError(_("%(name)s is not a trainer for this region.", name=trainer.name), "trainers")
    conflicts = trainer_conflicts(session, trainer_ids, start, end, exclude_cohort_id)
    if conflicts:
        trainer, other = conflicts[0]
        raise CohortError(_("%(name)s already trains %(cohort)s (%(dates)s), whose dates overlap.",
                            name=trainer.name, cohort=other.name, dates=_dates(other)), "trainers")
    return trainers


# ----------------------------------------------------------------------------- cohorts


def _validated(session: Session, actor: User, data: CohortData,
               exclude_cohort_id: int | None) -> tuple[CohortType, date, list[User]]:
    cohort_type = session.get(CohortType, data.type_id)
    if cohort_type is None:
        raise CohortError(_("Choose a kind of cohort."), "type_id")
    region = session.get(Region, data.region_code.strip())
    if region is None:
        raise CohortError(_("Unknown region code %(code)s.", code=data.region_code), "region_code")
    if not actor.covers(region.code):
        raise CohortError(_("You cannot schedule cohorts in %(region)s.", region=region.display_name),
                          "region_code")
    end = data.end_date or data.start_date + timedelta(days=cohort_type.default_days - 1)
    if end < data.start_date:
        raise CohortError(_("The end date cannot be before the start date."), "end_date")
    if (end - data.start_date).days > 90:
        raise CohortError(_("A cohort lasts at most 90 days."), "end_date")
    if data.capacity < 1:
        raise CohortError(_("The capacity must be at least 1."), "capacity")
    if data.status not in {s.value for s in CohortStatus}:
        raise CohortError(_("Choose a status."), "status")
    trainer_ids = list(data.trainer_ids) or ([actor.id] if actor.role == Role.TRAINER else [])
    trainers = _check_trainers(session, trainer_ids, region.code, data.start_date, end, exclude_cohort_id)
    return cohort_type, end, trainers


def _apply(cohort: Cohort, data: CohortData, cohort_type: CohortType, end: date, trainers: list[User]) -> None:
    cohort.type_id = cohort_type.id
    cohort.name = data.name.strip()
    cohort.region_code = data.region_code.strip()
    cohort.venue = data.venue.strip()
    cohort.address = data.address.strip()
    cohort.start_date = data.start_date
    cohort.end_date = end
    cohort.capacity = data.capacity
    cohort.preparation = data.preparation.strip()
    cohort.status = data.status
    cohort.excused_allowed = cohort_type.excused_allowed if data.excused_allowed is None else data.excused_allowed
    cohort.absent_allowed = cohort_type.absent_allowed if data.absent_allowed is None else data.absent_allowed
    cohort.trainers = trainers
    cohort.sessions = [CohortSession(position=n, title=slot.title, starts_at=slot.starts_at, ends_at=slot.ends_at)
                       for n, slot in enumerate(data.sessions)]


def create_cohort(session: Session, actor: User, data: CohortData) -> Cohort:
    cohort_type, end, trainers = _validated(session, actor, data, None)
    cohort = Cohort(created_by_id=actor.id)
    _apply(cohort, data, cohort_type, end, trainers)
    session.add(cohort)
    session.flush()
    return cohort


def update_cohort(session: Session, actor: User, cohort: Cohort, data: CohortData,
                  now: datetime | None = None) -> Change:
    """Change a cohort. New dates are checked against the trainers' other cohorts (refused on a
    clash) and the learners' (the change goes ahead; the result says who is affected); learners
    are told of new dates or times, and a larger capacity moves the waiting list up."""
    cohort_type, end, trainers = _validated(session, actor, data, cohort.id)
    old = (cohort.start_date, cohort.end_date, [(s.starts_at, s.ends_at) for s in cohort.sessions])
    _apply(cohort, data, cohort_type, end, trainers)
    cohort.updated_at = now or utcnow()
    session.flush()
    change = Change()
    if old != (cohort.start_date, cohort.end_date, [(s.starts_at, s.ends_at) for s in cohort.sessions]):
        cohort.revision += 1
        active = [e for e in cohort.enrolments if e.is_active]
        for enrolment in active:
            other = enrolling.overlapping_cohort(session, enrolment.user_id, cohort.start_date, cohort.end_date,
                                                 cohort.id)
            if other is not None:
                change.conflicts.append((enrolment.user, other))
            notify(session, enrolment.user_id, DATES_CHANGED_KIND, enrolment)
        change.notified = len(active)
    change.promoted = enrolling.fill_places(session, cohort, now)
    session.flush()
    return change


# ------------------------------------------------------------------------ lists, month


def list_cohorts(session: Session, viewer: User, *, region: str | None = None, type_id: int | None = None,
                 status: str | None = None, start: date | None = None, end: date | None = None) -> list[Cohort]:
    query = cohort_scope(viewer).order_by(Cohort.start_date, Cohort.name)
    if region:
        query = query.where(code_prefix(Cohort.region_code, region))
    if type_id:
        query = query.where(Cohort.type_id == type_id)
    if status:
        query = query.where(Cohort.status == status)
    if start and end:
        query = query.where(Cohort.start_date <= end, Cohort.end_date >= start)
    return list(session.scalars(query.limit(500)))


@dataclass
class MonthDay:
    day: date
    in_month: bool
    cohorts: list[Cohort]


def month_grid(cohorts: list[Cohort], year: int, month: int) -> list[list[MonthDay]]:
    """Weeks (Monday first) of the month, each day with the cohorts running on it."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[MonthDay(day, day.month == month, [c for c in cohorts if c.start_date <= day <= c.end_date])
             for day in week] for week in weeks]


# ---------------------------------------------------------------------- notification


def _describe_dates_changed(session: Session, notification: Notification) -> Described | None:
    enrolment = session.get(Enrolment, notification.target_id)
    if enrolment is None:
        return None
    cohort = enrolment.cohort
    return Described(text=_("%(cohort)s has new dates or times: %(dates)s.", cohort=cohort.name,
                            dates=_dates(cohort)),
                     url=url_for("cohorts.show", cohort_id=cohort.id))


register_kind(DATES_CHANGED_KIND, _describe_dates_changed)

"""Attendance per day, QR self check-in, microteaching scores, and when a cohort is completed.

Completion rule (per cohort, defaults from its type): every day of the cohort is marked; at
most `absent_allowed` days absent and at most `excused_allowed` days excused (Bimtap: none;
Diklat: one excused day); and, for types with microteaching, a passing microteaching score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from lms.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
    Microteaching,
)
from lms.db import utcnow
from lms.users.models import User

CHECKIN_SALT = "lms-cohort-checkin"
CHECKIN_WINDOW_SECONDS = 2 * 3600  # a code shown on the trainer's page works for two hours that day
RUBRIC = ("preparation", "steps", "involvement", "key_messages", "timing")
RUBRIC_MAX = 4                     # each criterion 1 (not yet) to 4 (very good)
MICROTEACHING_PASS = 14            # of 20: 70%


class AttendanceError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def local_today_for(timezone: str, now: datetime | None = None) -> date:
    """Today in `timezone` (naive `now` is UTC, as stored everywhere)."""
    return (now or utcnow()).replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()


def local_today(cohort: Cohort, now: datetime | None = None) -> date:
    """Today at the venue."""
    return local_today_for(cohort.timezone, now)


def participants(session: Session, cohort: Cohort) -> list[Enrolment]:
    return list(session.scalars(
        sa.select(Enrolment).join(Enrolment.user).where(Enrolment.cohort_id == cohort.id,
                                                        Enrolment.status == EnrolmentStatus.ENROLLED.value)
        .order_by(User.name)))


def day_marks(session: Session, cohort: Cohort, day: date) -> dict[int, Attendance]:
    rows = session.scalars(sa.select(Attendance).join(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                                       Attendance.day == day))
    return {row.enrolment_id: row for row in rows}


def check_day(cohort: Cohort, day: date, now: datetime | None = None) -> None:
    if day not in cohort.days:
        raise AttendanceError(_("That day is not a day of this cohort."))
    if cohort.status == CohortStatus.CANCELLED:
        raise AttendanceError(_("This cohort is cancelled."))
    if day > local_today(cohort, now):
        raise AttendanceError(_("Attendance can be marked from the day itself, not before."))


def mark(session: Session, enrolment: Enrolment, day: date, status: str, note: str, actor: User | None,
         now: datetime | None = None) -> Attendance:
    """Record one learner's day (a second mark replaces the first) and re-check completion."""
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise AttendanceError(_("%(name)s is not enrolled in this cohort.", name=enrolment.user.name))
    check_day(enrolment.cohort, day, now)
    status = AttendanceStatus(status).value
    row = session.scalar(sa.select(Attendance).where(Attendance.enrolment_id == enrolment.id, Attendance.day == day))
    if row is None:
        row = Attendance(day=day, status=status)
        enrolment.attendance.append(row)
    row.status = status
    row.note = note.strip()[:500]
    row.marked_by_id = actor.id if actor else None
    row.marked_at = now or utcnow()
    session.flush()
    refresh_completion(enrolment, now)
    return row


def mark_day(session: Session, cohort: Cohort, day: date, marks: dict[int, tuple[str, str]], actor: User,
             now: datetime | None = None) -> int:
    """Marks from the day page: {enrolment id: (status, note)}; unknown ids are ignored."""
    check_day(cohort, day, now)
    by_id = {e.id: e for e in participants(session, cohort)}
    done = 0
    for enrolment_id, (status, note) in marks.items():
        if enrolment_id in by_id and status in AttendanceStatus.__members__.values():
            mark(session, by_id[enrolment_id], day, status, note, actor, now)
            done += 1
    return done


# ----------------------------------------------------------------------- completion


@dataclass
class Completion:
    days: int
    present: int
    excused: int
    absent: int
    unmarked: int
    excused_allowed: int
    absent_allowed: int
    microteaching_needed: bool
    microteaching: Microteaching | None

    @property
    def microteaching_passed(self) -> bool:
        return self.microteaching is not None and self.microteaching.total >= MICROTEACHING_PASS

    @property
    def attendance_met(self) -> bool:
        return self.unmarked == 0 and self.excused <= self.excused_allowed and self.absent <= self.absent_allowed

    @property
    def met(self) -> bool:
        return self.attendance_met and (self.microteaching_passed or not self.microteaching_needed)


def completion(enrolment: Enrolment) -> Completion:
    cohort = enrolment.cohort
    days = set(cohort.days)
    statuses = [row.status for row in enrolment.attendance if row.day in days]
    return Completion(days=len(days), present=statuses.count(AttendanceStatus.PRESENT),
                      excused=statuses.count(AttendanceStatus.EXCUSED), absent=statuses.count(AttendanceStatus.ABSENT),
                      unmarked=len(days) - len(statuses), excused_allowed=cohort.excused_allowed,
                      absent_allowed=cohort.absent_allowed, microteaching_needed=cohort.type.has_microteaching,
                      microteaching=enrolment.microteaching)


def refresh_completion(enrolment: Enrolment, now: datetime | None = None) -> bool:
    """Keep `completed_at` in step with the rule; returns whether the cohort is completed."""
    met = (enrolment.status == EnrolmentStatus.ENROLLED and enrolment.cohort.status != CohortStatus.CANCELLED
           and completion(enrolment).met)
    if met and enrolment.completed_at is None:
        enrolment.completed_at = now or utcnow()
    elif not met:
        enrolment.completed_at = None
    return met


# ---------------------------------------------------------------------- QR check-in


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=CHECKIN_SALT)


def checkin_code(cohort: Cohort, day: date, secret_key: str, now: datetime | None = None) -> str:
    issued = int((now or utcnow()).replace(tzinfo=UTC).timestamp())
    return _serializer(secret_key).dumps({"c": cohort.id, "d": day.isoformat(), "t": issued})


def check_in(session: Session, cohort: Cohort, code: str, learner: User, secret_key: str,
             now: datetime | None = None) -> tuple[Attendance, bool]:
    """Mark `learner` present from a scanned code: (row, newly marked). Refused with the reason
    unless the code is for this cohort and today at the venue, and less than two hours old."""
    try:
        payload = _serializer(secret_key).loads(code)
        cohort_id, day, issued = int(payload["c"]), date.fromisoformat(payload["d"]), int(payload["t"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise AttendanceError(_("This check-in code is not valid.")) from None
    if cohort_id != cohort.id:
        raise AttendanceError(_("This check-in code belongs to another cohort."))
    age = int((now or utcnow()).replace(tzinfo=UTC).timestamp()) - issued
    if day != local_today(cohort, now) or not -60 <= age <= CHECKIN_WINDOW_SECONDS:  # a minute of clock skew
        raise AttendanceError(_("This check-in code has expired. Ask the trainer to show today's code."))
    enrolment = session.scalar(sa.select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                          Enrolment.user_id == learner.id,
                                                          Enrolment.status == EnrolmentStatus.ENROLLED.value))
    if enrolment is None:
        raise AttendanceError(_("You are not enrolled in this cohort."))
    existing = session.scalar(sa.select(Attendance).where(Attendance.enrolment_id == enrolment.id,
                                                          Attendance.day == day))
    if existing is not None and existing.status == AttendanceStatus.PRESENT:
        return existing, False
    return mark(session, enrolment, day, AttendanceStatus.PRESENT, existing.note if existing else "", None, now), True


# --------------------------------------------------------------------- microteaching


def score_microteaching(session: Session, enrolment: Enrolment, scores: dict[str, int], comments: str,
                        session_title: str, actor: User, now: datetime | None = None) -> Microteaching:
    if not enrolment.cohort.type.has_microteaching:
        raise AttendanceError(_("This kind of cohort has no microteaching."))
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise AttendanceError(_("%(name)s is not enrolled in this cohort.", name=enrolment.user.name))
    if set(scores) != set(RUBRIC) or not all(1 <= value <= RUBRIC_MAX for value in scores.values()):
        raise AttendanceError(_("Score every criterion from 1 to %(max)d.", max=RUBRIC_MAX))
    row = enrolment.microteaching
    if row is None:
        row = Microteaching(**scores)
        enrolment.microteaching = row
    for key, value in scores.items():
        setattr(row, key, value)
    row.comments = comments.strip()
    row.session_title = session_title.strip()[:200]
    row.scored_by_id = actor.id
    row.scored_at = now or utcnow()
    session.flush()
    refresh_completion(enrolment, now)
    return row

"""Cohorts (angkatan) of Bimtap, Diklat and other kinds; who is in them; who came on which day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow
from lms.regions.models import Region
from lms.users.models import User


class CohortStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"          # open for enrolment
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    CohortStatus.PLANNED: _l("Planned"),
    CohortStatus.OPEN: _l("Open for enrolment"),
    CohortStatus.RUNNING: _l("Running"),
    CohortStatus.FINISHED: _l("Finished"),
    CohortStatus.CANCELLED: _l("Cancelled"),
}

# Enrolment is possible until a cohort is finished or cancelled (late additions happen on day one).
ENROLLING_STATUSES = (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING)


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"      # over capacity: moves up when a place frees
    WITHDRAWN = "withdrawn"  # kept as history, never deleted


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def label(self) -> str:
        return str(ATTENDANCE_LABELS[self])


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.ABSENT: _l("Absent"),
    AttendanceStatus.EXCUSED: _l("Excused"),
}


class CohortType(Base):
    """A kind of cohort. Bimtap and Diklat come with the migration; admins may add others."""

    __tablename__ = "cohort_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    default_days: Mapped[int]
    # Prerequisites: every active module passed, and/or a completed cohort of another type.
    requires_all_modules: Mapped[bool] = mapped_column(default=False)
    requires_type_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohort_types.id"), default=None)
    has_microteaching: Mapped[bool] = mapped_column(default=False)
    # Default completion rule, copied to each new cohort (where the trainer may change it).
    excused_allowed: Mapped[int] = mapped_column(default=0)
    absent_allowed: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    requires_type: Mapped[CohortType | None] = relationship(remote_side=[id])


class Cohort(Base):
    __tablename__ = "cohorts"
    __table_args__ = (sa.Index("ix_cohorts_dates", "start_date", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort_types.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    venue: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    capacity: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default=CohortStatus.PLANNED.value, index=True)
    preparation: Mapped[str] = mapped_column(sa.Text, default="")  # what learners should bring or do
    excused_allowed: Mapped[int] = mapped_column(default=0)
    absent_allowed: Mapped[int] = mapped_column(default=0)
    # Bumped on every change of dates or times: the iCalendar SEQUENCE.
    revision: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    type: Mapped[CohortType] = relationship()
    region: Mapped[Region] = relationship()
    sessions: Mapped[list[CohortSession]] = relationship(
        back_populates="cohort", order_by="CohortSession.position", cascade="all, delete-orphan")
    trainers: Mapped[list[User]] = relationship(secondary="cohort_trainers", order_by="User.name")
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="cohort", order_by="Enrolment.id", cascade="all, delete-orphan")

    @property
    def status_enum(self) -> CohortStatus:
        return CohortStatus(self.status)

    @property
    def timezone(self) -> str:
        return self.region.timezone

    @property
    def days(self) -> list[date]:
        return [self.start_date + timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)]

    def overlaps(self, start: date, end: date) -> bool:
        return self.start_date <= end and start <= self.end_date


class CohortSession(Base):
    """One session of the daily timetable (every day of the cohort follows it)."""

    __tablename__ = "cohort_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")


class CohortTrainer(Base):
    __tablename__ = "cohort_trainers"

    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class Enrolment(Base):
    """A learner in a cohort. Withdrawal changes the status; rows are never deleted."""

    __tablename__ = "enrolments"
    __table_args__ = (sa.Index("ix_enrolments_cohort_status", "cohort_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    promoted_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    # Set while the completion rule holds (attendance, and microteaching where the type has it).
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="enrolment", order_by="Attendance.day", cascade="all, delete-orphan")
    microteaching: Mapped[Microteaching | None] = relationship(back_populates="enrolment",
                                                               cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.status != EnrolmentStatus.WITHDRAWN


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "day", name="uq_attendance_enrolment_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"))
    day: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)  # None: QR check-in
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="attendance")


class Microteaching(Base):
    """A Diklat participant's practice P2K2 session, scored on the rubric by a trainer."""

    __tablename__ = "microteachings"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True)
    session_title: Mapped[str] = mapped_column(sa.String(200), default="")
    preparation: Mapped[int]
    steps: Mapped[int]
    involvement: Mapped[int]
    key_messages: Mapped[int]
    timing: Mapped[int]
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    scored_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="microteaching")

    @property
    def total(self) -> int:
        return self.preparation + self.steps + self.involvement + self.key_messages + self.timing


class CalendarFeed(Base):
    """A user's secret calendar address. Only a nonce is stored; the address carries it signed
    with SECRET_KEY. Revoking deletes the row, so the old address stops working."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

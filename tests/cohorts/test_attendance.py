"""The completion rule at its boundaries, and QR check-in codes: yesterday's or another cohort's are
refused; today's marks the participant present once however often it is scanned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.cohorts import attendance
from lms.cohorts import enrolment as enrolling
from lms.cohorts.models import Attendance, Cohort, Enrolment
from lms.users.models import User
from tests.cohorts.conftest import START

SECRET = "test-secret-key"
# 09:00 in Semarang (WIB, UTC+7) on the cohort's first day, as naive UTC.
FIRST_MORNING = datetime(START.year, START.month, START.day, 2, 0)
AFTER = FIRST_MORNING + timedelta(days=30)


def _enrolled(db: Session, cohort: Cohort, learner: User, trainer: User) -> Enrolment:
    enrolment = enrolling.enrol(db, cohort, learner, trainer).enrolment
    assert enrolment is not None
    return enrolment


def _mark(db: Session, enrolment: Enrolment, statuses: str, trainer: User) -> None:
    """One letter per day: p present, e excused, a absent, - not marked."""
    codes = {"p": "present", "e": "excused", "a": "absent"}
    for day, letter in zip(enrolment.cohort.days, statuses, strict=True):
        if letter != "-":
            attendance.mark(db, enrolment, day, codes[letter], "", trainer, now=AFTER)


@pytest.mark.parametrize(("statuses", "done"), [
    ("ppp", True),    # present every day
    ("ppe", False),   # Bimtap: no excused day allowed
    ("ppa", False),
    ("pp-", False),   # a day not marked yet
])
def test_bimtap_completion_rule(db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User],
                                trainer: User, statuses: str, done: bool) -> None:
    enrolment = _enrolled(db, make_cohort("bimtap"), make_user(), trainer)
    _mark(db, enrolment, statuses, trainer)
    assert (enrolment.completed_at is not None) is done


def _passing_microteaching(db: Session, enrolment: Enrolment, trainer: User, total: int = 14) -> None:
    base, extra = divmod(total, len(attendance.RUBRIC))
    scores = {key: base + (n < extra) for n, key in enumerate(attendance.RUBRIC)}
    attendance.score_microteaching(db, enrolment, scores, "Runtut.", "Sesi 3 modul 1", trainer, now=AFTER)


@pytest.mark.parametrize(("statuses", "microteaching", "done"), [
    ("p" * 9 + "e", 14, True),       # one excused day and a passing score (14 of 20, the boundary)
    ("p" * 10, 13, False),           # one point short of passing
    ("p" * 10, None, False),         # not scored yet
    ("p" * 8 + "ee", 20, False),     # two excused days: one too many
    ("p" * 9 + "a", 20, False),      # an absent day
])
def test_diklat_completion_rule(db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User],
                                trainer: User, statuses: str, microteaching: int | None, done: bool) -> None:
    cohort = make_cohort("diklat")
    cohort.type.requires_all_modules = False
    cohort.type.requires_type_id = None
    enrolment = _enrolled(db, cohort, make_user(), trainer)
    _mark(db, enrolment, statuses, trainer)
    if microteaching is not None:
        _passing_microteaching(db, enrolment, trainer, microteaching)
    assert (enrolment.completed_at is not None) is done


def test_completion_rule_is_configurable_per_cohort(db: Session, make_cohort: Callable[..., Cohort],
                                                    make_user: Callable[..., User], trainer: User) -> None:
    enrolment = _enrolled(db, make_cohort("bimtap", excused_allowed=1, absent_allowed=1), make_user(), trainer)
    _mark(db, enrolment, "pea", trainer)
    assert enrolment.completed_at is not None
    attendance.mark(db, enrolment, enrolment.cohort.days[0], "absent", "sakit", trainer, now=AFTER)
    assert enrolment.completed_at is None  # two absent days now: completion withdrawn


def test_attendance_cannot_be_marked_before_the_day(db: Session, make_cohort: Callable[..., Cohort],
                                                    make_user: Callable[..., User], trainer: User) -> None:
    enrolment = _enrolled(db, make_cohort(), make_user(), trainer)
    with pytest.raises(attendance.AttendanceError, match="from the day itself"):
        attendance.mark(db, enrolment, START + timedelta(days=1), "present", "", trainer, now=FIRST_MORNING)


# --------------------------------------------------------------------------- check-in


def test_todays_code_marks_present_once_however_often_scanned(
        db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User], trainer: User) -> None:
    cohort = make_cohort()
    learner = make_user()
    enrolment = _enrolled(db, cohort, learner, trainer)
    code = attendance.checkin_code(cohort, START, SECRET, now=FIRST_MORNING)
    results = [attendance.check_in(db, cohort, code, learner, SECRET, now=FIRST_MORNING + timedelta(minutes=m))
               for m in (1, 2, 30)]
    assert [new for _row, new in results] == [True, False, False]
    rows = list(db.scalars(sa.select(Attendance).where(Attendance.enrolment_id == enrolment.id)))
    assert [(row.day, row.status, row.marked_by_id) for row in rows] == [(START, "present", None)]


def test_yesterdays_and_other_cohorts_codes_are_refused(
        db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User], trainer: User) -> None:
    cohort = make_cohort()
    other = make_cohort(start=START + timedelta(days=1), trainers=[make_user(role="trainer", regions=["3374"])])
    learner = make_user()
    _enrolled(db, cohort, learner, trainer)
    second_morning = FIRST_MORNING + timedelta(days=1)
    yesterdays = attendance.checkin_code(cohort, START, SECRET, now=FIRST_MORNING)
    with pytest.raises(attendance.AttendanceError, match="expired"):
        attendance.check_in(db, cohort, yesterdays, learner, SECRET, now=second_morning)
    # Even freshly signed, a code naming yesterday is not today's.
    backdated = attendance.checkin_code(cohort, START, SECRET, now=second_morning)
    with pytest.raises(attendance.AttendanceError, match="expired"):
        attendance.check_in(db, cohort, backdated, learner, SECRET, now=second_morning)
    others = attendance.checkin_code(other, START + timedelta(days=1), SECRET, now=second_morning)
    with pytest.raises(attendance.AttendanceError, match="another cohort"):
        attendance.check_in(db, cohort, others, learner, SECRET, now=second_morning)
    stale = attendance.checkin_code(cohort, START + timedelta(days=1), SECRET, now=second_morning)
    with pytest.raises(attendance.AttendanceError, match="expired"):  # past the two-hour window
        attendance.check_in(db, cohort, stale, learner, SECRET, now=second_morning + timedelta(hours=2, minutes=1))
    with pytest.raises(attendance.AttendanceError, match="not valid"):
        attendance.check_in(db, cohort, stale[:-2] + "xx", learner, SECRET, now=second_morning)
    assert db.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_scanning_when_logged_out_goes_through_login_and_back(
        app: Flask, client: FlaskClient, db: Session, make_cohort: Callable[..., Cohort],
        make_user: Callable[..., User], trainer: User, login_as: Callable[..., FlaskClient]) -> None:
    today = attendance.local_today_for("Asia/Jakarta")
    cohort = make_cohort(start=today - timedelta(days=1))
    learner = make_user()
    enrolment = _enrolled(db, cohort, learner, trainer)
    code = attendance.checkin_code(cohort, today, app.config["SECRET_KEY"])
    path = f"/cohorts/{cohort.id}/checkin/{code}"
    response = client.get(path)
    assert response.status_code == 302 and "/login?next=" in response.location
    # The login page sends the learner back to `next` (the auth tests cover the password step).
    assert parse_qs(urlsplit(response.location).query)["next"] == [path]
    login_as(learner)
    assert client.get(path).status_code == 200
    for _ in range(2):
        assert client.post(path).status_code == 302
    rows = list(db.scalars(sa.select(Attendance).where(Attendance.enrolment_id == enrolment.id)))
    assert [(row.day, row.status) for row in rows] == [(today, "present")]

"""Who sees and changes cohorts: a coordinator of another province neither sees nor changes one;
a coordinator of the province sees it and its attendance, read-only; trainers manage their regions'."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.cohorts import attendance
from lms.cohorts import enrolment as enrolling
from lms.cohorts.models import Attendance, Cohort, Enrolment
from lms.users.models import User


@pytest.fixture
def running(db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User],
            trainer: User) -> Cohort:
    """A Bimtap in Kota Semarang that started yesterday, with one participant."""
    cohort = make_cohort(start=attendance.local_today_for("Asia/Jakarta") - timedelta(days=1),
                         name="Bimtap Angkatan VII Jawa Tengah")
    enrolling.enrol(db, cohort, make_user(name="Rina"), trainer)
    return cohort


def _edit_form(cohort: Cohort, **changes: object) -> dict[str, object]:
    return {"type_id": cohort.type_id, "name": "Diubah", "region_code": cohort.region_code, "venue": cohort.venue,
            "start_date": cohort.start_date.isoformat(), "end_date": cohort.end_date.isoformat(),
            "sessions": "08:00-12:00 Pagi", "capacity": 10, "status": "open",
            "trainers": [t.id for t in cohort.trainers], **changes}


def test_coordinator_of_another_province_cannot_see_or_change(
        client: FlaskClient, db: Session, running: Cohort, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="coordinator", regions=["91"]))  # Papua
    day = running.start_date.isoformat()
    assert running.name not in client.get("/cohorts/").get_data(as_text=True)
    for path in (f"/cohorts/{running.id}", f"/cohorts/{running.id}/days/{day}", f"/cohorts/{running.id}/calendar.ics"):
        assert client.get(path).status_code == 404, path
    enrolment = running.enrolments[0]
    mark = {f"status-{enrolment.id}": "absent"}
    assert client.post(f"/cohorts/{running.id}/days/{day}", data=mark).status_code == 404
    for path in (f"/cohorts/{running.id}/edit", f"/cohorts/{running.id}/enrol/emails",
                 f"/cohorts/{running.id}/enrolments/{enrolment.id}/withdraw"):
        assert client.post(path, data=_edit_form(running)).status_code == 403, path
    db.refresh(running)
    assert running.name == "Bimtap Angkatan VII Jawa Tengah"
    assert db.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert db.get(Enrolment, enrolment.id).status == "enrolled"


def test_coordinator_of_the_province_sees_attendance_read_only(
        client: FlaskClient, db: Session, running: Cohort, make_user: Callable[..., User], trainer: User,
        login_as: Callable[..., FlaskClient]) -> None:
    enrolment = running.enrolments[0]
    attendance.mark(db, enrolment, running.start_date, "excused", "Anak sakit", trainer)
    login_as(make_user(role="coordinator", regions=["33"]))
    assert running.name in client.get("/cohorts/").get_data(as_text=True)
    assert "Rina" in client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    page = client.get(f"/cohorts/{running.id}/days/{running.start_date.isoformat()}").get_data(as_text=True)
    assert "Anak sakit" in page and "Izin" in page and 'name="status-' not in page
    day = running.start_date.isoformat()
    mark = {f"status-{enrolment.id}": "absent"}
    assert client.post(f"/cohorts/{running.id}/days/{day}", data=mark).status_code == 403
    assert client.get(f"/cohorts/{running.id}/edit").status_code == 403


def test_trainer_of_another_province_gets_404_and_learners_see_only_their_cohorts(
        client: FlaskClient, running: Cohort, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient]) -> None:
    login_as(make_user(role="trainer", regions=["18"]))
    assert client.get(f"/cohorts/{running.id}").status_code == 404
    assert client.get(f"/cohorts/{running.id}/edit").status_code == 404
    login_as(make_user(name="Bukan peserta"))
    assert client.get(f"/cohorts/{running.id}").status_code == 404
    assert client.get("/cohorts/").status_code == 403
    login_as(running.enrolments[0].user)
    page = client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    assert "Keikutsertaan Anda" in page and "Balai Diklat" in page


def test_trainer_marks_the_whole_day_in_one_form(
        client: FlaskClient, db: Session, running: Cohort, make_user: Callable[..., User], trainer: User,
        login_as: Callable[..., FlaskClient]) -> None:
    second = make_user(name="Sari")
    joined = enrolling.enrol(db, running, second, trainer).enrolment
    assert joined is not None
    first = running.enrolments[0]
    login_as(trainer)
    day = running.start_date.isoformat()
    page = client.get(f"/cohorts/{running.id}/days/{attendance.local_today(running).isoformat()}")
    assert page.status_code == 200 and b"<svg" in page.data and b"/checkin/" in page.data
    response = client.post(f"/cohorts/{running.id}/days/{day}",
                           data={f"status-{first.id}": "present", f"status-{joined.id}": "excused",
                                 f"note-{joined.id}": "Izin"})
    assert response.status_code == 302
    marks = {row.enrolment_id: (row.status, row.note) for row in db.scalars(sa.select(Attendance))}
    assert marks == {first.id: ("present", ""), joined.id: ("excused", "Izin")}
    tomorrow = (running.start_date + timedelta(days=2)).isoformat()
    client.post(f"/cohorts/{running.id}/days/{tomorrow}", data={"all": "present"})
    assert db.scalar(sa.select(sa.func.count()).select_from(Attendance).where(
        Attendance.day == running.start_date + timedelta(days=2))) == 0  # not before the day


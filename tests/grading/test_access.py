"""Who may grade: wrong role → 403, learner outside the trainer's regions → 404; the queue's
order, filters and counts; the audit log has no way to change an entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.learning.models import QuizAttempt
from lms.users.models import User
from tests.grading.helpers import essay_attempt


@pytest.mark.parametrize("role", ["pendamping", "coordinator"])
@pytest.mark.parametrize("path", ["/grading/", "/grading/modules/keuangan-keluarga/statistics",
                                  "/grading/modules/keuangan-keluarga/statistics.csv",
                                  "/grading/modules/keuangan-keluarga/regrade", "/grading/audit"])
def test_pendamping_and_coordinator_cannot_open_grading(
        client: FlaskClient, make_user: Callable[..., User], login_as: Callable[..., FlaskClient],
        role: str, path: str) -> None:
    login_as(make_user(role=role, regions=["3374"] if role == "pendamping" else ["33"]))
    assert client.get(path).status_code == 403


def test_pendamping_cannot_open_or_grade_an_attempt(client: FlaskClient, make_user: Callable[..., User],
                                                     login_as: Callable[..., FlaskClient],
                                                     waiting: QuizAttempt) -> None:
    login_as(make_user(regions=["3374"]))
    assert client.get(f"/grading/attempts/{waiting.id}").status_code == 403
    assert client.post(f"/grading/attempts/{waiting.id}", data={"lock_version": waiting.lock_version}).status_code \
        == 403


def test_trainer_outside_the_learners_region_cannot_open_or_grade(
        client: FlaskClient, db: Session, make_user: Callable[..., User], login_as: Callable[..., FlaskClient],
        waiting: QuizAttempt) -> None:
    # Neither their region nor a cohort they run: the attempt does not exist for them.
    login_as(make_user(role="trainer", regions=["18"], name="Pelatih Lampung"))
    essay = next(a for a in waiting.answers if a.version.type == "essay")
    auto = next(a for a in waiting.answers if a.version.type != "essay")
    assert client.get(f"/grading/attempts/{waiting.id}").status_code == 404
    graded = client.post(f"/grading/attempts/{waiting.id}", data={
        "lock_version": waiting.lock_version, "answers-0-answer_id": essay.id, "answers-0-score": "10"})
    assert graded.status_code == 404
    assert client.post(f"/grading/answers/{auto.id}/override", data={
        "lock_version": waiting.lock_version, "score": "0", "reason": "x"}).status_code == 404
    assert client.post(f"/grading/attempts/{waiting.id}/grant", data={"reason": "x"}).status_code == 404
    assert "Rina Pendamping" not in client.get("/grading/").get_data(as_text=True)
    db.refresh(waiting)
    assert waiting.status == "needs_grading" and essay.score is None


def test_queue_is_oldest_first_filtered_and_counted(
        app: Flask, client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient], trainer: User) -> None:
    semarang = make_user(regions=["3374"], name="Ani Semarang")
    kendal = make_user(regions=["3324"], name="Budi Kendal")
    lampung = make_user(regions=["1871"], name="Citra Lampung")
    first, second, _third = (essay_attempt(db, app, user) for user in (kendal, semarang, lampung))
    first.submitted_at = second.submitted_at - timedelta(hours=1)
    db.flush()
    login_as(trainer)
    client.set_cookie("lang", "en")
    page = client.get("/grading/").get_data(as_text=True)
    assert page.index("Budi Kendal") < page.index("Ani Semarang")
    assert "Citra Lampung" not in page
    assert "2 attempts" in page
    only_semarang = client.get("/grading/?region=3374").get_data(as_text=True)
    assert "Ani Semarang" in only_semarang and "Budi Kendal" not in only_semarang
    assert "Budi Kendal" not in client.get("/grading/?module=pengasuhan-anak").get_data(as_text=True)
    login_as(make_user(role="admin"))
    assert "Citra Lampung" in client.get("/grading/").get_data(as_text=True)


def test_trainers_see_grading_in_the_menu(client: FlaskClient, login_as: Callable[..., FlaskClient],
                                          make_user: Callable[..., User], trainer: User) -> None:
    login_as(trainer)
    assert 'href="/grading/"' in client.get("/").get_data(as_text=True)
    login_as(make_user(role="coordinator"))
    assert 'href="/grading/"' not in client.get("/").get_data(as_text=True)


def test_audit_log_cannot_be_changed(app: Flask) -> None:
    """No route under the grading blueprint updates or deletes an audit entry: the audit pages
    answer GET only, and no grading route accepts PUT, PATCH or DELETE."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("grading."):
            continue
        methods = rule.methods or set()
        assert not methods & {"PUT", "PATCH", "DELETE"}, rule
        if "audit" in rule.rule or rule.endpoint == "grading.audit":
            assert methods <= {"GET", "HEAD", "OPTIONS"}, rule
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("grading.") and "POST" in (rule.methods or set())}
    assert posts == {"grading.grade", "grading.override", "grading.grant", "grading.regrade_apply"}


def test_admin_sees_the_audit_log(client: FlaskClient, login_as: Callable[..., FlaskClient],
                                  make_user: Callable[..., User], trainer: User, waiting: QuizAttempt) -> None:
    essay = next(a for a in waiting.answers if a.version.type == "essay")
    login_as(trainer)
    client.post(f"/grading/attempts/{waiting.id}", data={
        "lock_version": waiting.lock_version, "answers-0-answer_id": essay.id, "answers-0-score": "8"})
    assert client.get("/grading/audit").status_code == 403
    login_as(make_user(role="admin"))
    log = client.get("/grading/audit").get_data(as_text=True)
    assert "Pelatih Jawa Tengah" in log and "Rina Pendamping" in log and "— → 8.00" in log


def test_trainer_of_the_learners_cohort_may_grade_across_provinces(
        app: Flask, client: FlaskClient, db: Session, make_user: Callable[..., User],
        login_as: Callable[..., FlaskClient], waiting: QuizAttempt, learner: User) -> None:
    """A Diklat trainer from Lampung's centre grades the Semarang learners of their cohort."""
    from datetime import date, time

    from flask_babel import force_locale

    from lms.cohorts import enrolment as cohort_enrolment
    from lms.cohorts import services as cohorts
    from lms.cohorts.models import CohortType

    lampung_trainer = make_user(role="trainer", regions=["18"], name="Pelatih Lampung")
    admin = make_user(role="admin")
    bimtap = db.scalar(sa.select(CohortType).where(CohortType.key == "bimtap"))
    with app.test_request_context(), force_locale("en"):
        cohort = cohorts.create_cohort(db, admin, cohorts.CohortData(
            type_id=bimtap.id, name="Bimtap lintas provinsi", region_code="1871", venue="Balai", address="Jl. 1",
            start_date=date(2027, 5, 3), end_date=None, capacity=30,
            sessions=[cohorts.Slot(time(8), time(12), "Sesi")], trainer_ids=[lampung_trainer.id]))
        cohort_enrolment.enrol(db, cohort, learner, admin)
    login_as(lampung_trainer)
    assert client.get(f"/grading/attempts/{waiting.id}").status_code == 200
    assert "Rina Pendamping" in client.get("/grading/").get_data(as_text=True)
    assert "Rina Pendamping" in client.get(f"/grading/?cohort={cohort.id}").get_data(as_text=True)

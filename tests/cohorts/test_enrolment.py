"""Enrolment outcomes with their messages: capacity and the waiting list, prerequisites, overlapping
cohorts for learners and trainers, date changes, and enrolling by region, year or CSV."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.cohorts import enrolment as enrolling
from lms.cohorts import services
from lms.cohorts.enrolment import Outcome
from lms.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from lms.content.models import Module
from lms.learning.models import ModuleCompletion
from lms.notifications.models import Notification
from lms.users.models import User
from tests.cohorts.conftest import START, days_after


def _learners(make_user: Callable[..., User], n: int, **fields: object) -> list[User]:
    return [make_user(name=f"Peserta {i}", **fields) for i in range(1, n + 1)]


def _kinds(db: Session, user: User) -> list[str]:
    return list(db.scalars(sa.select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)))


def test_over_capacity_goes_to_the_waiting_list(db: Session, make_cohort: Callable[..., Cohort],
                                                 make_user: Callable[..., User], trainer: User) -> None:
    cohort = make_cohort(capacity=2)
    first, second, third, fourth = _learners(make_user, 4)
    results = [enrolling.enrol(db, cohort, learner, trainer) for learner in (first, second, third, fourth)]
    assert [r.outcome for r in results] == [Outcome.ENROLLED, Outcome.ENROLLED, Outcome.WAITING, Outcome.WAITING]
    assert results[0].message == "Peserta 1 is enrolled."
    assert results[2].message == "The cohort is full (2 places): Peserta 3 is number 1 on the waiting list."
    assert results[3].message == "The cohort is full (2 places): Peserta 4 is number 2 on the waiting list."
    assert enrolling.enrolled_count(db, cohort) == 2
    assert _kinds(db, first) == ["cohort_enrolled"] and _kinds(db, third) == ["cohort_waiting"]
    again = enrolling.enrol(db, cohort, third, trainer)
    assert again.outcome == Outcome.REFUSED and again.message == "Peserta 3 is already on the waiting list."
    assert enrolling.enrol(db, cohort, first, trainer).message == "Peserta 1 is already in this cohort."


def test_withdrawal_promotes_the_first_waiting_and_keeps_history(
        db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User], trainer: User) -> None:
    cohort = make_cohort(capacity=1)
    first, second, third = _learners(make_user, 3)
    held = enrolling.enrol(db, cohort, first, trainer).enrolment
    for learner in (second, third):
        enrolling.enrol(db, cohort, learner, trainer)
    assert held is not None
    promoted = enrolling.withdraw(db, held, trainer)
    assert [e.user_id for e in promoted] == [second.id]
    assert promoted[0].status == EnrolmentStatus.ENROLLED and promoted[0].promoted_at is not None
    assert _kinds(db, second) == ["cohort_waiting", "cohort_promoted"]
    assert _kinds(db, third) == ["cohort_waiting"]
    # History: the withdrawn row stays, with when and by whom.
    assert held.status == EnrolmentStatus.WITHDRAWN and held.withdrawn_at and held.withdrawn_by_id == trainer.id
    assert db.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort.id)) == 3
    # Withdrawing someone who was only waiting frees no place.
    waiting = enrolling.waiting_list(db, cohort)
    assert enrolling.withdraw(db, waiting[0], trainer) == []
    # Coming back after withdrawal is a new enrolment (the old row stays).
    assert enrolling.enrol(db, cohort, first, trainer).outcome == Outcome.WAITING


def test_more_places_move_the_waiting_list_up(db: Session, make_cohort: Callable[..., Cohort],
                                              make_user: Callable[..., User], trainer: User) -> None:
    cohort = make_cohort(capacity=1)
    first, second = _learners(make_user, 2)
    enrolling.enrol(db, cohort, first, trainer)
    enrolling.enrol(db, cohort, second, trainer)
    data = _data_of(cohort)
    data.capacity = 2
    change = services.update_cohort(db, trainer, cohort, data)
    assert [e.user_id for e in change.promoted] == [second.id]
    assert change.notified == 0  # dates and times unchanged: nobody told about dates


def _pass_every_module(db: Session, learner: User) -> None:
    for module in db.scalars(sa.select(Module).where(Module.is_retired.is_(False))):
        db.add(ModuleCompletion(user_id=learner.id, module_id=module.id, score_percent=90))
    db.flush()


def _complete(db: Session, cohort: Cohort, learner: User) -> None:
    enrolment = db.scalar(sa.select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == learner.id))
    assert enrolment is not None
    enrolment.completed_at = enrolment.created_at
    db.flush()


def test_diklat_refuses_learners_missing_a_prerequisite(db: Session, make_cohort: Callable[..., Cohort],
                                                        make_user: Callable[..., User], trainer: User) -> None:
    bimtap = make_cohort("bimtap", start=START)
    diklat = make_cohort("diklat", start=days_after(START, 14))
    assert (diklat.end_date - diklat.start_date).days == 9  # 10 days by default
    nothing, modules_only, bimtap_only, ready = _learners(make_user, 4)
    for learner in (modules_only, ready):
        _pass_every_module(db, learner)
    for learner in (bimtap_only, ready):
        enrolling.enrol(db, bimtap, learner, trainer)
        _complete(db, bimtap, learner)

    results = {learner.name: enrolling.enrol(db, diklat, learner, trainer)
               for learner in (nothing, modules_only, bimtap_only, ready)}
    assert results["Peserta 1"].message == (
        "Peserta 1 cannot join: not every module is passed yet; no completed Bimtap yet.")
    assert results["Peserta 2"].message == "Peserta 2 cannot join: no completed Bimtap yet."
    assert results["Peserta 3"].message == "Peserta 3 cannot join: not every module is passed yet."
    assert [r.outcome for r in results.values()] == [Outcome.REFUSED] * 3 + [Outcome.ENROLLED]


def test_learner_in_an_overlapping_cohort_is_refused(db: Session, make_cohort: Callable[..., Cohort],
                                                     make_user: Callable[..., User], trainer: User) -> None:
    other_trainer = services_trainer(make_user)
    first = make_cohort(start=START, name="Bimtap Angkatan I")                       # 1–3 March
    overlapping = make_cohort(start=days_after(START, 2), trainers=[other_trainer])  # 3–5 March: one day shared
    adjacent = make_cohort(start=days_after(START, 3), name="Bimtap Angkatan II")    # 4–6 March: none
    learner = make_user(name="Rina")
    assert enrolling.enrol(db, first, learner, trainer).outcome == Outcome.ENROLLED
    refused = enrolling.enrol(db, overlapping, learner, trainer)
    assert refused.outcome == Outcome.REFUSED
    assert refused.message == "Rina is already in Bimtap Angkatan I (Mar 1, 2027 – Mar 3, 2027), whose dates overlap."
    assert enrolling.enrol(db, adjacent, learner, trainer).outcome == Outcome.ENROLLED
    # A cancelled cohort no longer blocks.
    first.status = "cancelled"
    db.flush()
    message = enrolling.enrol(db, overlapping, learner, trainer).message
    assert message.startswith("Rina is already in Bimtap Angkatan II")


def services_trainer(make_user: Callable[..., User]) -> User:
    return make_user(role="trainer", regions=["3374"], name="Pelatih Semarang")


def test_trainer_cannot_be_in_two_overlapping_cohorts(db: Session, make_cohort: Callable[..., Cohort],
                                                      trainer: User) -> None:
    make_cohort(start=START, name="Bimtap Angkatan I")
    with pytest.raises(services.CohortError) as error:
        make_cohort(start=days_after(START, 2))
    assert error.value.message == (
        "Pelatih Jawa Tengah already trains Bimtap Angkatan I (Mar 1, 2027 – Mar 3, 2027), whose dates overlap.")
    assert error.value.field == "trainers"
    make_cohort(start=days_after(START, 3))  # the day after the last day is free


def test_changing_dates_rechecks_overlaps_and_tells_learners(
        db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User], trainer: User) -> None:
    other_trainer = services_trainer(make_user)
    moving = make_cohort(start=START, name="Bimtap Angkatan I")
    later = make_cohort(start=days_after(START, 7), name="Bimtap Angkatan II", trainers=[other_trainer])
    busy, free = make_user(name="Budi"), make_user(name="Citra")
    for learner in (busy, free):
        enrolling.enrol(db, moving, learner, trainer)
    enrolling.enrol(db, later, busy, other_trainer)

    data = _data_of(moving)
    data.start_date, data.end_date = days_after(START, 6), days_after(START, 8)
    change = services.update_cohort(db, trainer, moving, data)
    assert [(user.name, other.name) for user, other in change.conflicts] == [("Budi", "Bimtap Angkatan II")]
    assert change.notified == 2 and moving.revision == 1
    assert _kinds(db, free) == ["cohort_enrolled", "cohort_dates_changed"]

    # The trainer's own clash refuses the change.
    data = _data_of(later)
    data.trainer_ids = [trainer.id]
    with pytest.raises(services.CohortError, match="already trains Bimtap Angkatan I"):
        services.update_cohort(db, other_trainer, later, data)


def _data_of(cohort: Cohort) -> services.CohortData:
    return services.CohortData(
        type_id=cohort.type_id, name=cohort.name, region_code=cohort.region_code, venue=cohort.venue,
        start_date=cohort.start_date, end_date=cohort.end_date, capacity=cohort.capacity,
        sessions=[services.Slot(s.starts_at, s.ends_at, s.title) for s in cohort.sessions],
        trainer_ids=[t.id for t in cohort.trainers], status=cohort.status)


def test_enrol_by_region_year_and_csv_with_reasons(db: Session, make_cohort: Callable[..., Cohort],
                                                   make_user: Callable[..., User], trainer: User) -> None:
    cohort = make_cohort(capacity=2)
    in_year = [make_user(name=f"Angkatan {i}", regions=["3374"], recruitment_year=2026) for i in range(3)]
    make_user(name="Tahun lain", regions=["3374"], recruitment_year=2025)
    make_user(name="Luar wilayah", regions=["1871"], recruitment_year=2026)
    results = enrolling.enrol_by_region(db, cohort, trainer, "33", 2026)
    assert [(r.label, r.outcome) for r in results] == [
        ("Angkatan 0", Outcome.ENROLLED), ("Angkatan 1", Outcome.ENROLLED), ("Angkatan 2", Outcome.WAITING)]

    outsider = db.scalar(sa.select(User).where(User.name == "Luar wilayah"))
    assert outsider is not None
    other = make_cohort(start=START + timedelta(days=20))
    csv_file = io.BytesIO(f"name,email\nA,{in_year[0].email}\nB,nobody@test.fds.id\nC,{outsider.email}\n"
                          .encode())
    results = enrolling.enrol_emails(db, other, enrolling.read_csv_emails(csv_file), trainer)
    assert [r.message for r in results] == [
        "Angkatan 0 is enrolled.", "No account with the email nobody@test.fds.id.",
        "Luar wilayah is outside your regions."]
    staff = enrolling.enrol(db, other, trainer, trainer)
    assert staff.message == "Pelatih Jawa Tengah is not an active facilitator account."

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from lms.cohorts import services
from lms.cohorts.models import Cohort, CohortType
from lms.users.models import User

START = date(2027, 3, 1)  # a Monday


@pytest.fixture(autouse=True)
def _request_context(app: Flask, request: pytest.FixtureRequest) -> Iterator[None]:
    """Services translate their messages: a request context, in English. Not around HTTP tests: the
    client's requests would share its `g` (and so the logged-in user)."""
    if "client" in request.fixturenames:
        yield
        return
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            yield


@pytest.fixture
def trainer(make_user: Callable[..., User]) -> User:
    return make_user(role="trainer", regions=["33"], name="Pelatih Jawa Tengah")


def cohort_type(db: Session, key: str) -> CohortType:
    found = db.scalar(sa.select(CohortType).where(CohortType.key == key))
    assert found is not None
    return found


@pytest.fixture
def make_cohort(db: Session, trainer: User) -> Callable[..., Cohort]:
    """`make_cohort(kind="bimtap", start=..., capacity=...)`: a cohort in Kota Semarang run by `trainer`."""

    def make(kind: str = "bimtap", *, start: date = START, end: date | None = None, capacity: int = 30,
             region: str = "3374", actor: User | None = None, trainers: list[User] | None = None,
             name: str | None = None, **extra: Any) -> Cohort:
        actor = actor or trainer
        data = services.CohortData(
            type_id=cohort_type(db, kind).id, name=name or f"{kind.title()} {start:%d %b}", region_code=region,
            venue="Balai Diklat", address="Jl. Pemuda 1", start_date=start, end_date=end, capacity=capacity,
            sessions=[services.Slot(time(8), time(12), "Sesi pagi"), services.Slot(time(13), time(16), "Sesi siang")],
            trainer_ids=[t.id for t in (trainers if trainers is not None else [trainer])], **extra)
        return services.create_cohort(db, actor, data)

    return make


def days_after(start: date, n: int) -> date:
    return start + timedelta(days=n)

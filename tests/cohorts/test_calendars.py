"""iCalendar output parses with `icalendar` and carries the right dates, times and zone for a cohort
in Kota Jayapura (WIT) and one in Kota Semarang (WIB); UIDs stay stable; the feed token is revocable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy.orm import Session

from lms.cohorts import calendars, services
from lms.cohorts import enrolment as enrolling
from lms.cohorts.models import Cohort
from lms.users.models import User
from tests.cohorts.conftest import START


def _events(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


@pytest.mark.parametrize(("region", "zone", "utc_offset"), [
    ("9171", "Asia/Jayapura", 9),  # Kota Jayapura, WIT
    ("3374", "Asia/Jakarta", 7),   # Kota Semarang, WIB
])
def test_cohort_ics_has_the_venues_zone_dates_and_times(
        db: Session, make_cohort: Callable[..., Cohort], make_user: Callable[..., User], region: str, zone: str,
        utc_offset: int) -> None:
    papua = make_user(role="trainer", regions=["91"], name="Pelatih Papua")
    trainer = papua if region.startswith("91") else None
    cohort = make_cohort("bimtap", region=region, actor=trainer, trainers=[trainer] if trainer else None)
    body = calendars.calendar_bytes([cohort], "lms.test", cohort.name)

    calendar = Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
    events = _events(body)
    assert len(events) == 3 * 2  # three days, two sessions each
    starts = sorted((e.decoded("DTSTART"), e.decoded("DTEND")) for e in events)
    tz = ZoneInfo(zone)
    expected = []
    for offset in range(3):
        day = START + timedelta(days=offset)
        expected += [(datetime.combine(day, time(8), tz), datetime.combine(day, time(12), tz)),
                     (datetime.combine(day, time(13), tz), datetime.combine(day, time(16), tz))]
    assert starts == expected
    for event in events:
        assert event["DTSTART"].params["TZID"] == zone and event["DTEND"].params["TZID"] == zone
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    assert first.decoded("DTSTART").utcoffset() == timedelta(hours=utc_offset)
    assert b"TZID=" + zone.encode() + b":20270301T080000" in body
    assert str(first["SUMMARY"]) == f"{cohort.name}: Sesi pagi"
    assert str(first["LOCATION"]) == "Balai Diklat, Jl. Pemuda 1"


def test_uids_stay_the_same_after_a_date_change(db: Session, make_cohort: Callable[..., Cohort],
                                                trainer: User) -> None:
    cohort = make_cohort()
    before = {str(e["UID"]): e for e in _events(calendars.calendar_bytes([cohort], "lms.test", "x"))}
    assert f"cohort-{cohort.id}-20270302-1@lms.test" in before
    data = services.CohortData(
        type_id=cohort.type_id, name=cohort.name, region_code=cohort.region_code, venue=cohort.venue,
        start_date=date(2027, 3, 2), end_date=date(2027, 3, 4), capacity=cohort.capacity,
        sessions=[services.Slot(time(9), time(12), "Sesi pagi"), services.Slot(time(13), time(16), "Sesi siang")],
        trainer_ids=[trainer.id])
    services.update_cohort(db, trainer, cohort, data)
    after = {str(e["UID"]): e for e in _events(calendars.calendar_bytes([cohort], "lms.test", "x"))}
    shared = set(before) & set(after)
    assert len(shared) == 4  # 2 and 3 March, both sessions: updated in place, not duplicated
    uid = f"cohort-{cohort.id}-20270302-0@lms.test"
    assert after[uid].decoded("DTSTART").time() == time(9) and int(after[uid]["SEQUENCE"]) == 1


def test_ics_download_and_revocable_feed(client: FlaskClient, db: Session, make_cohort: Callable[..., Cohort],
                                         make_user: Callable[..., User], trainer: User,
                                         login_as: Callable[..., FlaskClient]) -> None:
    cohort = make_cohort(region="3374")
    learner = make_user()
    enrolling.enrol(db, cohort, learner, trainer)
    login_as(learner)
    response = client.get(f"/cohorts/{cohort.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert len(_events(response.data)) == 6

    assert client.post("/cohorts/calendar/new").status_code == 302
    page = client.get("/cohorts/calendar").get_data(as_text=True)
    url = page.split('id="feed-url">', 1)[1].split("<", 1)[0]
    path = url.removeprefix("http://lms.test")
    client.post("/logout")
    feed = client.get(path)  # no log-in: the token is the permission
    assert feed.status_code == 200 and len(_events(feed.data)) == 6

    login_as(learner)
    client.post("/cohorts/calendar/revoke")
    assert client.get(path).status_code == 404
    assert client.get("/cohorts/feed/forged-token.ics").status_code == 404

"""iCalendar output: one cohort as an `.ics` download, and each user's secret feed address.

Each day's sessions are timed events in the venue's zone (TZID Asia/Jakarta, Asia/Makassar or
Asia/Jayapura, with the matching VTIMEZONE). UIDs are built from the cohort, the day and the
session's place in the timetable, so calendar programs update events after a change instead
of adding copies; SEQUENCE is the cohort's revision.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from lms.cohorts.models import CalendarFeed, Cohort, CohortStatus, CohortTrainer, Enrolment, EnrolmentStatus
from lms.users.models import User

FEED_SALT = "lms-calendar-feed"
PRODID = "-//FDS Academy//Cohorts//ID"


def cohort_events(cohort: Cohort, host: str) -> Iterable[Event]:
    zone = ZoneInfo(cohort.timezone)
    location = ", ".join(part for part in (cohort.venue, cohort.address) if part)
    stamp = cohort.updated_at.replace(tzinfo=UTC)
    for day in cohort.days:
        for slot in cohort.sessions:
            event = Event()
            event.add("uid", f"cohort-{cohort.id}-{day:%Y%m%d}-{slot.position}@{host}")
            event.add("dtstamp", stamp)
            event.add("sequence", cohort.revision)
            event.add("summary", f"{cohort.name}: {slot.title}" if slot.title else cohort.name)
            event.add("dtstart", datetime.combine(day, slot.starts_at, tzinfo=zone))
            event.add("dtend", datetime.combine(day, slot.ends_at, tzinfo=zone))
            if location:
                event.add("location", location)
            if cohort.preparation:
                event.add("description", cohort.preparation)
            event.add("status", "CANCELLED" if cohort.status == CohortStatus.CANCELLED else "CONFIRMED")
            yield event


def calendar_bytes(cohorts: Iterable[Cohort], host: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for cohort in cohorts:
        for event in cohort_events(cohort, host):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def user_cohorts(session: Session, user: User) -> list[Cohort]:
    """The cohorts in a user's feed: those they are enrolled in and those they train."""
    enrolled = sa.select(Enrolment.cohort_id).where(Enrolment.user_id == user.id,
                                                   Enrolment.status == EnrolmentStatus.ENROLLED.value)
    trained = sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return list(session.scalars(sa.select(Cohort).where(sa.or_(Cohort.id.in_(enrolled), Cohort.id.in_(trained)))
                                .order_by(Cohort.start_date)))


# ---------------------------------------------------------------------------- feeds


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=FEED_SALT)


def feed_of(session: Session, user: User) -> CalendarFeed | None:
    return session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_token(feed: CalendarFeed, secret_key: str) -> str:
    return _serializer(secret_key).dumps(feed.nonce)


def new_feed(session: Session, user: User) -> CalendarFeed:
    """A new secret address; any earlier one stops working."""
    revoke_feed(session, user)
    feed = CalendarFeed(user_id=user.id, nonce=secrets.token_urlsafe(32))
    session.add(feed)
    session.flush()
    return feed


def revoke_feed(session: Session, user: User) -> None:
    session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    session.flush()


def user_for_token(session: Session, token: str, secret_key: str) -> User | None:
    try:
        nonce = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    feed = session.scalar(sa.select(CalendarFeed).where(CalendarFeed.nonce == str(nonce)))
    if feed is None:
        return None
    user = session.get(User, feed.user_id)
    return user if user is not None and user.is_active else None

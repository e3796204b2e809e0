"""`notify(user, kind, target)` and reading notifications.

Notifications store a kind and a target, not a sentence: each reader sees the text in their
own language, and the link always leads to the target's current page. Features register how
their kinds read with `register_kind`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.db import Base, utcnow
from lms.notifications.models import Notification
from lms.users.models import User


@dataclass(frozen=True)
class Described:
    text: str
    url: str


# kind → function(session, notification) -> Described | None (None: the target is gone)
_KINDS: dict[str, Callable[[Session, Notification], Described | None]] = {}


def register_kind(kind: str, describe: Callable[[Session, Notification], Described | None]) -> None:
    _KINDS[kind] = describe


def notify(session: Session, user: User | int, kind: str, target: Base) -> Notification:
    """Tell `user` that `kind` happened to `target` (any model with an integer `id`)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    target_id: Any = getattr(target, "id")  # noqa: B009 - any model
    notification = Notification(
        user_id=user if isinstance(user, int) else user.id, kind=kind,
        target_type=target.__tablename__, target_id=int(target_id),
    )
    session.add(notification)
    session.flush()
    return notification


def unread_count(session: Session, user: User) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Notification)
                          .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def describe(session: Session, notification: Notification) -> Described | None:
    describer = _KINDS.get(notification.kind)
    return describer(session, notification) if describer else None


def recent(session: Session, user: User, limit: int = 50) -> list[tuple[Notification, Described]]:
    rows = session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id.desc()).limit(limit))
    described = ((n, describe(session, n)) for n in rows)
    return [(n, d) for n, d in described if d is not None]


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(sa.update(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                             .values(read_at=utcnow()))
    return result.rowcount or 0


def mark_read(session: Session, user: User, notification_id: int) -> Notification | None:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification

"""Logging in and the session check Flask-Login runs on every request."""

from __future__ import annotations

from lms import db
from lms.db import utcnow
from lms.users.models import User
from lms.users.services import check_password, find_by_email


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login's user loader: the id carries the session version (`"42:3"`).

    A deactivated user, or one whose sessions were ended (version bumped), is logged out at
    their next request.
    """
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every failure)."""
    user = find_by_email(db.session(), email)
    if user is None or not user.is_active or not check_password(user, password):
        return None
    user.last_login_at = utcnow()
    return user

"""Rules about accounts: creating, activating, deactivating and ending sessions.

Services take a session and plain values, raise `UserError` for the view or CLI to show, and
only flush: the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lms.db import utcnow
from lms.regions.models import KABUPATEN, KECAMATAN, Region, is_within
from lms.users.models import SCOPED_ROLES, ActivationToken, Role, User, UserScope

MIN_PASSWORD_LENGTH = 8


class UserError(ValueError):
    """A rule about accounts was broken; the message is translated and shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(email: str) -> str | None:
    """The canonical, lower-case form of an address, or None when it is not valid."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


# PBKDF2-HMAC-SHA256 at OWASP's recommended 600,000 iterations. Not scrypt: Werkzeug's scrypt
# takes 32 MB per hash, and a threaded web worker handling a few logins at once would grow past
# the ~100 MB a worker may use. Hashes of either kind verify.
PASSWORD_METHOD = "pbkdf2:sha256:600000"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def check_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash or "", password)


def validate_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
            "password",
        )


def find_by_email(session: Session, email: str) -> User | None:
    normalised = normalise_email(email) or email.strip().lower()
    return session.scalar(sa.select(User).where(User.email == normalised))


def _check_regions(session: Session, role: Role, region_codes: Sequence[str],
                   kecamatan_code: str | None) -> list[Region]:
    regions = []
    for code in region_codes:
        region = session.get(Region, code.strip())
        if region is None:
            raise UserError(_("Unknown region code %(code)s.", code=code), "regions")
        regions.append(region)
    if role == Role.PENDAMPING:
        if len(regions) != 1 or regions[0].level != KABUPATEN:
            raise UserError(
                _("A facilitator needs exactly one home kabupaten/kota."), "regions"
            )
        if kecamatan_code:
            kecamatan = session.get(Region, kecamatan_code)
            if kecamatan is None or kecamatan.level != KECAMATAN:
                raise UserError(_("Unknown kecamatan code %(code)s.", code=kecamatan_code), "kecamatan")
            if not is_within(kecamatan.code, regions[0].code):
                raise UserError(_("The kecamatan does not lie in the chosen kabupaten/kota."), "kecamatan")
    elif role in SCOPED_ROLES and not regions:
        raise UserError(_("Trainers and coordinators need at least one region."), "regions")
    elif role == Role.ADMIN and regions:
        raise UserError(_("Administrators see every region and take none."), "regions")
    return regions


def create_user(session: Session, *, email: str, name: str, role: str,
                region_codes: Sequence[str] = (), kecamatan_code: str | None = None,
                password: str | None = None, phone: str | None = None,
                recruitment_year: int | None = None) -> User:
    normalised = normalise_email(email)
    if normalised is None:
        raise UserError(_("%(email)s is not a valid email address.", email=email), "email")
    if find_by_email(session, normalised) is not None:
        raise UserError(_("An account with %(email)s already exists.", email=normalised), "email")
    if not name.strip():
        raise UserError(_("The name is required."), "name")
    try:
        role_enum = Role(role)
    except ValueError:
        raise UserError(_("Unknown role %(role)s.", role=role), "role") from None
    _check_regions(session, role_enum, region_codes, kecamatan_code)
    if password is not None:
        validate_new_password(password)
    user = User(email=normalised, name=name.strip(), role=role_enum.value, phone=phone or None,
                recruitment_year=recruitment_year,
                password_hash=hash_password(password) if password else None)
    _apply_regions(user, role_enum, region_codes, kecamatan_code)
    session.add(user)
    session.flush()
    return user


def _apply_regions(user: User, role: Role, region_codes: Sequence[str],
                   kecamatan_code: str | None) -> None:
    codes = [code.strip() for code in region_codes]
    if role == Role.PENDAMPING:
        user.home_region_code = codes[0]
        user.kecamatan_code = kecamatan_code or None
        user.scopes = []
    else:
        user.home_region_code = None
        user.kecamatan_code = None
        wanted = sorted(set(codes)) if role in SCOPED_ROLES else []
        user.scopes = [UserScope(region_code=code) for code in wanted]


def update_role_and_regions(session: Session, user: User, *, name: str, role: str,
                            region_codes: Sequence[str], kecamatan_code: str | None = None,
                            phone: str | None = None) -> User:
    try:
        role_enum = Role(role)
    except ValueError:
        raise UserError(_("Unknown role %(role)s.", role=role), "role") from None
    if not name.strip():
        raise UserError(_("The name is required."), "name")
    _check_regions(session, role_enum, region_codes, kecamatan_code)
    user.name = name.strip()
    user.phone = phone or None
    user.role = role_enum.value
    _apply_regions(user, role_enum, region_codes, kecamatan_code)
    session.flush()
    return user


def end_all_sessions(user: User) -> None:
    """Every open session and remember-me cookie of the user stops working at its next request."""
    user.session_version += 1


def deactivate(user: User) -> None:
    user.is_active = False
    user.deactivated_at = utcnow()
    end_all_sessions(user)


def reactivate(user: User) -> None:
    user.is_active = True
    user.deactivated_at = None


def change_password(user: User, new_password: str) -> None:
    validate_new_password(new_password)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_all_sessions(user)


def reset_password(user: User) -> str:
    """Give the user a temporary password they must replace at their next login."""
    temporary = secrets.token_urlsafe(9)
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    end_all_sessions(user)
    return temporary


# Activation links ---------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lms.activate")


def issue_activation(session: Session, user: User) -> str:
    """Create a single-use activation token for `user` and return the link's token part."""
    days = current_app.config["LMS_ACTIVATION_DAYS"]
    token = ActivationToken(user=user, nonce=secrets.token_urlsafe(24),
                            expires_at=utcnow() + timedelta(days=days))
    session.add(token)
    session.flush()
    return activation_token_string(token.nonce)


def activation_token_string(nonce: str) -> str:
    return _serializer().dumps(nonce)


def activation_link(token_string: str) -> str:
    return f"{current_app.config['LMS_BASE_URL']}/activate/{token_string}"


def find_activation(session: Session, token_string: str) -> ActivationToken | None:
    """The unused, unexpired token behind a link, or None."""
    try:
        nonce = _serializer().loads(token_string)
    except BadSignature:
        return None
    token = session.scalar(sa.select(ActivationToken).where(ActivationToken.nonce == nonce))
    if token is None or token.used_at is not None or token.expires_at < utcnow():
        return None
    if not token.user.is_active:
        return None
    return token


def activate(session: Session, token: ActivationToken, password: str) -> User:
    validate_new_password(password)
    user = token.user
    token.used_at = utcnow()
    user.password_hash = hash_password(password)
    user.must_change_password = False
    end_all_sessions(user)
    session.flush()
    return user


def pending_activations(session: Session, users: Iterable[int] | None = None) -> sa.Select:
    """Unused, unexpired tokens of accounts that have no password yet."""
    query = (
        sa.select(ActivationToken)
        .join(User)
        .where(ActivationToken.used_at.is_(None), ActivationToken.expires_at > utcnow(),
               User.password_hash.is_(None), User.is_active.is_(True))
        .order_by(ActivationToken.id)
    )
    if users is not None:
        query = query.where(ActivationToken.user_id.in_(list(users)))
    return query

"""Named permission rules and the one decorator views use.

A rule is a plain function of the user (role rules) or of the user and an object (scope
rules). Views check roles with `@require(rule)` (403 when it fails) and load objects through
scoped queries (404 when outside the user's regions); templates call the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from lms.extensions import login_manager
from lms.users.models import SCOPED_ROLES, Role, User, UserScope

Rule = Callable[[User], bool]
F = TypeVar("F", bound=Callable[..., Any])


def is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def is_pendamping(user: User) -> bool:
    return user.role == Role.PENDAMPING


def is_trainer(user: User) -> bool:
    return user.role == Role.TRAINER


def is_coordinator(user: User) -> bool:
    return user.role == Role.COORDINATOR


def is_staff(user: User) -> bool:
    """Trainers, coordinators and admins: people who look after learners."""
    return user.role in (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


can_manage_users: Rule = is_admin
can_import_users: Rule = is_admin
can_view_users: Rule = is_staff


def can_view_user(viewer: User, user: User) -> bool:
    if viewer.id == user.id or is_admin(viewer):
        return True
    if viewer.role not in SCOPED_ROLES:
        return False
    return any(viewer.covers(code) for code in user.scope_codes)


def code_prefix(column: sa.ColumnElement[str], code: str) -> sa.ColumnElement[bool]:
    """`column` starts with `code`, written as a range so a plain b-tree index serves it on
    SQLite and PostgreSQL alike (LIKE 'x%' is not indexable under SQLite's default collation)."""
    upper = code[:-1] + chr(ord(code[-1]) + 1)
    return sa.and_(column >= code, column < upper)


def region_clause(viewer: User, column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """SQL condition: `column` (a region code) lies inside one of the viewer's regions."""
    if is_admin(viewer):
        return sa.true()
    codes = viewer.scope_codes if viewer.role in SCOPED_ROLES else []
    if not codes:
        return sa.false()
    return sa.or_(*(code_prefix(column, code) for code in codes))


def visible_users(viewer: User) -> sa.Select[tuple[User]]:
    """Users the viewer may see: admins all; trainers and coordinators those in their regions."""
    query = sa.select(User)
    if is_admin(viewer):
        return query
    in_scope = region_clause(viewer, User.home_region_code)
    staff_in_scope = User.id.in_(
        sa.select(UserScope.user_id).where(region_clause(viewer, UserScope.region_code))
    )
    return query.where(sa.or_(in_scope, staff_in_scope, User.id == viewer.id))


def visible_learners(viewer: User) -> sa.Select[tuple[User]]:
    """Facilitators in the viewer's regions: the same rule as `visible_users`, written without
    the staff branch so the (role, home_region_code) index answers it with a range."""
    return sa.select(User).where(User.role == Role.PENDAMPING.value,
                                 region_clause(viewer, User.home_region_code))


def require(rule: Rule) -> Callable[[F], F]:
    """Log-in required, then `rule(current_user)` must hold, else 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not rule(current_user._get_current_object()):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission_rule = rule  # type: ignore[attr-defined]  # read by the route audit test
        return wrapped  # type: ignore[return-value]

    return decorator


def any_user(user: User) -> bool:
    """Any logged-in user (for pages every role has, such as changing one's password)."""
    return True

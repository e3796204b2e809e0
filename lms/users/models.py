"""Accounts, their roles and scope regions, activation links and recruit imports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow
from lms.regions.models import Region, is_within


class Role(StrEnum):
    PENDAMPING = "pendamping"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PENDAMPING: _l("Facilitator (pendamping)"),
    Role.TRAINER: _l("Trainer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}

SCOPED_ROLES = (Role.TRAINER, Role.COORDINATOR)


class User(Base):
    __tablename__ = "users"
    # Scoped lists ask "facilitators in these regions": one index answers both conditions.
    __table_args__ = (sa.Index("ix_users_role_home_region_code", "role", "home_region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    # A pendamping's home kabupaten/kota, and optionally their kecamatan.
    home_region_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("regions.code"), index=True, default=None
    )
    kecamatan_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    recruitment_year: Mapped[int | None] = mapped_column(default=None)
    locale: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped to end every open session (deactivation, password change, "log out everywhere").
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    deactivated_at: Mapped[datetime | None] = mapped_column(default=None)
    user_import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_imports.id", use_alter=True), index=True, default=None
    )

    home_region: Mapped[Region | None] = relationship(foreign_keys=[home_region_code])
    kecamatan: Mapped[Region | None] = relationship(foreign_keys=[kecamatan_code])
    scopes: Mapped[list[UserScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserScope.region_code"
    )

    # Flask-Login protocol ---------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The session carries the version, so bumping it ends every session and remember-cookie.
        return f"{self.id}:{self.session_version}"

    # Roles and scope --------------------------------------------------------------------
    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def scope_codes(self) -> list[str]:
        """Regions this user may see: their scopes (trainer, coordinator) or home (pendamping)."""
        if self.role in SCOPED_ROLES:
            return [scope.region_code for scope in self.scopes]
        return [self.home_region_code] if self.home_region_code else []

    def covers(self, region_code: str | None) -> bool:
        if self.role == Role.ADMIN:
            return True
        if not region_code or self.role not in SCOPED_ROLES:
            return False
        return any(is_within(region_code, code) for code in self.scope_codes)

    @property
    def is_pending_activation(self) -> bool:
        return self.password_hash is None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserScope(Base):
    """A region a trainer or coordinator covers, with everything below it."""

    __tablename__ = "user_scopes"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="scopes")
    region: Mapped[Region] = relationship()


class ActivationToken(Base):
    """A single-use link with which an imported recruit sets their own password.

    Only a random nonce is stored; the link is that nonce signed with SECRET_KEY, so a copy of
    the database alone cannot activate accounts.
    """

    __tablename__ = "activation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


class UserImport(Base):
    """A recruitment CSV uploaded by an admin, kept between preview and confirmation."""

    __tablename__ = "user_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    # None for imports run with `lms import-users` on the server.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(16), default="preview")  # preview|confirmed|discarded
    row_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    file_error: Mapped[str | None] = mapped_column(sa.Text, default=None)  # JSON problem list
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class UserImportRow(Base):
    __tablename__ = "user_import_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_imports.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    region_code: Mapped[str] = mapped_column(sa.String(13), default="")
    kecamatan_code: Mapped[str] = mapped_column(sa.String(13), default="")
    recruitment_year: Mapped[str] = mapped_column(sa.String(8), default="")
    problems: Mapped[str | None] = mapped_column(sa.Text, default=None)  # JSON problem list

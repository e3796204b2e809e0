"""What grading leaves behind: the audit log, extra attempts granted, and flags for an admin."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import Module
from lms.db import Base, utcnow
from lms.learning.models import AttemptAnswer, QuizAttempt
from lms.users.models import User


class AuditAction(StrEnum):
    GRADE = "grade"          # a trainer scored an essay (or changed that score)
    OVERRIDE = "override"    # a trainer changed an automatic score, with a reason
    REGRADE = "regrade"      # an attempt rescored against a question's new version
    COMMENT = "comment"      # the attempt's overall comment changed
    GRANT = "grant"          # one more attempt granted, with a reason


class GradeAudit(Base):
    """One change to a result. Rows are only ever added: no code path updates or deletes them."""

    __tablename__ = "grade_audits"
    __table_args__ = (sa.Index("ix_grade_audits_learner_module", "learner_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"))
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True, default=None)
    answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attempt_answers.id", ondelete="CASCADE"), default=None)
    action: Mapped[str] = mapped_column(sa.String(16))
    before_value: Mapped[str | None] = mapped_column(sa.Text, default=None)
    after_value: Mapped[str | None] = mapped_column(sa.Text, default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    module: Mapped[Module] = relationship()
    attempt: Mapped[QuizAttempt | None] = relationship()
    answer: Mapped[AttemptAnswer | None] = relationship()


class AttemptGrant(Base):
    """One extra quiz attempt for a learner who used all of theirs (`records.attempts_left` counts it)."""

    __tablename__ = "attempt_grants"
    __table_args__ = (sa.Index("ix_attempt_grants_user_module", "user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"))
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])


class FlagKind(StrEnum):
    # Certificates do not exist yet: a recorded module completion stands for "certified" until
    # they do, and the certificates feature decides what an admin does with the flag.
    FAILED_AFTER_REGRADE = "failed_after_regrade"


class ReviewFlag(Base):
    """Something an admin must look at; a regrade never revokes a completion or certificate itself."""

    __tablename__ = "review_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"))
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), default=None)
    audit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grade_audits.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()
    attempt: Mapped[QuizAttempt | None] = relationship()

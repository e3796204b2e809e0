"""A learner's progress: lessons read, quiz attempts with their answers, modules completed."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import Lesson, Module, QuestionVersion
from lms.db import Base, utcnow
from lms.users.models import User


class AttemptKind(StrEnum):
    QUIZ = "quiz"
    PRETEST = "pretest"  # pra-tes: ungraded, before the first lesson


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    NEEDS_GRADING = "needs_grading"  # an essay waits for a trainer
    GRADED = "graded"


class LessonProgress(Base):
    __tablename__ = "lesson_progress"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lessons.id"), primary_key=True)
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    lesson: Mapped[Lesson] = relationship()


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "module_id", "kind", "number", name="uq_quiz_attempts_user_module_kind_number"),
        sa.Index("ix_quiz_attempts_status_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default=AttemptKind.QUIZ.value)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default=AttemptStatus.IN_PROGRESS.value)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    graded_at: Mapped[datetime | None] = mapped_column(default=None)
    auto_submitted: Mapped[bool] = mapped_column(default=False)  # submitted by the server at the deadline
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2), default=None)
    max_score: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal(0))
    percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), default=None)
    passed: Mapped[bool | None] = mapped_column(default=None)
    comment: Mapped[str | None] = mapped_column(sa.Text, default=None)  # the trainer's word on the whole attempt
    # Bumped on every change after submission, so two graders cannot overwrite each other.
    lock_version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def percent_value(self) -> float | None:
        return None if self.percent is None else float(self.percent)


class AttemptAnswer(Base):
    """One drawn question of an attempt, pinned to the question version the learner saw."""

    __tablename__ = "attempt_answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position", name="uq_attempt_answers_attempt_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"), index=True)
    choice_order: Mapped[str | None] = mapped_column(sa.Text, default=None)  # JSON: original indices as shown
    response: Mapped[str | None] = mapped_column(sa.Text, default=None)  # JSON, in original choice indices
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # highest client sequence number applied
    saved_at: Mapped[datetime | None] = mapped_column(default=None)
    auto_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 2), default=None)
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 2), default=None)  # final
    comment: Mapped[str | None] = mapped_column(sa.Text, default=None)
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    graded_at: Mapped[datetime | None] = mapped_column(default=None)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    version: Mapped[QuestionVersion] = relationship()

    @property
    def response_value(self) -> Any:
        return None if self.response is None else json.loads(self.response)

    @property
    def shown_choice_order(self) -> list[int] | None:
        return None if self.choice_order is None else list(json.loads(self.choice_order))


class AnswerSave(Base):
    """Receipt of one client save (idempotency key): a replayed save is acknowledged, not applied."""

    __tablename__ = "answer_saves"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "key", name="uq_answer_saves_attempt_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int]
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    applied: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModuleCompletion(Base):
    __tablename__ = "module_completions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    score_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))

    module: Mapped[Module] = relationship()

"""Modules, lessons and versioned questions, loaded from the files in `modules/`.

The files are the source of truth; `lms load-content` mirrors them here. Rows are keyed on
the stable ids of the files (`Module.slug`, `Lesson.key`, `Question.key`), never deleted:
content that leaves the files is retired. A question's gradeable content lives in
`QuestionVersion`; editing it in the files adds a version, so attempts made against an older
version keep pointing at exactly what the learner saw.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow

WORDS_PER_MINUTE = 200
QUESTION_TYPES = ("single", "multiple", "truefalse", "short", "essay")
AUTO_GRADED_TYPES = ("single", "multiple", "truefalse", "short")


class Module(Base):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    folder: Mapped[str] = mapped_column(sa.String(200))  # relative to LMS_CONTENT_DIR
    number: Mapped[int] = mapped_column(index=True)
    title_id: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    goals: Mapped[str] = mapped_column(sa.Text, default="[]")  # JSON list of strings
    estimated_hours: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1))
    # Quiz settings (module.yaml `quiz:`)
    pass_mark: Mapped[int] = mapped_column(default=70)
    draw_auto: Mapped[int] = mapped_column(default=10)
    draw_essay: Mapped[int] = mapped_column(default=0)
    attempts_allowed: Mapped[int] = mapped_column(default=3)
    grading_method: Mapped[str] = mapped_column(sa.String(16), default="highest")
    time_limit_minutes: Mapped[int | None] = mapped_column(default=None)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    show_answers: Mapped[str] = mapped_column(sa.String(24), default="after_submit")
    pretest_count: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="Lesson.position")

    @property
    def goal_list(self) -> list[str]:
        return list(json.loads(self.goals or "[]"))

    @property
    def hours(self) -> int | float:
        hours = float(self.estimated_hours)
        return int(hours) if hours.is_integer() else hours

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_id

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Lesson(Base):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    minutes: Mapped[int]
    source_path: Mapped[str] = mapped_column(sa.String(300))  # relative to LMS_CONTENT_DIR
    body_markdown: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    word_count: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship(back_populates="lessons")

    @property
    def file_name(self) -> str:
        return self.source_path.rsplit("/", 1)[-1]

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def __repr__(self) -> str:
        return f"<Lesson {self.key}>"


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lessons.id"), index=True, default=None)
    # questions ↔ question_versions refer to each other: the key is created after both tables.
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_versions.id", use_alter=True), default=None
    )
    position: Mapped[int] = mapped_column(default=0)
    source_path: Mapped[str] = mapped_column(sa.String(300), default="")  # the YAML file it is in
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()
    lesson: Mapped[Lesson | None] = relationship()
    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number",
    )

    def __repr__(self) -> str:
        return f"<Question {self.key}>"


class QuestionVersion(Base):
    """One immutable state of a question: never updated once attempts may refer to it."""

    __tablename__ = "question_versions"
    __table_args__ = (sa.UniqueConstraint("question_id", "number", name="uq_question_versions_question_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    number: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    points: Mapped[Decimal] = mapped_column(sa.Numeric(7, 2))
    text: Mapped[str] = mapped_column(sa.Text)
    text_format: Mapped[str] = mapped_column(sa.String(16), default="markdown")
    # JSON: choices / answers / answer / feedback_true / feedback_false / rubric / category.
    data: Mapped[str] = mapped_column(sa.Text, default="{}")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    is_draft: Mapped[bool] = mapped_column(default=False)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])

    @property
    def payload(self) -> dict[str, Any]:
        """The type-specific data, decoded (what `grading.score_answer` takes)."""
        return dict(json.loads(self.data or "{}"))

    @property
    def points_value(self) -> int | float:
        points = float(self.points)
        return int(points) if points.is_integer() else points

    @property
    def is_auto_graded(self) -> bool:
        return self.type in AUTO_GRADED_TYPES

    def __repr__(self) -> str:
        return f"<QuestionVersion {self.question_id} v{self.number}>"

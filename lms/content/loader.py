"""Mirror the checked content tree into the database, idempotently.

Rows are matched on the files' stable ids. Changed modules and lessons are updated in place;
a question whose content hash changed gets a new `QuestionVersion` (older versions stay as
they were, for the attempts that used them); whatever left the files is retired, never
deleted. The caller owns the transaction: this module only flushes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from lms.content.checker import CheckResult, check_tree
from lms.content.models import Lesson, Module, Question, QuestionVersion
from lms.content.schema import Finding, LessonSpec, ModuleSpec, QuestionSpec
from lms.db import utcnow


class ContentError(Exception):
    """The content has errors; nothing was loaded."""

    def __init__(self, errors: list[Finding]) -> None:
        super().__init__(f"{len(errors)} content error(s); run `lms check-content`")
        self.errors = errors


@dataclass
class LoadReport:
    modules_created: int = 0
    modules_updated: int = 0
    modules_retired: int = 0
    lessons_created: int = 0
    lessons_updated: int = 0
    lessons_retired: int = 0
    questions_created: int = 0
    questions_updated: int = 0  # moved, renumbered or un-retired
    question_versions_created: int = 0  # edits (a new version each), not counting first versions
    questions_retired: int = 0
    warnings: int = 0
    changes: list[str] = field(default_factory=list)  # one line per update or retirement

    @property
    def created(self) -> int:
        return self.modules_created + self.lessons_created + self.questions_created

    @property
    def updated(self) -> int:
        return (self.modules_updated + self.lessons_updated + self.questions_updated
                + self.question_versions_created)

    @property
    def retired(self) -> int:
        return self.modules_retired + self.lessons_retired + self.questions_retired

    def summary(self) -> str:
        return (f"Modules: {self.modules_created} created, {self.modules_updated} updated, "
                f"{self.modules_retired} retired. Lessons: {self.lessons_created} created, "
                f"{self.lessons_updated} updated, {self.lessons_retired} retired. Questions: "
                f"{self.questions_created} created, {self.question_versions_created} new versions, "
                f"{self.questions_updated} moved, {self.questions_retired} retired.")


def load_content(session: Session, content_dir: str | Path, *, checked: CheckResult | None = None) -> LoadReport:
    """Check `content_dir` (unless `checked` is given) and bring the database in line with it.

    Raises ContentError, having written nothing, when the content has errors.
    """
    result = checked if checked is not None else check_tree(content_dir)
    if result.errors:
        raise ContentError(result.errors)
    report = LoadReport(warnings=len(result.warnings))
    modules = _sync_modules(session, result.modules, report)
    lessons = _sync_lessons(session, result.modules, modules, report)
    _sync_questions(session, result.modules, modules, lessons, report)
    session.flush()
    return report


def _sync_modules(session: Session, specs: list[ModuleSpec], report: LoadReport) -> dict[str, Module]:
    existing = {module.slug: module for module in session.scalars(sa.select(Module))}
    loaded: dict[str, Module] = {}
    for spec in specs:
        module = existing.pop(spec.slug, None)
        if module is None:
            module = Module(slug=spec.slug)
            session.add(module)
            report.modules_created += 1
        elif module.content_hash != spec.content_hash or module.is_retired:
            report.modules_updated += 1
            report.changes.append(f"updated module {spec.slug}")
        else:
            loaded[spec.slug] = module
            continue
        _apply_module(module, spec)
        loaded[spec.slug] = module
    for module in existing.values():
        if not module.is_retired:
            module.is_retired = True
            report.modules_retired += 1
            report.changes.append(f"retired module {module.slug}")
    return loaded


def _apply_module(module: Module, spec: ModuleSpec) -> None:
    quiz = spec.quiz
    module.folder, module.number = spec.folder_name, spec.number
    module.title_id, module.title_en = spec.title_id, spec.title_en
    module.summary, module.goals = spec.summary, json.dumps(spec.goals, ensure_ascii=False)
    module.estimated_hours = Decimal(str(spec.estimated_hours))
    module.pass_mark, module.draw_auto, module.draw_essay = quiz.pass_mark, quiz.draw_auto, quiz.draw_essay
    module.attempts_allowed, module.grading_method = quiz.attempts, quiz.grading
    module.time_limit_minutes = quiz.time_limit_minutes
    module.shuffle_questions, module.shuffle_choices = quiz.shuffle_questions, quiz.shuffle_choices
    module.show_answers, module.pretest_count = quiz.show_answers, quiz.pretest
    module.content_hash, module.is_retired, module.updated_at = spec.content_hash, False, utcnow()


def _sync_lessons(session: Session, specs: list[ModuleSpec], modules: dict[str, Module],
                  report: LoadReport) -> dict[str, Lesson]:
    existing = {lesson.key: lesson for lesson in session.scalars(sa.select(Lesson))}
    loaded: dict[str, Lesson] = {}
    for module_spec in specs:
        module = modules[module_spec.slug]
        for spec in module_spec.lessons:
            lesson = existing.pop(spec.key, None)
            source = f"{module_spec.folder_name}/{spec.file}"
            if lesson is None:
                lesson = Lesson(key=spec.key)
                session.add(lesson)
                report.lessons_created += 1
            elif (lesson.content_hash, lesson.module_id, lesson.position, lesson.source_path, lesson.is_retired) \
                    != (spec.content_hash, module.id, spec.position, source, False):
                report.lessons_updated += 1
                report.changes.append(f"updated lesson {spec.key}")
            else:
                loaded[spec.key] = lesson
                continue
            _apply_lesson(lesson, spec, module, source)
            loaded[spec.key] = lesson
    for lesson in existing.values():
        if not lesson.is_retired:
            lesson.is_retired = True
            report.lessons_retired += 1
            report.changes.append(f"retired lesson {lesson.key}")
    return loaded


def _apply_lesson(lesson: Lesson, spec: LessonSpec, module: Module, source: str) -> None:
    lesson.module = module
    lesson.position, lesson.title, lesson.minutes = spec.position, spec.title, spec.minutes
    lesson.source_path, lesson.body_markdown = source, spec.body or ""
    lesson.content_hash, lesson.word_count = spec.content_hash, spec.word_count
    lesson.is_retired, lesson.updated_at = False, utcnow()


def _sync_questions(session: Session, specs: list[ModuleSpec], modules: dict[str, Module],
                    lessons: dict[str, Lesson], report: LoadReport) -> None:
    query = sa.select(Question).options(selectinload(Question.current_version))
    existing = {question.key: question for question in session.scalars(query)}
    for module_spec in specs:
        module = modules[module_spec.slug]
        for spec in module_spec.questions:
            lesson = lessons.get(spec.lesson_key) if spec.lesson_key else None
            source = f"{module_spec.folder_name}/{spec.display_path.rsplit('/', 1)[-1]}"
            question = existing.pop(spec.key, None)
            if question is None:
                question = Question(key=spec.key, module=module, lesson=lesson, position=spec.position,
                                    source_path=source)
                session.add(question)
                _add_version(question, spec, 1)
                report.questions_created += 1
                continue
            placement = (module.id, lesson.id if lesson else None, spec.position, source, False)
            if (question.module_id, question.lesson_id, question.position, question.source_path,
                    question.is_retired) != placement:
                question.module, question.lesson, question.position = module, lesson, spec.position
                question.source_path, question.is_retired = source, False
                report.questions_updated += 1
            current = question.current_version
            if current is None or current.content_hash != spec.content_hash:
                number = _next_version_number(session, question)
                _add_version(question, spec, number)
                report.question_versions_created += 1
                report.changes.append(f"question {spec.key}: version {number}")
    for question in existing.values():
        if not question.is_retired:
            question.is_retired = True
            report.questions_retired += 1
            report.changes.append(f"retired question {question.key}")


def _next_version_number(session: Session, question: Question) -> int:
    highest = session.scalar(sa.select(sa.func.max(QuestionVersion.number))
                             .where(QuestionVersion.question_id == question.id))
    return (highest or 0) + 1


def _add_version(question: Question, spec: QuestionSpec, number: int) -> QuestionVersion:
    version = QuestionVersion(
        question=question, number=number, type=spec.type, title=spec.title,
        points=Decimal(str(spec.points)), text=spec.text, text_format=spec.text_format,
        data=json.dumps(spec.data, ensure_ascii=False, sort_keys=True), explanation=spec.explanation,
        is_draft=spec.is_draft, content_hash=spec.content_hash,
    )
    question.current_version = version
    return version

"""Reading modules, lessons and the question bank; the URL rules of rendered lessons."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, selectinload
from werkzeug.security import safe_join

from lms.content.checker import IMAGES_FOLDER
from lms.content.models import Lesson, Module, Question, QuestionVersion
from lms.content.rendering import IMAGE_TYPES, LruCache, Rendered, TocEntry, UrlResolver, render_cached
from lms.content.schema import file_digest

BANK_STATUSES = ("", "ready", "draft", "retired")


def active_modules(session: Session) -> list[Module]:
    query = sa.select(Module).where(Module.is_retired.is_(False)).order_by(Module.number, Module.slug)
    return list(session.scalars(query))


def find_module(session: Session, slug: str) -> Module | None:
    return session.scalar(sa.select(Module).where(Module.slug == slug, Module.is_retired.is_(False)))


def module_lessons(session: Session, module: Module) -> list[Lesson]:
    query = (sa.select(Lesson).where(Lesson.module_id == module.id, Lesson.is_retired.is_(False))
             .order_by(Lesson.position, Lesson.id))
    return list(session.scalars(query))


def neighbours(lessons: list[Lesson], lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    index = next(i for i, each in enumerate(lessons) if each.id == lesson.id)
    return (lessons[index - 1] if index else None), (lessons[index + 1] if index + 1 < len(lessons) else None)


@dataclass(frozen=True)
class TocSection:
    entry: TocEntry
    children: tuple[TocEntry, ...]


def toc_tree(toc: tuple[TocEntry, ...]) -> list[TocSection]:
    """h2 sections with their h3 subsections (an h3 before any h2 becomes a section)."""
    sections: list[tuple[TocEntry, list[TocEntry]]] = []
    for entry in toc:
        if entry.level == 2 or not sections:
            sections.append((entry, []))
        else:
            sections[-1][1].append(entry)
    return [TocSection(entry, tuple(children)) for entry, children in sections]


# --------------------------------------------------------------------- rendering lessons

LessonUrl = Callable[[str, str], str]  # (module slug, lesson key) -> URL
ImageUrl = Callable[[str, str, str], str]  # (module slug, path in images/, version) -> URL


def render_lesson(session: Session, lesson: Lesson, content_dir: Path, url_root: str, lesson_url: LessonUrl,
                  image_url: ImageUrl) -> Rendered:
    """The lesson's HTML, rendered once per content hash (the resolver is only built on a miss)."""

    built: list[UrlResolver] = []

    def resolve(tag: str, url: str) -> str | None:
        if not built:
            built.append(lesson_url_resolver(session, lesson, content_dir, lesson_url, image_url))
        return built[0](tag, url)

    return render_cached(lesson.content_hash, url_root, lesson.body_markdown, resolve)


def lesson_url_resolver(session: Session, lesson: Lesson, content_dir: Path, lesson_url: LessonUrl,
                        image_url: ImageUrl) -> UrlResolver:
    """Relative links to lesson files become lesson pages, images the module's image route.

    Anything else relative is dropped (the checker reports it); absolute URLs stay.
    """
    rows = session.execute(sa.select(Lesson.source_path, Module.slug, Lesson.key).join(Lesson.module)
                           .where(Lesson.is_retired.is_(False)))
    targets = {source: (slug, key) for source, slug, key in rows}
    folder = posixpath.dirname(lesson.source_path)
    images = PurePosixPath(folder, IMAGES_FOLDER)

    def resolve(tag: str, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return url
        path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        if path in targets:
            return lesson_url(*targets[path]) + (f"#{parts.fragment}" if parts.fragment else "")
        pure = PurePosixPath(path)
        if pure.suffix.lower() in IMAGE_TYPES and pure.is_relative_to(images):
            file = content_dir / path
            return image_url(lesson.module.slug, pure.relative_to(images).as_posix(),
                             image_version(file) if file.is_file() else "")
        return None

    return resolve


_image_versions: LruCache[tuple[str, int, int], str] = LruCache(1024)


def image_version(path: Path) -> str:
    """A short hash of an image file (cached on path, size and modification time)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    version = _image_versions.get(key)
    if version is None:
        version = file_digest(path)[:10]
        _image_versions.put(key, version)
    return version


def image_file(content_dir: Path, module: Module, filename: str) -> Path | None:
    """An image of the module's images/ folder; None for anything else (no `..`, no symlinks out)."""
    if PurePosixPath(filename).suffix.lower() not in IMAGE_TYPES:
        return None
    images = (content_dir / module.folder / IMAGES_FOLDER).resolve()
    joined = safe_join(str(images), filename)
    if joined is None:
        return None
    path = Path(joined).resolve()
    return path if path.is_relative_to(images) and path.is_file() else None


# --------------------------------------------------------------------- question bank

@dataclass
class BankSummary:
    module: Module
    ready: int = 0
    drafts: int = 0
    retired: int = 0
    essays: int = 0


def bank_summary(session: Session) -> list[BankSummary]:
    rows = session.execute(
        sa.select(Question.module_id, Question.is_retired, QuestionVersion.is_draft, QuestionVersion.type,
                  sa.func.count())
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .group_by(Question.module_id, Question.is_retired, QuestionVersion.is_draft, QuestionVersion.type))
    summaries = {module.id: BankSummary(module) for module in active_modules(session)}
    for module_id, retired, draft, qtype, count in rows:
        summary = summaries.get(module_id)
        if summary is None:
            continue
        if retired:
            summary.retired += count
        elif draft:
            summary.drafts += count
        else:
            summary.ready += count
            summary.essays += count if qtype == "essay" else 0
    return list(summaries.values())


def bank_questions(session: Session, module: Module, *, qtype: str = "", lesson_key: str = "",
                   status: str = "") -> list[Question]:
    """The module's questions with their current version, filtered; retired ones last."""
    query = (sa.select(Question)
             .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
             .options(contains_eager(Question.current_version), selectinload(Question.lesson))
             .where(Question.module_id == module.id)
             .order_by(Question.is_retired, Question.position, Question.id))
    if qtype:
        query = query.where(QuestionVersion.type == qtype)
    if lesson_key:
        query = query.where(Question.lesson.has(Lesson.key == lesson_key))
    if status == "ready":
        query = query.where(Question.is_retired.is_(False), QuestionVersion.is_draft.is_(False))
    elif status == "draft":
        query = query.where(Question.is_retired.is_(False), QuestionVersion.is_draft.is_(True))
    elif status == "retired":
        query = query.where(Question.is_retired.is_(True))
    return list(session.scalars(query))

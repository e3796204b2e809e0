"""`lms check-content`: validate the whole modules/ tree before anything reaches the database.

`check_tree(content_dir)` parses every module (see `lms.content.parse`), then checks what
spans files: ids unique across modules, lessons and questions; lesson files listed and
present; each lesson renders, its images have alt text and its links and images resolve;
questions refer to lessons of their own module; quizzes do not draw more than the bank has.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lms.content.parse import parse_module
from lms.content.rendering import IMAGE_TYPES, render_markdown
from lms.content.schema import Finding, Findings, LessonSpec, ModuleSpec, display, file_digest

IMAGES_FOLDER = "images"


@dataclass
class CheckResult:
    root: Path
    modules: list[ModuleSpec] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_error]


def check_content(content_dir: str | Path) -> list[Finding]:
    """Every problem in the content tree, errors and warnings, in path and line order."""
    return check_tree(content_dir).findings


def check_tree(content_dir: str | Path) -> CheckResult:
    root = Path(content_dir).absolute()
    result = CheckResult(root=root)
    findings = Findings()
    if not root.is_dir():
        findings.error(root.name, 1, f"content folder {root} does not exist")
        result.findings = findings
        return result
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        module = parse_module(folder, root, findings)
        if module is not None:
            result.modules.append(module)
    if not any(root.glob("*/module.yaml")):
        findings.error(root.name, 1, "no module folders (each with a module.yaml) found")
    _check_unique(result.modules, findings)
    lessons_by_path = _check_lesson_files(result.modules, root, findings)
    for module in result.modules:
        for lesson in module.lessons:
            if lesson.body is not None:
                _check_lesson_markdown(lesson, module, lessons_by_path, root, findings)
        _check_questions(module, findings)
    result.findings = sorted(findings, key=lambda f: (f.path, f.line, f.severity, f.message))
    return result


def _check_unique(modules: list[ModuleSpec], findings: Findings) -> None:
    """One namespace for the ids of modules, lessons and questions; module numbers unique too."""
    seen: dict[str, str] = {}

    def claim(key: str, path: str, line: int, kind: str) -> None:
        if not key:
            return
        if key in seen:
            findings.error(path, line, f"duplicate id {key!r} ({kind}); first used at {seen[key]}")
        else:
            seen[key] = f"{path}:{line}"

    numbers: dict[int, str] = {}
    for module in modules:
        claim(module.slug, module.display_path, module.id_line, "module")
        if module.number and module.number in numbers:
            findings.error(module.display_path, module.line,
                           f"module number {module.number} is also used by {numbers[module.number]}")
        numbers.setdefault(module.number, module.display_path)
        for lesson in module.lessons:
            claim(lesson.key, module.display_path, lesson.line, "lesson")
        for question in module.questions:
            claim(question.key, question.display_path, question.line, "question")


def _check_lesson_files(modules: list[ModuleSpec], root: Path, findings: Findings) -> dict[Path, str]:
    """Listed lesson files exist and every lesson .md is listed; returns {absolute path: lesson key}."""
    by_path: dict[Path, str] = {}
    for module in modules:
        listed: set[str] = set()
        for lesson in module.lessons:
            if not lesson.file:
                continue
            if lesson.file in listed:
                findings.error(module.display_path, lesson.file_line, f"{lesson.file} is listed twice")
            listed.add(lesson.file)
            if not lesson.path.is_file():
                findings.error(module.display_path, lesson.file_line,
                               f"lesson {lesson.key}: file {lesson.file} does not exist")
                continue
            try:
                lesson.body = lesson.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                findings.error(lesson.display_path, 1, f"cannot read the lesson: {error}")
                continue
            by_path[lesson.path] = lesson.key
        for path in sorted(module.folder.glob("*.md")):
            if path.name != "README.md" and path.name not in listed:
                findings.error(display(path, root), 1,
                               f"{path.name} is not listed under lessons: in {module.folder_name}/module.yaml")
    return by_path


_TAG_RE = re.compile(r"<(img|a|h1)\b([^>]*)>|\sid=\"([^\"]*)\"")
_ATTR_RE = re.compile(r'([a-z-]+)="([^"]*)"')


@dataclass
class _References:
    """Images, links and ids of a rendered lesson (nh3's output is regular enough for regexes)."""

    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    h1: int = 0

    @classmethod
    def of(cls, clean_html: str) -> _References:
        refs = cls()
        for match in _TAG_RE.finditer(clean_html):
            tag, attributes, element_id = match.groups()
            if element_id is not None:
                refs.ids.add(html.unescape(element_id))
                continue
            values = {name: html.unescape(value) for name, value in _ATTR_RE.findall(attributes)}
            if "id" in values:
                refs.ids.add(values["id"])
            if tag == "img":
                refs.images.append((values.get("src", ""), values.get("alt", "").strip()))
            elif tag == "a" and "href" in values:
                refs.links.append(values["href"])
            elif tag == "h1":
                refs.h1 += 1
        return refs


def _line_of(body: str, needle: str) -> int:
    if needle:
        for number, line in enumerate(body.splitlines(), start=1):
            if needle in line:
                return number
    return 1


def _check_lesson_markdown(lesson: LessonSpec, module: ModuleSpec, lessons_by_path: dict[Path, str], root: Path,
                           findings: Findings) -> None:
    body, path = lesson.body or "", lesson.display_path
    try:
        rendered = render_markdown(body)
    except Exception as error:  # any failure of a markdown extension is a finding
        findings.error(path, 1, f"markdown does not render: {error}")
        return
    lesson.word_count = rendered.word_count
    refs = _References.of(rendered.html)
    if refs.h1:
        findings.warning(path, _line_of(body, "# "), "start sections at ##: the page shows the title as its heading")
    images = module.folder / IMAGES_FOLDER
    for src, alt in refs.images:
        line = _line_of(body, src)
        if not alt:
            findings.error(path, line, f"image {src} has no alt text")
        if urlsplit(src).scheme in ("http", "https"):
            findings.error(path, line, f"image {src}: images must be files in {module.folder_name}/{IMAGES_FOLDER}/ "
                                       "(the site does not load images from elsewhere)")
            continue
        target = _local_target(src, lesson, findings, line)
        if target is None:
            continue
        if not target.is_relative_to(images) or target.suffix.lower() not in IMAGE_TYPES:
            findings.error(path, line, f"image {src}: images are {', '.join(IMAGE_TYPES)} files in "
                                       f"{module.folder_name}/{IMAGES_FOLDER}/")
        elif not target.is_file():
            findings.error(path, line, f"image {src} does not exist")
        else:
            lesson.image_hashes[target.relative_to(images).as_posix()] = file_digest(target)
    for href in refs.links:
        _check_link(href, lesson, refs.ids, images, lessons_by_path, findings, _line_of(body, href))


def _local_target(url: str, lesson: LessonSpec, findings: Findings, line: int) -> Path | None:
    """The file a relative URL points at, or None for external and in-page URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.scheme in ("http", "https", "mailto"):
            return None
        findings.error(lesson.display_path, line, f"unsupported URL {url}")
        return None
    if not parts.path:
        return None
    if parts.path.startswith("/"):
        findings.warning(lesson.display_path, line, f"{url}: use a path relative to the lesson file")
        return None
    return Path(os.path.normpath(lesson.path.parent / unquote(parts.path)))


def _check_link(href: str, lesson: LessonSpec, ids: set[str], images: Path, lessons_by_path: dict[Path, str],
                findings: Findings, line: int) -> None:
    parts = urlsplit(href)
    if parts.scheme in ("http", "https") and not parts.netloc:
        findings.error(lesson.display_path, line, f"link {href} has no host")
        return
    if not (parts.scheme or parts.netloc or parts.path):
        if parts.fragment and parts.fragment not in ids:
            findings.warning(lesson.display_path, line, f"link {href}: no heading with that id in this lesson")
        return
    target = _local_target(href, lesson, findings, line)
    if target is None:
        return
    if target in lessons_by_path:
        lesson.link_targets[parts.path] = lessons_by_path[target]
    elif target.suffix == ".md":
        findings.error(lesson.display_path, line, f"link {href}: not a lesson listed in a module.yaml")
    elif target.is_relative_to(images) and target.suffix.lower() in IMAGE_TYPES and target.is_file():
        lesson.image_hashes[target.relative_to(images).as_posix()] = file_digest(target)
    elif target.exists():
        findings.error(lesson.display_path, line, f"link {href}: only lessons and images can be linked")
    else:
        findings.error(lesson.display_path, line, f"link {href} does not exist")


def _check_questions(module: ModuleSpec, findings: Findings) -> None:
    lessons = {lesson.key for lesson in module.lessons}
    for question in module.questions:
        if question.lesson_key and question.lesson_key not in lessons:
            findings.error(question.display_path, question.node.line_of("lesson"),
                           f"question {question.key}: lesson {question.lesson_key} is not a lesson of module "
                           f"{module.slug}")
    usable = [q for q in module.questions if not q.is_draft]
    auto = sum(q.is_auto_graded for q in usable)
    essays = len(usable) - auto
    quiz = module.quiz
    if quiz.draw_auto > auto:
        findings.error(module.display_path, quiz.draw_line,
                       f"quiz draws {quiz.draw_auto} automatically graded questions but the bank has {auto}")
    if quiz.draw_essay > essays:
        findings.error(module.display_path, quiz.draw_line,
                       f"quiz draws {quiz.draw_essay} essays but the bank has {essays} (drafts excluded)")
    if quiz.pretest > auto:
        findings.error(module.display_path, quiz.pretest_line,
                       f"the pre-test draws {quiz.pretest} questions but the bank has {auto} automatically graded")

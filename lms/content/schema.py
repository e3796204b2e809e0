"""The content format of modules/README.md: findings, YAML that remembers lines, typed specs.

`lms.content.parse` reads files into these specs; `lms.content.checker` checks across files;
`lms.content.loader` writes the specs to the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# ----------------------------------------------------------------------------- findings

@dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the content folder's parent: modules/03-kesehatan-gizi/questions.yaml
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class Findings(list[Finding]):
    def error(self, path: str, line: int, message: str) -> None:
        self.append(Finding(path, line, message))

    def warning(self, path: str, line: int, message: str) -> None:
        self.append(Finding(path, line, message, "warning"))


class Where:
    """Reports problems of one file, at the line of the node they concern."""

    def __init__(self, path: str, findings: Findings) -> None:
        self.path = path
        self.findings = findings

    def error(self, line: int, message: str) -> None:
        self.findings.error(self.path, line, message)

    def warning(self, line: int, message: str) -> None:
        self.findings.warning(self.path, line, message)


# ----------------------------------------------------------------------------- YAML with lines

class LineDict(dict[Any, Any]):
    """A YAML mapping that knows the line of its start and of each key (1-based)."""

    line: int = 1
    key_lines: dict[Any, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    duplicate_keys: list[tuple[int, Any]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    data = LineDict()
    data.line, data.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            key = str(key)
        if key in data:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key))
        value = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value, LineDict | LineList):
            value.line = data.key_lines[key]  # "the mapping under title:" is at the title: line
        data[key] = value
    return data


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    data = LineList(loader.construct_object(child, deep=True) for child in node.value)
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    return data


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_yaml(path: Path, where: Where) -> Any:
    """Parse a YAML file; syntax errors and duplicate keys become findings (None on failure)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        where.error(1, f"cannot read the file: {error}")
        return None
    loader = _Loader(text)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        where.error(mark.line + 1 if mark else 1, f"YAML syntax error: {problem}")
        return None
    finally:
        loader.dispose()
    for line, key in loader.duplicate_keys:
        where.error(line, f"duplicate key {key!r}")
    return data


# ----------------------------------------------------------------------------- specs

@dataclass
class QuizSpec:
    pass_mark: int = 70
    draw_auto: int = 10
    draw_essay: int = 0
    attempts: int = 3
    grading: str = "highest"
    time_limit_minutes: int | None = None
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    show_answers: str = "after_submit"
    pretest: int = 0
    line: int = 1
    draw_line: int = 1
    pretest_line: int = 1


@dataclass
class LessonSpec:
    key: str
    file: str
    title: str
    minutes: int
    position: int
    line: int  # in module.yaml
    file_line: int
    path: Path
    display_path: str
    body: str | None = None
    # Filled in by the checker: what the rendered HTML depends on besides the body.
    link_targets: dict[str, str] = field(default_factory=dict)  # relative href -> lesson key
    image_hashes: dict[str, str] = field(default_factory=dict)  # image path in images/ -> sha256
    word_count: int = 0

    @property
    def content_hash(self) -> str:
        return digest({"key": self.key, "file": self.file, "title": self.title, "minutes": self.minutes,
                       "body": self.body or "", "links": self.link_targets, "images": self.image_hashes})


@dataclass
class QuestionSpec:
    key: str
    type: str
    position: int
    display_path: str
    line: int
    node: LineDict
    lesson_key: str | None = None
    title: str = ""
    points: float = 1
    text: str = ""
    text_format: str = "markdown"
    data: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""
    is_draft: bool = False

    @property
    def version_content(self) -> dict[str, Any]:
        """Everything a version freezes; its hash decides whether an edit makes a new version."""
        return {"type": self.type, "title": self.title, "points": self.points, "text": self.text,
                "text_format": self.text_format, "data": self.data, "explanation": self.explanation,
                "is_draft": self.is_draft}

    @property
    def content_hash(self) -> str:
        return digest(self.version_content)

    @property
    def is_auto_graded(self) -> bool:
        return self.type != "essay"


@dataclass
class ModuleSpec:
    slug: str
    folder: Path
    folder_name: str
    display_path: str  # of module.yaml
    line: int
    number: int = 0
    title_id: str = ""
    title_en: str = ""
    summary: str = ""
    goals: list[str] = field(default_factory=list)
    estimated_hours: float = 0
    quiz: QuizSpec = field(default_factory=QuizSpec)
    lessons: list[LessonSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    lessons_line: int = 1
    id_line: int = 1

    @property
    def content_hash(self) -> str:
        quiz = {k: v for k, v in vars(self.quiz).items() if not k.endswith("line")}
        return digest({"slug": self.slug, "folder": self.folder_name, "number": self.number,
                       "title": [self.title_id, self.title_en], "summary": self.summary, "goals": self.goals,
                       "hours": self.estimated_hours, "quiz": quiz})


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def digest(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def number(value: Any) -> float | int:
    """YAML numbers as int when whole, so 10 and 10.0 hash the same."""
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def unknown_keys(node: LineDict, allowed: set[str], where: Where, what: str) -> None:
    for key in node:
        if key not in allowed:
            where.error(node.line_of(key), f"unknown key {key!r} in {what}")


def text_field(node: LineDict, key: str, where: Where, what: str, *, required: bool = True) -> str:
    value = node.get(key)
    if value is None:
        if required:
            where.error(node.line, f"{what} has no {key}")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        where.error(node.line_of(key), f"{what}: {key} must be text")
        return ""
    value = str(value)
    if required and not value.strip():
        where.error(node.line_of(key), f"{what}: {key} is empty")
    return value


def int_field(node: LineDict, key: str, where: Where, what: str, *, default: int | None, minimum: int = 0,
              maximum: int | None = None) -> int | None:
    value = node.get(key)
    if value is None:
        if default is None and key in node:
            where.error(node.line_of(key), f"{what}: {key} needs a value")
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or (
            maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        bound = f"between {minimum}{upper}" if upper else f"at least {minimum}"
        where.error(node.line_of(key), f"{what}: {key} must be a whole number {bound}")
        return default
    return value


def bool_field(node: LineDict, key: str, where: Where, what: str, default: bool) -> bool:
    value = node.get(key, default)
    if not isinstance(value, bool):
        where.error(node.line_of(key), f"{what}: {key} must be true or false")
        return default
    return value


def display(path: Path, root: Path) -> str:
    """A path as findings show it: from the content folder's name, with forward slashes."""
    return path.relative_to(root.parent).as_posix()

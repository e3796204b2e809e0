"""Read one module folder — module.yaml, questions.yaml, questions-*.yaml — into specs.

Every problem confined to one file is reported here with its path and line; checks that
span files (unique ids, lesson files, links, draw counts) live in `lms.content.checker`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lms.content.models import QUESTION_TYPES
from lms.content.schema import (
    ID_RE,
    Findings,
    LessonSpec,
    LineDict,
    LineList,
    ModuleSpec,
    QuestionSpec,
    QuizSpec,
    Where,
    bool_field,
    display,
    int_field,
    is_number,
    load_yaml,
    number,
    text_field,
    unknown_keys,
)

GRADING_METHODS = ("highest", "last", "average")
SHOW_ANSWERS = ("after_submit", "after_last_attempt", "never")
TEXT_FORMATS = ("markdown", "html", "plain")
MODULE_KEYS = {"id", "number", "title", "summary", "goals", "estimated_hours", "quiz", "lessons"}
QUIZ_KEYS = {"pass_mark", "draw", "attempts", "grading", "time_limit_minutes", "shuffle_questions",
             "shuffle_choices", "show_answers", "pretest"}
LESSON_KEYS = {"id", "file", "title", "minutes"}
QUESTION_KEYS = {"id", "type", "lesson", "points", "title", "category", "text", "text_format", "explanation",
                 "draft"}
TYPE_KEYS = {"single": {"choices"}, "multiple": {"choices"}, "short": {"answers"}, "essay": {"rubric"},
             "truefalse": {"answer", "feedback_true", "feedback_false"}}
WEIGHT_TOLERANCE = 0.01  # 3 x 33.333% counts as 100%
ESSAY_POINTS = 10


def _parse_quiz(node: Any, line: int, where: Where) -> QuizSpec:
    quiz = QuizSpec(line=line)
    if node is None:
        return quiz
    if not isinstance(node, LineDict):
        where.error(line, "quiz must be a mapping")
        return quiz
    unknown_keys(node, QUIZ_KEYS, where, "quiz")
    quiz.pass_mark = int_field(node, "pass_mark", where, "quiz", default=70, maximum=100) or 0
    draw = node.get("draw")
    quiz.draw_line = node.line_of("draw")
    if isinstance(draw, LineDict):
        unknown_keys(draw, {"auto", "essay"}, where, "quiz.draw")
        quiz.draw_auto = int_field(draw, "auto", where, "quiz.draw", default=10) or 0
        quiz.draw_essay = int_field(draw, "essay", where, "quiz.draw", default=0) or 0
    elif draw is not None:
        where.error(quiz.draw_line, "quiz.draw must be a mapping with auto and essay")
    if quiz.draw_auto + quiz.draw_essay == 0:
        where.error(quiz.draw_line, "quiz.draw draws no questions")
    quiz.attempts = int_field(node, "attempts", where, "quiz", default=3, minimum=1) or 1
    grading = node.get("grading", "highest")
    if grading not in GRADING_METHODS:
        where.error(node.line_of("grading"), f"quiz: grading must be one of {', '.join(GRADING_METHODS)}")
    else:
        quiz.grading = grading
    if node.get("time_limit_minutes") is not None:
        quiz.time_limit_minutes = int_field(node, "time_limit_minutes", where, "quiz", default=None, minimum=1)
    quiz.shuffle_questions = bool_field(node, "shuffle_questions", where, "quiz", True)
    quiz.shuffle_choices = bool_field(node, "shuffle_choices", where, "quiz", True)
    show = node.get("show_answers", "after_submit")
    if show not in SHOW_ANSWERS:
        where.error(node.line_of("show_answers"), f"quiz: show_answers must be one of {', '.join(SHOW_ANSWERS)}")
    else:
        quiz.show_answers = show
    quiz.pretest = int_field(node, "pretest", where, "quiz", default=0) or 0
    quiz.pretest_line = node.line_of("pretest")
    return quiz


def _parse_lessons(node: Any, module: ModuleSpec, root: Path, where: Where) -> None:
    if not isinstance(node, LineList) or not node:
        where.error(module.lessons_line, "module has no lessons (a list under lessons:)")
        return
    for index, item in enumerate(node):
        line = node.line_of(index)
        if not isinstance(item, LineDict):
            where.error(line, "each lesson is a mapping with id, file, title and minutes")
            continue
        unknown_keys(item, LESSON_KEYS, where, "lesson")
        key = text_field(item, "id", where, "lesson")
        if key and not ID_RE.match(key):
            where.error(item.line_of("id"), f"lesson id {key!r}: use lower-case letters, digits and -")
        file_name = text_field(item, "file", where, f"lesson {key}")
        if file_name and (not file_name.endswith(".md") or "/" in file_name or "\\" in file_name):
            where.error(item.line_of("file"), f"lesson {key}: file must be a .md file in the module folder")
            file_name = ""
        minutes = int_field(item, "minutes", where, f"lesson {key}", default=None, minimum=1)
        if "minutes" not in item:
            where.error(item.line, f"lesson {key} has no minutes")
        path = module.folder / file_name if file_name else module.folder
        module.lessons.append(LessonSpec(
            key=key, file=file_name, title=text_field(item, "title", where, f"lesson {key}").strip(),
            minutes=minutes or 0, position=index + 1, line=line, file_line=item.line_of("file"), path=path,
            display_path=display(path, root) if file_name else module.display_path))


def parse_module(folder: Path, root: Path, findings: Findings) -> ModuleSpec | None:
    """One module folder; None when module.yaml is missing or unreadable."""
    meta_path = folder / "module.yaml"
    where = Where(display(meta_path, root), findings)
    if not meta_path.is_file():
        findings.error(display(folder, root), 1, "module folder without module.yaml")
        return None
    node = load_yaml(meta_path, where)
    if node is None:
        return None
    if not isinstance(node, LineDict):
        where.error(1, "module.yaml must be a mapping")
        return None
    unknown_keys(node, MODULE_KEYS, where, "module.yaml")
    slug = text_field(node, "id", where, "module")
    if slug and not ID_RE.match(slug):
        where.error(node.line_of("id"), f"module id {slug!r}: use lower-case letters, digits and -")
    module = ModuleSpec(slug=slug, folder=folder, folder_name=folder.name, display_path=where.path,
                        line=node.line, lessons_line=node.line_of("lessons"), id_line=node.line_of("id"))
    module.number = int_field(node, "number", where, "module", default=None, minimum=1) or 0
    if "number" not in node:
        where.error(node.line, "module has no number")
    title = node.get("title")
    if isinstance(title, LineDict):
        unknown_keys(title, {"id", "en"}, where, "title")
        module.title_id = text_field(title, "id", where, "title").strip()
        module.title_en = text_field(title, "en", where, "title").strip()
    else:
        where.error(node.line_of("title"), "module needs title: with id (Indonesian) and en (English)")
    module.summary = text_field(node, "summary", where, "module").strip()
    goals = node.get("goals")
    if isinstance(goals, LineList) and goals and all(isinstance(g, str) and g.strip() for g in goals):
        module.goals = [goal.strip() for goal in goals]
    else:
        where.error(node.line_of("goals"), "module needs goals: a list of learning goals (text)")
    hours = node.get("estimated_hours")
    if is_number(hours) and hours > 0:
        module.estimated_hours = number(hours)
    else:
        where.error(node.line_of("estimated_hours"), "module needs estimated_hours, a positive number")
    module.quiz = _parse_quiz(node.get("quiz"), node.line_of("quiz"), where)
    _parse_lessons(node.get("lessons"), module, root, where)
    for question_file in question_files(folder):
        _parse_questions(question_file, module, root, findings)
    return module


def question_files(folder: Path) -> list[Path]:
    """questions.yaml first, then questions-*.yaml (e.g. GIFT imports) in name order."""
    main = folder / "questions.yaml"
    return ([main] if main.is_file() else []) + sorted(folder.glob("questions-*.yaml"))


def _parse_questions(path: Path, module: ModuleSpec, root: Path, findings: Findings) -> None:
    where = Where(display(path, root), findings)
    node = load_yaml(path, where)
    if node is None:
        return
    if not isinstance(node, LineDict) or not isinstance(node.get("questions"), LineList):
        where.error(getattr(node, "line", 1), "a questions file is a mapping with a list under questions:")
        return
    unknown_keys(node, {"questions"}, where, "questions file")
    items: LineList = node["questions"]
    for index, item in enumerate(items):
        if not isinstance(item, LineDict):
            where.error(items.line_of(index), "each question is a mapping")
            continue
        spec = parse_question(item, where)
        if spec is not None:
            spec.position = len(module.questions) + 1
            module.questions.append(spec)


# ----------------------------------------------------------------------------- questions

def parse_question(node: LineDict, where: Where) -> QuestionSpec | None:
    """Validate one question mapping; None when it has no usable id or type."""
    key = text_field(node, "id", where, "question")
    if not key:
        return None
    if not ID_RE.match(key):
        where.error(node.line_of("id"), f"question id {key!r}: use lower-case letters, digits and -")
    what = f"question {key}"
    qtype = node.get("type")
    if qtype not in QUESTION_TYPES:
        where.error(node.line_of("type"), f"{what}: type must be one of {', '.join(QUESTION_TYPES)}")
        return None
    unknown_keys(node, QUESTION_KEYS | TYPE_KEYS[qtype], where, what)
    spec = QuestionSpec(key=key, type=qtype, position=0, display_path=where.path, line=node.line_of("id"),
                        node=node)
    spec.is_draft = bool_field(node, "draft", where, what, False)
    if spec.is_draft:
        where.warning(node.line_of("draft"), f"{what} is a draft: never drawn in a quiz until finished")
    lesson = node.get("lesson")
    if lesson is not None and not isinstance(lesson, str):
        where.error(node.line_of("lesson"), f"{what}: lesson must be a lesson id")
    spec.lesson_key = lesson if isinstance(lesson, str) and lesson else None
    spec.title = text_field(node, "title", where, what, required=False).strip()
    spec.text = text_field(node, "text", where, what).strip()
    spec.text_format = node.get("text_format", "markdown")
    if spec.text_format not in TEXT_FORMATS:
        where.error(node.line_of("text_format"), f"{what}: text_format must be one of {', '.join(TEXT_FORMATS)}")
    spec.explanation = text_field(node, "explanation", where, what, required=False).strip()
    if not spec.explanation:
        message = f"{what} has no explanation (shown to learners after grading)"
        (where.warning if spec.is_draft else where.error)(node.line_of("explanation"), message)
    points = node.get("points")
    if points is not None and not (is_number(points) and points > 0):
        where.error(node.line_of("points"), f"{what}: points must be a positive number")
        points = None
    spec.points = number(points) if points is not None else 1
    spec.data = _PARSERS[qtype](node, spec, where, what)
    category = text_field(node, "category", where, what, required=False).strip()
    if category:
        spec.data["category"] = category
    return spec


def _rows(node: LineDict, key: str, where: Where, what: str, minimum: int) -> list[LineDict]:
    """The list under `key` (choices, answers, rubric): mappings only, at least `minimum`."""
    items = node.get(key)
    if not isinstance(items, LineList) or len(items) < minimum:
        where.error(node.line_of(key), f"{what} needs at least {minimum} {key} (a list)")
        return []
    rows = []
    for index, item in enumerate(items):
        if isinstance(item, LineDict):
            rows.append(item)
        else:
            where.error(items.line_of(index), f"{what}: each of {key} is a mapping")
    return rows


def _weight(row: LineDict, where: Where, what: str, default: float, low: float, high: float) -> float:
    value = row.get("weight", default)
    if not is_number(value) or not low <= value <= high:
        bounds = f"from {low:g} to {high:g}" if low < 0 else f"more than 0 and at most {high:g}"
        where.error(row.line_of("weight"), f"{what}: weight {value!r} must be a number {bounds}")
        return default
    return number(value)


def _single(node: LineDict, spec: QuestionSpec, where: Where, what: str) -> dict[str, Any]:
    choices = []
    for row in _rows(node, "choices", where, what, 2):
        unknown_keys(row, {"text", "correct", "feedback"}, where, f"a choice of {what}")
        choices.append({"text": text_field(row, "text", where, f"a choice of {what}").strip(),
                        "correct": bool_field(row, "correct", where, f"a choice of {what}", False),
                        "feedback": text_field(row, "feedback", where, what, required=False).strip()})
    right = sum(choice["correct"] for choice in choices)
    if choices and right != 1:
        where.error(node.line_of("choices"),
                    f"{what}: a single-choice question needs exactly one choice with correct: true (found {right})")
    return {"choices": choices}


def _multiple(node: LineDict, spec: QuestionSpec, where: Where, what: str) -> dict[str, Any]:
    choices = []
    for row in _rows(node, "choices", where, what, 2):
        unknown_keys(row, {"text", "weight", "feedback"}, where, f"a choice of {what}")
        choices.append({"text": text_field(row, "text", where, f"a choice of {what}").strip(),
                        "weight": _weight(row, where, what, 0, -100, 100),
                        "feedback": text_field(row, "feedback", where, what, required=False).strip()})
    right = sum(choice["weight"] for choice in choices if choice["weight"] > 0)
    if choices and not right:
        where.error(node.line_of("choices"), f"{what}: no choice has a positive weight")
    elif choices and abs(right - 100) > WEIGHT_TOLERANCE:
        where.error(node.line_of("choices"), f"{what}: the positive weights add up to {right:g}, not 100")
    return {"choices": choices}


def _truefalse(node: LineDict, spec: QuestionSpec, where: Where, what: str) -> dict[str, Any]:
    answer = node.get("answer")
    if not isinstance(answer, bool):
        where.error(node.line_of("answer"), f"{what}: answer must be true or false")
    return {"answer": answer if isinstance(answer, bool) else False,
            "feedback_true": text_field(node, "feedback_true", where, what, required=False).strip(),
            "feedback_false": text_field(node, "feedback_false", where, what, required=False).strip()}


def _short(node: LineDict, spec: QuestionSpec, where: Where, what: str) -> dict[str, Any]:
    answers, seen = [], set()
    for row in _rows(node, "answers", where, what, 1):
        unknown_keys(row, {"text", "weight", "feedback"}, where, f"an answer of {what}")
        text = " ".join(text_field(row, "text", where, f"an answer of {what}").split())
        if text.casefold() in seen:
            where.warning(row.line_of("text"), f"{what}: the answer {text!r} is listed twice")
        seen.add(text.casefold())
        answers.append({"text": text, "weight": _weight(row, where, what, 100, 0.001, 100),
                        "feedback": text_field(row, "feedback", where, what, required=False).strip()})
    if answers and max(answer["weight"] for answer in answers) < 100:
        where.warning(node.line_of("answers"), f"{what}: no answer is worth 100%, so nobody can get full marks")
    return {"answers": answers}


def _essay(node: LineDict, spec: QuestionSpec, where: Where, what: str) -> dict[str, Any]:
    if "rubric" not in node:
        if not spec.is_draft:
            where.error(node.line, f"{what}: an essay needs a rubric (or draft: true until it has one)")
        spec.points = spec.points if "points" in node else ESSAY_POINTS
        return {"rubric": []}
    rubric = []
    for row in _rows(node, "rubric", where, what, 1):
        unknown_keys(row, {"criterion", "points"}, where, f"a rubric row of {what}")
        points = row.get("points")
        if not (is_number(points) and points > 0):
            where.error(row.line_of("points"), f"{what}: each rubric criterion needs positive points")
            points = 0
        rubric.append({"criterion": text_field(row, "criterion", where, f"a rubric row of {what}").strip(),
                       "points": number(points)})
    total = number(sum(row["points"] for row in rubric))
    if "points" not in node:
        spec.points = total or ESSAY_POINTS
    elif rubric and abs(total - spec.points) > 1e-9:
        message = f"{what}: the rubric adds up to {total:g} points but the question is worth {spec.points:g}"
        (where.warning if spec.is_draft else where.error)(node.line_of("rubric"), message)
    return {"rubric": rubric}


_PARSERS = {"single": _single, "multiple": _multiple, "truefalse": _truefalse, "short": _short,
            "essay": _essay}

"""Import Moodle GIFT question files into our questions.yaml format.

Pure and self-contained (standard library and PyYAML only), so the CLI, tests and
scripts can use it without the Flask app. Semantics follow Moodle's GIFT format:

- ``//`` comment lines are ignored; questions are separated by blank lines;
- ``$CATEGORY: path`` sets ``category`` on the questions that follow;
- ``::Title::`` names a question, ``[markdown|html|plain|moodle]`` sets its text format;
- ``\\~ \\= \\# \\{ \\} \\: \\\\`` escape special characters, ``\\n`` is a newline;
- ``{=right ~wrong}`` single choice, ``{~%50%a ~%50%b ~%-100%c}`` multiple choice,
  ``{T}``/``{FALSE#wrong#right}`` true/false, ``{=a =%50%b}`` short answer,
  ``{}`` essay; an answer block inside the text makes a missing-word question (``___``);
- ``#feedback`` after an answer, ``####feedback`` at the end of the block (general
  feedback, our ``explanation``).

Our questions need an explanation shown after grading, which GIFT has only as ``####``
general feedback: a question without it is imported as a draft with ``explanation: ""``.
Essays are imported as drafts without a rubric (10 points). Quizzes never draw drafts, and
``lms check-content`` lists them as warnings until a reviewer completes them. Matching, numerical
and description items are refused with a ``GiftError``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["GiftError", "import_gift_file", "parse_gift"]

_ESCAPABLE = "~=#{}:\\"
# Escaped characters become private-use placeholders while parsing (as Moodle does),
# so the structural search for { } ~ = # :: never sees them.
_MASK = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_UNMASK = str.maketrans({placeholder: char for char, placeholder in _MASK.items()})
_PLACEHOLDERS = frozenset(_MASK.values())
_UNICODE_BREAKS = "\x85\u2028\u2029"

_FORMAT_RE = re.compile(r"\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_PREFIX_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_SLUG_MAX = 50
_ESSAY_POINTS = 10
_WEIGHT_TOLERANCE = 0.01  # lets 3 x 33.33333% count as 100%


class GiftError(Exception):
    """A problem in a GIFT file; ``line`` is 1-based, 0 for file-level problems."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class _Source:
    """One question's text with escapes masked, and the file line of every character."""

    text: str
    lines: list[int]

    def line_at(self, index: int) -> int:
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    def error(self, index: int, message: str) -> GiftError:
        return GiftError(self.line_at(index), message)


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    weight: float | int | None
    text: str
    feedback: str
    line: int


Block = list[tuple[int, str]]  # (1-based file line, line text) of one question


# ---------------------------------------------------------------- public API


def parse_gift(text: str, id_prefix: str) -> list[dict[str, Any]]:
    """Parse a whole GIFT file into question dicts ready to dump as questions.yaml.

    Raises GiftError for the first problem found, naming its line.
    """
    return [question for _line, question in _parse_with_lines(text, id_prefix)]


def import_gift_file(
    gift_path: Path, module_dir: Path, id_prefix: str, existing_ids: set[str]
) -> Path:
    """Write ``module_dir/questions-gift-<stem>.yaml`` from a GIFT file; return its path.

    Refuses ids already in ``existing_ids`` and an existing output file; nothing is
    written when any error is raised.
    """
    target = module_dir / f"questions-gift-{_slug(gift_path.stem) or 'import'}.yaml"
    if not module_dir.is_dir():
        raise GiftError(0, f"module folder {module_dir} does not exist")
    if target.exists():
        raise GiftError(0, f"{target} already exists; remove it or rename the GIFT file")
    parsed = _parse_with_lines(_read_text(gift_path), id_prefix)
    if not parsed:
        raise GiftError(0, f"{gift_path} contains no questions")
    for line, question in parsed:
        if question["id"] in existing_ids:
            raise GiftError(line, f"question id {question['id']} already exists in the content")
    _write_atomically(target, _dump_yaml({"questions": [q for _line, q in parsed]}))
    return target


# ---------------------------------------------------------------- file level


def _parse_with_lines(text: str, id_prefix: str) -> list[tuple[int, dict[str, Any]]]:
    """Parse every question, keeping the line it starts on (for later errors)."""
    if not _PREFIX_RE.fullmatch(id_prefix):
        raise GiftError(0, f"id prefix {id_prefix!r} must be lower-case letters, digits and -")
    category: str | None = None
    used_ids: set[str] = set()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for block in _blocks(text):
        category, lines = _take_categories(block, category)
        if not lines:
            continue
        title, text_format, fields = _parse_question(lines)
        head: dict[str, Any] = {"id": _unique(_question_id(id_prefix, title, lines), used_ids)}
        head.update(title=title, category=category, text_format=text_format)
        parsed.append((lines[0][0], _assemble(head, fields)))
    return parsed


def _blocks(text: str) -> list[Block]:
    """Split the file into questions: blank lines separate, comment lines vanish."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = [[]]
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if blocks[-1]:
                blocks.append([])
        elif not stripped.startswith("//"):
            blocks[-1].append((number, line))
    return [block for block in blocks if block]


def _take_categories(block: Block, category: str | None) -> tuple[str | None, Block]:
    """Consume leading ``$CATEGORY:`` lines; the last one wins."""
    while block and block[0][1].strip().startswith(_CATEGORY):
        number, line = block[0]
        category = line.strip()[len(_CATEGORY) :].strip()
        if not category:
            raise GiftError(number, "$CATEGORY: needs a category path")
        block = block[1:]
    return category, block


def _question_id(id_prefix: str, title: str | None, block: Block) -> str:
    slug = _slug(title or "")
    if slug:
        return f"{id_prefix}-{slug}"
    # Untitled: a content hash keeps the id stable when questions are reordered.
    source = "\n".join(line for _number, line in block)
    return f"{id_prefix}-gift-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:8]}"


def _unique(question_id: str, used: set[str]) -> str:
    candidate, counter = question_id, 1
    while candidate in used:
        counter += 1
        candidate = f"{question_id}-{counter}"
    used.add(candidate)
    return candidate


def _slug(value: str) -> str:
    """Lower-case ASCII letters, digits and single dashes, at most ~50 characters."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_SLUG_MAX].rstrip("-")


def _assemble(head: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Order the keys like modules/README.md so the YAML reads naturally.

    Optional keys (title, category, a non-default text_format) are left out when unset.
    """
    kind = fields["type"]
    question: dict[str, Any] = {"id": head["id"], "type": kind}
    for key in ("title", "category"):
        if head[key]:
            question[key] = head[key]
    question["points"] = _ESSAY_POINTS if kind == "essay" else 1
    if head["text_format"] != "markdown":
        question["text_format"] = head["text_format"]
    question.update((key, value) for key, value in fields.items() if key != "type")
    return question


# ---------------------------------------------------------------- one question


def _mask(block: Block) -> _Source:
    """Join the block's lines, replacing escapes and remembering each char's line."""
    chars: list[str] = []
    lines: list[int] = []
    for position, (number, line) in enumerate(block):
        if position:
            chars.append("\n")
            lines.append(block[position - 1][0])
        index = 0
        while index < len(line):
            char, following = line[index], line[index + 1 : index + 2]
            if char == "\\" and (following in _MASK or following == "n"):
                chars.append(_MASK.get(following, "\n"))
                index += 2
            elif char in _PLACEHOLDERS:
                raise GiftError(number, f"unsupported private-use character U+{ord(char):04X}")
            else:
                chars.append(char)
                index += 1
            lines.append(number)
    return _Source("".join(chars), lines)


def _clean(text: str) -> str:
    """Restore escaped characters and trim: the form every output string takes."""
    return text.translate(_UNMASK).strip()


def _parse_question(block: Block) -> tuple[str | None, str, dict[str, Any]]:
    """Return the title, the text format and the other fields of one question."""
    source = _mask(block)
    title, start = _parse_title(source)
    text_format, start = _parse_format(source, start)
    opening, closing = _find_answer_block(source, start)
    before, after = source.text[start:opening], source.text[closing + 1 :]
    # Text after the block makes it a missing-word question: the blank replaces the block.
    text = _clean(before + "___" + after if after.strip() else before)
    if not text:
        raise source.error(opening, "the question has no text before its answer block")
    fields = _parse_answer_block(source, opening, closing)
    return title, text_format, {"type": fields.pop("type"), "text": text, **fields}


def _parse_title(source: _Source) -> tuple[str | None, int]:
    start = len(source.text) - len(source.text.lstrip())
    if not source.text.startswith("::", start):
        return None, start
    end = source.text.find("::", start + 2)
    if end < 0:
        raise source.error(start, "the title has no closing :: (escape a literal colon as \\:)")
    return _clean(source.text[start + 2 : end]) or None, end + 2


def _parse_format(source: _Source, start: int) -> tuple[str, int]:
    start += len(source.text[start:]) - len(source.text[start:].lstrip())
    match = _FORMAT_RE.match(source.text, start)
    if not match:
        return "markdown", start
    name = match.group(1).lower()
    # Moodle's own "moodle auto-format" is close enough to plain text for us.
    return ("plain" if name == "moodle" else name), match.end()


def _find_answer_block(source: _Source, start: int) -> tuple[int, int]:
    """Return the indices of the one ``{`` and ``}`` of the question."""
    text = source.text
    opening = text.find("{", start)
    stray = text.find("}", start, opening if opening >= 0 else len(text))
    if stray >= 0:
        raise source.error(stray, "'}' without an opening '{' (escape a literal brace as \\})")
    if opening < 0:
        raise GiftError(
            source.line_at(start),
            "no answer block {...}: description items are not supported",
        )
    closing = text.find("}", opening + 1)
    if closing < 0:
        raise source.error(opening, "the answer block '{' is never closed with '}'")
    nested = text.find("{", opening + 1, closing)
    if nested >= 0:
        raise source.error(nested, "'{' inside an answer block (escape a literal brace as \\{)")
    extra = [i for i in (text.find("{", closing), text.find("}", closing + 1)) if i >= 0]
    if extra:
        raise source.error(
            min(extra), "a second answer block or stray brace; separate questions with a blank line"
        )
    return opening, closing


# ---------------------------------------------------------------- answer block


def _parse_answer_block(source: _Source, opening: int, closing: int) -> dict[str, Any]:
    """Classify the block like Moodle does and parse it into our fields."""
    start, end = opening + 1, closing
    general = source.text.find("####", start, end)
    explanation = _clean(source.text[general + 4 : end]) if general >= 0 else ""
    if general >= 0:
        end = general
    body = source.text[start:end].strip()
    fields: dict[str, Any]
    if not body:
        fields = {"type": "essay"}
    elif body.split("#")[0].strip().upper() in _TRUEFALSE:
        fields = _parse_truefalse(source, start, end)
    elif body.startswith("#"):
        raise source.error(opening, "numerical questions are not supported")
    elif "~" in body:
        fields = _parse_choices(source, start, end)
    elif "=" in body and "->" in body:
        raise source.error(opening, "matching questions are not supported")
    elif "=" in body:
        fields = _parse_short(source, start, end)
    else:
        raise source.error(opening, "the answer block has no answers marked with = or ~")
    fields["explanation"] = explanation
    if fields["type"] == "essay" or not explanation:
        fields["draft"] = True  # no rubric or no explanation yet: never drawn until a reviewer adds it
    return fields


def _parse_truefalse(source: _Source, start: int, end: int) -> dict[str, Any]:
    parts = source.text[start:end].split("#")
    if len(parts) > 3:
        raise source.error(start, "a true/false answer takes at most two #feedbacks")
    answer = _TRUEFALSE[parts[0].strip().upper()]
    fields: dict[str, Any] = {"type": "truefalse", "answer": answer}
    # Moodle: the first feedback is for a wrong answer, the second for a right one.
    wrong = _clean(parts[1]) if len(parts) > 1 else ""
    right = _clean(parts[2]) if len(parts) > 2 else ""
    by_choice = {answer: right, not answer: wrong}
    for choice in (True, False):
        if by_choice[choice]:
            fields[f"feedback_{str(choice).lower()}"] = by_choice[choice]
    return fields


def _split_answers(source: _Source, start: int, end: int) -> list[_Answer]:
    """Split at each unescaped ``=`` or ``~`` and parse weight, text and feedback."""
    markers = [i for i in range(start, end) if source.text[i] in "=~"]
    leading = source.text[start : markers[0] if markers else end]
    if leading.strip() or not markers:
        raise source.error(start, "text before the first answer; start each answer with = or ~")
    bounds = zip(markers, [*markers[1:], end], strict=True)
    return [_parse_answer(source, first, last) for first, last in bounds]


def _parse_answer(source: _Source, marker: int, end: int) -> _Answer:
    line = source.line_at(marker)
    body = source.text[marker + 1 : end].lstrip()
    weight: float | int | None = None
    match = _WEIGHT_RE.match(body)
    if match:
        weight = _number(match.group(1))
        if not -100 <= weight <= 100:
            raise GiftError(line, f"weight {match.group(0)} must be between -100% and 100%")
        body = body[match.end() :]
    elif body.startswith("%"):
        raise GiftError(line, "a weight is written like %50% or %-33.33333%")
    text, _hash, feedback = body.partition("#")
    answer = _Answer(source.text[marker], weight, _clean(text), _clean(feedback), line)
    if not answer.text:
        raise GiftError(line, "an answer has no text")
    return answer


def _parse_choices(source: _Source, start: int, end: int) -> dict[str, Any]:
    answers = _split_answers(source, start, end)
    # Moodle: any "=" answer makes it single choice; otherwise weights decide.
    if any(answer.marker == "=" for answer in answers):
        return _single(answers)
    return _multiple(answers, source.line_at(start - 1))


def _single(answers: list[_Answer]) -> dict[str, Any]:
    right = [answer for answer in answers if answer.marker == "="]
    if len(right) > 1:
        raise GiftError(
            right[1].line,
            "a single-choice question has exactly one = answer; "
            "for several right answers write each as ~%n% (multiple choice)",
        )
    weighted = [answer for answer in answers if answer.weight is not None]
    if weighted:
        raise GiftError(
            weighted[0].line,
            "%n% weights need every answer to start with ~ (multiple choice)",
        )
    choices = []
    for answer in answers:
        choice: dict[str, Any] = {"text": answer.text}
        if answer.marker == "=":
            choice["correct"] = True
        choices.append(_with_feedback(choice, answer))
    return {"type": "single", "choices": choices}


def _multiple(answers: list[_Answer], line: int) -> dict[str, Any]:
    if len(answers) < 2:  # the content checker's minimum too
        raise GiftError(line, "a multiple-choice question needs at least two answers")
    weights = [answer.weight or 0 for answer in answers]
    right_total = sum(weight for weight in weights if weight > 0)
    if not right_total:
        raise GiftError(
            line,
            "no right answer: mark one answer with = or give the right ones a weight like ~%50%",
        )
    if abs(right_total - 100) > _WEIGHT_TOLERANCE:
        raise GiftError(line, f"the positive weights add up to {right_total:g}%, not 100%")
    choices = [
        _with_feedback({"text": answer.text, "weight": weight}, answer)
        for answer, weight in zip(answers, weights, strict=True)
    ]
    return {"type": "multiple", "choices": choices}


def _parse_short(source: _Source, start: int, end: int) -> dict[str, Any]:
    answers = _split_answers(source, start, end)
    for answer in answers:
        if answer.weight is not None and answer.weight <= 0:
            raise GiftError(answer.line, "a short answer's weight must be more than 0%")
    rows = [
        _with_feedback({"text": a.text, "weight": 100 if a.weight is None else a.weight}, a)
        for a in answers
    ]
    if max(row["weight"] for row in rows) != 100:
        raise source.error(start - 1, "a short-answer question needs one answer worth 100%")
    return {"type": "short", "answers": rows}


def _with_feedback(row: dict[str, Any], answer: _Answer) -> dict[str, Any]:
    if answer.feedback:
        row["feedback"] = answer.feedback
    return row


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- writing


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise GiftError(0, f"{path} is not UTF-8 text") from error
    except OSError as error:
        raise GiftError(0, f"cannot read {path}: {error.strerror}") from error


class _Dumper(yaml.SafeDumper):
    """Readable YAML: indented lists as in modules/README.md, | for multi-line text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if any(char in value for char in _UNICODE_BREAKS):
        style = '"'  # PyYAML with allow_unicode loses NEL unless it is escaped
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump_yaml(data: dict[str, Any]) -> str:
    # A huge width keeps every one-line value on one line (greppable, clean diffs).
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )


def _write_atomically(target: Path, content: str) -> None:
    """Write next to the target, then rename, so readers never see half a file."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept for rename
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # created while we parsed: still never overwrite
            raise GiftError(0, f"{target} already exists; remove it or rename the GIFT file")
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise

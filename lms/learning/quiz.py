"""The quiz engine: start an attempt, save answers (idempotently), submit, grade, expire.

Rules live here, not in views: a view loads the attempt, checks it belongs to the user, and
calls these functions. Every function only flushes; the request (or `lms tick`) commits.
Writers lock the attempt row (`FOR UPDATE` on PostgreSQL; SQLite serialises writers with
`BEGIN IMMEDIATE`), so a second tab or a double click cannot corrupt an attempt.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lms.content.grading import score_answer
from lms.content.models import AUTO_GRADED_TYPES, Module, Question, QuestionVersion
from lms.db import utcnow
from lms.learning import completion
from lms.learning.models import AnswerSave, AttemptAnswer, AttemptKind, AttemptStatus, QuizAttempt
from lms.learning.records import (
    attempts,
    attempts_left,
    granted_attempts,
    lessons_done,
    open_attempt,
    pretest_pending,
)
from lms.users.models import User

CHOICE_TYPES = ("single", "multiple")
MAX_SHORT_ANSWER = 200
MAX_ESSAY = 20000


class QuizError(Exception):
    """A quiz rule was broken; `message` is translated and shown to the learner."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def start_blocker(session: Session, user: User, module: Module, kind: str = AttemptKind.QUIZ) -> str | None:
    """Why the learner may not start an attempt now, or None."""
    if kind == AttemptKind.PRETEST:
        return None if pretest_pending(session, user, module) else _("You have already taken the pre-test.")
    done, total = lessons_done(session, user, module)
    if done < total:
        return _("Finish every lesson of this module first (%(done)d of %(total)d done).", done=done, total=total)
    previous = attempts(session, user, module)
    if any(a.status == AttemptStatus.NEEDS_GRADING for a in previous):
        return _("Your last attempt is waiting for a trainer to grade it.")
    if not attempts_left(module, previous, granted_attempts(session, user, module)):
        return _("You have used all %(n)d attempts of this quiz.", n=len(previous))
    return None


# ---------------------------------------------------------------------------- starting


def draw_questions(session: Session, module: Module, kind: str, rng: random.Random) -> list[QuestionVersion]:
    """The question versions an attempt uses, drawn from the module's current bank."""
    rows = session.execute(
        sa.select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.module_id == module.id, Question.is_retired.is_(False), QuestionVersion.is_draft.is_(False))
        .order_by(Question.position, Question.id)).all()
    auto = [version for _question, version in rows if version.type in AUTO_GRADED_TYPES]
    essays = [version for _question, version in rows if version.type == "essay"]
    if kind == AttemptKind.PRETEST:
        drawn = rng.sample(auto, min(module.pretest_count, len(auto)))
    else:
        drawn = rng.sample(auto, min(module.draw_auto, len(auto))) + rng.sample(essays, min(module.draw_essay,
                                                                                            len(essays)))
    if module.shuffle_questions:
        rng.shuffle(drawn)
    else:
        order = {version.id: index for index, (_q, version) in enumerate(rows)}
        drawn.sort(key=lambda version: order[version.id])
    return drawn


def start_attempt(session: Session, user: User, module: Module, kind: str = AttemptKind.QUIZ,
                  *, now: datetime | None = None, rng: random.Random | None = None) -> QuizAttempt:
    """Start an attempt, or return the one already open (a second tab, a double click)."""
    now = now or utcnow()
    existing = open_attempt(session, user, module, kind)
    if existing is not None:
        return existing
    blocker = start_blocker(session, user, module, kind)
    if blocker:
        raise QuizError(blocker, "blocked")
    rng = rng or random.Random()
    versions = draw_questions(session, module, kind, rng)
    if not versions:
        raise QuizError(_("This quiz has no questions yet."), "empty")
    number = len(attempts(session, user, module, kind)) + 1
    deadline = None
    if kind == AttemptKind.QUIZ and module.time_limit_minutes:
        deadline = now + timedelta(minutes=module.time_limit_minutes)
    attempt = QuizAttempt(user_id=user.id, module_id=module.id, kind=str(kind), number=number, started_at=now,
                          deadline_at=deadline, max_score=sum((v.points for v in versions), Decimal(0)))
    for position, version in enumerate(versions, start=1):
        order = None
        if version.type in CHOICE_TYPES:
            indices = list(range(len(version.payload.get("choices", []))))
            if module.shuffle_choices:
                rng.shuffle(indices)
            order = json.dumps(indices)
        attempt.answers.append(AttemptAnswer(position=position, question_version_id=version.id, choice_order=order))
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # Another request started the same attempt number a moment ago: use that one.
        existing = open_attempt(session, user, module, kind)
        if existing is None:
            raise
        return existing
    return attempt


# ------------------------------------------------------------------------------ saving


# Load an attempt with its answers and their question versions: every engine function reads them.
ATTEMPT_LOAD = (selectinload(QuizAttempt.answers).selectinload(AttemptAnswer.version),)


def lock(session: Session, attempt: QuizAttempt) -> QuizAttempt:
    """Re-read the attempt and its answers under a row lock (PostgreSQL) before changing them,
    so a save from another tab that committed meanwhile is seen, not overwritten."""
    session.execute(sa.select(QuizAttempt).where(QuizAttempt.id == attempt.id).with_for_update()
                    .options(*ATTEMPT_LOAD).execution_options(populate_existing=True))
    return attempt


def is_overdue(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.is_open and attempt.deadline_at is not None and now >= attempt.deadline_at


def expire_if_overdue(session: Session, attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Submit an attempt whose time is up with what was saved; True when it did."""
    now = now or utcnow()
    if not is_overdue(attempt, now):
        return False
    submit(session, attempt, now=now, auto=True)
    return True


def clean_response(version: QuestionVersion, raw: Any) -> Any:
    """The response in the stored form for the question's type, or None when empty."""
    qtype = version.type
    if raw is None or raw == "" or raw == []:
        return None
    if qtype == "single":
        size = len(version.payload.get("choices", []))
        value = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
        index = _as_index(value, size)
        if index is None:
            raise QuizError(_("That choice is not one of this question's choices."), "bad_response")
        return index
    if qtype == "multiple":
        size = len(version.payload.get("choices", []))
        values = raw if isinstance(raw, list) else [raw]
        indices = sorted({_as_index(value, size) for value in values} - {None})  # type: ignore[type-var]
        if len(indices) != len(values):
            raise QuizError(_("That choice is not one of this question's choices."), "bad_response")
        return indices or None
    if qtype == "truefalse":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise QuizError(_("Answer true or false."), "bad_response")
    if not isinstance(raw, str):
        raise QuizError(_("The answer must be text."), "bad_response")
    limit = MAX_SHORT_ANSWER if qtype == "short" else MAX_ESSAY
    if len(raw) > limit:
        raise QuizError(_("The answer is too long (at most %(n)d characters).", n=limit), "too_long")
    return raw if raw.strip() else None


def _as_index(value: Any, size: int) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        index = int(value)
    except (TypeError, ValueError):
        return None
    return index if 0 <= index < size else None


@dataclass(frozen=True)
class SaveResult:
    applied: bool
    replayed: bool = False  # the idempotency key was seen before: acknowledged, not applied again


def save_answer(session: Session, attempt: QuizAttempt, position: int, raw: Any, *, key: str | None = None,
                seq: int | None = None, now: datetime | None = None) -> SaveResult:
    """Save one answer. With a client key, a replayed save is acknowledged and not applied;
    with a sequence number, an older save never overwrites a newer one."""
    now = now or utcnow()
    lock(session, attempt)
    if key:
        receipt = session.scalar(sa.select(AnswerSave).where(AnswerSave.attempt_id == attempt.id,
                                                             AnswerSave.key == key))
        if receipt is not None:
            return SaveResult(applied=receipt.applied, replayed=True)
    _check_open(session, attempt, now)
    result = _apply(attempt, position, raw, seq, now)
    if key:
        answer = _answer_at(attempt, position)
        session.add(AnswerSave(attempt_id=attempt.id, key=key[:64], position=position,
                               seq=seq if seq is not None else answer.seq, applied=result.applied))
    session.flush()
    return result


def save_answers(session: Session, attempt: QuizAttempt, responses: dict[int, Any],
                 now: datetime | None = None) -> dict[int, QuizError]:
    """Save a whole page of answers under one lock; returns the problems by position (the
    valid answers are saved). Raises QuizError when the attempt is over."""
    now = now or utcnow()
    lock(session, attempt)
    _check_open(session, attempt, now)
    problems: dict[int, QuizError] = {}
    for position, raw in responses.items():
        try:
            _apply(attempt, position, raw, None, now)
        except QuizError as error:
            problems[position] = error
    session.flush()
    return problems


def _check_open(session: Session, attempt: QuizAttempt, now: datetime) -> None:
    if expire_if_overdue(session, attempt, now):
        raise QuizError(_("The time for this attempt is over; it was submitted with your saved answers."),
                        "time_up")
    if not attempt.is_open:
        raise QuizError(_("This attempt has been submitted; answers can no longer change."), "closed")


def _answer_at(attempt: QuizAttempt, position: int) -> AttemptAnswer:
    answer = next((a for a in attempt.answers if a.position == position), None)
    if answer is None:
        raise QuizError(_("This attempt has no question %(n)d.", n=position), "no_question")
    return answer


def _apply(attempt: QuizAttempt, position: int, raw: Any, seq: int | None, now: datetime) -> SaveResult:
    answer = _answer_at(attempt, position)
    response = clean_response(answer.version, raw)
    applied = seq is None or seq > answer.seq
    if applied:
        answer.response = None if response is None else json.dumps(response)
        answer.seq = seq if seq is not None else answer.seq + 1
        answer.saved_at = now
    return SaveResult(applied=applied)


# ------------------------------------------------------------------ submitting, grading


def submit(session: Session, attempt: QuizAttempt, *, now: datetime | None = None, auto: bool = False) -> QuizAttempt:
    """Submit an attempt: grade what a machine can; a second submission changes nothing."""
    now = now or utcnow()
    lock(session, attempt)
    if not attempt.is_open:
        return attempt
    if attempt.deadline_at is not None and now > attempt.deadline_at:
        now, auto = attempt.deadline_at, True  # it ended at the deadline, whenever we notice
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    for answer in attempt.answers:
        version = answer.version
        earned = score_answer(version.payload, version.type, version.points, answer.response_value)
        if earned is not None:
            answer.auto_score = answer.score = _money(earned)
        elif answer.response_value is None:
            answer.score = Decimal(0)  # an empty essay needs no trainer
    if attempt.kind == AttemptKind.PRETEST or all(a.score is not None for a in attempt.answers):
        for answer in attempt.answers:
            if answer.score is None:
                answer.score = Decimal(0)
        finalize(session, attempt, now=now)
    else:
        attempt.status = AttemptStatus.NEEDS_GRADING.value
    attempt.lock_version += 1
    session.flush()
    return attempt


def finalize(session: Session, attempt: QuizAttempt, *, now: datetime | None = None) -> None:
    """Every answer has a score: compute the attempt's result, tell the learner, record completion."""
    attempt.score = sum((a.score or Decimal(0) for a in attempt.answers), Decimal(0))
    maximum = attempt.max_score or Decimal(0)
    attempt.percent = _money(attempt.score * 100 / maximum) if maximum else Decimal(0)
    attempt.status = AttemptStatus.GRADED.value
    attempt.graded_at = now or utcnow()
    if attempt.kind == AttemptKind.QUIZ:
        attempt.passed = attempt.percent >= attempt.module.pass_mark
        completion.notify_result(session, attempt)
        completion.record_completion_if_done(session, attempt.user, attempt.module, now=attempt.graded_at)
    session.flush()


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expire_overdue(session: Session, now: datetime | None = None) -> int:
    """Submit every open attempt whose time is up (`lms tick`); returns how many."""
    now = now or utcnow()
    overdue = session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.status == AttemptStatus.IN_PROGRESS.value,
                                     QuizAttempt.deadline_at.is_not(None), QuizAttempt.deadline_at <= now)
        .options(*ATTEMPT_LOAD)).all()
    for attempt in overdue:
        submit(session, attempt, now=now, auto=True)
    return len(overdue)

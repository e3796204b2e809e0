"""Grading rules: manual grades, overrides and extra attempts, each written to the audit log.

Regrades against a corrected question version live in `lms.grading.regrade`.

Services take the acting user and plain values, check the rules, change rows and flush; the
request commits. A change to a submitted attempt first locks its row and compares the
`lock_version` the grader's form was built from: a stale form raises `StaleAttempt` before
anything is written, so two graders never silently overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from lms.auth.permissions import code_prefix, is_admin
from lms.cohorts.models import Cohort, CohortTrainer, Enrolment, EnrolmentStatus
from lms.content.models import Module
from lms.db import utcnow
from lms.grading.models import AttemptGrant, AuditAction, GradeAudit, ReviewFlag
from lms.grading.permissions import grading_scope, learner_clause
from lms.learning import quiz
from lms.learning.models import AttemptAnswer, AttemptKind, AttemptStatus, QuizAttempt
from lms.learning.records import attempts, attempts_left, granted_attempts
from lms.users.models import User

HALF = Decimal("0.5")
CENT = Decimal("0.01")


class GradingError(Exception):
    """A grading rule was broken; `message` is translated and shown to the grader."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class StaleAttempt(GradingError):
    def __init__(self) -> None:
        super().__init__(_("Someone else changed this attempt's grades while you were grading. Nothing of yours "
                           "was saved: the page now shows their grades; enter yours again if needed."), "stale")


def _points(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(CENT)}"


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_points(value: Decimal | float) -> str:
    return f"{float(value):g}"


# ------------------------------------------------------------------------------ scores


def parse_score(raw: str) -> Decimal | None:
    """A score as typed ("7", "7.5", "7,5"); None when empty. Raises GradingError when not a number."""
    text = raw.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise GradingError(_("Enter the score as a number, e.g. 7 or 7.5.")) from None
    if not value.is_finite():
        raise GradingError(_("Enter the score as a number, e.g. 7 or 7.5."))
    return value


def check_score(score: Decimal, points: Decimal) -> None:
    """From 0 to the question's points, in steps of half a point."""
    if score < 0:
        raise GradingError(_("The score cannot be negative."))
    if score > points:
        raise GradingError(_("The score cannot be more than the question's %(points)s points.",
                             points=format_points(points)))
    if score % HALF:
        raise GradingError(_("Use whole or half points, e.g. 7 or 7.5."))


# ------------------------------------------------------------------------------- audit


def _audit(session: Session, actor: User, action: AuditAction, *, attempt: QuizAttempt | None = None,
           learner_id: int | None = None, module_id: int | None = None, answer: AttemptAnswer | None = None,
           before: str | None = None, after: str | None = None, reason: str | None = None,
           now: datetime | None = None) -> GradeAudit:
    entry = GradeAudit(
        actor_id=actor.id, action=action.value, attempt_id=attempt.id if attempt else None,
        learner_id=attempt.user_id if attempt else learner_id, module_id=attempt.module_id if attempt else module_id,
        answer_id=answer.id if answer else None, before_value=before, after_value=after, reason=reason,
        created_at=now or utcnow())
    session.add(entry)
    session.flush()
    return entry


def attempt_audit(session: Session, attempt: QuizAttempt) -> list[GradeAudit]:
    return list(session.scalars(sa.select(GradeAudit).where(GradeAudit.attempt_id == attempt.id)
                                .order_by(GradeAudit.created_at, GradeAudit.id)))


def audit_log(action: str | None = None) -> sa.Select[tuple[GradeAudit]]:
    """The whole log for the admin view, newest first."""
    query = sa.select(GradeAudit).order_by(GradeAudit.created_at.desc(), GradeAudit.id.desc())
    return query.where(GradeAudit.action == action) if action else query


def open_flags(session: Session) -> list[ReviewFlag]:
    return list(session.scalars(sa.select(ReviewFlag).where(ReviewFlag.resolved_at.is_(None))
                                .order_by(ReviewFlag.created_at.desc())))


# ------------------------------------------------------------------------------- queue


def queue_query(viewer: User, *, module_id: int | None = None, region: str | None = None,
                cohort_id: int | None = None, graded: bool = False) -> sa.Select[tuple[QuizAttempt]]:
    """Attempts waiting for a human (oldest first), or recently graded ones (newest first)."""
    query = grading_scope(viewer).where(QuizAttempt.kind == AttemptKind.QUIZ.value)
    if graded:
        query = query.where(QuizAttempt.status == AttemptStatus.GRADED.value).order_by(
            QuizAttempt.graded_at.desc(), QuizAttempt.id.desc())
    else:
        query = query.where(QuizAttempt.status == AttemptStatus.NEEDS_GRADING.value).order_by(
            QuizAttempt.submitted_at, QuizAttempt.id)
    if module_id:
        query = query.where(QuizAttempt.module_id == module_id)
    if region:
        query = query.where(code_prefix(User.home_region_code, region))
    if cohort_id:
        query = query.where(User.id.in_(sa.select(Enrolment.user_id).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED.value)))
    return query.options(selectinload(QuizAttempt.user), selectinload(QuizAttempt.module))


def cohorts_to_filter(session: Session, viewer: User) -> list[Cohort]:
    """Cohorts offered in the queue's filter: the ones the trainer runs; for admins, all."""
    query = sa.select(Cohort).where(Cohort.status != "cancelled").order_by(Cohort.start_date.desc()).limit(100)
    if not is_admin(viewer):
        query = query.where(Cohort.id.in_(sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == viewer.id)))
    return list(session.scalars(query))


def waiting_counts(session: Session, viewer: User) -> list[tuple[Module, int]]:
    """Attempts waiting for grading per module, inside the viewer's scope."""
    rows = session.execute(
        sa.select(Module, sa.func.count(QuizAttempt.id))
        .join(QuizAttempt, QuizAttempt.module_id == Module.id).join(User, QuizAttempt.user_id == User.id)
        .where(learner_clause(viewer), QuizAttempt.kind == AttemptKind.QUIZ.value,
               QuizAttempt.status == AttemptStatus.NEEDS_GRADING.value)
        .group_by(Module).order_by(Module.number))
    return [(module, count) for module, count in rows]


def next_waiting(session: Session, viewer: User, after: QuizAttempt) -> QuizAttempt | None:
    """The oldest other attempt waiting for this grader ("save and next")."""
    return session.scalar(queue_query(viewer).where(QuizAttempt.id != after.id).limit(1))


# ------------------------------------------------------------------ grading an attempt


def is_manual(answer: AttemptAnswer) -> bool:
    """Graded by a person: essays."""
    return not answer.version.is_auto_graded


@dataclass(frozen=True)
class AnswerGrade:
    answer_id: int
    score: Decimal | None  # None: not graded yet
    comment: str | None


def _lock_checked(session: Session, attempt: QuizAttempt, lock_version: int) -> None:
    quiz.lock(session, attempt)
    if attempt.lock_version != lock_version:
        raise StaleAttempt()
    if attempt.is_open:
        raise GradingError(_("This attempt has not been submitted yet."), "open")


def _settle(session: Session, attempt: QuizAttempt, scores_changed: bool, now: datetime) -> bool:
    """Once every answer has a score, compute the result (learning's `finalize`); True when it did."""
    if any(answer.score is None for answer in attempt.answers):
        return False
    if attempt.status == AttemptStatus.NEEDS_GRADING or scores_changed:
        quiz.finalize(session, attempt, now=now)
        return True
    return False


def grade_attempt(session: Session, attempt: QuizAttempt, grader: User, grades: list[AnswerGrade],
                  comment: str | None, lock_version: int, *, now: datetime | None = None) -> bool:
    """Save a grader's scores and comments for the essays of an attempt, and its overall comment.

    Returns True when this completed the grading (or changed a final result) and the result
    was computed. Raises StaleAttempt (writing nothing) when the form was built from an older
    state of the attempt, GradingError on a bad score.
    """
    now = now or utcnow()
    _lock_checked(session, attempt, lock_version)
    by_id = {answer.id: answer for answer in attempt.answers}
    for grade in grades:  # check everything before changing anything
        answer = by_id.get(grade.answer_id)
        if answer is None or not is_manual(answer):
            raise GradingError(_("That answer is not one a trainer grades in this attempt."))
        if grade.score is None and answer.score is not None:
            raise GradingError(_("Question %(n)d: a score cannot be removed; enter 0 or more.", n=answer.position))
        if grade.score is not None:
            check_score(grade.score, answer.version.points)
    scores_changed = changed = False
    for grade in grades:
        answer = by_id[grade.answer_id]
        text = (grade.comment or "").strip() or None
        if grade.score is not None and grade.score != answer.score:
            _audit(session, grader, AuditAction.GRADE, attempt=attempt, answer=answer, before=_points(answer.score),
                   after=_points(grade.score), now=now)
            answer.score = _money(grade.score)
            answer.graded_by_id, answer.graded_at = grader.id, now
            scores_changed = changed = True
        if text != answer.comment:
            answer.comment = text
            changed = True
    overall = (comment or "").strip() or None
    if overall != attempt.comment:
        _audit(session, grader, AuditAction.COMMENT, attempt=attempt, before=attempt.comment, after=overall, now=now)
        attempt.comment = overall
        changed = True
    if changed:
        attempt.lock_version += 1
    finalized = _settle(session, attempt, scores_changed, now)
    session.flush()
    return finalized


def override_score(session: Session, answer: AttemptAnswer, grader: User, score: Decimal, reason: str,
                   lock_version: int, *, now: datetime | None = None) -> None:
    """Change an automatic score; the reason is required and goes to the audit log."""
    now = now or utcnow()
    attempt = answer.attempt
    _lock_checked(session, attempt, lock_version)
    if is_manual(answer):
        raise GradingError(_("Essays are graded with the grading form, not overridden."))
    reason = (reason or "").strip()
    if not reason:
        raise GradingError(_("Give a reason for changing an automatic score."))
    check_score(score, answer.version.points)
    if answer.score is not None and _money(score) == answer.score:
        raise GradingError(_("That is already the score of this answer."))
    _audit(session, grader, AuditAction.OVERRIDE, attempt=attempt, answer=answer, before=_points(answer.score),
           after=_points(score), reason=reason, now=now)
    answer.score = _money(score)
    answer.graded_by_id, answer.graded_at = grader.id, now
    attempt.lock_version += 1
    _settle(session, attempt, True, now)
    session.flush()


# ----------------------------------------------------------------------- extra attempts


def grant_attempt(session: Session, learner: User, module: Module, granter: User, reason: str,
                  *, now: datetime | None = None) -> AttemptGrant:
    """One more quiz attempt for a learner who used all of theirs."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise GradingError(_("Give a reason for the extra attempt."))
    granted = granted_attempts(session, learner, module)
    if attempts_left(module, attempts(session, learner, module), granted):
        raise GradingError(_("This learner still has attempts left."))
    grant = AttemptGrant(user_id=learner.id, module_id=module.id, granted_by_id=granter.id, reason=reason,
                         created_at=now)
    session.add(grant)
    allowed = module.attempts_allowed + granted
    _audit(session, granter, AuditAction.GRANT, learner_id=learner.id, module_id=module.id,
           before=str(allowed), after=str(allowed + 1), reason=reason, now=now)
    return grant

"""Regrading: rescoring submitted answers against a question's corrected version.

A preview (`regrade_plan`) shows attempt by attempt what would change; `apply_regrade` rescores,
pins the answers to the current version, writes one audit entry per changed attempt and flags
learners whose completed module turns to failed. Like the other grading services it flushes; the
request commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.content.grading import score_answer
from lms.content.models import Module, Question, QuestionVersion
from lms.db import utcnow
from lms.grading.models import AuditAction, FlagKind, GradeAudit, ReviewFlag
from lms.grading.permissions import learner_clause
from lms.grading.services import GradingError, _audit, _money, _points
from lms.learning import quiz
from lms.learning.completion import module_passed
from lms.learning.models import AttemptAnswer, AttemptKind, AttemptStatus, ModuleCompletion, QuizAttempt
from lms.users.models import User


@dataclass
class RegradeChange:
    attempt: QuizAttempt
    answers: list[tuple[AttemptAnswer, Decimal]]  # answer, its score against the new version
    score_before: Decimal | None  # None while the attempt still waits for grading
    score_after: Decimal | None
    max_after: Decimal
    passed_before: bool | None
    passed_after: bool | None

    @property
    def is_changed(self) -> bool:
        return (any(answer.score != score for answer, score in self.answers)
                or self.max_after != self.attempt.max_score)

    @property
    def flips(self) -> bool:
        """Passed ↔ failed."""
        return (self.passed_before is not None and self.passed_after is not None
                and self.passed_before != self.passed_after)


@dataclass
class RegradePlan:
    question: Question
    version: QuestionVersion
    changes: list[RegradeChange] = field(default_factory=list)  # attempts whose result changes
    same: list[RegradeChange] = field(default_factory=list)     # rescored, nothing changes
    skipped: int = 0  # answers whose old version cannot be scored against the new one

    @property
    def flips(self) -> list[RegradeChange]:
        return [change for change in self.changes if change.flips]


def _compatible(old: QuestionVersion, new: QuestionVersion) -> bool:
    """Responses to `old` mean the same under `new`: same type and, for choices, as many choices."""
    if old.type != new.type or not new.is_auto_graded:
        return False
    return len(old.payload.get("choices", [])) == len(new.payload.get("choices", []))


def outdated_answers(viewer: User, question: Question) -> sa.Select[tuple[AttemptAnswer]]:
    """Answers of submitted attempts (in the viewer's scope) pinned to an older version of `question`."""
    return (sa.select(AttemptAnswer)
            .join(QuestionVersion, AttemptAnswer.question_version_id == QuestionVersion.id)
            .join(QuizAttempt, AttemptAnswer.attempt_id == QuizAttempt.id)
            .join(User, QuizAttempt.user_id == User.id)
            .where(QuestionVersion.question_id == question.id,
                   AttemptAnswer.question_version_id != question.current_version_id,
                   QuizAttempt.status != AttemptStatus.IN_PROGRESS.value, learner_clause(viewer))
            .order_by(AttemptAnswer.attempt_id, AttemptAnswer.position))


def questions_to_regrade(session: Session, viewer: User, module: Module) -> list[tuple[Question, int]]:
    """Questions of the module with submitted answers on an older version, and how many attempts."""
    rows = session.execute(
        sa.select(Question, sa.func.count(sa.distinct(AttemptAnswer.attempt_id)))
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .join(AttemptAnswer, AttemptAnswer.question_version_id == QuestionVersion.id)
        .join(QuizAttempt, AttemptAnswer.attempt_id == QuizAttempt.id)
        .join(User, QuizAttempt.user_id == User.id)
        .where(Question.module_id == module.id, QuestionVersion.id != Question.current_version_id,
               QuizAttempt.status != AttemptStatus.IN_PROGRESS.value, learner_clause(viewer))
        .group_by(Question).order_by(Question.position, Question.id))
    return [(question, count) for question, count in rows]


def _rescore(attempt: QuizAttempt, answers: list[AttemptAnswer], version: QuestionVersion) -> RegradeChange:
    rescored = [(answer, _money(Decimal(str(score_answer(version.payload, version.type, version.points,
                                                         answer.response_value) or 0))))
                for answer in answers]
    new_scores = {answer.id: score for answer, score in rescored}
    maximum = sum((version.points if a.id in new_scores else a.version.points for a in attempt.answers),
                  Decimal(0))
    graded = attempt.status == AttemptStatus.GRADED
    total = sum((new_scores.get(a.id, a.score or Decimal(0)) for a in attempt.answers), Decimal(0))
    passed_after = None
    if graded and attempt.kind == AttemptKind.QUIZ:
        passed_after = (_money(total * 100 / maximum) if maximum else Decimal(0)) >= attempt.module.pass_mark
    return RegradeChange(attempt=attempt, answers=rescored, score_before=attempt.score if graded else None,
                         score_after=total if graded else None, max_after=maximum,
                         passed_before=attempt.passed if graded else None, passed_after=passed_after)


def regrade_plan(session: Session, viewer: User, question: Question) -> RegradePlan:
    """What a regrade against the question's current version would do, attempt by attempt."""
    version = question.current_version
    if version is None:
        raise GradingError(_("This question has no version to regrade against."))
    plan = RegradePlan(question=question, version=version)
    by_attempt: dict[int, list[AttemptAnswer]] = {}
    for answer in session.scalars(outdated_answers(viewer, question)):
        if _compatible(answer.version, version):
            by_attempt.setdefault(answer.attempt_id, []).append(answer)
        else:
            plan.skipped += 1
    for answers in by_attempt.values():
        change = _rescore(answers[0].attempt, answers, version)
        (plan.changes if change.is_changed else plan.same).append(change)
    plan.changes.sort(key=lambda change: (not change.flips, change.attempt.id))
    return plan


@dataclass(frozen=True)
class RegradeResult:
    changed: int
    unchanged: int
    flagged: int


def apply_regrade(session: Session, viewer: User, question: Question, *,
                  now: datetime | None = None) -> RegradeResult:
    """Rescore every answer on an older version against the current one (and pin it to that
    version); one audit entry per attempt whose result changed. A learner whose completed module
    turns to failed is flagged for an admin: the completion (later: the certificate) stays."""
    now = now or utcnow()
    plan = regrade_plan(session, viewer, question)
    for change in plan.same:
        for answer, _score in change.answers:
            answer.version = plan.version
    flagged = 0
    for change in plan.changes:
        attempt = change.attempt
        quiz.lock(session, attempt)
        graded = attempt.status == AttemptStatus.GRADED
        before = _points(attempt.score) if graded else None
        old_numbers = sorted({answer.version.number for answer, _score in change.answers})
        for answer, score in change.answers:
            answer.version = plan.version
            answer.auto_score = answer.score = score
        attempt.max_score = change.max_after
        attempt.lock_version += 1
        if graded:
            quiz.finalize(session, attempt, now=now)  # new score, percent, pass; tells the learner
        reason = f"{question.key}: v{', v'.join(str(n) for n in old_numbers)} → v{plan.version.number}"
        entry = _audit(session, viewer, AuditAction.REGRADE, attempt=attempt, before=before,
                       after=_points(attempt.score) if graded else None, reason=reason, now=now)
        if change.passed_before and attempt.passed is False and _flag_if_certified(session, attempt, entry, now):
            flagged += 1
    session.flush()
    return RegradeResult(changed=len(plan.changes), unchanged=len(plan.same), flagged=flagged)


def _flag_if_certified(session: Session, attempt: QuizAttempt, entry: GradeAudit, now: datetime) -> bool:
    """Certificates do not exist yet: a recorded module completion stands for one."""
    if session.get(ModuleCompletion, (attempt.user_id, attempt.module_id)) is None:
        return False
    still_passed, _score = module_passed(session, attempt.user, attempt.module)
    if still_passed:
        return False
    session.add(ReviewFlag(kind=FlagKind.FAILED_AFTER_REGRADE.value, user_id=attempt.user_id,
                           module_id=attempt.module_id, attempt_id=attempt.id, audit_id=entry.id, created_at=now))
    return True

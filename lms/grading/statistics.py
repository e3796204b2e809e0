"""Question statistics per module quiz, as Moodle's quiz statistics report computes them.

For each question, over the graded quiz attempts (pre-tests and attempts still waiting for
grading do not count) that drew it:

- facility index: the mean score on the question as a share of its points, in percent (for a
  question scored right or wrong: the share of attempts that got it right);
- discrimination index: 100 × the Pearson correlation between the score on the question and the
  score on the rest of the attempt (the attempt's total minus this question), so a question does
  not correlate with itself; None when fewer than two attempts or either score never varies;
- how often each choice was picked;
- flags: too hard (facility < 20 %), too easy (facility > 95 %), misleading (negative discrimination).

Attempts are grouped by question, whatever version they used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from lms.content.models import Module, Question, QuestionVersion
from lms.grading.permissions import learner_clause
from lms.learning.models import AttemptAnswer, AttemptKind, AttemptStatus, QuizAttempt
from lms.users.models import User

TOO_HARD = 20.0
TOO_EASY = 95.0

FLAG_LABELS = {
    "too_hard": _l("Too hard"),
    "too_easy": _l("Too easy"),
    "misleading": _l("Misleading"),
}


def facility_index(scores: Sequence[float], points: Sequence[float]) -> float | None:
    """100 × mean(score / points)."""
    fractions = [score / maximum for score, maximum in zip(scores, points, strict=True) if maximum]
    return 100 * sum(fractions) / len(fractions) if fractions else None


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than two pairs, or no spread)."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None
    return cov / math.sqrt(var_x * var_y)


def discrimination_index(scores: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 × r(score on the question, score on the rest of the attempt)."""
    r = correlation(scores, rest)
    return None if r is None else 100 * r


def flags(facility: float | None, discrimination: float | None) -> list[str]:
    found = []
    if facility is not None and facility < TOO_HARD:
        found.append("too_hard")
    if facility is not None and facility > TOO_EASY:
        found.append("too_easy")
    if discrimination is not None and discrimination < 0:
        found.append("misleading")
    return found


@dataclass
class ChoiceCount:
    label: str
    count: int
    correct: bool


@dataclass
class QuestionStat:
    question: Question
    version: QuestionVersion  # the current one: its text and choices are shown
    scores: list[float] = field(default_factory=list)
    points: list[float] = field(default_factory=list)
    rest: list[float] = field(default_factory=list)
    responses: list[object] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return len(self.scores)

    @property
    def facility(self) -> float | None:
        return facility_index(self.scores, self.points)

    @property
    def discrimination(self) -> float | None:
        return discrimination_index(self.scores, self.rest)

    @property
    def flags(self) -> list[str]:
        return flags(self.facility, self.discrimination)

    @property
    def choices(self) -> list[ChoiceCount]:
        """How often each choice was picked (choice and true/false questions)."""
        data = self.version.payload
        if self.version.type in ("single", "multiple"):
            counts = [0] * len(data.get("choices", []))
            for response in self.responses:
                picked = response if isinstance(response, list) else [response]
                for index in picked:
                    if isinstance(index, int) and 0 <= index < len(counts):
                        counts[index] += 1
            return [ChoiceCount(label=str(choice.get("text", "")), count=counts[index],
                                correct=bool(choice.get("correct")) or float(choice.get("weight", 0)) > 0)
                    for index, choice in enumerate(data.get("choices", []))]
        if self.version.type == "truefalse":
            return [ChoiceCount(label=str(_l("True")), count=sum(1 for r in self.responses if r is True),
                                correct=data.get("answer") is True),
                    ChoiceCount(label=str(_l("False")), count=sum(1 for r in self.responses if r is False),
                                correct=data.get("answer") is False)]
        return []


def graded_answers(viewer: User, module: Module) -> sa.Select[tuple[AttemptAnswer]]:
    """Answers of the module's graded quiz attempts, of learners in the viewer's scope."""
    return (sa.select(AttemptAnswer).join(QuizAttempt, AttemptAnswer.attempt_id == QuizAttempt.id)
            .join(User, QuizAttempt.user_id == User.id)
            .where(QuizAttempt.module_id == module.id, QuizAttempt.kind == AttemptKind.QUIZ.value,
                   QuizAttempt.status == AttemptStatus.GRADED.value, learner_clause(viewer))
            .options(selectinload(AttemptAnswer.version).selectinload(QuestionVersion.question)
                     .selectinload(Question.current_version))
            .order_by(AttemptAnswer.attempt_id, AttemptAnswer.position))


def module_statistics(session: Session, viewer: User, module: Module) -> list[QuestionStat]:
    answers = list(session.scalars(graded_answers(viewer, module)))
    totals: dict[int, float] = {}
    for answer in answers:
        totals[answer.attempt_id] = totals.get(answer.attempt_id, 0.0) + float(answer.score or 0)
    stats: dict[int, QuestionStat] = {}
    for answer in answers:
        question = answer.version.question
        stat = stats.get(question.id)
        if stat is None:
            stat = stats[question.id] = QuestionStat(question=question,
                                                     version=question.current_version or answer.version)
        score = float(answer.score or 0)
        stat.scores.append(score)
        stat.points.append(float(answer.version.points))
        stat.rest.append(totals[answer.attempt_id] - score)
        stat.responses.append(answer.response_value)
    return sorted(stats.values(), key=lambda stat: (stat.question.position, stat.question.id))

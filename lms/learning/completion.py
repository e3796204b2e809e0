"""When a module is complete, and telling the learner their result."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.content.models import Module
from lms.db import utcnow
from lms.learning.models import ModuleCompletion, QuizAttempt
from lms.learning.records import graded_quiz_attempts, lessons_done, module_score
from lms.notifications.models import Notification
from lms.notifications.services import Described, notify, register_kind
from lms.users.models import User

RESULT_KIND = "attempt_result"


def module_passed(session: Session, user: User, module: Module) -> tuple[bool, float | None]:
    score = module_score(graded_quiz_attempts(session, user, module), module.grading_method)
    return score is not None and score >= module.pass_mark, score


def record_completion_if_done(session: Session, user: User, module: Module,
                              now: datetime | None = None) -> ModuleCompletion | None:
    """A module is complete when every lesson is done and its quiz is passed; recorded once, with its date."""
    existing = session.get(ModuleCompletion, (user.id, module.id))
    if existing is not None:
        return existing
    done, total = lessons_done(session, user, module)
    passed, score = module_passed(session, user, module)
    if done < total or not passed or score is None:
        return None
    completion = ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=now or utcnow(),
                                  score_percent=Decimal(str(score)))
    session.add(completion)
    session.flush()
    return completion


def notify_result(session: Session, attempt: QuizAttempt) -> None:
    notify(session, attempt.user_id, RESULT_KIND, attempt)


def _describe_result(session: Session, notification: Notification) -> Described | None:
    attempt = session.get(QuizAttempt, notification.target_id)
    if attempt is None:
        return None
    title = attempt.module.title(str(get_locale() or "id"))
    if attempt.passed:
        text = _("Quiz result for %(module)s: passed with %(score)s%%.", module=title,
                 score=f"{attempt.percent_value:g}")
    else:
        text = _("Quiz result for %(module)s: not passed (%(score)s%%).", module=title,
                 score=f"{attempt.percent_value:g}")
    return Described(text=text, url=url_for("learning.review", attempt_id=attempt.id))


register_kind(RESULT_KIND, _describe_result)

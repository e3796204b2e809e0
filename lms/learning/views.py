"""The learner's path: lessons done, quiz attempts (form and JSON), review, `lms tick`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import db
from lms.auth.permissions import is_pendamping, require
from lms.content import services as content
from lms.content.models import Lesson, Module
from lms.content.rendering import render_text
from lms.db import utcnow
from lms.learning import progress, quiz
from lms.learning import review as reviewing
from lms.learning.forms import field_name, form_response
from lms.learning.models import AttemptKind, QuizAttempt
from lms.learning.records import attempts, attempts_left, granted_attempts

bp = Blueprint("learning", __name__)


def _module_or_404(slug: str) -> Module:
    module = content.find_module(db.session(), slug)
    if module is None:
        abort(404)
    return module


def _own_attempt_or_404(attempt_id: int) -> QuizAttempt:
    """Another learner's attempt is 'not found': its existence is not revealed."""
    attempt = db.session.get(QuizAttempt, attempt_id, options=quiz.ATTEMPT_LOAD)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


@bp.post("/modules/<slug>/lessons/<key>/done")
@require(is_pendamping)
def mark_done(slug: str, key: str) -> Response | tuple[Response, int]:
    module = _module_or_404(slug)
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.key == key, Lesson.module_id == module.id,
                                                          Lesson.is_retired.is_(False)))
    if lesson is None:
        abort(404)
    progress.mark_done(db.session(), current_user, lesson)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(done=True, lesson=lesson.key)
    following = request.form.get("next")
    if following == "next":
        lessons = content.module_lessons(db.session(), module)
        _previous, after = content.neighbours(lessons, lesson)
        if after is not None:
            return redirect(url_for("content.lesson", slug=slug, key=after.key))
    flash(_("Lesson marked as done."), "success")
    return redirect(url_for("content.module", slug=slug))


@bp.post("/modules/<slug>/<any(quiz, pretest):kind>/start")
@require(is_pendamping)
def start(slug: str, kind: str) -> Response:
    module = _module_or_404(slug)
    try:
        attempt = quiz.start_attempt(db.session(), current_user, module, kind)
    except quiz.QuizError as error:
        flash(error.message, "error")
        return redirect(url_for("content.module", slug=slug))
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@require(is_pendamping)
def attempt(attempt_id: int) -> str | Response:
    attempt = _own_attempt_or_404(attempt_id)
    db.mark_write()  # an attempt whose time is up is submitted on its next access
    if quiz.expire_if_overdue(db.session(), attempt):
        flash(_("The time was up: your attempt was submitted with the answers you had saved."), "info")
    if not attempt.is_open:
        return redirect(url_for("learning.review", attempt_id=attempt.id))
    return render_template("learning/attempt.html", attempt=attempt, module=attempt.module,
                           items=[(answer, reviewing.shown_choices(answer)) for answer in attempt.answers],
                           field_name=field_name, render_text=render_text, now=utcnow())


@bp.post("/attempts/<int:attempt_id>")
@require(is_pendamping)
def save(attempt_id: int) -> Response:
    """Save every answer on the page; with `submit`, then submit the attempt."""
    attempt = _own_attempt_or_404(attempt_id)
    responses = {}
    for answer in attempt.answers:
        present, raw = form_response(answer, request.form)
        if present:
            responses[answer.position] = raw
    try:
        problems = quiz.save_answers(db.session(), attempt, responses)
    except quiz.QuizError as error:  # the time is up, or the attempt was submitted in another tab
        flash(error.message, "info")
        return redirect(url_for("learning.review", attempt_id=attempt.id))
    for position, error in sorted(problems.items()):
        flash(_("Question %(n)d: %(message)s", n=position, message=error.message), "error")
    errors = len(problems)
    if "submit" in request.form and not errors:
        quiz.submit(db.session(), attempt)
        return redirect(url_for("learning.review", attempt_id=attempt.id))
    if not errors:
        flash(_("Your answers are saved."), "success")
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


@bp.post("/api/attempts/<int:attempt_id>/answers")
@require(is_pendamping)
def save_json(attempt_id: int) -> tuple[Response, int]:
    """Save one answer: `{"position": 3, "response": …, "key": "<client id>", "seq": 17}`.

    Answers `{"ack": key, "applied": bool}`: an acknowledged key may be dropped from the
    client's queue, whether or not it was applied (a replay, or older than what is saved).
    """
    attempt = _own_attempt_or_404(attempt_id)
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("position"), int):
        return _json_error(400, "bad_request", _("Send a JSON object with a position and a response."))
    key, seq = body.get("key"), body.get("seq")
    if key is not None and (not isinstance(key, str) or not 8 <= len(key) <= 64):
        return _json_error(400, "bad_key", _("The key must be a text of 8 to 64 characters."))
    if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0):
        return _json_error(400, "bad_seq", _("The sequence number must be a whole number."))
    try:
        result = quiz.save_answer(db.session(), attempt, body["position"], body.get("response"), key=key, seq=seq)
    except quiz.QuizError as error:
        status = {"time_up": 409, "closed": 409, "no_question": 404}.get(error.code, 400)
        if error.code == "time_up":
            db.commit()  # keep the automatic submission although this save is refused
        return _json_error(status, error.code, error.message, ack=key if status == 409 else None)
    return jsonify(ack=key, applied=result.applied, replayed=result.replayed), 200


def _json_error(status: int, code: str, message: str, ack: str | None = None) -> tuple[Response, int]:
    body: dict[str, Any] = {"error": {"status": status, "code": code, "message": message}}
    if ack:
        body["ack"] = ack  # the client can stop retrying: this save will never apply
    return jsonify(body), status


@bp.get("/attempts/<int:attempt_id>/review")
@require(is_pendamping)
def review(attempt_id: int) -> str | Response:
    attempt = _own_attempt_or_404(attempt_id)
    db.mark_write()
    quiz.expire_if_overdue(db.session(), attempt)
    if attempt.is_open:
        return redirect(url_for("learning.attempt", attempt_id=attempt.id))
    session = db.session()
    status = progress.module_status(session, current_user, attempt.module)
    return render_template(
        "learning/review.html", attempt=attempt, module=attempt.module, status=status,
        items=reviewing.review_items(attempt), show_answers=reviewing.may_show_answers(session, attempt),
        study_again=reviewing.study_again(session, attempt), render_text=render_text,
        attempts_left=attempts_left(attempt.module, attempts(session, current_user, attempt.module),
                                    granted_attempts(session, current_user, attempt.module)),
        is_pretest=attempt.kind == AttemptKind.PRETEST)

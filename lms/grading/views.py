"""Grading pages: the queue, grading an attempt, overrides, extra attempts, regrades,
question statistics (and CSV) and the admin's audit log.

Each view loads through a scoped query (outside the grader's regions: 404), checks the role
with `@require` (403), calls a service and redirects. Nothing here updates or deletes an
audit entry: the audit pages are read-only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms import db
from lms.auth.forms import ConfirmForm
from lms.auth.permissions import require
from lms.content import services as content
from lms.content.models import Module, Question
from lms.content.rendering import render_text
from lms.core.pagination import paginate
from lms.grading import regrade, services, statistics
from lms.grading.forms import ACTION_LABELS, AuditFilterForm, GradeForm, GrantForm, OverrideForm, QueueFilterForm
from lms.grading.models import GradeAudit
from lms.grading.permissions import can_grade, can_view_grade_audit, grading_scope
from lms.grading.services import AnswerGrade, GradingError
from lms.learning import review as reviewing
from lms.learning.models import AttemptAnswer, AttemptStatus, QuizAttempt
from lms.learning.records import attempts, attempts_left, granted_attempts

bp = Blueprint("grading", __name__, url_prefix="/grading")


def _attempt_or_404(attempt_id: int) -> QuizAttempt:
    """An attempt outside the grader's scope is 'not found', never 'forbidden'."""
    attempt = db.session.scalar(grading_scope(current_user).where(QuizAttempt.id == attempt_id,
                                                                  QuizAttempt.status != AttemptStatus.IN_PROGRESS))
    if attempt is None:
        abort(404)
    return attempt


def _module_or_404(slug: str) -> Module:
    module = content.find_module(db.session(), slug)
    if module is None:
        abort(404)
    return module


def _rollback() -> None:
    g.lms_rollback = True


# ------------------------------------------------------------------------------- queue


@bp.get("/")
@require(can_grade)
def queue() -> str:
    session = db.session()
    counts = services.waiting_counts(session, current_user)
    modules = content.active_modules(session)
    form = QueueFilterForm(request.args)
    form.module.choices = [("", _("All modules")), *((m.slug, _("Module %(n)d", n=m.number)) for m in modules)]
    cohorts = services.cohorts_to_filter(session, current_user)
    form.cohort.choices = [("", _("All cohorts")), *((str(c.id), c.name) for c in cohorts)]
    filters: dict = {}
    if form.validate():
        module = next((m for m in modules if m.slug == form.module.data), None)
        filters = {"module_id": module.id if module else None, "region": (form.region.data or "").strip() or None,
                   "cohort_id": int(form.cohort.data) if form.cohort.data else None,
                   "graded": form.status.data == "graded"}
    page = paginate(session, services.queue_query(current_user, **filters), request.args.get("page", 1, type=int),
                    current_app.config["PER_PAGE"])
    return render_template("grading/queue.html", form=form, page=page, counts=counts, modules=modules,
                           waiting=sum(n for _module, n in counts), graded=filters.get("graded", False))


# ---------------------------------------------------------------------- grading page


def _manual_answers(attempt: QuizAttempt) -> list[AttemptAnswer]:
    return [answer for answer in attempt.answers if services.is_manual(answer)]


def _grade_form(attempt: QuizAttempt) -> GradeForm:
    manual = _manual_answers(attempt)
    if request.method == "POST":
        form = GradeForm()
    else:
        form = GradeForm(data={
            "lock_version": attempt.lock_version, "comment": attempt.comment or "",
            "answers": [{"answer_id": answer.id, "comment": answer.comment or "",
                         "score": "" if answer.score is None else services.format_points(answer.score)}
                        for answer in manual]})
    if len(form.answers.entries) != len(manual):
        abort(400)  # a form for another attempt, or tampered with
    for entry, answer in zip(form.answers.entries, manual, strict=True):
        entry.form.points = answer.version.points
    return form


def _render_attempt(attempt: QuizAttempt, form: GradeForm, status: int = 200) -> tuple[str, int]:
    session = db.session()
    learner, module = attempt.user, attempt.module
    left = attempts_left(module, attempts(session, learner, module), granted_attempts(session, learner, module))
    entries = {answer.id: entry for entry, answer in zip(form.answers.entries, _manual_answers(attempt),
                                                         strict=True)}
    overrides = {answer.id: OverrideForm(formdata=None, lock_version=attempt.lock_version)
                 for answer in attempt.answers if not services.is_manual(answer)}
    html = render_template(
        "grading/attempt.html", attempt=attempt, learner=learner, module=module, form=form, entries=entries,
        overrides=overrides, items=reviewing.review_items(attempt), render_text=render_text,
        audit=services.attempt_audit(session, attempt), action_labels=ACTION_LABELS, attempts_left=left,
        grant_form=GrantForm(formdata=None) if not left and attempt.kind == "quiz" else None,
        format_points=services.format_points)
    return html, status


@bp.get("/attempts/<int:attempt_id>")
@require(can_grade)
def attempt(attempt_id: int) -> tuple[str, int]:
    attempt = _attempt_or_404(attempt_id)
    return _render_attempt(attempt, _grade_form(attempt))


@bp.post("/attempts/<int:attempt_id>")
@require(can_grade)
def grade(attempt_id: int) -> tuple[str, int] | Response:
    attempt = _attempt_or_404(attempt_id)
    form = _grade_form(attempt)
    if not form.validate_on_submit():
        _rollback()
        flash(_("Some scores need correcting: see the messages below."), "error")
        return _render_attempt(attempt, form)
    grades = [AnswerGrade(answer_id=answer.id, score=entry.form.value, comment=entry.form.comment.data)
              for entry, answer in zip(form.answers.entries, _manual_answers(attempt), strict=True)]
    try:
        finalized = services.grade_attempt(db.session(), attempt, current_user, grades, form.comment.data,
                                           _int(form.lock_version.data))
    except GradingError as error:
        _rollback()
        flash(error.message, "error")
        if error.code == "stale":
            return redirect(url_for("grading.attempt", attempt_id=attempt.id))
        return _render_attempt(attempt, form)
    if finalized:
        flash(_("Grading complete: %(name)s has been told the result.", name=attempt.user.name), "success")
    else:
        flash(_("Grades saved."), "success")
    if form.save_next.data:
        following = services.next_waiting(db.session(), current_user, attempt)
        if following is not None:
            return redirect(url_for("grading.attempt", attempt_id=following.id))
        flash(_("No more attempts are waiting for grading."), "info")
        return redirect(url_for("grading.queue"))
    return redirect(url_for("grading.attempt", attempt_id=attempt.id))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1  # never a lock version: treated as a stale form


@bp.post("/answers/<int:answer_id>/override")
@require(can_grade)
def override(answer_id: int) -> tuple[str, int] | Response:
    answer = db.get_or_404(AttemptAnswer, answer_id)
    attempt = _attempt_or_404(answer.attempt_id)
    form = OverrideForm()
    form.points = answer.version.points
    if form.validate_on_submit() and form.value is not None:
        try:
            services.override_score(db.session(), answer, current_user, form.value, form.reason.data or "",
                                    _int(form.lock_version.data))
        except GradingError as error:
            _rollback()
            flash(error.message, "error")
        else:
            flash(_("Question %(n)d: score changed.", n=answer.position), "success")
    else:
        _rollback()
        for message in [*form.score.errors, *form.reason.errors]:
            flash(_("Question %(n)d: %(message)s", n=answer.position, message=message), "error")
    return redirect(url_for("grading.attempt", attempt_id=attempt.id, _anchor=f"a{answer.position}"))


@bp.post("/attempts/<int:attempt_id>/grant")
@require(can_grade)
def grant(attempt_id: int) -> Response:
    attempt = _attempt_or_404(attempt_id)
    form = GrantForm()
    if not form.validate_on_submit():
        _rollback()
        for message in form.reason.errors:
            flash(message, "error")
        return redirect(url_for("grading.attempt", attempt_id=attempt.id, _anchor="grant"))
    try:
        services.grant_attempt(db.session(), attempt.user, attempt.module, current_user, form.reason.data or "")
    except GradingError as error:
        _rollback()
        flash(error.message, "error")
    else:
        flash(_("%(name)s may take one more attempt.", name=attempt.user.name), "success")
    return redirect(url_for("grading.attempt", attempt_id=attempt.id))


# -------------------------------------------------------------------------- regrading


@bp.get("/modules/<slug>/regrade")
@require(can_grade)
def regrade_list(slug: str) -> str:
    module = _module_or_404(slug)
    rows = regrade.questions_to_regrade(db.session(), current_user, module)
    return render_template("grading/regrade_list.html", module=module, rows=rows)


@bp.get("/questions/<int:question_id>/regrade")
@require(can_grade)
def regrade_preview(question_id: int) -> str:
    question = db.get_or_404(Question, question_id)
    plan = regrade.regrade_plan(db.session(), current_user, question)
    return render_template("grading/regrade_preview.html", question=question, module=question.module, plan=plan,
                           confirm=ConfirmForm(), format_points=services.format_points)


@bp.post("/questions/<int:question_id>/regrade")
@require(can_grade)
def regrade_apply(question_id: int) -> Response:
    question = db.get_or_404(Question, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    result = regrade.apply_regrade(db.session(), current_user, question)
    flash(_("Regraded: %(changed)d attempts changed, %(same)d unchanged, %(flagged)d flagged for an admin.",
            changed=result.changed, same=result.unchanged, flagged=result.flagged), "success")
    return redirect(url_for("grading.regrade_list", slug=question.module.slug))


# ------------------------------------------------------------------------- statistics


@bp.get("/modules/<slug>/statistics")
@require(can_grade)
def stats(slug: str) -> str:
    module = _module_or_404(slug)
    rows = statistics.module_statistics(db.session(), current_user, module)
    return render_template("grading/statistics.html", module=module, rows=rows,
                           flag_labels=statistics.FLAG_LABELS, render_text=render_text)


def _csv_text(value: str) -> str:
    """Text a spreadsheet would run as a formula is quoted (numbers are written as they are)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/modules/<slug>/statistics.csv")
@require(can_grade)
def stats_csv(slug: str) -> Response:
    module = _module_or_404(slug)
    rows = statistics.module_statistics(db.session(), current_user, module)

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def line(values: list[object]) -> str:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(values)
            return buffer.getvalue()

        yield line(["question", "version", "type", "attempts", "facility_percent", "discrimination_index",
                    "flags", "choice_counts"])
        for row in rows:
            yield line([_csv_text(row.question.key), row.version.number, row.version.type, row.attempts,
                        _round(row.facility), _round(row.discrimination), " ".join(row.flags),
                        _csv_text(" | ".join(f"{choice.label}: {choice.count}" for choice in row.choices))])

    filename = f"statistics-{module.slug}.csv"
    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


# ------------------------------------------------------------------------------ audit


@bp.get("/audit")
@require(can_view_grade_audit)
def audit() -> str:
    form = AuditFilterForm(request.args)
    query = services.audit_log(form.action.data if form.validate() else None)
    query = query.options(selectinload(GradeAudit.actor), selectinload(GradeAudit.learner),
                          selectinload(GradeAudit.module))
    page = paginate(db.session(), query, request.args.get("page", 1, type=int), current_app.config["PER_PAGE"])
    return render_template("grading/audit.html", form=form, page=page, action_labels=ACTION_LABELS,
                           flags=services.open_flags(db.session()))


"""Module and lesson pages for every logged-in user; the question bank for trainers and admins."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import db
from lms.auth.permissions import is_pendamping, require
from lms.content import services
from lms.content.forms import TYPE_LABELS, BankFilterForm
from lms.content.models import Lesson, Module
from lms.content.permissions import can_browse_question_bank, can_read_lessons
from lms.content.rendering import IMAGE_TYPES, render_text
from lms.core.security import ONE_YEAR
from lms.learning import progress
from lms.learning.records import attempts

bp = Blueprint("content", __name__)

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _content_dir() -> Path:
    return Path(current_app.config["LMS_CONTENT_DIR"])


def _module_or_404(slug: str) -> Module:
    module = services.find_module(db.session(), slug)
    if module is None:
        abort(404)
    return module


@bp.get("/modules/")
@require(can_read_lessons)
def modules() -> str:
    session = db.session()
    items = [(module, services.module_lessons(session, module)) for module in services.active_modules(session)]
    return render_template("content/modules.html", items=items)


@bp.get("/modules/<slug>")
@require(can_read_lessons)
def module(slug: str) -> str:
    module = _module_or_404(slug)
    status = None
    quiz_attempts: list = []
    if is_pendamping(current_user):  # the learner's own progress beside the content
        status = progress.module_status(db.session(), current_user, module)
        quiz_attempts = attempts(db.session(), current_user, module)
    return render_template("content/module.html", module=module,
                           lessons=services.module_lessons(db.session(), module), status=status,
                           quiz_attempts=quiz_attempts)


@bp.get("/modules/<slug>/lessons/<key>")
@require(can_read_lessons)
def lesson(slug: str, key: str) -> str:
    is_learner = is_pendamping(current_user)
    if is_learner:
        db.mark_write()  # the visit is recorded ("continue where you left off")
    module = _module_or_404(slug)
    lessons = services.module_lessons(db.session(), module)
    lesson = next((each for each in lessons if each.key == key), None)
    if lesson is None:
        abort(404)
    done, pretest_pending = None, False
    if is_learner:
        # The pre-test is asked for, not enforced: a learner on a weak link may have opened the
        # lesson first, and reading must never be blocked.
        pretest_pending = progress.module_status(db.session(), current_user, module).pretest_pending
        done = progress.record_view(db.session(), current_user, lesson).completed_at
    rendered = services.render_lesson(db.session(), lesson, _content_dir(), request.script_root,
                                      _lesson_url, _image_url)
    previous, following = services.neighbours(lessons, lesson)
    return render_template("content/lesson.html", module=module, lesson=lesson, rendered=rendered,
                           toc=services.toc_tree(rendered.toc), previous=previous, following=following,
                           position=lessons.index(lesson) + 1, count=len(lessons), is_learner=is_learner,
                           done=done, pretest_pending=pretest_pending)


def _lesson_url(slug: str, key: str) -> str:
    return url_for("content.lesson", slug=slug, key=key)


def _image_url(slug: str, filename: str, version: str) -> str:
    return url_for("content.image", slug=slug, filename=filename, v=version or None)


@bp.get("/modules/<slug>/images/<path:filename>")
@require(can_read_lessons)
def image(slug: str, filename: str) -> Response:
    module = _module_or_404(slug)
    path = services.image_file(_content_dir(), module, filename)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=IMAGE_TYPES[path.suffix.lower()], conditional=True)
    response.cache_control.public = False
    response.cache_control.private = True
    # A URL carrying the file's hash never changes meaning; any other is revalidated hourly.
    if request.args.get("v") == services.image_version(path):
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = 3600
    if path.suffix.lower() == ".svg":
        response.headers["Content-Security-Policy"] = SVG_CSP
    return response


@bp.get("/bank/")
@require(can_browse_question_bank)
def bank() -> str:
    return render_template("content/bank.html", summaries=services.bank_summary(db.session()))


@bp.get("/bank/<slug>")
@require(can_browse_question_bank)
def bank_module(slug: str) -> str:
    module = _module_or_404(slug)
    lessons: list[Lesson] = services.module_lessons(db.session(), module)
    form = BankFilterForm(request.args)
    form.fill_choices([(each.key, each.title) for each in lessons])
    questions = services.bank_questions(db.session(), module, **_bank_filters(form))
    return render_template("content/bank_module.html", module=module, form=form, questions=questions,
                           type_labels=TYPE_LABELS, render_text=render_text)


def _bank_filters(form: BankFilterForm) -> dict[str, str]:
    """The chosen filters; none at all when one is not a valid choice (a hand-edited URL)."""
    if not form.validate():
        return {}
    return {"qtype": form.type.data or "", "lesson_key": form.lesson.data or "", "status": form.status.data or ""}

"""`/`: each role's home page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import db
from lms.home import services
from lms.learning import progress
from lms.regions.services import region_names
from lms.users.models import Role

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str | Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = current_user._get_current_object()
    session = db.session()
    if user.role == Role.PENDAMPING:
        return render_template("learning/dashboard.html", board=progress.dashboard(session, user))
    if user.role == Role.ADMIN:
        return render_template("home/admin.html", counts=services.user_counts(session))
    scopes = region_names(session, user.scope_codes)
    rows = services.learners_by_region(session, user)
    template = "home/trainer.html" if user.role == Role.TRAINER else "home/coordinator.html"
    return render_template(template, scopes=scopes, rows=rows)

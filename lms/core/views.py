"""Health check and language choice."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import db
from lms.i18n import LANGUAGES, LOCALE_COOKIE
from lms.version import __version__

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with db.engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError as error:
        current_app.logger.warning("health check: database unreachable: %s", error.__class__.__name__)
        database = "unavailable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "error", "app": "ok", "version": __version__,
            "database": database, "database_backend": db.engine().dialect.name}
    return jsonify(body), status


@bp.post("/language")
def set_language() -> Response:
    """Save the chosen language on the account, or in a cookie when logged out."""
    language = request.form.get("language", "")
    target = request.form.get("next") or url_for("home.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    response = redirect(target)
    if language in LANGUAGES:
        if current_user.is_authenticated:
            current_user.locale = language
        response.set_cookie(LOCALE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response

"""Friendly error pages in the user's language; JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        413: _("The file is too large"),
        429: _("Too many attempts: please wait a moment and try again"),
        500: _("Something went wrong on our side"),
    }


def handle_http_error(error: HTTPException) -> tuple:
    code = error.code or 500
    title = _titles().get(code, error.name)
    if _wants_json():
        return jsonify(error={"status": code, "message": title}), code
    return render_template("errors/error.html", code=code, title=title), code


def handle_csrf_error(error: CSRFError) -> tuple:
    message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    if _wants_json():
        return jsonify(error={"status": 400, "message": message}), 400
    return render_template("errors/error.html", code=400, title=message), 400


def handle_unexpected(error: Exception) -> tuple:
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)

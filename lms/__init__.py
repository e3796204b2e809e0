"""FDS Academy: the application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import cli, db, errors, templating
from lms.auth.services import load_user_from_session_id
from lms.auth.views import bp as auth_bp
from lms.cohorts.views import bp as cohorts_bp
from lms.config import PROJECT_ROOT, load_config
from lms.content.views import bp as content_bp
from lms.core.security import add_security_headers, init_static
from lms.core.views import bp as core_bp
from lms.extensions import babel, compress, csrf, limiter, login_manager
from lms.grading.views import bp as grading_bp
from lms.home.views import bp as home_bp
from lms.i18n import select_locale
from lms.learning.views import bp as learning_bp
from lms.notifications.views import bp as notifications_bp
from lms.users.views import bp as users_bp
from lms.version import __version__ as __version__

BLUEPRINTS = (core_bp, auth_bp, home_bp, users_bp, content_bp, learning_bp, notifications_bp, grading_bp,
              cohorts_bp)
# Pages a user who must replace a reset password may still open.
PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "static", "core.healthz", "core.set_language"}

def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        static_folder=None,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(load_config(Path(app.instance_path), config))
    if app.config["LMS_PROXY_COUNT"]:
        count = app.config["LMS_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_locale=app.config["LMS_DEFAULT_LOCALE"], default_timezone="Asia/Jakarta")
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    _init_login(app)
    init_static(app, PROJECT_ROOT / "static")
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    _register_request_hooks(app)
    cli.init_app(app)
    templating.init_app(app)
    return app

def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.user_loader(load_user_from_session_id)

def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _force_password_change() -> Response | None:
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in PASSWORD_CHANGE_ALLOWED):
            return redirect(url_for("auth.change_password"))  # type: ignore[return-value]
        return None

    @app.after_request
    def _commit_and_secure(response: Response) -> Response:
        # One transaction per request: commit what a successful view did, else roll back.
        if db.session.registry.has():
            if response.status_code < 400 and not g.get("lms_rollback"):
                db.session.commit()
            else:
                db.session.rollback()
        return add_security_headers(response)

"""Log in and out, change password, activate an imported account, end all sessions."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from lms import db
from lms.auth.forms import ActivateForm, ChangePasswordForm, ConfirmForm, LoginForm
from lms.auth.permissions import any_user, require
from lms.auth.services import authenticate
from lms.extensions import limiter
from lms.users import services as users
from lms.users.services import UserError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append(_("The email or password is wrong, or the account is not active."))
        else:
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    # CSRFProtect has checked the token: a link elsewhere cannot log people out.
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require(any_user)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not users.check_password(user, form.current_password.data or ""):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            try:
                users.change_password(user, form.new_password.data or "")
            except UserError as error:
                form.new_password.errors.append(error.message)
            else:
                login_user(user)  # the version changed: keep this session, end the others
                flash(_("Your password is changed. Other devices have been logged out."), "success")
                return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form, end_form=ConfirmForm())


@bp.post("/account/logout-everywhere")
@require(any_user)
def logout_everywhere() -> Response:
    users.end_all_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/activate/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def activate(token: str) -> str | Response:
    activation = users.find_activation(db.session(), token)
    if activation is None:
        return render_template("auth/activation_invalid.html"), 404  # type: ignore[return-value]
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            user = users.activate(db.session(), activation, form.new_password.data or "")
        except UserError as error:
            form.new_password.errors.append(error.message)
        else:
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/activate.html", form=form, user=activation.user)

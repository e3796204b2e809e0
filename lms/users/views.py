"""User lists for staff (scoped to their regions) and account administration for admins."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from lms import db
from lms.auth.forms import ConfirmForm
from lms.auth.permissions import (
    can_import_users,
    can_manage_users,
    can_view_users,
    code_prefix,
    require,
    visible_learners,
    visible_users,
)
from lms.core.pagination import paginate
from lms.users import imports, services
from lms.users.forms import ImportForm, NewUserForm, UserForm, UserSearchForm, role_choices
from lms.users.models import Role, User, UserImport
from lms.users.services import UserError

bp = Blueprint("users", __name__)


def _visible_user_or_404(user_id: int) -> User:
    """Outside the viewer's regions is 'not found', never 'forbidden': it does not leak who exists."""
    user = db.session.scalar(visible_users(current_user).where(User.id == user_id))
    if user is None:
        abort(404)
    return user


@bp.get("/users/")
@require(can_view_users)
def index() -> str:
    form = UserSearchForm(request.args)
    form.role.choices = [("", _("All roles")), *role_choices()]
    learners_only = form.role.data == Role.PENDAMPING.value
    query = visible_learners(current_user) if learners_only else visible_users(current_user)
    if form.q.data:
        term = f"%{form.q.data.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.name).like(term), User.email.like(term)))
    if form.role.data and not learners_only:
        query = query.where(User.role == form.role.data)
    if form.region.data:
        query = query.where(code_prefix(User.home_region_code, form.region.data.strip()))
    query = query.options(selectinload(User.scopes))  # a staff row shows its regions
    page = paginate(db.session(), query.order_by(User.name, User.id), request.args.get("page", 1, type=int),
                    current_app.config["PER_PAGE"])
    return render_template("users/index.html", form=form, page=page)


@bp.get("/users/<int:user_id>")
@require(can_view_users)
def detail(user_id: int) -> str:
    user = _visible_user_or_404(user_id)
    activation = None
    if can_manage_users(current_user) and user.is_pending_activation:
        token = db.session.scalar(services.pending_activations(db.session(), [user.id]))
        activation = services.activation_link(services.activation_token_string(token.nonce)) if token else None
    return render_template("users/detail.html", user=user, activation=activation, confirm=ConfirmForm())


def _region_field_value(user: User) -> str:
    return ", ".join(user.scope_codes)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require(can_manage_users)
def create() -> str | Response:
    form = NewUserForm()
    form.role.choices = role_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db.session(), email=form.email.data or "", name=form.name.data or "", role=form.role.data,
                region_codes=form.region_codes(), kecamatan_code=form.kecamatan.data or None,
                phone=form.phone.data or None)
        except UserError as error:
            _field_error(form, error)
        else:
            services.issue_activation(db.session(), user)
            flash(_("Account created for %(name)s. Give them the activation link below.", name=user.name),
                  "success")
            return redirect(url_for("users.detail", user_id=user.id))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@require(can_manage_users)
def edit(user_id: int) -> str | Response:
    user = _visible_user_or_404(user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.role.choices = role_choices()
    if request.method == "GET":
        form.regions.data = _region_field_value(user)
        form.kecamatan.data = user.kecamatan_code or ""
    if form.validate_on_submit():
        try:
            services.update_role_and_regions(
                db.session(), user, name=form.name.data or "", role=form.role.data,
                region_codes=form.region_codes(), kecamatan_code=form.kecamatan.data or None,
                phone=form.phone.data or None)
        except UserError as error:
            _field_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("users.detail", user_id=user.id))
    return render_template("users/form.html", form=form, user=user)


def _field_error(form: UserForm, error: UserError) -> None:
    field = {"email": "email", "name": "name", "role": "role", "regions": "regions",
             "kecamatan": "kecamatan"}.get(error.field or "", "regions")
    getattr(form, field, form.regions).errors.append(error.message)


@bp.post("/admin/users/<int:user_id>/deactivate")
@require(can_manage_users)
def deactivate(user_id: int) -> Response:
    user = _visible_user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        services.deactivate(user)
        flash(_("%(name)s is deactivated and logged out everywhere.", name=user.name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/reactivate")
@require(can_manage_users)
def reactivate(user_id: int) -> Response:
    user = _visible_user_or_404(user_id)
    services.reactivate(user)
    flash(_("%(name)s can log in again.", name=user.name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/reset-password")
@require(can_manage_users)
def reset_password(user_id: int) -> str:
    user = _visible_user_or_404(user_id)
    temporary = services.reset_password(user)
    return render_template("users/temporary_password.html", user=user, temporary=temporary)


@bp.post("/admin/users/<int:user_id>/logout-everywhere")
@require(can_manage_users)
def end_sessions(user_id: int) -> Response:
    user = _visible_user_or_404(user_id)
    services.end_all_sessions(user)
    flash(_("Every session of %(name)s has ended.", name=user.name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


# Recruit import -------------------------------------------------------------------------

@bp.route("/admin/imports", methods=["GET", "POST"])
@require(can_import_users)
def imports_page() -> str | Response:
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        stream = io.TextIOWrapper(upload.stream, encoding="utf-8-sig", newline="")
        user_import = imports.stage_import(db.session(), stream, upload.filename or "import.csv", current_user.id)
        return redirect(url_for("users.import_preview", import_id=user_import.id))
    recent = db.session.scalars(sa.select(UserImport).order_by(UserImport.id.desc()).limit(20)).all()
    return render_template("users/imports.html", form=form, recent=recent)


@bp.get("/admin/imports/<int:import_id>")
@require(can_import_users)
def import_preview(import_id: int) -> str:
    user_import = db.get_or_404(UserImport, import_id)
    problems = list(_limited(imports.row_problems(user_import, db.session()), 500))
    links = []
    if user_import.status == "confirmed":
        links = [(name, email, services.activation_link(token)) for name, email, token
                 in _limited(imports.activation_links_for_import(db.session(), user_import), 2000)]
    return render_template("users/import_preview.html", user_import=user_import, problems=problems,
                           describe=imports.describe, links=links, confirm=ConfirmForm())


def _limited(items, limit: int):  # type: ignore[no-untyped-def]
    for index, item in enumerate(items):
        if index >= limit:
            return
        yield item


@bp.post("/admin/imports/<int:import_id>/confirm")
@require(can_import_users)
def import_confirm(import_id: int) -> Response:
    user_import = db.get_or_404(UserImport, import_id)
    try:
        created = imports.confirm_import(db.session(), user_import, current_app.config["LMS_ACTIVATION_DAYS"])
    except imports.ImportNotAllowed as error:
        flash(str(error), "error")
    else:
        flash(_("%(n)d accounts created. Send each person their activation link.", n=created), "success")
    return redirect(url_for("users.import_preview", import_id=user_import.id))


@bp.post("/admin/imports/<int:import_id>/discard")
@require(can_import_users)
def import_discard(import_id: int) -> Response:
    user_import = db.get_or_404(UserImport, import_id)
    if user_import.status == "preview":
        user_import.status = "discarded"
        flash(_("The import was discarded; nothing was written."), "info")
    return redirect(url_for("users.imports_page"))


@bp.get("/admin/activations")
@require(can_manage_users)
def activations() -> str:
    page = paginate(db.session(), services.pending_activations(db.session()),
                    request.args.get("page", 1, type=int), current_app.config["PER_PAGE"])
    rows = [(token.user, services.activation_link(services.activation_token_string(token.nonce)))
            for token in page.items]
    return render_template("users/activations.html", page=page, rows=rows)



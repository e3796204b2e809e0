"""Cohort pages: list and month view, scheduling, enrolment, attendance days with QR check-in,
microteaching and kinds. The calendar pages are in `calendar_views`, on the same blueprint.

Each view loads through `cohort_scope` (outside the user's regions: 404), checks the role with
`@require` and the object rule (403), calls a service and redirects.
"""

from __future__ import annotations

from datetime import date, timedelta

import segno
from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.auth.forms import ConfirmForm
from lms.auth.permissions import require
from lms.cohorts import (
    attendance,
    calendar_views,  # noqa: F401 - registers the calendar routes
    services,
)
from lms.cohorts import enrolment as enrolling
from lms.cohorts.blueprint import bp, cohort_or_404
from lms.cohorts.forms import (
    RUBRIC_LABELS,
    CohortForm,
    CsvEnrolForm,
    EmailsEnrolForm,
    FilterForm,
    MicroteachingForm,
    RegionEnrolForm,
    TypeForm,
    status_choices,
)
from lms.cohorts.models import ATTENDANCE_LABELS, Cohort, CohortStatus, Enrolment, EnrolmentStatus
from lms.cohorts.permissions import (
    can_check_in,
    can_edit_cohort,
    can_manage_types,
    can_mark_attendance,
    can_open_cohort,
    can_schedule,
    can_view_cohorts,
)


def _editable_or_404(cohort_id: int) -> Cohort:
    cohort = cohort_or_404(cohort_id)
    if not can_edit_cohort(current_user, cohort):
        abort(403)
    return cohort


def _enrolment_or_404(cohort: Cohort, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        abort(404)
    return enrolment


# ------------------------------------------------------------------------ list, month


@bp.get("/")
@require(can_view_cohorts)
def index() -> str:
    session = db.session()
    types = services.cohort_types(session)
    form = FilterForm(request.args)
    form.type.choices = [("", _("All kinds")), *((str(t.id), t.name) for t in types)]
    form.status.choices = [("", _("All statuses")), *status_choices()]
    view = "month" if request.args.get("view") == "month" else "list"
    filters = {"region": (form.region.data or "").strip() or None,
               "type_id": int(form.type.data) if (form.type.data or "").isdigit() else None,
               "status": form.status.data or None}
    if view == "month":
        month = _month_arg(request.args.get("month", ""))
        last = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        cohorts = services.list_cohorts(session, current_user, **filters, start=month, end=last - timedelta(days=1))
        weeks = services.month_grid(cohorts, month.year, month.month)
        previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        return render_template("cohorts/month.html", form=form, weeks=weeks, month=month, previous=previous,
                               following=last, args=request.args.to_dict())
    cohorts = services.list_cohorts(session, current_user, **filters)
    return render_template("cohorts/index.html", form=form, cohorts=cohorts, args=request.args.to_dict())


def _month_arg(value: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return date.today().replace(day=1)


# ------------------------------------------------------------------------- scheduling


def _cohort_form(cohort: Cohort | None = None) -> CohortForm:
    session = db.session()
    form = CohortForm(obj=cohort) if cohort else CohortForm()
    form.type_id.choices = [(t.id, t.name) for t in services.cohort_types(session)]
    trainers = services.eligible_trainers(session, current_user)
    if cohort:
        trainers += [t for t in cohort.trainers if t not in trainers]
    form.trainers.choices = [(t.id, t.name) for t in trainers]
    form.status.choices = status_choices()
    if cohort and request.method == "GET":
        form.trainers.data = [t.id for t in cohort.trainers]
        form.sessions.data = services.format_sessions(cohort)
    elif not cohort and request.method == "GET" and current_user.scope_codes:
        form.region_code.data = current_user.scope_codes[0]
    return form


def _cohort_data(form: CohortForm) -> services.CohortData:
    return services.CohortData(
        type_id=form.type_id.data or 0, name=form.name.data or "", region_code=form.region_code.data or "",
        venue=form.venue.data or "", address=form.address.data or "", start_date=form.start_date.data,
        end_date=form.end_date.data, capacity=form.capacity.data or 0,
        sessions=services.parse_sessions(form.sessions.data or ""), preparation=form.preparation.data or "",
        trainer_ids=list(form.trainers.data or []), status=form.status.data or CohortStatus.PLANNED.value,
        excused_allowed=form.excused_allowed.data, absent_allowed=form.absent_allowed.data)


def _show_error(form: CohortForm, error: services.CohortError) -> None:
    g.lms_rollback = True
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/new", methods=["GET", "POST"])
@require(can_schedule)
def new() -> str | Response:
    form = _cohort_form()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(db.session(), current_user, _cohort_data(form))
        except services.CohortError as error:
            _show_error(form, error)
        else:
            flash(_("Cohort %(name)s scheduled.", name=cohort.name), "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@require(can_schedule)
def edit(cohort_id: int) -> str | Response:
    cohort = _editable_or_404(cohort_id)
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        try:
            change = services.update_cohort(db.session(), current_user, cohort, _cohort_data(form))
        except services.CohortError as error:
            _show_error(form, error)
        else:
            flash(_("Cohort saved."), "success")
            if change.notified:
                flash(_("The dates or times changed: %(n)d learners were told.", n=change.notified), "info")
            for learner, other in change.conflicts:
                flash(_("%(name)s is also in %(cohort)s, whose dates now overlap.", name=learner.name,
                        cohort=other.name), "error")
            for promoted in change.promoted:
                flash(_("%(name)s moved up from the waiting list.", name=promoted.user.name), "info")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


@bp.get("/<int:cohort_id>")
@require(can_open_cohort)
def show(cohort_id: int) -> str:
    cohort = cohort_or_404(cohort_id)
    session = db.session()
    mine = next((e for e in cohort.enrolments if e.user_id == current_user.id and e.is_active), None)
    return render_template(
        "cohorts/show.html", cohort=cohort, mine=mine, today=attendance.local_today(cohort),
        enrolled=[e for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED],
        waiting=enrolling.waiting_list(session, cohort),
        withdrawn=[e for e in cohort.enrolments if e.status == EnrolmentStatus.WITHDRAWN],
        completion=attendance.completion, labels=ATTENDANCE_LABELS, confirm=ConfirmForm(),
        can_edit=can_edit_cohort(current_user, cohort), can_mark=can_mark_attendance(current_user, cohort),
        staff=can_view_cohorts(current_user))


# -------------------------------------------------------------------------- enrolment


@bp.get("/<int:cohort_id>/enrol")
@require(can_schedule)
def enrol(cohort_id: int) -> str:
    cohort = _editable_or_404(cohort_id)
    return render_template("cohorts/enrol.html", cohort=cohort, emails_form=EmailsEnrolForm(),
                           region_form=RegionEnrolForm(), csv_form=CsvEnrolForm())


def _results(cohort: Cohort, results: list[enrolling.EnrolResult]) -> str:
    return render_template("cohorts/enrol_results.html", cohort=cohort, results=results)


def _enrol_again(cohort: Cohort, **forms: object) -> str:
    g.lms_rollback = True
    defaults: dict[str, object] = {"emails_form": EmailsEnrolForm(formdata=None),
                                   "region_form": RegionEnrolForm(formdata=None),
                                   "csv_form": CsvEnrolForm(formdata=None)}
    return render_template("cohorts/enrol.html", cohort=cohort, **{**defaults, **forms})


@bp.post("/<int:cohort_id>/enrol/emails")
@require(can_schedule)
def enrol_emails(cohort_id: int) -> str:
    cohort = _editable_or_404(cohort_id)
    form = EmailsEnrolForm()
    if not form.validate():
        return _enrol_again(cohort, emails_form=form)
    emails = (form.emails.data or "").replace(",", "\n").splitlines()
    return _results(cohort, enrolling.enrol_emails(db.session(), cohort, emails, current_user))


@bp.post("/<int:cohort_id>/enrol/region")
@require(can_schedule)
def enrol_region(cohort_id: int) -> str:
    cohort = _editable_or_404(cohort_id)
    form = RegionEnrolForm()
    if not form.validate():
        return _enrol_again(cohort, region_form=form)
    code = (form.region_code.data or "").strip()
    if not current_user.covers(code):
        form.region_code.errors = [_("You cannot enrol learners of %(code)s.", code=code)]
        return _enrol_again(cohort, region_form=form)
    return _results(cohort, enrolling.enrol_by_region(db.session(), cohort, current_user, code,
                                                      form.year.data or 0))


@bp.post("/<int:cohort_id>/enrol/csv")
@require(can_schedule)
def enrol_csv(cohort_id: int) -> str:
    cohort = _editable_or_404(cohort_id)
    form = CsvEnrolForm()
    if not form.validate():
        return _enrol_again(cohort, csv_form=form)
    try:
        emails = enrolling.read_csv_emails(form.file.data.stream)
    except (UnicodeDecodeError, ValueError):
        form.file.errors = [_("The file could not be read as CSV (UTF-8).")]
        return _enrol_again(cohort, csv_form=form)
    return _results(cohort, enrolling.enrol_emails(db.session(), cohort, emails, current_user))


@bp.post("/<int:cohort_id>/enrolments/<int:enrolment_id>/withdraw")
@require(can_schedule)
def withdraw(cohort_id: int, enrolment_id: int) -> Response:
    cohort = _editable_or_404(cohort_id)
    enrolment = _enrolment_or_404(cohort, enrolment_id)
    if ConfirmForm().validate_on_submit() and enrolment.is_active:
        promoted = enrolling.withdraw(db.session(), enrolment, current_user)
        flash(_("%(name)s is withdrawn.", name=enrolment.user.name), "success")
        for moved in promoted:
            flash(_("%(name)s moved up from the waiting list.", name=moved.user.name), "info")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


# ------------------------------------------------------------------------- attendance


def _day_or_404(cohort: Cohort, day: str) -> date:
    try:
        value = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if value not in cohort.days:
        abort(404)
    return value


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, border=4, title=_("Check-in code"))


@bp.route("/<int:cohort_id>/days/<day>", methods=["GET", "POST"])
@require(can_view_cohorts)
def day(cohort_id: int, day: str) -> str | Response:
    cohort = cohort_or_404(cohort_id)
    the_day = _day_or_404(cohort, day)
    session = db.session()
    can_mark = can_mark_attendance(current_user, cohort)
    form = ConfirmForm()
    if request.method == "POST":
        if not can_mark:
            abort(403)
        if form.validate_on_submit():
            everyone = request.form.get("all") == "present"
            marks = {e.id: ("present" if everyone else request.form.get(f"status-{e.id}", ""),
                            request.form.get(f"note-{e.id}", ""))
                     for e in attendance.participants(session, cohort)}
            try:
                count = attendance.mark_day(session, cohort, the_day, marks, current_user)
            except attendance.AttendanceError as error:
                g.lms_rollback = True
                flash(error.message, "error")
            else:
                flash(_("Attendance saved for %(n)d participants.", n=count), "success")
            return redirect(url_for("cohorts.day", cohort_id=cohort.id, day=the_day.isoformat()))
    today = attendance.local_today(cohort)
    checkin_url = qr = None
    if can_mark and the_day == today and cohort.status != CohortStatus.CANCELLED:
        code = attendance.checkin_code(cohort, the_day, current_app.config["SECRET_KEY"])
        checkin_url = current_app.config["LMS_BASE_URL"] + url_for("cohorts.checkin", cohort_id=cohort.id,
                                                                   code=code)
        qr = _qr_svg(checkin_url)
    return render_template("cohorts/day.html", cohort=cohort, day=the_day, today=today, form=form,
                           people=attendance.participants(session, cohort),
                           marks=attendance.day_marks(session, cohort, the_day), labels=ATTENDANCE_LABELS,
                           can_mark=can_mark, future=the_day > today, qr=qr, checkin_url=checkin_url)


@bp.route("/<int:cohort_id>/checkin/<code>", methods=["GET", "POST"])
@require(can_check_in)
def checkin(cohort_id: int, code: str) -> str | Response:
    cohort = cohort_or_404(cohort_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            _row, new = attendance.check_in(db.session(), cohort, code, current_user,
                                            current_app.config["SECRET_KEY"])
        except attendance.AttendanceError as error:
            g.lms_rollback = True
            flash(error.message, "error")
        else:
            flash(_("You are checked in for today.") if new else _("You were already checked in today."),
                  "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/checkin.html", cohort=cohort, form=form, code=code,
                           today=attendance.local_today(cohort))


@bp.route("/<int:cohort_id>/enrolments/<int:enrolment_id>/microteaching", methods=["GET", "POST"])
@require(can_schedule)
def microteaching(cohort_id: int, enrolment_id: int) -> str | Response:
    cohort = cohort_or_404(cohort_id)
    if not can_mark_attendance(current_user, cohort):
        abort(403)
    enrolment = _enrolment_or_404(cohort, enrolment_id)
    if not cohort.type.has_microteaching:
        abort(404)
    form = MicroteachingForm(obj=enrolment.microteaching)
    if form.validate_on_submit():
        scores = {key: int(getattr(form, key).data) for key in RUBRIC_LABELS}
        try:
            attendance.score_microteaching(db.session(), enrolment, scores, form.comments.data or "",
                                           form.session_title.data or "", current_user)
        except attendance.AttendanceError as error:
            g.lms_rollback = True
            flash(error.message, "error")
        else:
            flash(_("Microteaching score saved for %(name)s.", name=enrolment.user.name), "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/microteaching.html", cohort=cohort, enrolment=enrolment, form=form,
                           pass_mark=attendance.MICROTEACHING_PASS, rubric_max=attendance.RUBRIC_MAX)


# ------------------------------------------------------------------------------ kinds


@bp.route("/types", methods=["GET", "POST"])
@require(can_manage_types)
def types() -> str | Response:
    session = db.session()
    existing = services.cohort_types(session)
    form = TypeForm()
    form.requires_type_id.choices = [(0, _("None")), *((t.id, t.name) for t in existing)]
    if form.validate_on_submit():
        try:
            added = services.add_type(
                session, form.name.data or "", form.default_days.data or 0,
                requires_all_modules=bool(form.requires_all_modules.data),
                requires_type_id=form.requires_type_id.data or None,
                has_microteaching=bool(form.has_microteaching.data),
                excused_allowed=form.excused_allowed.data or 0, absent_allowed=form.absent_allowed.data or 0)
        except services.CohortError as error:
            g.lms_rollback = True
            form.name.errors = [*form.name.errors, error.message]
        else:
            flash(_("Kind %(name)s added.", name=added.name), "success")
            return redirect(url_for("cohorts.types"))
    return render_template("cohorts/types.html", types=existing, form=form)

"""Cohort calendars: one cohort's .ics download and each user's private feed (create, revoke, read).

Routes go on the shared `cohorts` blueprint; `lms.cohorts.views` imports this module so they are
registered with the rest.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.auth.forms import ConfirmForm
from lms.auth.permissions import require
from lms.cohorts import calendars
from lms.cohorts.blueprint import bp, cohort_or_404
from lms.cohorts.permissions import can_have_feed, can_open_cohort, token_access


def _host() -> str:
    return urlsplit(current_app.config["LMS_BASE_URL"]).netloc or "fds.local"


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<int:cohort_id>/calendar.ics")
@require(can_open_cohort)
def cohort_ics(cohort_id: int) -> Response:
    cohort = cohort_or_404(cohort_id)
    return _ics(calendars.calendar_bytes([cohort], _host(), cohort.name), f"cohort-{cohort.id}.ics")


@bp.get("/calendar")
@require(can_have_feed)
def feed_page() -> str:
    feed = calendars.feed_of(db.session(), current_user)
    url = None
    if feed is not None:
        token = calendars.feed_token(feed, current_app.config["SECRET_KEY"])
        url = current_app.config["LMS_BASE_URL"] + url_for("cohorts.feed", token=token)
    return render_template("cohorts/feed.html", url=url, form=ConfirmForm())


@bp.post("/calendar/<any(new, revoke):action>")
@require(can_have_feed)
def feed_action(action: str) -> Response:
    if ConfirmForm().validate_on_submit():
        if action == "new":
            calendars.new_feed(db.session(), current_user)
            flash(_("Your calendar address is ready. Any earlier address no longer works."), "success")
        else:
            calendars.revoke_feed(db.session(), current_user)
            flash(_("Your calendar address no longer works."), "success")
    return redirect(url_for("cohorts.feed_page"))


@bp.get("/feed/<token>.ics")
@token_access
def feed(token: str) -> Response:
    session = db.session()
    user = calendars.user_for_token(session, token, current_app.config["SECRET_KEY"])
    if user is None:
        abort(404)
    body = calendars.calendar_bytes(calendars.user_cohorts(session, user), _host(), _("FDS Academy cohorts"))
    response = _ics(body, "cohorts.ics")
    response.headers["Cache-Control"] = "private, max-age=900"
    return response

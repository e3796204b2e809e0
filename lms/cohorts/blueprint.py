"""The cohorts blueprint, shared by `views` and `calendar_views`, and the loader both use.

It lives apart from the view modules so each can add its routes to the same `bp` (endpoints stay
`cohorts.…`) without one view module importing the other.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from lms import db
from lms.cohorts.models import Cohort
from lms.cohorts.permissions import cohort_scope

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def cohort_or_404(cohort_id: int) -> Cohort:
    """The cohort, if the current user may see it (outside their regions: 404)."""
    cohort = db.session.scalar(cohort_scope(current_user).where(Cohort.id == cohort_id))
    if cohort is None:
        abort(404)
    return cohort

"""Grading forms. Scores are typed as text and checked by the grading rules, so every message
is ours and in the grader's language ("7,5" is read as 7.5)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from lms.grading.models import AuditAction
from lms.grading.services import GradingError, check_score, parse_score

ACTION_LABELS = {
    AuditAction.GRADE.value: _l("Grade"),
    AuditAction.OVERRIDE.value: _l("Override"),
    AuditAction.REGRADE.value: _l("Regrade"),
    AuditAction.COMMENT.value: _l("Attempt comment"),
    AuditAction.GRANT.value: _l("Extra attempt"),
}


def _checked_score(field: Field, points: Decimal, required: bool) -> Decimal | None:
    try:
        value = parse_score(field.data or "")
        if value is None:
            if required:
                raise GradingError(_("Enter a score."))
            return None
        check_score(value, points)
    except GradingError as error:
        raise ValidationError(error.message) from None
    return value


class AnswerGradeForm(Form):
    """One essay: its score (empty while not graded) and a comment for the learner."""

    answer_id = HiddenField()
    score = StringField(_l("Score"), validators=[Optional(), Length(max=12)])
    comment = TextAreaField(_l("Comment for the learner"), validators=[Optional(), Length(max=5000)])

    points = Decimal(0)  # the question's points, set by the view before validating
    value: Decimal | None = None

    def validate_score(self, field: Field) -> None:
        self.value = _checked_score(field, self.points, required=False)


class GradeForm(FlaskForm):
    lock_version = HiddenField()
    answers = FieldList(FormField(AnswerGradeForm))
    comment = TextAreaField(_l("Comment on the whole attempt"), validators=[Optional(), Length(max=5000)])
    save_next = SubmitField(_l("Save and next"))  # first: Enter in a score field saves and moves on
    save = SubmitField(_l("Save"))


class OverrideForm(FlaskForm):
    lock_version = HiddenField()
    score = StringField(_l("New score"), validators=[Length(max=12)])
    reason = TextAreaField(_l("Reason (required)"), validators=[
        DataRequired(message=_l("Give a reason for changing an automatic score.")), Length(max=2000)])
    submit = SubmitField(_l("Change the score"))

    points = Decimal(0)
    value: Decimal | None = None

    def validate_score(self, field: Field) -> None:
        self.value = _checked_score(field, self.points, required=True)


class GrantForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required)"), validators=[
        DataRequired(message=_l("Give a reason for the extra attempt.")), Length(max=2000)])
    submit = SubmitField(_l("Grant one more attempt"))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    module = SelectField(_l("Module"), choices=[], validators=[Optional()])
    cohort = SelectField(_l("Cohort"), choices=[], validators=[Optional()])
    region = StringField(_l("Region code"), validators=[Optional(), Length(max=13)])
    status = SelectField(_l("Show"), choices=[SelectChoice("waiting", _l("Waiting for grading")),
                                               SelectChoice("graded", _l("Graded"))],
                         validators=[Optional()])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[SelectChoice("", _l("All actions")),
                                         *(SelectChoice(k, v) for k, v in ACTION_LABELS.items())],
                         validators=[Optional()])

"""Cohort forms. Choices that depend on the user (kinds, trainers) are set by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.cohorts.models import STATUS_LABELS

DEFAULT_SESSIONS = "08:00-12:00 Sesi pagi\n13:00-16:00 Sesi siang"
RUBRIC_LABELS = {
    "preparation": _l("Preparation"),
    "steps": _l("Following the session steps"),
    "involvement": _l("Involving participants"),
    "key_messages": _l("Key messages right"),
    "timing": _l("Time"),
}
SCORE_LABELS = [(1, _l("1 – not yet")), (2, _l("2 – partly")), (3, _l("3 – good")), (4, _l("4 – very good"))]


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, str(label)) for status, label in STATUS_LABELS.items()]


class CohortForm(FlaskForm):
    type_id = SelectField(_l("Kind"), coerce=int, choices=[])
    name = StringField(_l("Name"), description=_l("e.g. Bimtap Angkatan VII Lampung 2026"),
                       validators=[DataRequired(message=_l("The name is required.")), Length(max=200)])
    region_code = StringField(_l("Region code of the venue"), description=_l("Kabupaten/kota or province, e.g. 3374"),
                              validators=[DataRequired(message=_l("The region is required.")), Length(max=13)])
    venue = StringField(_l("Venue"), validators=[DataRequired(message=_l("The venue is required.")),
                                                 Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    start_date = DateField(_l("First day"), validators=[DataRequired(message=_l("Give the first day."))])
    end_date = DateField(_l("Last day"), description=_l("Leave empty for the kind's usual length."),
                         validators=[Optional()])
    sessions = TextAreaField(_l("Daily sessions"), default=DEFAULT_SESSIONS,
                             description=_l("One per line: start-end and a title, e.g. 08:00-12:00 Sesi pagi."),
                             validators=[DataRequired(message=_l("Give at least one daily session.")),
                                         Length(max=2000)])
    capacity = IntegerField(_l("Places"), default=30, validators=[
        DataRequired(message=_l("Give the number of places.")), NumberRange(min=1, max=500)])
    trainers = SelectMultipleField(_l("Trainers"), coerce=int, choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[])
    preparation = TextAreaField(_l("What to prepare"), description=_l("Shown to the learners, e.g. what to bring."),
                                validators=[Optional(), Length(max=3000)])
    excused_allowed = IntegerField(_l("Excused days allowed for completion"), validators=[
        Optional(), NumberRange(min=0, max=60)], description=_l("Leave empty for the kind's rule."))
    absent_allowed = IntegerField(_l("Absent days allowed for completion"), validators=[
        Optional(), NumberRange(min=0, max=60)], description=_l("Leave empty for the kind's rule."))
    submit = SubmitField(_l("Save"))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    region = StringField(_l("Region code"), validators=[Optional(), Length(max=13)])
    type = SelectField(_l("Kind"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])


class EmailsEnrolForm(FlaskForm):
    emails = TextAreaField(_l("Email addresses"), description=_l("One per line."),
                           validators=[DataRequired(message=_l("Give at least one email address.")),
                                       Length(max=20000)])
    submit = SubmitField(_l("Enrol"))


class RegionEnrolForm(FlaskForm):
    region_code = StringField(_l("Region code"), validators=[DataRequired(message=_l("The region is required.")),
                                                             Length(max=13)])
    year = IntegerField(_l("Recruitment year"), validators=[DataRequired(message=_l("Give the year.")),
                                                            NumberRange(min=2000, max=2100)])
    submit = SubmitField(_l("Enrol everyone found"))


class CsvEnrolForm(FlaskForm):
    file = FileField(_l("CSV file with an email column"), validators=[
        FileRequired(message=_l("Choose a CSV file.")),
        FileAllowed(["csv", "txt"], message=_l("The file must be a .csv file."))])
    submit = SubmitField(_l("Enrol from the file"))


class MicroteachingForm(FlaskForm):
    session_title = StringField(_l("P2K2 session taught"), validators=[Optional(), Length(max=200)])
    preparation = SelectField(RUBRIC_LABELS["preparation"], coerce=int, choices=SCORE_LABELS)
    steps = SelectField(RUBRIC_LABELS["steps"], coerce=int, choices=SCORE_LABELS)
    involvement = SelectField(RUBRIC_LABELS["involvement"], coerce=int, choices=SCORE_LABELS)
    key_messages = SelectField(RUBRIC_LABELS["key_messages"], coerce=int, choices=SCORE_LABELS)
    timing = SelectField(RUBRIC_LABELS["timing"], coerce=int, choices=SCORE_LABELS)
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save the score"))


class TypeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("The name is required.")), Length(max=80)])
    default_days = IntegerField(_l("Usual length in days"), validators=[
        DataRequired(message=_l("Give the usual length.")), NumberRange(min=1, max=60)])
    requires_all_modules = BooleanField(_l("Requires every module passed"))
    requires_type_id = SelectField(_l("Requires a completed cohort of kind"), coerce=int, choices=[])
    has_microteaching = BooleanField(_l("Has microteaching"))
    excused_allowed = IntegerField(_l("Excused days allowed for completion"), default=0,
                                   validators=[NumberRange(min=0, max=60)])
    absent_allowed = IntegerField(_l("Absent days allowed for completion"), default=0,
                                  validators=[NumberRange(min=0, max=60)])
    submit = SubmitField(_l("Add the kind"))

"""The question bank's filter form and the labels of question types."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from lms.content.models import QUESTION_TYPES

TYPE_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "truefalse": _l("True/false"),
    "short": _l("Short answer"),
    "essay": _l("Essay"),
}
STATUS_LABELS = {
    "": _l("All questions"),
    "ready": _l("Ready for quizzes"),
    "draft": _l("Drafts"),
    "retired": _l("Retired"),
}


class BankFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    type = SelectField(_l("Type"), choices=[], validators=[Optional()])
    lesson = SelectField(_l("Lesson"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])

    def fill_choices(self, lessons: list[tuple[str, str]]) -> None:
        self.type.choices = [("", _l("All types")), *((t, TYPE_LABELS[t]) for t in QUESTION_TYPES)]
        self.lesson.choices = [("", _l("All lessons")), *lessons]
        self.status.choices = list(STATUS_LABELS.items())

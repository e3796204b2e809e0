from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from lms.users.models import ROLE_LABELS


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[], validators=[Optional()])
    region = StringField(_l("Region code"), validators=[Optional(), Length(max=13)])


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(message=_l("The name is required.")),
                                                   Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    role = SelectField(_l("Role"), choices=[])
    regions = StringField(
        _l("Region codes"),
        description=_l("Facilitator: one kabupaten/kota code (e.g. 3374). Trainer or coordinator: "
                       "one or more codes of any level, separated by commas (e.g. 33, 18)."),
        validators=[Optional(), Length(max=400)],
    )
    kecamatan = StringField(_l("Kecamatan code (facilitators, optional)"),
                            validators=[Optional(), Length(max=13)])
    submit = SubmitField(_l("Save"))

    def region_codes(self) -> list[str]:
        raw = (self.regions.data or "").replace(";", ",").replace(" ", ",")
        return [code for code in (part.strip() for part in raw.split(",")) if code]


class NewUserForm(UserForm):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter an email address.")),
                                                Email(message=_l("Enter a valid email address."))])


class ImportForm(FlaskForm):
    file = FileField(_l("Recruitment list (CSV)"), validators=[
        FileRequired(message=_l("Choose a CSV file.")),
        FileAllowed(["csv", "txt"], message=_l("The file must be a .csv file.")),
    ])
    submit = SubmitField(_l("Check the file"))

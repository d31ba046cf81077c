from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import Optional

from slrt.core.forms import BaseForm


class PeriodForm(BaseForm):
    """The period filter of every report (GET: no CSRF, nothing personal)."""

    class Meta:
        csrf = False

    period = SelectField(_l("Periode"), validate_choice=False)
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])
    region = HiddenField()


class MonthForm(BaseForm):
    class Meta:
        csrf = False

    month = SelectField(_l("Bulan"), validate_choice=False)

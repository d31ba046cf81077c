from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from slrt.core.forms import BaseForm
from slrt.intake.forms import DATE_FORMATS


class StatusForm(BaseForm):
    ticket = StringField(_l("Nomor tiket"), validators=[DataRequired(_l("Nomor tiket wajib diisi.")),
                                                       Length(max=40)],
                         render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    birth_date = DateField(_l("Tanggal lahir (tidak wajib)"), format=DATE_FORMATS, validators=[Optional()])

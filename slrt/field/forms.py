from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from slrt.core.forms import BaseForm


class RevokeDeviceForm(BaseForm):
    reason = TextAreaField(_l("Alasan pencabutan"), validators=[DataRequired(), Length(max=500)],
                           description=_l("Misalnya: tablet hilang, pindah tugas, diganti perangkat baru."))

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from slrt.core.forms import BaseForm


class DayOffForm(BaseForm):
    day = DateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggal hari libur."))])
    name = StringField(_l("Keterangan"), validators=[DataRequired(_l("Tulis keterangan hari libur.")),
                                                    Length(max=120)],
                       description=_l("Misalnya: Hari jadi kabupaten, cuti bersama daerah."))

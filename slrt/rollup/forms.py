from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from slrt.core.forms import BaseForm


class ImportForm(BaseForm):
    file = FileField(_l("Berkas rekap bulanan (.json)"), validators=[FileRequired(_l("Pilih berkasnya."))])


class TrustForm(BaseForm):
    district_code = StringField(_l("Kode kabupaten/kota"), validators=[DataRequired(), Length(max=13)])
    public_key = TextAreaField(_l("Kunci publik (isi berkas .pub)"), validators=[DataRequired(), Length(max=200)])

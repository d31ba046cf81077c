from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from slrt.core.forms import BaseForm


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class AttachmentForm(BaseForm):
    file = FileField(_l("Berkas (foto JPG/PNG atau PDF)"), validators=[FileRequired(_l("Pilih berkas atau ambil foto."))],
                     description=_l("Di ponsel, kamera langsung terbuka."))
    document_type = SelectField(_l("Jenis berkas"), coerce=_int_or_none,
                                validators=[DataRequired(_l("Pilih jenis dokumen."))])
    caption = StringField(_l("Keterangan"), validators=[Optional(), Length(max=200)],
                          description=_l("Mis. \"tampak depan rumah\" atau \"KTP suami\"."))
    link = SelectField(_l("Bagian dari"), validate_choice=False, validators=[Optional()])
    keep_location = BooleanField(_l("Simpan lokasi (GPS) foto ini"),
                                 description=_l("Biasanya tidak perlu. Lokasi rumah warga adalah data pribadi."))


class RemoveForm(BaseForm):
    reason = TextAreaField(_l("Alasan menghapus"), validators=[DataRequired(_l("Tuliskan alasan menghapus lampiran.")),
                                                               Length(max=500)])

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from slrt.core.forms import BaseForm


class CaseFilterForm(BaseForm):
    """The queue's filters. GET parameters: no personal identifiers other than a name or ticket."""

    class Meta:
        csrf = False

    # A GET form: a NIK or a phone number typed here would go in the URL; the browser refuses to send a run
    # of six digits and says to use the search box in the header, which posts.
    q = StringField(_l("Tiket atau nama"), validators=[Optional(), Length(max=80)],
                    render_kw={"pattern": r"(?![\s\S]*[0-9]{6})[\s\S]*",
                               "title": _l("NIK, No. KK atau nomor HP dicari lewat kotak Cari di bagian atas.")})
    status = SelectField(_l("Status"), validate_choice=False, validators=[Optional()])
    kecamatan = SelectField(_l("Kecamatan"), validate_choice=False, validators=[Optional()])
    desa = SelectField(_l("Desa/kelurahan"), validate_choice=False, validators=[Optional()])
    category = SelectField(_l("Kategori"), validate_choice=False, validators=[Optional()])
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from slrt.core.forms import BaseForm, MultiCheckboxField


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class AssignVisitForm(BaseForm):
    facilitator = SelectField(_l("Fasilitator"), coerce=_int_or_none, validators=[DataRequired()])
    due_date = DateField(_l("Batas waktu kunjungan"), validators=[DataRequired()])
    note = TextAreaField(_l("Yang perlu dilihat"), validators=[Optional(), Length(max=1000)],
                         description=_l("Misalnya: kondisi rumah, anggota keluarga yang sakit, dokumen yang perlu "
                                        "diperiksa."))


class FindingsForm(BaseForm):
    visited_on = DateField(_l("Tanggal kunjungan"), validators=[DataRequired()])
    ownership = SelectField(_l("Status rumah"), validators=[Optional()])
    floor = SelectField(_l("Lantai"), validators=[Optional()])
    walls = SelectField(_l("Dinding"), validators=[Optional()])
    toilet = SelectField(_l("Jamban"), validators=[Optional()])
    water = SelectField(_l("Sumber air minum"), validators=[Optional()])
    lighting = SelectField(_l("Penerangan"), validators=[Optional()])
    cooking_fuel = SelectField(_l("Bahan bakar memasak"), validators=[Optional()])
    findings = TextAreaField(_l("Keadaan rumah tangga"), validators=[DataRequired(), Length(max=4000)],
                             description=_l("Apa yang Anda lihat dan dengar: penghuni, pekerjaan, kesehatan, "
                                            "sekolah anak, bantuan yang sudah diterima."))
    needs = MultiCheckboxField(_l("Kebutuhan"), coerce=int)
    documents_seen = MultiCheckboxField(_l("Dokumen yang dilihat"))
    recommendation = TextAreaField(_l("Rekomendasi"), validators=[DataRequired(), Length(max=2000)])


class CancelVisitForm(BaseForm):
    reason = TextAreaField(_l("Alasan pembatalan"), validators=[DataRequired(), Length(max=1000)])

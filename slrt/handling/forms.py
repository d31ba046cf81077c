"""The forms of the handling section on the case page."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from slrt.core.forms import BaseForm


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class TakeForm(BaseForm):
    """Only the CSRF token: a button that takes a case."""


class AssignForm(BaseForm):
    officer = SelectField(_l("Petugas back office"), coerce=_int_or_none, validators=[DataRequired()])


class AssessmentForm(BaseForm):
    findings = TextAreaField(_l("Hasil asesmen"), validators=[DataRequired(), Length(max=4000)])
    visit_date = DateField(_l("Tanggal kunjungan rumah"), validators=[Optional()],
                           description=_l("Kosongkan bila tidak ada kunjungan rumah."))
    facilitator = SelectField(_l("Fasilitator yang berkunjung"), coerce=_int_or_none, validators=[Optional()])


class AnswerForm(BaseForm):
    complaint_id = HiddenField()
    answer = TextAreaField(_l("Jawaban untuk warga"), validators=[DataRequired(), Length(max=1000)],
                           description=_l("Singkat dan jelas: jawaban ini tampil di halaman status warga."))


class CloseForm(BaseForm):
    summary = TextAreaField(_l("Ringkasan penyelesaian"), validators=[DataRequired(), Length(max=1000)],
                            description=_l("Dikirim ke warga sebagai pesan penutupan."))


class ObjectionForm(BaseForm):
    """Keberatan: the citizen's objection to a closed case, recorded at the window or from a phone call."""
    reason = TextAreaField(_l("Keberatan warga"),
                           validators=[DataRequired(_l("Tuliskan keberatan warga.")), Length(max=1000)],
                           description=_l("Tuliskan apa yang disampaikan warga, mis. \"kartu KIS masih belum aktif "
                                          "saat berobat\"."))

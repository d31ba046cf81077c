from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from slrt.core.forms import BaseForm


class SubjectAccessForm(BaseForm):
    # The NIK travels in the body of a POST, never in a URL.
    nik = StringField(_l("NIK warga"), validators=[DataRequired(_l("NIK wajib diisi.")), Length(max=40)],
                      description=_l("16 angka, dari KTP atau KK yang ditunjukkan warga."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})


class CorrectionForm(BaseForm):
    field = SelectField(_l("Data yang dikoreksi"), validate_choice=True)
    new_value = StringField(_l("Nilai yang benar"), validators=[DataRequired(_l("Tulis nilai yang benar.")),
                                                                 Length(max=255)])
    evidence = TextAreaField(_l("Bukti yang dilihat petugas"), validators=[Optional(), Length(max=2000)],
                             description=_l("Misalnya: KTP asli, KK terbaru, akta kelahiran."))


class DecisionForm(BaseForm):
    reason = TextAreaField(_l("Alasan"), validators=[Optional(), Length(max=2000)])
    accept = SubmitField(_l("Terima koreksi"))
    reject = SubmitField(_l("Tolak"))


FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class BreachScopeForm(BaseForm):
    account = SelectField(_l("Akun"), validate_choice=True)
    start = DateTimeLocalField(_l("Dari"), format=FORMATS,
                               validators=[DataRequired(_l("Isi waktu mulai, misalnya 2026-11-01 08:00."))])
    end = DateTimeLocalField(_l("Sampai"), format=FORMATS,
                             validators=[DataRequired(_l("Isi waktu selesai, misalnya 2026-11-03 17:00."))])

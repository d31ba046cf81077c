"""Completing a report SP4N-LAPOR! sent without usable data: the reporter's identity as at the counter, the
village, the complaint category."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from slrt.core.forms import BaseForm
from slrt.intake.forms import DATE_FORMATS, phone_number, plausible_birth_date


def optional_int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CompletionForm(BaseForm):
    nik = StringField(_l("NIK"), validators=[Length(max=40)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "40"})
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=120)])
    birth_date = DateField(_l("Tanggal lahir"), format=DATE_FORMATS,
                           validators=[InputRequired(_l("Tanggal lahir wajib diisi.")), plausible_birth_date])
    sex = RadioField(_l("Jenis kelamin"), choices=[("L", _l("Laki-laki")), ("P", _l("Perempuan"))],
                     validators=[InputRequired(_l("Pilih jenis kelamin."))])
    phone = StringField(_l("Nomor HP"), validators=[Optional(), phone_number],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    desa = SelectField(_l("Desa/kelurahan"), validators=[DataRequired(_l("Pilih desa/kelurahan."))])
    category = SelectField(_l("Kategori"), coerce=optional_int,
                           validators=[DataRequired(_l("Pilih kategori."))])

    def fill_choices(self, villages, categories) -> None:
        self.desa.choices = [("", "—")] + villages
        self.category.choices = [(None, "—")] + [(c.id, c.name) for c in categories]

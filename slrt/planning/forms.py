from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from slrt.core.forms import BaseForm

FUNDING = [("apbd", _l("APBD")), ("baznas", _l("BAZNAS")), ("csr", _l("CSR perusahaan")),
           ("dana_desa", _l("Dana Desa"))]


class PlanForm(BaseForm):
    programme_id = SelectField(_l("Program"), coerce=int, validate_choice=False,
                               validators=[InputRequired(_l("Pilih program."))])
    budget_year = IntegerField(_l("Tahun anggaran"), validators=[
        InputRequired(_l("Isi tahun anggaran.")), NumberRange(min=2020, max=2100, message=_l("Isi tahun 2020-2100."))])
    funding_source = SelectField(_l("Sumber dana"), choices=FUNDING, validators=[InputRequired(_l("Pilih sumber dana."))])
    quota = IntegerField(_l("Kuota (keluarga)"), validators=[
        InputRequired(_l("Isi kuota.")), NumberRange(min=0, max=10_000_000, message=_l("Isi angka 0 sampai 10.000.000."))])
    unit_cost = IntegerField(_l("Biaya satuan (Rp per keluarga)"), validators=[
        InputRequired(_l("Isi biaya satuan.")),
        NumberRange(min=0, max=2_000_000_000, message=_l("Isi angka 0 sampai 2.000.000.000."))],
        description=_l("Tanpa titik, mis. 600000."))
    eligibility = TextAreaField(_l("Syarat penerima"), validators=[Optional(), Length(max=4000)],
                                description=_l("Mis. desil 1-4, lansia tunggal, belum menerima PBI-JKN."))


class MoveForm(BaseForm):
    """Adopt ("active") or close ("closed") a budget line."""
    target = HiddenField()


class WhatIfForm(BaseForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    kuota = IntegerField(_l("Kuota"), validators=[
        InputRequired(_l("Isi kuota.")), NumberRange(min=0, max=10_000_000, message=_l("Isi angka 0 sampai 10.000.000."))])
    biaya = IntegerField(_l("Biaya satuan (Rp)"), validators=[
        InputRequired(_l("Isi biaya satuan.")),
        NumberRange(min=0, max=2_000_000_000, message=_l("Isi angka 0 sampai 2.000.000.000."))])

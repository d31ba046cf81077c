from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from slrt.api.models import ApiPermission
from slrt.core.forms import BaseForm, MultiCheckboxField


def optional_id(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ApiClientForm(BaseForm):
    name = StringField(_l("Nama klien"), validators=[DataRequired(_l("Nama klien wajib diisi.")), Length(max=120)],
                       description=_l("Mis. \"Command Center Kabupaten\" atau \"Sistem RSUD\"."))
    region = SelectField(_l("Wilayah yang boleh dibaca"), validate_choice=True)
    permissions = MultiCheckboxField(_l("Izin"), validate_choice=True)
    agency = SelectField(_l("Instansi (hanya untuk klien yang menjawab rujukan)"), coerce=optional_id,
                         validate_choice=True)
    expires_on = DateField(_l("Berlaku sampai"), validators=[InputRequired(_l("Isi tanggal berlaku."))])
    rate_per_minute = IntegerField(_l("Batas panggilan per menit"), default=120,
                                   validators=[InputRequired(_l("Isi batas panggilan.")),
                                               NumberRange(min=1, max=6000)])

    def fill_choices(self, regions, agencies) -> None:
        from slrt.core.labels import LABELS
        self.region.choices = [(r.code, r.name) for r in regions]
        self.permissions.choices = LABELS.choices(ApiPermission)
        self.agency.choices = [(None, "—")] + [(a.id, a.name) for a in agencies]


class RevokeForm(BaseForm):
    """Nothing to fill: the button, its CSRF token and its one-time id."""

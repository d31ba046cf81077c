import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from slrt.core.forms import BaseForm

REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class UserForm(BaseForm):
    username = StringField(_l("Nama pengguna"), validators=[
        DataRequired(_l("Nama pengguna wajib diisi.")), Length(min=3, max=60),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Gunakan huruf, angka, titik, garis bawah atau tanda hubung."))])
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama lengkap wajib diisi.")),
                                                            Length(max=120)])
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=30)])
    role = SelectField(_l("Peran"), validate_choice=True)
    region_code = StringField(_l("Kode wilayah Kemendagri"), validators=[
        DataRequired(_l("Kode wilayah wajib diisi.")),
        Regexp(REGION_CODE, message=_l("Format kode wilayah: 32.04, 32.04.01 atau 32.04.01.2001."))],
        description=_l("Kabupaten (32.04), kecamatan (32.04.01) atau desa (32.04.01.2001). "
                       "Pengguna hanya melihat data dalam wilayah ini."))
    agency_id = SelectField(_l("Instansi (untuk petugas penghubung)"), validate_choice=False,
                            validators=[Optional()])


class ConfirmForm(BaseForm):
    """Only the CSRF token: a button that confirms an action."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Nama pengguna wajib diisi.")),
                                                             Length(max=60)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Kata sandi wajib diisi."))])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Kata sandi lama"),
                                     validators=[DataRequired(_l("Kata sandi lama wajib diisi."))])
    password = PasswordField(_l("Kata sandi baru"), validators=[
        DataRequired(_l("Kata sandi baru wajib diisi.")),
        Length(min=10, message=_l("Kata sandi minimal 10 karakter."))])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        EqualTo("password", message=_l("Kedua kata sandi baru tidak sama."))])


def _code_field(label=None):
    return StringField(label or _l("Kode"), validators=[DataRequired(_l("Kode wajib diisi.")), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


class SecondFactorForm(FlaskForm):
    code = _code_field(_l("Kode verifikasi"))


class TwoFactorEnrolForm(FlaskForm):
    code = _code_field(_l("Kode 6 angka dari aplikasi"))


class TwoFactorCodeForm(FlaskForm):
    """A current code (or a recovery code) that confirms a change to the second factor."""
    code = _code_field(_l("Kode dari aplikasi atau kode pemulihan"))


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Kata sandi wajib diisi."))])
    code = _code_field(_l("Kode dari aplikasi atau kode pemulihan"))

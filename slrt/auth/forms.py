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

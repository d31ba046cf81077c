"""The base form: WTForms' own built-in messages, spoken in Indonesian."""
from __future__ import annotations

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

# WTForms ships no Indonesian catalogue; these are the built-in messages our forms can trigger.
WTFORMS_ID = {
    "Not a valid date value.": "Tanggal tidak sah. Gunakan format hari/bulan/tahun.",
    "Not a valid datetime value.": "Tanggal dan jam tidak sah.",
    "Not a valid choice.": "Pilihan tidak sah.",
    "Not a valid choice": "Pilihan tidak sah.",
    "Invalid Choice: could not coerce.": "Pilihan tidak sah.",
    "Choices cannot be None.": "Pilihan tidak tersedia.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang sah.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang sah.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak sah.",
    "Invalid email address.": "Alamat email tidak sah.",
    "Field must be at least %(min)d character long.": "Minimal %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Maksimal %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Maksimal %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Harus %(min)d sampai %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "The CSRF token is missing.": "Token keamanan formulir tidak ada. Muat ulang halaman.",
    "The CSRF token is invalid.": "Token keamanan formulir tidak sah. Muat ulang halaman.",
    "The CSRF token has expired.": "Formulir kedaluwarsa. Muat ulang halaman.",
    "The CSRF tokens do not match.": "Token keamanan formulir tidak cocok. Muat ulang halaman.",
    "File does not have an approved extension: {extensions}": "Jenis berkas tidak diizinkan: {extensions}",
}


class _Translations:
    def _indonesian(self) -> bool:
        return str(get_locale() or "id") == "id"

    def gettext(self, string):
        return WTFORMS_ID.get(string, string) if self._indonesian() else string

    def ngettext(self, singular, plural, n):
        string = singular if n == 1 else plural
        return self.gettext(string)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BaseSubForm(Form):
    """A row inside a FieldList (no CSRF of its own), with the same Indonesian messages."""

    class Meta:
        def get_translations(self, form):
            return _Translations()

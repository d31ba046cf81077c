from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from slrt.core.forms import BaseForm


class SearchForm(BaseForm):
    """The header's search box. Always POSTed: what is typed may be a NIK, which never goes in a URL."""

    q = StringField(_l("Cari"), validators=[DataRequired(_l("Ketik tiket, NIK, No. KK, nomor HP atau nama.")),
                                            Length(max=100)],
                    render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"})

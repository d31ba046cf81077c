from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from slrt.core.forms import BaseForm


class ResendForm(BaseForm):
    """Kirim ulang: the checkbox is required only where a second copy may reach the citizen."""

    confirmed = BooleanField(_l("Saya mengerti; kirim ulang pesan ini."))

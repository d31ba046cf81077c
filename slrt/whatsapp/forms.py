from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from slrt.core.forms import BaseForm


class ReplyForm(BaseForm):
    text = TextAreaField(_l("Balasan"), validators=[Length(max=1000, message=_l("Paling banyak 1000 karakter."))])

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from slrt.core.forms import BaseForm, MultiCheckboxField


class SubscriptionForm(BaseForm):
    url = StringField(_l("Alamat penerima (URL)"), validators=[DataRequired(_l("Isi alamat penerima.")),
                                                               Length(max=500)],
                      description=_l("Mis. https://cc.kabupaten.go.id/slrt/webhook"))
    events = MultiCheckboxField(_l("Peristiwa yang dikirim"), validate_choice=True)

    def fill_choices(self) -> None:
        from slrt.core.labels import LABELS
        from slrt.webhooks.models import WebhookEvent
        self.events.choices = LABELS.choices(WebhookEvent)


class ActiveForm(BaseForm):
    active = HiddenField()


class ResendForm(BaseForm):
    """Nothing to fill: the button, its CSRF token and its one-time id."""

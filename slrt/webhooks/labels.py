"""Labels of the webhook events and delivery statuses. Registered by the feature's init_app."""
from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.webhooks.models import DeliveryStatus, WebhookEvent


def register() -> None:
    LABELS.register(WebhookEvent, {
        WebhookEvent.CASE_CREATED: _l("Kasus baru terdaftar"),
        WebhookEvent.REFERRAL_DECIDED: _l("Rujukan ditetapkan atau ditolak penetapan"),
        WebhookEvent.REFERRAL_ANSWERED: _l("Rujukan dijawab instansi"),
        WebhookEvent.CASE_CLOSED: _l("Kasus selesai"),
    })
    LABELS.register(DeliveryStatus, {
        DeliveryStatus.PENDING: _l("Menunggu dikirim"),
        DeliveryStatus.SENDING: _l("Sedang dikirim"),
        DeliveryStatus.DELIVERED: _l("Terkirim"),
        DeliveryStatus.FAILED: _l("Gagal"),
    })

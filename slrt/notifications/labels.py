"""Labels of the outbox statuses and message kinds. Registered by the feature's init_app."""
from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.notifications.models import MessageChannel, OutboxStatus


def register() -> None:
    LABELS.register(OutboxStatus, {
        OutboxStatus.PENDING: _l("Menunggu"),
        OutboxStatus.SENDING: _l("Sedang dikirim"),
        OutboxStatus.UNKNOWN: _l("Belum pasti"),
        OutboxStatus.SENT: _l("Terkirim"),
        OutboxStatus.LOGGED: _l("Dicatat (tanpa gateway)"),
        OutboxStatus.FAILED: _l("Gagal"),
        OutboxStatus.NO_PHONE: _l("Tanpa nomor HP"),
        OutboxStatus.TRAINING: _l("Tidak dikirim (mode pelatihan)"),
    })

    LABELS.register(MessageChannel, {
        MessageChannel.SMS: _l("SMS"),
        MessageChannel.WHATSAPP: _l("WhatsApp"),
        MessageChannel.LAPOR: _l("SP4N-LAPOR!"),
    })

    # Kinds of message: each step of the case that reaches the citizen (tests/test_audit_labels.py checks them).
    LABELS.register("OutboxKind", {
        "registered": _l("Terdaftar"),
        "referred": _l("Dirujuk"),
        "outcome": _l("Hasil dari instansi"),
        "closed": _l("Selesai"),
        "reopened": _l("Dibuka kembali"),
        "answered": _l("Jawaban langsung"),
        "agency_accepted": _l("Diterima instansi"),
        "agency_needs_documents": _l("Instansi minta dokumen"),
        "agency_completed": _l("Layanan instansi selesai"),
        "agency_declined": _l("Instansi tidak dapat memenuhi"),
    })

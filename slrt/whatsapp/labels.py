from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.whatsapp.models import Command, ConversationStatus, Direction


def register() -> None:
    LABELS.register(ConversationStatus, {
        ConversationStatus.NEW: _l("Perlu dibaca"),
        ConversationStatus.ANSWERED: _l("Sudah dijawab"),
        ConversationStatus.CASE_OPENED: _l("Kasus dibuat"),
    })
    LABELS.register(Direction, {
        Direction.IN: _l("Masuk"),
        Direction.OUT: _l("Keluar"),
    })
    LABELS.register(Command, {
        Command.STATUS: _l("Cek status"),
        Command.DETAIL: _l("Cek rincian"),
        Command.MENU: _l("Pesan"),
        Command.THROTTLED: _l("Terlalu banyak pesan"),
        Command.REPLY: _l("Balasan petugas"),
    })
    LABELS.register("OutboxKind", {
        "wa_auto": _l("Jawaban otomatis WhatsApp"),
        "wa_reply": _l("Balasan WhatsApp"),
    })

from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.lapor.models import LaporStatus


def register() -> None:
    LABELS.register(LaporStatus, {
        LaporStatus.NEEDS_DATA: _l("Data pelapor kurang"),
        LaporStatus.RECEIVED: _l("Diterima"),
        LaporStatus.FOLLOWED_UP: _l("Sudah ditindaklanjuti"),
    })
    LABELS.register("OutboxKind", {
        "lapor_ack": _l("Tanda terima ke LAPOR!"),
        "lapor_follow_up": _l("Tindak lanjut ke LAPOR!"),
    })

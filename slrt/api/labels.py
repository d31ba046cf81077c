"""Labels of the API's permissions and client statuses. Registered by the feature's init_app."""
from flask_babel import lazy_gettext as _l

from slrt.api.models import ApiClientStatus, ApiPermission
from slrt.core.labels import LABELS


def register() -> None:
    LABELS.register(ApiPermission, {
        ApiPermission.READ_STATUS: _l("Membaca status kasus (per tiket dan perubahan)"),
        ApiPermission.READ_AGGREGATES: _l("Membaca angka rekap (dasbor dan layar pusat komando)"),
        ApiPermission.CREATE_CASES: _l("Mendaftarkan kasus dari kanal lain"),
        ApiPermission.ANSWER_REFERRALS: _l("Menjawab rujukan untuk satu instansi"),
        ApiPermission.READ_REGISTRY: _l("Membaca status registri (DTSEN) per NIK"),
    })
    LABELS.register(ApiClientStatus, {
        ApiClientStatus.ACTIVE: _l("Aktif"),
        ApiClientStatus.REVOKED: _l("Dicabut"),
    })

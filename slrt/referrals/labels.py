"""Labels of the referral statuses, events and agency answers. Registered by the feature's init_app."""
from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.referrals.models import ReferralStatus


def register() -> None:
    LABELS.register(ReferralStatus, {
        ReferralStatus.DRAFT: _l("Draf"),
        ReferralStatus.PENDING_SIGNOFF: _l("Menunggu penetapan"),
        ReferralStatus.RETURNED: _l("Dikembalikan"),
        ReferralStatus.REJECTED: _l("Ditolak penetapan"),
        ReferralStatus.APPROVED: _l("Ditetapkan, menunggu instansi"),
        ReferralStatus.ACCEPTED: _l("Diterima instansi"),
        ReferralStatus.NEEDS_DOCUMENTS: _l("Perlu dokumen tambahan"),
        ReferralStatus.COMPLETED: _l("Selesai"),
        ReferralStatus.DECLINED: _l("Ditolak instansi"),
        ReferralStatus.CANCELLED: _l("Dibatalkan"),
    })
    LABELS.register("EventKind", {
        "referral_drafted": _l("Draf rujukan dibuat"),
        "referral_submitted": _l("Rujukan diajukan untuk penetapan"),
        "referral_returned": _l("Rujukan dikembalikan ke back office"),
        "referral_rejected": _l("Rujukan ditolak pada penetapan"),
        "referral_cancelled": _l("Rujukan dibatalkan"),
        "referred": _l("Dirujuk, surat rujukan terbit"),
        "agency_accepted": _l("Rujukan diterima instansi"),
        "agency_needs_documents": _l("Instansi meminta dokumen tambahan"),
        "agency_completed": _l("Layanan instansi selesai"),
        "agency_declined": _l("Instansi tidak dapat memenuhi"),
    })
    # The fields of a draft whose edits its history shows.
    LABELS.register("ReferralField", {
        "agency": _l("Instansi tujuan"), "programme": _l("Program / layanan"), "complaint": _l("Keluhan"),
        "reason": _l("Alasan"), "documents": _l("Dokumen"),
    })
    # The agency's answers as the response form offers them.
    LABELS.register("AgencyResponse", {
        ReferralStatus.ACCEPTED: _l("Diterima, sedang diproses"),
        ReferralStatus.NEEDS_DOCUMENTS: _l("Perlu dokumen tambahan"),
        ReferralStatus.COMPLETED: _l("Selesai, dengan hasil"),
        ReferralStatus.DECLINED: _l("Tidak dapat dipenuhi, dengan alasan"),
    })

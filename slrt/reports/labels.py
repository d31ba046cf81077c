"""Labels of the report periods, outcome buckets and kinds of lateness. Registered by the feature's init_app."""
from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.referrals.models import ReferralStatus

# The referral feature registers its own labels too; these only fill in until it does (same meanings).
_FALLBACK = {
    "draft": _l("Draf"), "pending_signoff": _l("Menunggu penetapan"), "returned": _l("Dikembalikan"),
    "rejected": _l("Ditolak"), "approved": _l("Disetujui, surat terbit"), "accepted": _l("Diterima instansi"),
    "needs_documents": _l("Perlu dokumen"), "completed": _l("Selesai"), "declined": _l("Ditolak instansi"),
}


def register() -> None:
    LABELS.register(ReferralStatus, {s: _FALLBACK[s.value] for s in ReferralStatus
                                     if s.value in _FALLBACK and LABELS.label(ReferralStatus, s) == s.value})
    LABELS.register("ReportPeriod", {
        "this_month": _l("Bulan ini"), "last_month": _l("Bulan lalu"), "this_year": _l("Tahun ini"),
        "range": _l("Rentang tanggal"),
    })
    LABELS.register("OutcomeBucket", {
        "completed": _l("Selesai"), "declined": _l("Ditolak instansi"), "at_agency": _l("Di instansi"),
        "before_agency": _l("Belum ke instansi"),
    })
    LABELS.register("LateKind", {"signoff": _l("Penetapan terlambat"), "response": _l("Jawaban instansi terlambat"),
                                 "any": _l("Terlambat")})

"""Labels of the case and complaint statuses, channels, visit types and events (registered by init_app)."""
from flask_babel import lazy_gettext as _l

from slrt.cases.models import CaseStatus, Channel, ComplaintStatus, ContactChannel, ReferralStage, VisitType
from slrt.core.labels import LABELS


def register() -> None:
    LABELS.register(CaseStatus, {
        CaseStatus.REGISTERED: _l("Terdaftar"),
        CaseStatus.IN_PROGRESS: _l("Diproses"),
        CaseStatus.REFERRED: _l("Dirujuk"),
        CaseStatus.WAITING_CITIZEN: _l("Menunggu dokumen warga"),
        CaseStatus.RESOLVED: _l("Tuntas, menunggu penutupan"),
        CaseStatus.CLOSED: _l("Selesai"),
        CaseStatus.REOPENED: _l("Dibuka kembali"),
    })
    LABELS.register(ComplaintStatus, {
        ComplaintStatus.OPEN: _l("Belum ditangani"),
        ComplaintStatus.ANSWERED: _l("Dijawab langsung"),
        ComplaintStatus.REFERRED: _l("Dirujuk"),
        ComplaintStatus.COMPLETED: _l("Selesai oleh instansi"),
        ComplaintStatus.DECLINED: _l("Tidak dapat dipenuhi"),
    })
    LABELS.register(ReferralStage, {
        ReferralStage.PREPARING: _l("Rujukan disiapkan"),
        ReferralStage.AT_AGENCY: _l("Rujukan di instansi"),
        ReferralStage.WAITING_CITIZEN: _l("Menunggu dokumen warga"),
        ReferralStage.ENDED: _l("Rujukan berakhir"),
    })
    LABELS.register(Channel, {
        Channel.COUNTER: _l("Loket SLRT"),
        Channel.PUSKESOS: _l("Puskesos desa"),
        Channel.HOME_VISIT: _l("Kunjungan rumah"),
        Channel.ONLINE: _l("Daring"),
        Channel.LAPOR: _l("SP4N-LAPOR!"),
    })
    LABELS.register(ContactChannel, {
        ContactChannel.SMS: _l("SMS"),
        ContactChannel.WHATSAPP: _l("WhatsApp"),
    })
    LABELS.register(VisitType, {
        VisitType.QUESTION: _l("Pertanyaan"),
        VisitType.SUGGESTION: _l("Saran"),
        VisitType.GRIEVANCE: _l("Pengaduan"),
        VisitType.SERVICE_REQUEST: _l("Permohonan layanan"),
    })
    LABELS.register("EventKind", {
        "registered": _l("Pendaftaran diterima"),
        "taken": _l("Ditangani petugas"),
        "assigned": _l("Diserahkan ke petugas"),
        "closed": _l("Kasus selesai"),
        "note": _l("Catatan"),
        "assessed": _l("Asesmen"),
        "home_visit": _l("Kunjungan rumah"),
        "answered": _l("Dijawab langsung"),
        "reopened": _l("Dibuka kembali atas keberatan warga"),
        "complaint_added": _l("Keluhan tambahan diterima"),
    })
    LABELS.register("CaseField", {
        "name": _l("Nama"), "birth_place": _l("Tempat lahir"), "birth_date": _l("Tanggal lahir"),
        "sex": _l("Jenis kelamin"), "phone": _l("Nomor HP"), "kk_number": _l("No. KK"), "address": _l("Alamat"),
        "rt": "RT", "rw": "RW", "region_code": _l("Desa/kelurahan"), "visit_type": _l("Jenis layanan"),
        "complaint_category": _l("Kategori keluhan"), "complaint_description": _l("Uraian keluhan"),
    })
    LABELS.register("Sex", {"L": _l("Laki-laki"), "P": _l("Perempuan")})
    LABELS.register("Relationship", {
        1: _l("Kepala keluarga"), 2: _l("Suami/istri"), 3: _l("Anak"), 4: _l("Menantu"), 5: _l("Cucu"),
        6: _l("Orang tua/mertua"), 7: _l("Pembantu rumah tangga"), 8: _l("Lainnya"),
    })


def change_field_label(field: str) -> str:
    """A history row's field by its label; a complaint's with its number on the case ("Uraian keluhan 2")."""
    name, _dot, position = field.partition(".")
    text = str(LABELS.label("CaseField", name))
    return f"{text} {position}" if position else text

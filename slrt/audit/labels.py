"""The audit trail in plain Indonesian: a label for every action code that any feature writes, the names of
the records it acts on, and the status moves ("pending_signoff->rejected") written at the start of a note.

One table for the whole portal, so the audit page and its filter speak one language; a feature that writes a
new action code adds it here (tests/test_audit_labels.py finds every code written in slrt/ and fails on a
missing one). Status names come from the labels each feature registers for its enums (slrt.core.labels).
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS

ACTIONS = {
    # accounts and sign-in
    "auth.login": _l("Masuk ke portal"),
    "auth.login_failed": _l("Gagal masuk (kata sandi salah)"),
    "auth.logout": _l("Keluar dari portal"),
    "auth.2fa_enable": _l("Mengaktifkan verifikasi dua langkah"),
    "auth.2fa_disable": _l("Menonaktifkan verifikasi dua langkah"),
    "auth.2fa_failed": _l("Kode verifikasi dua langkah salah"),
    "auth.2fa_recovery_codes": _l("Membuat kode pemulihan baru"),
    "auth.recovery_code_used": _l("Masuk dengan kode pemulihan"),
    "user.create": _l("Membuat akun pengguna"),
    "user.update": _l("Mengubah akun pengguna"),
    "user.enable": _l("Mengaktifkan akun pengguna"),
    "user.disable": _l("Menonaktifkan akun pengguna"),
    "user.reset_password": _l("Mengatur ulang kata sandi pengguna"),
    "user.change_password": _l("Mengganti kata sandi sendiri"),
    "user.reset_2fa": _l("Mengatur ulang verifikasi dua langkah pengguna"),
    # district settings and lists
    "setting.update": _l("Mengubah pengaturan kabupaten"),
    "district.add": _l("Menambah kabupaten/kota ke basis data"),
    "district.update": _l("Mengubah data kabupaten/kota"),
    "district.choose": _l("Memilih kabupaten/kota tempat bekerja"),
    "agency.create": _l("Menambah instansi"),
    "agency.update": _l("Mengubah instansi"),
    "agency.activate": _l("Mengaktifkan instansi"),
    "agency.deactivate": _l("Menonaktifkan instansi"),
    "programme.create": _l("Menambah program"),
    "programme.update": _l("Mengubah program"),
    "programme.activate": _l("Mengaktifkan program"),
    "programme.deactivate": _l("Menonaktifkan program"),
    "complaint_category.create": _l("Menambah kategori keluhan"),
    "complaint_category.update": _l("Mengubah kategori keluhan"),
    "complaint_category.activate": _l("Mengaktifkan kategori keluhan"),
    "complaint_category.deactivate": _l("Menonaktifkan kategori keluhan"),
    "document_type.create": _l("Menambah jenis dokumen"),
    "document_type.update": _l("Mengubah jenis dokumen"),
    "document_type.activate": _l("Mengaktifkan jenis dokumen"),
    "document_type.deactivate": _l("Menonaktifkan jenis dokumen"),
    "day_off.create": _l("Menambah hari libur"),
    "day_off.delete": _l("Menghapus hari libur"),
    # people
    "person.view": _l("Melihat data warga"),
    "person.search": _l("Mencari warga"),
    "person.check": _l("Cek NIK (warga di luar wilayah)"),
    "person.check_throttled": _l("Cek NIK ditolak (terlalu sering)"),
    "person.create": _l("Mendaftarkan warga baru"),
    "person.identity_pending": _l("Identitas berbeda, menunggu pemeriksaan"),
    "person.identity_accept": _l("Menerima identitas baru warga"),
    "person.identity_dismiss": _l("Menolak identitas berbeda"),
    "person.correction_request": _l("Mencatat permintaan koreksi data"),
    "person.correction_accept": _l("Menerima koreksi data warga"),
    "person.correction_reject": _l("Menolak koreksi data warga"),
    # cases and complaints
    "case.create": _l("Mendaftarkan kasus"),
    "case.taken": _l("Mengambil kasus"),
    "case.assigned": _l("Menyerahkan kasus ke petugas"),
    "case.assessment": _l("Mencatat asesmen"),
    "case.status": _l("Status kasus berubah"),
    "case.closed": _l("Menutup kasus"),
    "case.reopened": _l("Membuka kembali kasus (keberatan warga)"),
    "case.complaint_add": _l("Menambah keluhan ke kasus yang masih terbuka"),
    "case.edit": _l("Mengubah data kasus (dengan alasan)"),
    "person.edit": _l("Mengubah data warga lewat perubahan data kasus"),
    "complaint.status": _l("Status keluhan berubah"),
    "complaint.answer": _l("Menjawab keluhan langsung"),
    # referrals
    "referral.draft": _l("Membuat draf rujukan"),
    "referral.edit": _l("Mengubah draf rujukan"),
    "referral.pending_signoff": _l("Mengajukan rujukan untuk penetapan"),
    "referral.returned": _l("Mengembalikan rujukan ke back office"),
    "referral.rejected": _l("Menolak rujukan pada penetapan"),
    "referral.approved": _l("Menetapkan rujukan"),
    "referral.accepted": _l("Instansi menerima rujukan"),
    "referral.needs_documents": _l("Instansi meminta dokumen tambahan"),
    "referral.completed": _l("Instansi menyelesaikan rujukan"),
    "referral.declined": _l("Instansi tidak dapat memenuhi rujukan"),
    "referral.cancelled": _l("Membatalkan rujukan"),
    # messages to citizens
    "outbox.resend": _l("Mengirim ulang pesan ke warga"),
    "outbox.queued_copy": _l("Salinan pesan masuk antrean"),
    "outbox.retry": _l("Mencoba lagi pesan yang gagal"),
    "outbox.sent": _l("Pesan diterima gateway SMS"),
    "outbox.logged": _l("Pesan dicatat (tanpa gateway)"),
    "outbox.failed": _l("Pesan gagal dikirim"),
    "outbox.unknown": _l("Hasil kirim pesan belum pasti"),
    # registry (DTSEN) and proposals
    "registry.import_start": _l("Memulai impor data DTSEN"),
    "registry.import_cancel": _l("Membatalkan impor data DTSEN"),
    "registry.import_dead": _l("Impor DTSEN berhenti (proses hilang)"),
    "registry.search": _l("Mencari di data DTSEN"),
    "registry.view": _l("Melihat keluarga di data DTSEN"),
    "registry.changes_view": _l("Melihat perubahan data DTSEN"),
    "registry.changes_export": _l("Mengunduh perubahan data DTSEN"),
    "registry.rejected_export": _l("Mengunduh baris impor yang ditolak"),
    "proposal.create": _l("Membuat usulan/sanggah DTSEN"),
    "proposal.view": _l("Melihat usulan DTSEN"),
    "proposal.verify": _l("Mencatat kunjungan rumah usulan"),
    "proposal.deliberate": _l("Mencatat hasil musyawarah desa"),
    "proposal.approve": _l("Menyetujui usulan"),
    "proposal.reject": _l("Menolak usulan"),
    "proposal.export": _l("Mengekspor usulan untuk SIKS-NG"),
    "proposal.minutes": _l("Mengunduh berita acara musyawarah"),
    # attachments
    "attachment.add": _l("Mengunggah lampiran"),
    "attachment.view": _l("Membuka lampiran"),
    "attachment.thumbnail": _l("Melihat gambar kecil lampiran"),
    "attachment.download": _l("Mengunduh lampiran"),
    "attachment.remove": _l("Menghapus lampiran"),
    # reports and personal data
    "report.export": _l("Mengunduh laporan"),
    "report.summarise": _l("Merangkum angka laporan"),
    "privacy.subject_access": _l("Laporan data pribadi warga (akses subjek)"),
    "privacy.subject_access_pdf": _l("Mengunduh laporan data pribadi warga (PDF)"),
    "privacy.breach_scope": _l("Memeriksa cakupan kebocoran data"),
    "privacy.breach_scope_export": _l("Mengunduh cakupan kebocoran data"),
    "privacy.retention": _l("Menjalankan masa simpan data"),
    "audit.person_trail": _l("Melihat jejak audit seorang warga"),
    # the API, the wallboard and the channels (WhatsApp, SP4N-LAPOR!)
    "api.call": _l("Panggilan API oleh klien"),
    "api_client.create": _l("Membuat klien API"),
    "api_client.revoke": _l("Mencabut klien API"),
    "wallboard.connect": _l("Menyambungkan layar pusat komando"),
    "registry.check": _l("Memeriksa status DTSEN lewat API"),
    "wa.receive": _l("Menerima pesan WhatsApp"),
    "wa.detail": _l("Mengirim rincian kasus lewat WhatsApp"),
    "wa.conversation": _l("Membuka percakapan WhatsApp"),
    "wa.view": _l("Melihat pesan masuk WhatsApp"),
    "wa.reply": _l("Membalas pesan WhatsApp"),
    "wa.case_opened": _l("Membuka kasus dari percakapan WhatsApp"),
    "wa.purge": _l("Menghapus isi percakapan WhatsApp yang lewat masa simpan"),
    "lapor.received": _l("Menerima laporan SP4N-LAPOR!"),
    "lapor.needs_data": _l("Laporan SP4N-LAPOR! perlu dilengkapi"),
    "lapor.completed": _l("Melengkapi laporan SP4N-LAPOR! dan mendaftarkan kasusnya"),
    "lapor.follow_up": _l("Mengirim tindak lanjut ke SP4N-LAPOR!"),
    "webhook.create": _l("Menambah alamat penerima webhook"),
    "webhook.activate": _l("Mengaktifkan alamat penerima webhook"),
    "webhook.deactivate": _l("Menghentikan alamat penerima webhook"),
    "webhook.resend": _l("Mengirim ulang kiriman webhook"),
    "webhook.delivered": _l("Kiriman webhook diterima penerima"),
    "webhook.failed": _l("Kiriman webhook gagal setelah semua percobaan"),
    "outbox.fallback": _l("Pesan WhatsApp dialihkan ke SMS"),
    "outbox.training": _l("Pesan tidak dikirim (mode pelatihan)"),
    # home visits and field devices
    "visit.assigned": _l("Menugaskan kunjungan rumah"),
    "visit.cancelled": _l("Membatalkan kunjungan rumah"),
    "visit.done": _l("Mencatat hasil kunjungan rumah"),
    "case.field_update": _l("Kasus diperbarui dari perangkat lapangan"),
    "device.enrolled": _l("Mendaftarkan perangkat lapangan"),
    "device.revoked": _l("Mencabut perangkat lapangan"),
    "device.tickets_reserved": _l("Memesan nomor tiket untuk perangkat"),
    "device.token_renewed": _l("Memperbarui kunci perangkat lapangan"),
    "device.wipe_sent": _l("Memerintahkan perangkat menghapus data"),
    "field.pull": _l("Perangkat mengambil data kunjungan"),
    "field.push": _l("Perangkat mengirim data lapangan"),
    "field.photo": _l("Perangkat mengirim foto"),
    "field.clash": _l("Bentrok data lapangan dicatat"),
    "field.clash_resolved": _l("Memutuskan bentrok data lapangan"),
    "field.discard": _l("Perangkat membuang catatan yang ditolak portal"),
    # village meetings, household data and planning
    "meeting.create": _l("Mencatat musyawarah desa"),
    "meeting.attendance": _l("Mengubah daftar hadir musyawarah"),
    "meeting.decide": _l("Mencatat keputusan musyawarah"),
    "meeting.sign": _l("Mengunggah berita acara musyawarah"),
    "meeting.approve": _l("Menyetujui usulan hasil musyawarah"),
    "meeting.view": _l("Melihat musyawarah desa"),
    "meeting.minutes": _l("Membuka berita acara musyawarah"),
    "meeting.export": _l("Mengunduh lembar SIKS-NG"),
    "survey.create": _l("Mencatat data sosial ekonomi keluarga"),
    "survey.view": _l("Melihat data sosial ekonomi keluarga"),
    "planning.create": _l("Membuat program lokal"),
    "planning.update": _l("Mengubah program lokal"),
    "planning.planned": _l("Program lokal direncanakan"),
    "planning.active": _l("Program lokal berjalan"),
    "planning.closed": _l("Program lokal ditutup"),
    # the districts' signed monthly aggregate files (province)
    "rollup.trust": _l("Mendaftarkan kunci publik kabupaten/kota"),
    "rollup.import": _l("Mengimpor rekap bulanan kabupaten/kota"),
}

# The first part of each code, for the filter ("every case action").
GROUPS = {
    "auth": _l("Masuk dan keluar"), "user": _l("Akun pengguna"), "setting": _l("Pengaturan"),
    "district": _l("Kabupaten/kota"),
    "agency": _l("Instansi"), "programme": _l("Program"), "complaint_category": _l("Kategori keluhan"),
    "document_type": _l("Jenis dokumen"), "day_off": _l("Hari libur"), "person": _l("Data warga"),
    "case": _l("Kasus"), "complaint": _l("Keluhan"), "referral": _l("Rujukan"), "outbox": _l("Pesan ke warga"),
    "registry": _l("Data DTSEN"), "proposal": _l("Usulan DTSEN"), "attachment": _l("Lampiran"),
    "report": _l("Laporan"), "privacy": _l("Pelindungan data"), "audit": _l("Jejak audit"),
    "api": _l("API"), "api_client": _l("Klien API"), "wallboard": _l("Pusat komando"), "wa": _l("WhatsApp"),
    "lapor": _l("SP4N-LAPOR!"), "visit": _l("Kunjungan rumah"), "device": _l("Perangkat lapangan"),
    "field": _l("Sinkron lapangan"), "meeting": _l("Musyawarah desa"), "survey": _l("Data sosial ekonomi"),
    "planning": _l("Perencanaan"), "webhook": _l("Webhook"), "rollup": _l("Rekap kabupaten/kota"),
}

# The record an audit row names (its model's class) and the enum of that record's status.
OBJECTS = {
    "Case": (_l("Kasus"), "CaseStatus"), "Complaint": (_l("Keluhan"), "ComplaintStatus"),
    "Referral": (_l("Rujukan"), "ReferralStatus"), "Person": (_l("Warga"), None),
    "User": (_l("Akun"), None), "Agency": (_l("Instansi"), None), "Programme": (_l("Program"), None),
    "ComplaintCategory": (_l("Kategori keluhan"), None), "DocumentType": (_l("Jenis dokumen"), None),
    "DayOff": (_l("Hari libur"), None), "OutboxMessage": (_l("Pesan"), "OutboxStatus"),
    "RegistryImport": (_l("Impor DTSEN"), "ImportStatus"), "RegistryPerson": (_l("Data DTSEN"), None),
    "RegistryChange": (_l("Perubahan DTSEN"), "ChangeKind"), "Proposal": (_l("Usulan"), "ProposalStatus"),
    "Attachment": (_l("Lampiran"), "AttachmentStatus"), "VisitIdentity": (_l("Identitas kunjungan"), "IdentityReview"),
    "CorrectionRequest": (_l("Permintaan koreksi"), "CorrectionStatus"), "Assessment": (_l("Asesmen"), None),
    "RegistryHousehold": (_l("Keluarga DTSEN"), None), "RollupFile": (_l("Rekap kabupaten/kota"), None),
    "WebhookSubscription": (_l("Alamat penerima webhook"), None),
    "WebhookDelivery": (_l("Kiriman webhook"), "DeliveryStatus"),
}

_MOVE = re.compile(r"^([a-z_]+)->([a-z_]+)(?:\s+|$)")


def action_label(code: str) -> str:
    text = ACTIONS.get(code)
    return str(text) if text is not None else code


def action_choices() -> list[tuple[str, str]]:
    """For the filter: each group ("case." = every case action) followed by its actions, by label."""
    choices = []
    for group, name in sorted(GROUPS.items(), key=lambda item: str(item[1])):
        codes = sorted((c for c in ACTIONS if c.split(".", 1)[0] == group), key=action_label)
        choices.append((f"{group}.", str(name) + " — " + str(_l("semua"))))
        choices.extend((code, "\u00a0\u00a0" + action_label(code)) for code in codes)
    return choices


def object_label(object_type: str) -> str:
    named = OBJECTS.get(object_type)
    return str(named[0]) if named else object_type


def note_text(object_type: str, note: str) -> str:
    """The note with a status move at its start in words: "pending_signoff->rejected Lengkapi SKTM" becomes
    "Menunggu penetapan → Ditolak penetapan · Lengkapi SKTM"."""
    match = _MOVE.match(note or "")
    enum = (OBJECTS.get(object_type) or (None, None))[1]
    if not match or enum is None:
        return note or ""
    move = f"{LABELS.label(enum, match.group(1))} → {LABELS.label(enum, match.group(2))}"
    rest = note[match.end():].strip()
    return f"{move} · {rest}" if rest else move

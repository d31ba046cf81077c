"""Labels of the registry's statuses, programmes and columns."""
from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.registry.models import (ChangeKind, ImportStatus, MeetingDecision, MeetingStatus, ProposalKind,
                                  ProposalStatus)


def register() -> None:
    LABELS.register(ImportStatus, {ImportStatus.RUNNING: _l("Sedang berjalan"), ImportStatus.DONE: _l("Selesai"),
                                   ImportStatus.FAILED: _l("Gagal (data lama tetap dipakai)")})
    LABELS.register(ProposalKind, {ProposalKind.USULAN: _l("Usulan baru"),
                                   ProposalKind.PERBAIKAN: _l("Perbaikan data"), ProposalKind.SANGGAH: _l("Sanggah")})
    LABELS.register(ProposalStatus, {
        ProposalStatus.DRAFT: _l("Menunggu kunjungan rumah"), ProposalStatus.VERIFIED: _l("Menunggu musyawarah desa"),
        ProposalStatus.DELIBERATED: _l("Menunggu persetujuan dinas"),
        ProposalStatus.APPROVED: _l("Disetujui, siap SIKS-NG"), ProposalStatus.REJECTED: _l("Ditolak")})
    LABELS.register(MeetingStatus, {
        MeetingStatus.RECORDED: _l("Menunggu berita acara bertanda tangan"),
        MeetingStatus.SIGNED: _l("Menunggu persetujuan dinas"), MeetingStatus.APPROVED: _l("Disetujui dinas")})
    LABELS.register(MeetingDecision, {MeetingDecision.AGREED: _l("Disetujui"), MeetingDecision.REFUSED: _l("Ditolak"),
                                      MeetingDecision.POSTPONED: _l("Ditunda")})
    LABELS.register("ChangeKind", {
        ChangeKind.JOINED: _l("Masuk DTSEN"), ChangeKind.LEFT: _l("Keluar dari DTSEN"),
        ChangeKind.DECILE_UP: _l("Desil naik"), ChangeKind.DECILE_DOWN: _l("Desil turun"),
        ChangeKind.MOVED: _l("Pindah desa/kelurahan"),
        "lost_pkh": _l("PKH berhenti"), "lost_bpnt": _l("BPNT/Sembako berhenti"), "lost_pbi": _l("PBI-JKN berhenti"),
        "lost_pip": _l("PIP berhenti"), "lost_bst": _l("BST berhenti"), "lost_atensi": _l("ATENSI berhenti"),
        "gained_pkh": _l("Mulai menerima PKH"), "gained_bpnt": _l("Mulai menerima BPNT/Sembako"),
        "gained_pbi": _l("Mulai dijamin PBI-JKN"), "gained_pip": _l("Mulai menerima PIP"),
        "gained_bst": _l("Mulai menerima BST"), "gained_atensi": _l("Mulai menerima ATENSI")})
    LABELS.register("Programme", {"pkh": "PKH", "bpnt": _l("BPNT/Sembako"), "pbi": "PBI-JKN", "pip": "PIP",
                                  "bst": "BST", "atensi": "ATENSI"})
    LABELS.register("RegistryField", {
        "nik": _l("NIK"), "kk_number": _l("No. KK"), "name": _l("Nama"), "birth_place": _l("Tempat lahir"),
        "birth_date": _l("Tanggal lahir"), "sex": _l("Jenis kelamin"),
        "relation": _l("Hubungan dengan kepala keluarga"),
        "address": _l("Alamat"), "rt": "RT", "rw": "RW", "region_code": _l("Kode wilayah desa/kelurahan"),
        "kecamatan_name": _l("Nama kecamatan"), "desa_name": _l("Nama desa/kelurahan"), "decile": _l("Desil"),
        "disability": _l("Disabilitas"), "dukcapil_matched": _l("Padan Dukcapil"), "pkh": "PKH",
        "bpnt": _l("BPNT/Sembako"), "pbi": "PBI-JKN", "pip": "PIP", "bst": "BST", "atensi": "ATENSI"})

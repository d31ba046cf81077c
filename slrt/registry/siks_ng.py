"""The SIKS-NG sheet of a village meeting's batch: one row per member of each agreed household, with what an
operator types into SIKS-NG (identity with birth place and date, sex, relationship to the head, Dukcapil match,
region codes, the programme proposed) and the household's socio-economic variables (slrt/registry/regsosek.py).

Region codes are Kemendagri's (the portal's region table, from `idn-area-data`): province `NN`, kabupaten/kota
`NN.NN`, kecamatan `NN.NN.NN`, desa/kelurahan `NN.NN.NN.NNNN`, written with and without dots. BPS's codes
(MFD: the same province digits, but kabupaten, kecamatan and desa numbered differently) are not in the region
table, so the sheet leaves them out and says so on its notes sheet; SIKS-NG shows the BPS code once the
Kemendagri village is chosen.
"""
from __future__ import annotations

from flask_babel import gettext as _

from slrt.core.labels import LABELS
from slrt.registry import regsosek as rs
from slrt.registry.models import MeetingDecision, ProposalKind, VillageMeeting
from slrt.reports.tables import Column, Table, to_xlsx

KINDS = {ProposalKind.USULAN: "USULAN BARU", ProposalKind.PERBAIKAN: "PERBAIKAN DATA",
         ProposalKind.SANGGAH: "SANGGAH"}
DUKCAPIL = {True: "PADAN", False: "TIDAK PADAN", None: "BELUM DICEK (tidak ada di DTSEN)"}


def coded(codes: dict, code: str | None) -> str:
    """`8 - Tanah`: the questionnaire's code and its label, as an operator picks it in SIKS-NG."""
    return f"{code} - {rs.label(codes, code)}" if code else ""


COLUMNS = [
    ("NO", "int", 5), ("NO_USULAN", "int", 10), ("JENIS_USULAN", "text", 16), ("PROGRAM_DIUSULKAN", "text", 14),
    ("NO_KK", "text", 18), ("NIK", "text", 18), ("NAMA", "text", 28), ("TEMPAT_LAHIR", "text", 16),
    ("TANGGAL_LAHIR", "date", 12), ("JENIS_KELAMIN", "text", 14), ("HUB_KEPALA_KELUARGA", "text", 22),
    ("STATUS_PADAN_DUKCAPIL", "text", 22), ("ALAMAT", "text", 28), ("RT", "text", 5), ("RW", "text", 5),
    ("KODE_PROVINSI_KEMENDAGRI", "text", 8), ("KODE_KABUPATEN_KEMENDAGRI", "text", 10),
    ("KODE_KECAMATAN_KEMENDAGRI", "text", 12), ("KODE_DESA_KEMENDAGRI", "text", 16),
    ("KODE_DESA_KEMENDAGRI_TANPA_TITIK", "text", 14), ("NAMA_KABUPATEN", "text", 18), ("NAMA_KECAMATAN", "text", 18),
    ("NAMA_DESA", "text", 18),
    ("STATUS_KEPEMILIKAN_RUMAH", "text", 18), ("LUAS_LANTAI_M2", "int", 10), ("JENIS_LANTAI", "text", 18),
    ("JENIS_DINDING", "text", 18), ("JENIS_ATAP", "text", 16), ("SUMBER_AIR_MINUM", "text", 22),
    ("SUMBER_PENERANGAN", "text", 22), ("BAHAN_BAKAR_MEMASAK", "text", 20), ("FASILITAS_BAB", "text", 28),
    ("PEMBUANGAN_AKHIR_TINJA", "text", 20), ("ASET", "text", 30), ("LUAS_LAHAN_M2", "int", 10),
    ("RUMAH_DI_TEMPAT_LAIN", "text", 8),
    ("PARTISIPASI_SEKOLAH", "text", 18), ("IJAZAH_TERTINGGI", "text", 16), ("BEKERJA", "text", 8),
    ("LAPANGAN_USAHA", "text", 24), ("STATUS_PEKERJAAN", "text", 22), ("DISABILITAS", "text", 20),
    ("PENYAKIT_KRONIS", "text", 20),
    ("TANGGAL_MUSDES", "date", 12), ("TANGGAL_PERSETUJUAN_DINAS", "date", 12), ("KETERANGAN", "text", 30),
]
HEADERS = [name for name, _type, _width in COLUMNS]


def _household(survey) -> list:
    if survey is None:
        return ["", None, "", "", "", "", "", "", "", "", "", None, ""]
    return [coded(rs.OWNERSHIP, survey.ownership), survey.floor_area, coded(rs.FLOOR, survey.floor),
            coded(rs.WALL, survey.wall), coded(rs.ROOF, survey.roof), coded(rs.WATER, survey.water),
            coded(rs.LIGHTING, survey.lighting), coded(rs.COOKING_FUEL, survey.cooking_fuel),
            coded(rs.TOILET, survey.toilet), coded(rs.SEWAGE, survey.sewage),
            ", ".join(rs.label(rs.ASSETS, a) for a in survey.asset_codes()), survey.land_area,
            "YA" if survey.other_house else "TIDAK"]


def batch_rows(meeting: VillageMeeting, matched, names: dict[str, str]) -> list[list]:
    """The rows of the agreed proposals of the batch. `matched(nik)` is the Dukcapil match the registry extract
    records for a NIK (None when the NIK is not in it); `names` maps region codes to their names."""
    rows: list[list] = []
    code = meeting.region_code
    region = [code[:2], code[:5], code[:8], code, code.replace(".", ""), names.get(code[:5], ""),
              names.get(code[:8], ""), names.get(code, "")]
    for item in meeting.items:
        if item.decision != MeetingDecision.AGREED:
            continue
        p, survey = item.proposal, item.proposal.survey
        head = [p.id, KINDS.get(p.kind, p.kind.upper()), LABELS.label("Programme", p.programme) if p.programme else ""]
        after = [meeting.meeting_date, p.decided_at.date() if p.decided_at else None]
        household = _household(survey)
        if survey is None:  # the head alone, as the proposal knows them; the operator must complete the rest
            rows.append([len(rows) + 1, *head, p.kk_number, p.nik, p.name, "", None, "", coded(rs.RELATION, "1"),
                         DUKCAPIL[matched(p.nik)], p.address, p.rt, p.rw, *region, *household,
                         "", "", "", "", "", "", "", *after, _("Data sosial ekonomi keluarga belum diisi.")])
            continue
        for m in survey.members:
            rows.append([len(rows) + 1, *head, survey.kk_number, m.nik, m.name, m.birth_place, m.birth_date,
                         coded(rs.SEX, m.sex), coded(rs.RELATION, m.relation),
                         DUKCAPIL[matched(m.nik) if m.nik else None] if m.nik else _("TANPA NIK"),
                         p.address, p.rt, p.rw, *region, *household,
                         coded(rs.SCHOOLING, m.schooling), coded(rs.DIPLOMA, m.diploma), "YA" if m.working else "TIDAK",
                         coded(rs.INDUSTRY, m.industry), coded(rs.JOB_STATUS, m.job_status),
                         coded(rs.DISABILITY, m.disability), coded(rs.CHRONIC_ILLNESS, m.chronic_illness),
                         *after, ""])
    return rows


def batch_xlsx(meeting: VillageMeeting, rows: list[list], village: str) -> bytes:
    sheet = Table(_("Usulan SIKS-NG"), [Column(name, type=kind, width=width) for name, kind, width in COLUMNS], rows,
                  sheet="SIKS-NG")
    notes = Table(_("Keterangan"), [Column(_("Keterangan"), width=120)], [[line] for line in (
        _("Usulan hasil musyawarah %(village)s tanggal %(date)s yang disetujui musyawarah; satu baris per anggota "
          "keluarga.", village=village, date=meeting.meeting_date.strftime("%d-%m-%Y")),
        _("Kode wilayah: kode Kemendagri (tabel wilayah portal, dari idn-area-data), dengan dan tanpa titik."),
        _("Kode wilayah BPS tidak tersedia: tabel wilayah portal hanya memuat kode Kemendagri. Pilih desa/kelurahan "
          "di SIKS-NG; kode BPS-nya mengikuti."),
        _("Isian sosial ekonomi ditulis \"kode - keterangan\" menurut kuesioner Regsosek 2022 (REGSOSEK22-K, BPS)."),
        _("STATUS_PADAN_DUKCAPIL diambil dari ekstrak DTSEN terakhir; NIK yang tidak ada di DTSEN belum dicek."),
    )], sheet=_("Keterangan"))
    return to_xlsx([sheet, notes])

"""The district's starting lists. Loaded once; the administrator edits them afterwards."""
from __future__ import annotations

from sqlalchemy import select

from slrt.admin.models import Agency, ComplaintCategory, DocumentType, Programme
from slrt.extensions import db

AGENCIES = [
    ("DINSOS", "Dinas Sosial"),
    ("DINKES", "Dinas Kesehatan"),
    ("RSUD", "Rumah Sakit Umum Daerah"),
    ("BPJSKES", "BPJS Kesehatan"),
    ("DISDIK", "Dinas Pendidikan"),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman"),
    ("BAZNAS", "BAZNAS Kabupaten"),
    ("BAPPEDA", "Bappeda"),
]

PROGRAMMES = [
    ("PKH", "Program Keluarga Harapan (PKH)", "DINSOS"),
    ("BPNT", "Bantuan Pangan Non Tunai (BPNT/Sembako)", "DINSOS"),
    ("PBI-JKN", "PBI-JKN / KIS (reaktivasi atau pendaftaran)", "BPJSKES"),
    ("JAMKESDA", "Jaminan kesehatan daerah / biaya berobat", "DINKES"),
    ("RSUD-BIAYA", "Keringanan biaya rumah sakit", "RSUD"),
    ("PIP", "Program Indonesia Pintar (KIP/PIP)", "DISDIK"),
    ("KTP", "KTP elektronik", "DUKCAPIL"),
    ("KK", "Kartu Keluarga", "DUKCAPIL"),
    ("AKTA", "Akta kelahiran", "DUKCAPIL"),
    ("RTLH", "Rehabilitasi rumah tidak layak huni (RTLH)", "DISPERKIM"),
    ("ZAKAT", "Bantuan zakat", "BAZNAS"),
    ("DISABILITAS", "Bantuan penyandang disabilitas", "DINSOS"),
    ("LANSIA", "Bantuan lanjut usia", "DINSOS"),
    ("SANTUNAN-KEMATIAN", "Santunan kematian", "DINSOS"),
    ("DTSEN", "Pendaftaran / perbaikan data DTSEN", "DINSOS"),
]

COMPLAINT_CATEGORIES = [
    ("BANSOS-TIDAK-DITERIMA", "Bantuan sosial tidak diterima (PKH, BPNT)"),
    ("DATA-DTSEN", "Kesalahan data DTKS/DTSEN"),
    ("KESEHATAN", "Jaminan kesehatan (PBI-JKN/KIS)"),
    ("PENDIDIKAN", "Bantuan pendidikan (KIP/PIP)"),
    ("ADMINDUK", "Dokumen kependudukan"),
    ("PERUMAHAN", "Perumahan (RTLH)"),
    ("DISABILITAS", "Bantuan disabilitas"),
    ("LANSIA", "Lanjut usia terlantar"),
    ("KEMATIAN", "Santunan kematian"),
    ("LAINNYA", "Lainnya"),
]

DOCUMENT_TYPES = [
    ("KTP", "KTP"),
    ("KK", "Kartu Keluarga"),
    ("SKTM", "Surat keterangan tidak mampu (SKTM) dari desa"),
    ("FOTO-RUMAH", "Foto rumah"),
    ("RUJUKAN-PUSKESMAS", "Surat rujukan puskesmas"),
    ("KARTU-BANSOS", "Kartu bantuan (KKS/KIS/KIP)"),
]


def load_reference_data() -> dict[str, int]:
    """Insert the current district's missing list entries, by code (slrt.regions.districts: the queries below
    see that district's entries only and new entries take its code). Never overwrites the district's edits."""
    added = {"agencies": 0, "programmes": 0, "categories": 0, "documents": 0}
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    for code, name in AGENCIES:
        if code not in agencies:
            agencies[code] = Agency(code=code, name=name)
            db.session.add(agencies[code])
            added["agencies"] += 1
    db.session.flush()
    programmes = set(db.session.scalars(select(Programme.code)))
    for order, (code, name, agency_code) in enumerate(PROGRAMMES):
        if code not in programmes:
            db.session.add(Programme(code=code, name=name, agency_id=agencies[agency_code].id, sort_order=order))
            added["programmes"] += 1
    categories = set(db.session.scalars(select(ComplaintCategory.code)))
    for order, (code, name) in enumerate(COMPLAINT_CATEGORIES):
        if code not in categories:
            db.session.add(ComplaintCategory(code=code, name=name, sort_order=order))
            added["categories"] += 1
    documents = set(db.session.scalars(select(DocumentType.code)))
    for order, (code, name) in enumerate(DOCUMENT_TYPES):
        if code not in documents:
            db.session.add(DocumentType(code=code, name=name, sort_order=order))
            added["documents"] += 1
    db.session.flush()
    return added

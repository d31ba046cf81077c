"""Small extracts for the registry tests, written the way spreadsheets write them."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from slrt.extensions import db

HEADERS = ["NIK", "NOKK", "NAMA", "TMPT_LAHIR", "TGL_LAHIR", "JNS_KEL", "HUB_KRT", "ALAMAT", "RT", "RW",
           "KODE_WILAYAH", "DESIL", "DISABILITAS", "PADAN_DUKCAPIL", "PKH", "BPNT", "PBI", "PIP"]


def nik(kecamatan: str, born: date, woman: bool = False, serial: int = 1) -> str:
    """A valid NIK registered in `kecamatan` (a code like 32.04.05)."""
    day = born.day + (40 if woman else 0)
    return f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def kk(kecamatan: str, serial: int = 1) -> str:
    return f"{kecamatan.replace('.', '')}010120{serial:04d}"


def person_row(places, *, nik_value, kk_value, name, born: date, sex="1", relation="1", decile="3",
               region=None, pkh="0", bpnt="0", pbi="0", pip="0", disability="0", matched="1",
               address="KP. SUKAMAJU NO. 5", rt="002", rw="004"):
    return [nik_value, kk_value, name, "BANDUNG", born.isoformat(), sex, relation, address, rt, rw,
            (region or places.desa).replace(".", ""), decile, disability, matched, pkh, bpnt, pbi, pip]


def family(places, kk_serial=1, decile="3", region=None, names=("ASEP SURYANA", "EUIS MARLINA", "DEDI SURYANA"),
           pbi="0", pip="0"):
    """A head, a spouse and a school-age child; returns (rows, niks, kk)."""
    kec = places.kecamatan
    number = kk(kec, kk_serial)
    born = [date(1980, 3, 1), date(1983, 7, 9), date(2012, 5, 17)]
    niks = [nik(kec, born[0], False, kk_serial), nik(kec, born[1], True, kk_serial),
            nik(kec, born[2], False, kk_serial)]
    rows = [person_row(places, nik_value=niks[0], kk_value=number, name=names[0], born=born[0], relation="1",
                       decile=decile, region=region, pbi=pbi),
            person_row(places, nik_value=niks[1], kk_value=number, name=names[1], born=born[1], sex="2",
                       relation="2", decile=decile, region=region, pbi=pbi),
            person_row(places, nik_value=niks[2], kk_value=number, name=names[2], born=born[2], relation="3",
                       decile=decile, region=region, pbi=pbi, pip=pip)]
    return rows, niks, number


def write_csv(path: Path, rows, headers=HEADERS, delimiter=";", encoding="utf-8", bom=False) -> Path:
    text = "\r\n".join(delimiter.join(r) for r in [headers, *rows]) + "\r\n"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def import_file(path, user=None, **kwargs):
    """Run an import the way the command does (start, commit, run) and return its id and progress."""
    from slrt.registry.importer import run_import, start_import
    row = start_import(str(path), user, date(2025, 9, 1), kwargs.get("mapping"))
    db.session.commit()
    import_id = row.id
    db.session.close()
    progress = run_import(import_id, path, **kwargs)
    return import_id, progress


def visible_niks() -> set[str]:
    from slrt.registry.lookup import visible_imports
    from slrt.registry.models import RegistryPerson
    ids = list(visible_imports())
    if not ids:
        return set()
    return set(db.session.scalars(db.select(RegistryPerson.nik).where(RegistryPerson.import_id.in_(ids))))


def hold_meeting(proposals, user, decisions=None, *, meeting_date=date(2025, 9, 10), sign=True, attendees=None):
    """A village meeting of the proposals' village deciding on them (all agreed unless `decisions` maps a
    proposal id to (decision, note)), and its signed berita acara uploaded."""
    import io

    from werkzeug.datastructures import FileStorage

    from slrt.extensions import db
    from slrt.registry import operations
    attendees = attendees if attendees is not None else [("Asep Kurnia", "Kepala Desa"), ("Siti Aminah", "Ketua BPD")]
    meeting = operations.record_meeting(operations.MeetingData(
        region_code=proposals[0].region_code, meeting_date=meeting_date, place="Balai Desa", chair="Asep Kurnia",
        attendance_count=max(len(attendees), 1) + 10, attendees=attendees), user)
    chosen = decisions or {}
    operations.decide_batch(meeting, {p.id: chosen.get(p.id, ("agreed", "")) for p in proposals}, user)
    if sign:
        minutes = FileStorage(stream=io.BytesIO(b"%PDF-1.4 berita acara"), filename="berita-acara.pdf",
                              content_type="application/pdf")
        operations.sign_meeting(meeting, minutes, user)
    db.session.commit()
    return meeting

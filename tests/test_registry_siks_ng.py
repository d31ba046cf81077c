"""The SIKS-NG sheet of a meeting's batch: its columns, one row per member of each agreed household with the
household's variables, Dukcapil match from the extract, Kemendagri region codes, formula-safe, audited."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.registry import operations
from slrt.registry.siks_ng import HEADERS
from tests.registry_helpers import family, hold_meeting, import_file, nik, write_csv

HOSTILE = '=HYPERLINK("http://x.example","Klik")'


def test_the_batch_sheet_has_what_an_operator_types_into_siks_ng(client, login_as, make_user, places, tmp_path):
    rows, niks, kk_value = family(places)
    rows[1][13] = "0"  # the spouse is not matched with Dukcapil in the extract
    import_file(write_csv(tmp_path / "a.csv", rows))
    clerk, supervisor = make_user("facilitator"), make_user("supervisor")
    fix = operations.create_proposal(operations.ProposalData(
        kind="perbaikan", nik=niks[0], kk_number=kk_value, name="ASEP SURYANA", region_code=places.desa,
        address="Kp. Sukamaju", rt="002", rw="004", reason="Lantai tanah, bukan keramik", programme="pbi"), clerk)
    new = operations.create_proposal(operations.ProposalData(
        kind="usulan", nik=nik(places.kecamatan, date(1990, 1, 5), serial=9), name="ENTIN", region_code=places.desa,
        programme="pkh"), clerk)
    refused = operations.create_proposal(operations.ProposalData(
        kind="usulan", nik=nik(places.kecamatan, date(1991, 1, 5), serial=9), name="MAMPU", region_code=places.desa),
        clerk)
    operations.save_survey(fix, kk_value, operations.SurveyData(
        ownership="1", floor_area=24, floor="8", wall="4", roof="3", water="6", lighting="2", cooking_fuel="10",
        toilet="6", assets=["motorcycle"], members=[
            operations.MemberData(name="ASEP SURYANA", nik=niks[0], birth_place="BANDUNG",
                                  birth_date=date(1980, 3, 1), sex="1", relation="1", diploma="1", working=True,
                                  industry="1", job_status="6"),
            operations.MemberData(name="EUIS MARLINA", nik=niks[1], birth_date=date(1983, 7, 9), sex="2",
                                  relation="2", chronic_illness="1"),
            operations.MemberData(name=HOSTILE, birth_date=date(2024, 1, 1), sex="2", relation="5",
                                  schooling="0", disability="1")]), clerk)
    for p in (fix, new, refused):
        operations.record_visit(p, date(2025, 9, 2), "Dikunjungi", clerk)
    db.session.commit()
    meeting = hold_meeting([fix, new, refused], clerk, {refused.id: ("refused", "Punya toko")})
    operations.approve_meeting(meeting, supervisor)
    db.session.commit()

    login_as("supervisor")
    response = client.get(f"/registri/musdes/{meeting.id}/siks-ng.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store, private"
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["SIKS-NG"]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0] == HEADERS
    records = [dict(zip(HEADERS, row)) for row in table[1:]]
    assert [r["NAMA"] for r in records] == ["ASEP SURYANA", "EUIS MARLINA", HOSTILE, "ENTIN"]  # not the refused one
    asep, euis, baby, entin = records
    assert asep["JENIS_USULAN"] == "PERBAIKAN DATA" and asep["PROGRAM_DIUSULKAN"] == "PBI-JKN"
    assert asep["NIK"] == niks[0] and asep["NO_KK"] == kk_value and asep["TEMPAT_LAHIR"] == "BANDUNG"
    assert asep["TANGGAL_LAHIR"].date() == date(1980, 3, 1) and asep["JENIS_KELAMIN"] == "1 - Laki-laki"
    assert asep["HUB_KEPALA_KELUARGA"] == "1 - Kepala keluarga" and euis["HUB_KEPALA_KELUARGA"] == "2 - Istri/suami"
    assert asep["STATUS_PADAN_DUKCAPIL"] == "PADAN" and euis["STATUS_PADAN_DUKCAPIL"] == "TIDAK PADAN"
    assert baby["STATUS_PADAN_DUKCAPIL"] == "TANPA NIK"
    assert entin["STATUS_PADAN_DUKCAPIL"] == "BELUM DICEK (tidak ada di DTSEN)"
    assert asep["KODE_PROVINSI_KEMENDAGRI"] == places.desa[:2] and asep["KODE_KABUPATEN_KEMENDAGRI"] == places.district
    assert asep["KODE_KECAMATAN_KEMENDAGRI"] == places.kecamatan and asep["KODE_DESA_KEMENDAGRI"] == places.desa
    assert asep["KODE_DESA_KEMENDAGRI_TANPA_TITIK"] == places.desa.replace(".", "") and asep["NAMA_DESA"]
    assert (asep["JENIS_LANTAI"], asep["JENIS_DINDING"], asep["FASILITAS_BAB"]) == (
        "8 - Tanah", "4 - Anyaman bambu", "6 - Tidak ada fasilitas")
    assert asep["LUAS_LANTAI_M2"] == 24 and asep["ASET"] == "Sepeda motor" and asep["BEKERJA"] == "YA"
    assert asep["LAPANGAN_USAHA"] == "1 - Pertanian tanaman padi dan palawija"
    assert euis["PENYAKIT_KRONIS"] == "1 - Hipertensi (darah tinggi)" and baby["DISABILITAS"] == "1 - Disabilitas fisik"
    assert euis["JENIS_LANTAI"] == "8 - Tanah"  # the household's variables on every member's row
    assert asep["TANGGAL_MUSDES"].date() == date(2025, 9, 10) and asep["TANGGAL_PERSETUJUAN_DINAS"] is not None
    assert entin["JENIS_USULAN"] == "USULAN BARU" and "belum diisi" in entin["KETERANGAN"]
    # a name that looks like a formula stays text
    cell = next(c for c in sheet[4] if c.value == HOSTILE)
    assert cell.data_type == "s"
    notes = " ".join(str(c.value) for row in book["Keterangan"].iter_rows() for c in row)
    assert "Kemendagri" in notes and "BPS tidak tersedia" in notes
    exported = db.session.scalars(select(AuditLog).where(AuditLog.action == "proposal.export")).all()
    assert {int(a.object_id) for a in exported} == {fix.id, new.id, refused.id}


def test_the_sheet_waits_for_the_signed_minutes_and_is_for_the_district(client, login_as, make_user, places):
    clerk = make_user("facilitator")
    proposal = operations.create_proposal(operations.ProposalData(
        kind="usulan", nik=nik(places.kecamatan, date(1990, 1, 5)), name="ENTIN", region_code=places.desa), clerk)
    operations.record_visit(proposal, date(2025, 9, 2), "Dikunjungi", clerk)
    meeting = hold_meeting([proposal], clerk, sign=False)
    login_as("supervisor")
    assert client.get(f"/registri/musdes/{meeting.id}/siks-ng.xlsx").status_code == 404
    client.post("/keluar")
    login_as("facilitator")
    assert client.get(f"/registri/musdes/{meeting.id}/siks-ng.xlsx").status_code == 403

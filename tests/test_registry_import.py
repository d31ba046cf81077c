"""Importing extracts: messy files give exactly the expected accepted and rejected rows; all or nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from slrt.extensions import db
from slrt.registry.columns import MappingNeeded
from slrt.registry.models import ImportStatus, RegistryHousehold, RegistryImport, RegistryPerson, RejectedRow
from tests.registry_helpers import (HEADERS, family, import_file, kk, nik, person_row, visible_niks, write_csv)

ROOT = Path(__file__).resolve().parents[1]


def rejected_lines(import_id):
    return {line: reason for line, reason in db.session.execute(
        select(RejectedRow.line, RejectedRow.reason).where(RejectedRow.import_id == import_id))}


def test_messy_extract_gives_exactly_the_expected_rows(app, places, tmp_path):
    rows, niks, number = family(places)
    kec = places.kecamatan
    other = nik(kec, date(1990, 1, 2), False, 77)
    messy = rows + [
        ["3.27301E+15", number, "NANA SUTISNA", "BANDUNG", "1970-01-01", "1", "6", "", "", "",
         places.desa.replace(".", ""), "3", "0", "1", "0", "0", "0", "0"],                           # line 5
        person_row(places, nik_value=niks[0][:15], kk_value=number, name="PENDEK", born=date(1980, 3, 1)),  # 6
        person_row(places, nik_value=other, kk_value=number, name="TANGGAL SALAH", born=date(1990, 1, 2))[:4]
        + ["1990-02-31"] + person_row(places, nik_value=other, kk_value=number, name="X",
                                      born=date(1990, 1, 2))[5:],                                      # 7
        rows[0],                                                                                       # 8 same person again
        person_row(places, nik_value=niks[1], kk_value=number, name="ORANG LAIN", born=date(1983, 7, 9)),  # 9
        person_row(places, nik_value=nik(kec, date(1991, 4, 4), False, 5), kk_value=kk(kec, 9), name="JAUH",
                   born=date(1991, 4, 4), region="32.04.99.9999"),                                    # 10
        person_row(places, nik_value=nik(kec, date(1992, 4, 4), True, 6), kk_value="3.20405E+15",
                   name="KK RUSAK", born=date(1992, 4, 4)),                                            # 11
        person_row(places, nik_value=nik(kec, date(1993, 4, 4), True, 7), kk_value=kk(kec, 3),
                   name="  Nur   Aini  ", born=date(1993, 4, 4), decile="11"),                         # 12
    ]
    path = write_csv(tmp_path / "ekstrak.csv", messy, delimiter=";", bom=True)
    import_id, progress = import_file(path)
    assert (progress.accepted, progress.rejected) == (3, 8)
    assert visible_niks() == set(niks)
    reasons = rejected_lines(import_id)
    assert sorted(reasons) == [5, 6, 7, 8, 9, 10, 11, 12]
    assert "spreadsheet" in reasons[5]
    assert "16 digit" in reasons[6]
    assert "bukan tanggal yang mungkin" in reasons[7]
    assert "Baris ganda" in reasons[8] and "baris 2" in reasons[8]
    assert "orang lain di baris 3" in reasons[9]
    assert "tidak dikenal" in reasons[10]
    assert "No. KK" in reasons[11]
    assert "Desil" in reasons[12]
    row = db.session.get(RegistryImport, import_id)
    assert row.status == ImportStatus.DONE and row.accepted_rows == 3 and row.rejected_rows == 8
    assert row.households == 1


def test_windows_1252_tab_file_with_aliases_and_region_names(app, places, tmp_path):
    from slrt.regions.operations import get
    kecamatan, desa = get(places.kecamatan), get(places.desa)
    rows, niks, number = family(places, names=("DÉDÉ SURYANA", "ÉUIS MARLINA", "ASÉP"))
    headers = ["NO_NIK", "NO_KK", "NAMA_LENGKAP", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "JENIS_KELAMIN", "HUBUNGAN",
               "ALAMAT", "RT", "RW", "KECAMATAN", "DESA", "DESIL", "PKH"]
    text_rows = []
    for r, relation, sex in zip(rows, ("KEPALA KELUARGA", "ISTRI", "ANAK"), ("LAKI-LAKI", "PEREMPUAN", "L")):
        born = date.fromisoformat(r[4])
        text_rows.append([r[0], r[1], r[2], "Bandung", born.strftime("%d/%m/%Y"), sex, relation, r[7], r[8], r[9],
                          kecamatan.name.upper(), desa.name.lower(), "2", "Y"])
    path = write_csv(tmp_path / "ekstrak.txt", text_rows, headers=headers, delimiter="\t", encoding="cp1252")
    _import_id, progress = import_file(path)
    assert (progress.accepted, progress.rejected) == (3, 0)
    people = {p.nik: p for p in db.session.scalars(select(RegistryPerson))}
    assert people[niks[0]].name == "DÉDÉ SURYANA"
    assert people[niks[1]].relation == 2 and people[niks[1]].sex == "P"
    assert people[niks[2]].birth_date == date(2012, 5, 17)
    assert all(p.region_code == places.desa and p.pkh and p.decile == 2 for p in people.values())


def test_xlsx_numbers_that_lost_digits_are_rejected(app, places, tmp_path):
    from openpyxl import Workbook
    rows, niks, number = family(places)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(rows[0])
    mangled = list(rows[1])
    mangled[0] = float(mangled[0])  # what Excel does to a NIK typed in a number cell
    sheet.append(mangled)
    path = tmp_path / "ekstrak.xlsx"
    book.save(path)
    import_id, progress = import_file(path)
    assert (progress.accepted, progress.rejected) == (1, 1)
    assert "spreadsheet" in rejected_lines(import_id)[3]


def test_unknown_headers_need_a_mapping(app, places, tmp_path):
    rows, niks, _number = family(places)
    headers = ["NOMOR_INDUK"] + HEADERS[1:]
    path = write_csv(tmp_path / "ekstrak.csv", rows, headers=headers, delimiter=",")
    with pytest.raises(MappingNeeded) as need:
        import_file(path)
    assert need.value.missing == ["nik"] and "NOMOR_INDUK" in need.value.unknown
    assert visible_niks() == set()
    _id, progress = import_file(path, mapping={"NOMOR_INDUK": "nik"})
    assert progress.accepted == 3


def test_a_person_imported_again_is_updated_not_duplicated(app, places, tmp_path):
    rows, niks, number = family(places)
    first, _ = import_file(write_csv(tmp_path / "a.csv", rows))
    rows[0][2] = "ASEP SURYANA S.PD"
    rows[2][17] = "1"  # the child now receives PIP
    second, _ = import_file(write_csv(tmp_path / "b.csv", rows))
    people = db.session.scalars(select(RegistryPerson).where(RegistryPerson.nik.in_(niks))).all()
    assert len(people) == 3 and {p.import_id for p in people} == {second}
    assert {p.nik: p for p in people}[niks[0]].name == "ASEP SURYANA S.PD"
    assert db.session.scalar(select(func.count()).select_from(RegistryHousehold)) == 1
    from slrt.registry.lookup import household_of
    assert household_of(niks[2]).programmes == ["pip"]


def test_an_import_that_fails_half_way_leaves_the_previous_registry_whole(app, places, tmp_path):
    rows, niks, _number = family(places)
    previous, _ = import_file(write_csv(tmp_path / "a.csv", rows))
    bigger = []
    for serial in range(2, 8):
        more, _n, _k = family(places, kk_serial=serial, decile="1")
        bigger += more
    bigger[0][2] = "CHANGED NAME"

    def crash(chunk_no):
        if chunk_no == 2:
            raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        import_file(write_csv(tmp_path / "b.csv", rows + bigger), chunk_size=4, on_chunk=crash)
    assert visible_niks() == set(niks)
    failed = db.session.scalar(select(RegistryImport).where(RegistryImport.id != previous))
    # The page says what happened in Indonesian; the exception (which may quote NIKs) stays in the server log.
    assert failed.status == ImportStatus.FAILED and "Impor gagal" in failed.error and "disk full" not in failed.error
    assert db.session.scalar(select(func.count()).select_from(RegistryPerson)
                             .where(RegistryPerson.import_id == failed.id)) == 0


def test_the_counter_keeps_registering_visits_during_an_import(app, places, tmp_path, make_case):
    from slrt.cases.models import Case
    rows = []
    for serial in range(1, 5):
        more, _n, _k = family(places, kk_serial=serial)
        rows += more
    tickets = []

    def visit(chunk_no):
        # As a request at the counter does: a write transaction that takes the lock at BEGIN.
        from slrt.core.db import immediate_transactions
        started = time.monotonic()
        with immediate_transactions():
            db.session.rollback()
            tickets.append(make_case(nik=nik(places.kecamatan, date(1970, 1, 1), False, 100 + chunk_no)).ticket)
            db.session.rollback()
        assert time.monotonic() - started < 5
    _id, progress = import_file(write_csv(tmp_path / "a.csv", rows), chunk_size=3, on_chunk=visit)
    assert progress.accepted == 12 and len(tickets) == 4
    assert db.session.scalar(select(func.count()).select_from(Case)) == 4


KILL_SCRIPT = """
import sys, time
from slrt import create_app
from slrt.config import TestConfig
from slrt.extensions import db
app = create_app(TestConfig(sys.argv[1]))
with app.app_context():
    from slrt.registry.importer import run_import, start_import
    row = start_import(sys.argv[2]); db.session.commit(); import_id = row.id; db.session.close()
    print(import_id, flush=True)
    run_import(import_id, sys.argv[2], chunk_size=5, on_chunk=lambda n: time.sleep(0.2),
               pipelined=sys.argv[3] == "1")
"""


@pytest.mark.parametrize("pipelined", [False, True], ids=["single", "pipelined"])
def test_an_import_killed_with_sigkill_leaves_the_previous_registry_whole(app, places, tmp_path, database_url,
                                                                          pipelined):
    """The web path runs in one process; the command line forks a validating child, which must not keep the
    import's lock alive after its parent is killed."""
    rows, niks, _number = family(places)
    import_file(write_csv(tmp_path / "a.csv", rows))
    more_rows = []
    for serial in range(2, 30):
        more, _n, _k = family(places, kk_serial=serial)
        more_rows += more
    path = write_csv(tmp_path / "b.csv", rows + more_rows)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, database_url, str(path),
                                "1" if pipelined else "0"], stdout=subprocess.PIPE,
                               env=env, cwd=ROOT)
    import_id = int(process.stdout.readline())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        db.session.rollback()
        if db.session.get(RegistryImport, import_id).processed_rows >= 10:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    db.session.rollback()
    killed = db.session.get(RegistryImport, import_id)
    assert killed.status == ImportStatus.RUNNING and 10 <= killed.processed_rows < len(rows + more_rows)
    assert visible_niks() == set(niks)
    # Its lock died with it: it is known dead at once (its heartbeat is seconds old), not after 5 minutes,
    # and the next import starts right away and purges its rows.
    from slrt.registry import importer
    assert importer.utcnow() - killed.heartbeat_at < importer.STALE_AFTER / 10
    assert importer.is_dead(killed)
    db.session.rollback()
    newer, progress = import_file(path)
    assert db.session.get(RegistryImport, import_id).status == ImportStatus.FAILED
    assert db.session.scalar(select(func.count()).select_from(RegistryPerson)
                             .where(RegistryPerson.import_id == import_id)) == 0
    assert len(visible_niks()) == progress.accepted == len(rows + more_rows)
    assert importer.STALE_AFTER.total_seconds() > 60


def test_cli_import_shows_progress_and_mapping(app, places, tmp_path):
    rows, _niks, _number = family(places)
    path = write_csv(tmp_path / "ekstrak.csv", rows, headers=["NOMOR_INDUK"] + HEADERS[1:])
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["registry", "import", str(path)])
    assert refused.exit_code != 0 and "--map" in refused.output
    result = runner.invoke(args=["registry", "import", str(path), "--map", "NOMOR_INDUK=nik", "--chunk", "2"])
    assert result.exit_code == 0, result.output
    assert "3 people in 1 households, 0 rejected" in result.output and "rows/s" in result.output


def test_synth_is_deterministic_and_its_people_all_import(app, places, tmp_path):
    runner = app.test_cli_runner()
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    for path in (one, two):
        result = runner.invoke(args=["dev", "synth", "--people", "300", "--seed", "5", "--out", str(path)])
        assert result.exit_code == 0, result.output
    assert one.read_bytes() == two.read_bytes()
    _id, progress = import_file(one)
    assert (progress.accepted, progress.rejected) == (300, 0)
    kecamatan = {p.nik[:6] for p in db.session.scalars(select(RegistryPerson))}
    assert all(code.startswith("3204") for code in kecamatan) and len(kecamatan) > 3



def test_pipelined_import_gives_the_same_result_and_fails_whole(app, places, tmp_path):
    """The command line validates in a forked process while it writes: same rows, same all-or-nothing."""
    rows, niks, number = family(places)
    messy = rows + [["3.27301E+15"] + rows[0][1:], rows[0]]
    import_id, progress = import_file(write_csv(tmp_path / "a.csv", messy), chunk_size=2, pipelined=True)
    assert (progress.accepted, progress.rejected) == (3, 2)
    assert sorted(rejected_lines(import_id)) == [5, 6] and visible_niks() == set(niks)

    def crash(chunk_no):
        raise RuntimeError("stopped")
    more, _n, _k = family(places, kk_serial=2)
    with pytest.raises(RuntimeError):
        import_file(write_csv(tmp_path / "b.csv", rows + more), chunk_size=2, on_chunk=crash, pipelined=True)
    assert visible_niks() == set(niks)


def yes_no_family(places, words, kk_serial=1, decile="2"):
    """A family written with the given (yes, no) words: the head gets PKH, nobody BPNT or PBI, the child PIP."""
    yes, no = words
    rows, niks, number = family(places, kk_serial=kk_serial, decile=decile)
    for row in rows:
        row[12:18] = [no, yes if row is rows[0] else no, no, no, no, no]  # DISABILITAS, PADAN, PKH, BPNT, PBI, PIP
        row[13] = yes
    rows[0][14] = yes
    rows[2][17] = yes
    return rows, niks, number


@pytest.mark.parametrize("words", [("Y", "T"), ("y", "t"), ("Ya", "Tidak"), ("YA", "TIDAK"), ("1", "0"),
                                   (" Y ", " T "), ("ADA", "TIDAK ADA")])
def test_yes_no_flags_are_read_as_indonesian_offices_write_them(app, places, tmp_path, words):
    """Y/T is Ya/Tidak: "T" is no. Before, every person of a Y/T file received PKH, BPNT and PBI-JKN."""
    from slrt.registry.lookup import household_of
    from slrt.registry.suggestions import profile_from_household, suggest
    rows, niks, _number = yes_no_family(places, words)
    import_id, progress = import_file(write_csv(tmp_path / "yt.csv", rows))
    assert (progress.accepted, progress.rejected) == (3, 0), rejected_lines(import_id)
    household = household_of(niks[0])
    people = {p.nik: p for p in household.members}
    assert people[niks[0]].programmes() == ["pkh"]
    assert people[niks[1]].programmes() == []
    assert people[niks[2]].programmes() == ["pip"]
    assert not any(p.disability for p in people.values()) and all(p.dukcapil_matched for p in people.values())
    # A decile-2 family without PBI-JKN: the counter suggests it again.
    assert "PBI-JKN" in {s.code for s in suggest(profile_from_household(household))}


def test_a_flag_value_that_cannot_be_read_is_refused_with_a_reason(app, places, tmp_path):
    rows, niks, _number = yes_no_family(places, ("Y", "T"))
    rows[1][15] = "MUNGKIN"    # BPNT
    rows[2][13] = "?"          # PADAN_DUKCAPIL
    rows[0][12] = "TUNA NETRA"  # a kind of disability is a yes
    import_id, progress = import_file(write_csv(tmp_path / "yt.csv", rows))
    assert (progress.accepted, progress.rejected) == (1, 2)
    reasons = rejected_lines(import_id)
    assert "BPNT" in reasons[3] and "MUNGKIN" in reasons[3] and "Y/T" in reasons[3]
    assert "Padan Dukcapil" in reasons[4] and '"?"' in reasons[4]
    head = db.session.scalar(select(RegistryPerson).where(RegistryPerson.nik == niks[0]))
    assert head.disability and head.pkh and not head.bpnt


RENAMED = [{"DESIL": "DESIL_KESEJAHTERAAN", "HUB_KRT": "HUBUNGAN DGN KRT"}.get(h, h) for h in HEADERS]


def test_a_renamed_column_is_shown_before_anything_is_imported_and_must_be_mapped_or_skipped(app, places, tmp_path):
    """Before, DESIL_KESEJAHTERAAN was dropped without a word and the re-import emptied every decile."""
    rows, niks, _number = family(places, decile="2")
    first, _ = import_file(write_csv(tmp_path / "a.csv", rows))
    renamed = write_csv(tmp_path / "b.csv", rows, headers=RENAMED)
    with pytest.raises(MappingNeeded) as need:
        import_file(renamed)
    assert need.value.unknown == ["HUBUNGAN DGN KRT", "DESIL_KESEJAHTERAAN"] and need.value.missing == []
    assert need.value.suggestions["DESIL_KESEJAHTERAAN"][0] == "decile"
    assert need.value.suggestions["HUBUNGAN DGN KRT"][0] == "relation"
    refused = db.session.scalar(select(RegistryImport).where(RegistryImport.id != first))
    assert refused.status == ImportStatus.FAILED and "DESIL_KESEJAHTERAAN" in refused.error
    from slrt.registry.lookup import household_of
    assert {p.decile for p in household_of(niks[0]).members} == {2}  # the district's deciles are still there
    # Mapping one and skipping the other is an explicit choice: the import runs, deciles kept.
    second, progress = import_file(renamed, mapping={"DESIL_KESEJAHTERAAN": "decile", "HUBUNGAN DGN KRT": "-"})
    assert progress.accepted == 3
    people = db.session.scalars(select(RegistryPerson).where(RegistryPerson.import_id == second)).all()
    assert {p.decile for p in people} == {2} and {p.relation for p in people} == {8}
    # The same column mapped twice is refused too.
    with pytest.raises(MappingNeeded) as twice:
        import_file(renamed, mapping={"DESIL_KESEJAHTERAAN": "decile", "HUBUNGAN DGN KRT": "decile"})
    assert twice.value.twice == ["decile"]


def test_cli_names_unknown_columns_with_indonesian_field_labels(app, places, tmp_path):
    rows, niks, _number = family(places, decile="2")
    path = write_csv(tmp_path / "ekstrak.csv", rows, headers=RENAMED)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["registry", "import", str(path)])
    assert refused.exit_code != 0
    assert "DESIL_KESEJAHTERAAN: mungkin Desil" in refused.output
    assert "HUBUNGAN DGN KRT: mungkin Hubungan dengan kepala keluarga" in refused.output
    assert "decile" not in refused.output and "--skip" in refused.output
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    result = runner.invoke(args=["registry", "import", str(path), "--map", "DESIL_KESEJAHTERAAN=Desil",
                                 "--map", "HUBUNGAN DGN KRT=Hubungan dengan kepala keluarga"])
    assert result.exit_code == 0, result.output
    people = db.session.scalars(select(RegistryPerson)).all()
    assert {p.decile for p in people} == {2} and sorted(p.relation for p in people) == [1, 2, 3]
    wrong = runner.invoke(args=["registry", "import", str(path), "--map", "DESIL_KESEJAHTERAAN=Kesejahteraan"])
    assert wrong.exit_code != 0 and "Desil" in wrong.output


def other_district_family(places, kk_serial=1):
    """A family of Kota Bandung (32.73): its NIKs, card and desa are all there."""
    kec = places.other_district_desa[:8]
    rows, _niks, _number = family(places, kk_serial=kk_serial, region=places.other_district_desa)
    born = [date(1980, 3, 1), date(1983, 7, 9), date(2012, 5, 17)]
    for row, when, woman in zip(rows, born, (False, True, False)):
        row[0], row[1] = nik(kec, when, woman, kk_serial), kk(kec, kk_serial)
    return rows


def test_a_file_of_another_district_is_stopped_before_anything_is_written(app, places, tmp_path):
    """Before, it finished as "Selesai" with 0 accepted and every row written as rejected."""
    from slrt.registry.importer import OtherDistrict
    rows, niks, _number = family(places)
    first, _ = import_file(write_csv(tmp_path / "a.csv", rows))
    other = other_district_family(places) + other_district_family(places, kk_serial=2)
    with pytest.raises(OtherDistrict) as stopped:
        import_file(write_csv(tmp_path / "kota.csv", other))
    assert "Kota Bandung" in str(stopped.value) and "32.73" in str(stopped.value)
    failed = db.session.scalar(select(RegistryImport).where(RegistryImport.id != first))
    assert failed.status == ImportStatus.FAILED and "bukan data" in failed.error and failed.processed_rows == 0
    assert db.session.scalar(select(func.count()).select_from(RejectedRow)) == 0
    assert visible_niks() == set(niks)
    # Without a region code column (kecamatan and desa by name), the NIKs tell the district.
    from slrt.regions.operations import get
    desa = get(places.other_district_desa)
    by_name = [r[:10] + [get(desa.parent_code).name, desa.name] + r[11:] for r in other]
    headers = HEADERS[:10] + ["KECAMATAN", "DESA"] + HEADERS[11:]
    with pytest.raises(OtherDistrict):
        import_file(write_csv(tmp_path / "kota2.csv", by_name, headers=headers))
    # A file that only starts with a neighbour's rows is this district's: its rows get their own reasons.
    mixed_id, progress = import_file(write_csv(tmp_path / "mixed.csv", other + rows))
    assert (progress.accepted, progress.rejected) == (3, 6)
    assert "berada di Kota Bandung, bukan di" in rejected_lines(mixed_id)[2]  # whose village it is


def test_cli_refuses_another_districts_file_without_starting_an_import(app, places, tmp_path):
    path = write_csv(tmp_path / "kota.csv", other_district_family(places))
    result = app.test_cli_runner().invoke(args=["registry", "import", str(path)])
    assert result.exit_code != 0 and "bukan data" in result.output and "Kota Bandung" in result.output
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0


def numeric_nik_workbook(places, path):
    """An XLSX whose NIK column is a number column (Excel kept 15 digits), with two NIKs re-typed as text:
    one row fine, one with an impossible birth date."""
    from openpyxl import Workbook
    rows, niks, number = family(places, kk_serial=1)
    more, more_niks, _n = family(places, kk_serial=2)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows + more:
        row = list(row)
        if row[0] not in more_niks[:2]:
            row[0] = float(row[0][:15] + "0")
        sheet.append(row)
    sheet.cell(row=6, column=5, value="1983-02-31")  # more[1], line 6
    book.save(path)
    return more_niks[0]


def test_a_numeric_nik_column_is_said_once_before_importing_and_rows_keep_their_reasons(app, places, tmp_path):
    path = tmp_path / "ekstrak.xlsx"
    typed_nik = numeric_nik_workbook(places, path)
    result = app.test_cli_runner().invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.count("format kolom NIK sebagai Teks") == 1
    assert result.output.index("format kolom NIK sebagai Teks") < result.output.index("Import ")
    row = db.session.scalar(select(RegistryImport))
    assert "format kolom NIK sebagai Teks" in row.notice and "4 dari 6 baris pertama" in row.notice
    assert (row.accepted_rows, row.rejected_rows) == (1, 5) and visible_niks() == {typed_nik}
    reasons = rejected_lines(row.id)
    assert sorted(reasons) == [2, 3, 4, 6, 7]  # line 5 is the good re-typed row
    assert "bukan tanggal yang mungkin" in reasons[6]  # a re-typed NIK's row keeps its own reason
    assert sum("spreadsheet" in r for r in reasons.values()) == 4


def test_cancelling_a_running_import_stops_it_at_its_next_chunk_and_keeps_the_old_registry(app, places, tmp_path):
    from slrt.registry import operations
    from slrt.registry.importer import ImportCancelled
    rows, niks, _number = family(places)
    import_file(write_csv(tmp_path / "a.csv", rows))
    bigger = []
    for serial in range(2, 8):
        more, _n, _k = family(places, kk_serial=serial)
        bigger += more

    def cancel(chunk_no):
        if chunk_no == 1:
            running = db.session.scalar(select(RegistryImport).where(RegistryImport.status == ImportStatus.RUNNING))
            operations.cancel_import(running, None, importer_dead=False)
            db.session.commit()
    with pytest.raises(ImportCancelled):
        import_file(write_csv(tmp_path / "b.csv", bigger), chunk_size=4, on_chunk=cancel)
    db.session.rollback()
    cancelled = db.session.scalar(select(RegistryImport).order_by(RegistryImport.id.desc()))
    assert cancelled.status == ImportStatus.FAILED and "Dibatalkan" in cancelled.error
    assert cancelled.processed_rows == 4  # the second chunk was never written
    assert db.session.scalar(select(func.count()).select_from(RegistryPerson)
                             .where(RegistryPerson.import_id == cancelled.id)) == 0
    assert visible_niks() == set(niks)

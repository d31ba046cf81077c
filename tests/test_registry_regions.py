"""Reloading the region dataset keeps references: renamed names update, split codes arrive, retired codes
stay (inactive) so users and cases that point at them remain valid."""
from __future__ import annotations

import csv
import shutil
from datetime import date

from slrt.extensions import db
from slrt.regions.models import Region
from slrt.regions.operations import DATA_DIR, load_regions, region_index
from tests.conftest import log_in


def changed_dataset(tmp_path, places):
    """The real dataset with a renamed desa, a kecamatan split off (new codes) and so a retired desa code."""
    folder = tmp_path / "idn-area-data-next"
    folder.mkdir()
    for name in ("provinces.csv", "regencies.csv"):
        shutil.copy(DATA_DIR / name, folder / name)
    new_kecamatan = places.district + ".99"
    with open(DATA_DIR / "districts.csv", newline="", encoding="utf-8") as source, \
            open(folder / "districts.csv", "w", newline="", encoding="utf-8") as target:
        rows = list(csv.reader(source))
        writer = csv.writer(target)
        writer.writerows(rows)
        writer.writerow([new_kecamatan, places.district, "Pemekaran Baru"])
    with open(DATA_DIR / "villages.csv", newline="", encoding="utf-8") as source, \
            open(folder / "villages.csv", "w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        for row in csv.reader(source):
            if row[0] == places.desa2:
                continue  # moved to the new kecamatan under a new code: the old code is retired
            if row[0] == places.other_desa:
                row[2] = "Nama Baru Desa"
            writer.writerow(row)
        writer.writerow([new_kecamatan + ".2001", new_kecamatan, "Desa Pindahan"])
    return folder, new_kecamatan


def test_reload_keeps_references_and_retires_codes(app, client, places, tmp_path, make_user, make_case):
    old_name = db.session.get(Region, places.other_desa).name
    user = make_user("puskesos_operator", region_code=places.desa2, username="operatorlama")
    case = make_case(region_code=places.desa2)
    folder, new_kecamatan = changed_dataset(tmp_path, places)
    try:
        report = load_regions(folder, "idn-area-data@next")
        db.session.commit()
        assert (report.added, report.renamed, report.retired) == (2, 1, 1)
        assert db.session.get(Region, places.other_desa).name == "Nama Baru Desa"
        retired = db.session.get(Region, places.desa2)
        assert retired is not None and retired.active is False
        assert db.session.get(Region, new_kecamatan + ".2001").active
        # References stay valid: the user still logs in and works, the case still opens.
        assert log_in(client, user.username).status_code == 303
        assert client.get(f"/kasus/{case.id}").status_code == 200
        # Forms offer only active codes.
        options = client.get(f"/wilayah/desa?kecamatan={places.kecamatan}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert places.desa2 not in options and places.desa in options
        client.post("/keluar")
        make_user("front_office", username="loketbaru")
        log_in(client, "loketbaru")
        page = client.get("/pendaftaran/baru").get_data(as_text=True)
        assert "Pemekaran Baru" in page
        # Loaded twice, nothing changes.
        again = load_regions(folder, "idn-area-data@next")
        db.session.commit()
        assert (again.added, again.renamed, again.retired, again.reactivated) == (0, 0, 0, 0)
    finally:
        db.session.rollback()
        restored = load_regions(DATA_DIR)
        db.session.commit()
    assert restored.reactivated == 1 and db.session.get(Region, places.other_desa).name == old_name
    assert db.session.get(Region, new_kecamatan).active is False


def test_nik_of_a_retired_kecamatan_warns_and_does_not_refuse(app, places):
    from slrt.core.nik import check_nik
    from tests.registry_helpers import nik
    kecamatan = db.session.get(Region, places.other_kecamatan)
    typed = nik(places.other_kecamatan, date(1985, 6, 1))
    assert check_nik(typed, region_index).warnings == []
    kecamatan.active = False
    db.session.commit()
    region_index.clear()
    try:
        result = check_nik(typed, region_index)
        assert result.valid and result.warnings
    finally:
        kecamatan.active = True
        db.session.commit()
        region_index.clear()


def test_regions_load_command_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["regions", "load"])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 renamed, 0 reactivated, 0 retired" in result.output

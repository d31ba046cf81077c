"""The registry at the counter of two districts: each clerk reads their own district's registry. Someone who moved
from A (Kab. Bandung) to B (Kota Bandung) is A's row at A's counter and B's at B's; someone only in B's registry is
"in another district's registry" at A's counter, with nothing of B's row; the change flags of a household come
from its own district's imports."""
from __future__ import annotations

from datetime import date

from slrt.extensions import db
from tests.auth_helpers import client_for
from tests.registry_helpers import family, import_file, kk, nik, write_csv
from tests.test_districts import _user, second  # noqa: F401 - the fixture: district B with its admin

HX = {"HX-Request": "true"}
ELSEWHERE = "terdaftar di DTSEN kabupaten/kota lain"


def b_family(places, kk_serial, names, pbi="0"):
    """A family of Kota Bandung (32.73) with its own names: its NIKs, card and desa are all there."""
    kec = places.other_district_desa[:8]
    rows, _niks, _number = family(places, kk_serial=kk_serial, region=places.other_district_desa, names=names,
                                  pbi=pbi)
    for row, when, woman in zip(rows, [date(1980, 3, 1), date(1983, 7, 9), date(2012, 5, 17)], (False, True, False)):
        row[0], row[1] = nik(kec, when, woman, kk_serial), kk(kec, kk_serial)
    return rows


def _two_registries(places, tmp_path):
    """A's extract: the Suryana family. B's extract, newer: the Permana family, and Dedi Suryana (A's child)
    who moved to B on Permana's card and village; A's extract still lists him (extracts lag)."""
    a_rows, a_niks, a_kk = family(places, 1)
    import_file(write_csv(tmp_path / "a.csv", a_rows))
    b_rows = b_family(places, 1, ("UJANG PERMANA", "IMAS PERMANA", "RUDI PERMANA"))
    mover = list(a_rows[2])
    mover[1], mover[10], mover[7] = b_rows[0][1], b_rows[0][10], "JL. KOTA BARU NO. 9"
    import_file(write_csv(tmp_path / "b.csv", b_rows + [mover]), user=_user("adminb"))
    return {"mover": a_niks[2], "a_kk": a_kk, "b_kk": b_rows[0][1], "b_head": b_rows[0][0]}


def test_a_person_who_moved_shows_each_district_its_own_row(app, make_user, places, second, tmp_path):  # noqa: F811
    """Before, both counters read the newest row of any district: B's, which A's clerk was then not allowed to
    see, so A's counter said "Belum terdaftar" for a person A's own extract still lists."""
    reg = _two_registries(places, tmp_path)
    clerk_a, _a = client_for(app, make_user, "front_office")
    clerk_b, _b = client_for(app, make_user, "front_office", region_code=places.other_district)
    for url, data in (("/pendaftaran/cek-nik", {"nik": reg["mover"]}), ("/registri/cari", {"q": reg["mover"]})):
        at_a = clerk_a.post(url, data=data, headers=HX).get_data(as_text=True)
        assert "Terdaftar" in at_a, url
        assert "ASEP SURYANA" in at_a and "KP. SUKAMAJU" in at_a, url  # A's household of the mover
        assert reg["b_kk"] not in at_a and "PERMANA" not in at_a and "KOTA BARU" not in at_a, url
        assert ELSEWHERE not in at_a, url
        at_b = clerk_b.post(url, data=data, headers=HX).get_data(as_text=True)
        assert "UJANG PERMANA" in at_b and reg["b_kk"] in at_b, url  # B's household of the mover
        assert reg["a_kk"] not in at_b and "ASEP SURYANA" not in at_b, url


def test_a_person_only_in_another_districts_registry_is_said_to_be_there_without_detail(
        app, make_user, places, second, tmp_path):  # noqa: F811
    from sqlalchemy import select

    from slrt.audit.models import AuditLog
    reg = _two_registries(places, tmp_path)
    clerk_a, _a = client_for(app, make_user, "front_office")
    for url, data in (("/pendaftaran/cek-nik", {"nik": reg["b_head"]}), ("/registri/cari", {"q": reg["b_head"]})):
        html = clerk_a.post(url, data=data, headers=HX).get_data(as_text=True)
        assert ELSEWHERE in html and "Jangan ajukan usulan baru" in html, url
        assert "Belum terdaftar" not in html, url
        for detail in ("PERMANA", reg["b_kk"], "KOTA BARU", "Kota Bandung", "desil"):
            assert detail not in html, (url, detail)
    notes = db.session.scalars(select(AuditLog.note).where(AuditLog.action == "registry.view")).all()
    assert sum("kabupaten/kota lain" in note for note in notes) == 2
    assert all(reg["b_head"] not in note for note in notes)
    # B's own clerk sees the household; a NIK in no registry at all is still "Belum terdaftar" at A.
    clerk_b, _b = client_for(app, make_user, "front_office", region_code=places.other_district)
    assert "UJANG PERMANA" in clerk_b.post("/registri/cari", data={"q": reg["b_head"]}).get_data(as_text=True)
    unknown = nik(places.kecamatan, date(1970, 1, 2), serial=77)
    html = clerk_a.post("/pendaftaran/cek-nik", data={"nik": unknown}, headers=HX).get_data(as_text=True)
    assert "Belum terdaftar di DTSEN" in html and ELSEWHERE not in html


def test_the_change_flags_of_a_household_come_from_its_own_district(app, make_user, places, second,
                                                                      tmp_path):  # noqa: F811
    """B's second extract stops the Permana family's PBI-JKN. A back office over the whole province (its
    district, as the app sees it, is the configured A) looking the family up sees B's flag: before, the flags
    were read from A's imports, where the family has none."""
    names = ("UJANG PERMANA", "IMAS PERMANA", "RUDI PERMANA")
    import_file(write_csv(tmp_path / "a.csv", family(places, 1)[0]))
    import_file(write_csv(tmp_path / "b1.csv", b_family(places, 1, names, pbi="1")), user=_user("adminb"))
    import_file(write_csv(tmp_path / "b2.csv", b_family(places, 1, names, pbi="0")), user=_user("adminb"))
    import_file(write_csv(tmp_path / "a2.csv", family(places, 1)[0]))  # A's newest import is the newest of all
    head = b_family(places, 1, names)[0][0]
    province, _p = client_for(app, make_user, "back_office", region_code=places.district[:2])
    html = province.post("/registri/cari", data={"q": head}, headers=HX).get_data(as_text=True)
    assert "UJANG PERMANA" in html and "PBI-JKN berhenti sejak impor 1 September 2025" in html
    # B's own clerk sees the same flag; A's clerk sees no Permana at all.
    clerk_b, _b = client_for(app, make_user, "back_office", region_code=places.other_district)
    html = clerk_b.post("/registri/cari", data={"q": head}, headers=HX).get_data(as_text=True)
    assert "PBI-JKN berhenti sejak impor 1 September 2025" in html

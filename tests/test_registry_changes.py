"""What changed since the last extract: two generated extracts with known differences, compared set-wise."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from slrt.extensions import db
from slrt.registry.models import RegistryChange, RegistryImport, RegistryPerson
from tests.registry_helpers import family, import_file, write_csv


def _families(places):
    """Six households; returns {name: (rows, niks, kk)}."""
    return {
        "same": family(places, 1, decile="2", pbi="1"),
        "leaving": family(places, 2, decile="1", pbi="1", names=("UJANG KURNIA", "IMAS LESTARI", "BAYU KURNIA")),
        "richer": family(places, 3, decile="3", names=("CECEP HIDAYAT", "NENENG AMINAH", "FAJAR HIDAYAT")),
        "poorer": family(places, 4, decile="5", pbi="1", names=("DADANG RAHMAN", "LILIS ROSITA", "EKO RAHMAN")),
        "moving": family(places, 5, decile="4", names=("HENDRA WIJAYA", "RINA SUSANTI", "JOKO WIJAYA")),
        "joining": family(places, 6, decile="2", names=("IWAN MAULANA", "SRI MARLINA", "DIMAS MAULANA")),
    }


def _extracts(places):
    before = _families(places)
    after = {
        "same": before["same"],
        "richer": family(places, 3, decile="6", names=("CECEP HIDAYAT", "NENENG AMINAH", "FAJAR HIDAYAT")),
        "poorer": family(places, 4, decile="2", pbi="0", names=("DADANG RAHMAN", "LILIS ROSITA", "EKO RAHMAN")),
        "moving": family(places, 5, decile="4", region=places.desa2,
                         names=("HENDRA WIJAYA", "RINA SUSANTI", "JOKO WIJAYA")),
        "joining": before["joining"],
    }
    first = [r for name, f in before.items() if name != "joining" for r in f[0]]
    second = [r for f in after.values() for r in f[0]]
    return before, first, second


def _changes(import_id):
    return db.session.execute(select(RegistryChange.kind, RegistryChange.nik, RegistryChange.before_value,
                                     RegistryChange.after_value, RegistryChange.region_code)
                              .where(RegistryChange.import_id == import_id)).all()


def test_two_extracts_give_exactly_the_known_changes(app, places, tmp_path):
    families, first, second = _extracts(places)
    one, _ = import_file(write_csv(tmp_path / "q1.csv", first))
    two, _ = import_file(write_csv(tmp_path / "q2.csv", second))
    assert _changes(one) == []  # the first import has nothing to compare with
    assert db.session.get(RegistryImport, two).compared_with_id == one
    changes = _changes(two)
    kinds = Counter(kind for kind, *_rest in changes)
    assert kinds == {"joined": 3, "left": 3, "decile_up": 3, "decile_down": 3, "lost_pbi": 3, "moved": 3}
    by = {(kind, nik): (before, after, region) for kind, nik, before, after, region in changes}
    niks = {name: f[1] for name, f in families.items()}
    assert {nik for kind, nik in by if kind == "joined"} == set(niks["joining"])
    assert {nik for kind, nik in by if kind == "left"} == set(niks["leaving"])
    assert by[("left", niks["leaving"][0])] == ("1", None, places.desa)  # their last desil and desa
    assert by[("decile_up", niks["richer"][0])][:2] == ("3", "6")
    assert by[("decile_down", niks["poorer"][1])][:2] == ("5", "2")
    assert by[("lost_pbi", niks["poorer"][2])][:2] == ("1", "0")
    assert by[("moved", niks["moving"][0])] == (places.desa, places.desa2, places.desa2)
    assert not any(nik in niks["same"] for _kind, nik in by)
    # The leavers are kept with their last values, never deleted; the others have one version each.
    kept = db.session.scalars(select(RegistryPerson.nik).where(RegistryPerson.nik.in_(niks["leaving"]))).all()
    assert sorted(kept) == sorted(niks["leaving"])
    assert db.session.query(RegistryPerson).filter(RegistryPerson.nik == niks["richer"][0]).count() == 1


def test_a_leaver_is_not_left_again_and_a_return_is_a_join(app, places, tmp_path):
    families, first, second = _extracts(places)
    import_file(write_csv(tmp_path / "q1.csv", first))
    import_file(write_csv(tmp_path / "q2.csv", second))
    three, _ = import_file(write_csv(tmp_path / "q3.csv", second))
    assert _changes(three) == []  # same extract again: nobody joined, left or changed
    back = second + families["leaving"][0]
    four, _ = import_file(write_csv(tmp_path / "q4.csv", back))
    assert sorted((kind, nik) for kind, nik, *_r in _changes(four)) == sorted(
        ("joined", nik) for nik in families["leaving"][1])


def test_a_failed_comparison_keeps_the_old_versions_for_the_command(app, places, tmp_path, monkeypatch):
    """The import stays DONE; `flask registry changes` later finds exactly the changes, then compacts."""
    from slrt.registry import changes
    from slrt.registry.commands import changes_command
    families, first, second = _extracts(places)
    import_file(write_csv(tmp_path / "q1.csv", first))
    real = changes.compare

    def broken(writer, import_id):
        raise RuntimeError("disk full")
    monkeypatch.setattr(changes, "compare", broken)
    two, _ = import_file(write_csv(tmp_path / "q2.csv", second))
    monkeypatch.setattr(changes, "compare", real)
    assert db.session.get(RegistryImport, two).status == "done" and _changes(two) == []
    richer = families["richer"][1][0]
    assert db.session.query(RegistryPerson).filter(RegistryPerson.nik == richer).count() == 2
    db.session.close()
    result = app.test_cli_runner().invoke(changes_command, [str(two)])
    assert result.exit_code == 0, result.output
    assert "left: 3" in result.output and "decile_up: 3" in result.output
    assert Counter(kind for kind, *_r in _changes(two)) == {
        "joined": 3, "left": 3, "decile_up": 3, "decile_down": 3, "lost_pbi": 3, "moved": 3}
    assert db.session.query(RegistryPerson).filter(RegistryPerson.nik == richer).count() == 1
    again = app.test_cli_runner().invoke(changes_command, [str(two)])
    assert again.exit_code != 0 and "sudah dibandingkan" in again.output


@pytest.mark.parametrize("missing", [9999])
def test_the_command_refuses_an_unknown_import(app, missing):
    from slrt.registry.commands import changes_command
    result = app.test_cli_runner().invoke(changes_command, [str(missing)])
    assert result.exit_code != 0 and "tidak ada atau belum selesai" in result.output


# ---- the change report page ----------------------------------------------------------------------------

@pytest.fixture
def compared(app, places, tmp_path):
    """Two imports with known differences; the second also moves one household in the other kecamatan."""
    families, first, second = _extracts(places)
    elsewhere = family(places, 7, decile="3", region=places.other_desa,
                       names=("YAYAN PERMANA", "ANI LESTARI", "RIZKY PERMANA"))
    first = first + elsewhere[0]
    _one, _ = import_file(write_csv(tmp_path / "q1.csv", first))
    gone = family(places, 7, decile="9", region=places.other_desa,
                  names=("YAYAN PERMANA", "ANI LESTARI", "RIZKY PERMANA"))
    two, _ = import_file(write_csv(tmp_path / "q2.csv", second + gone[0]))
    return {"import_id": two, "families": families, "elsewhere": elsewhere[1]}


def test_the_change_report_counts_lists_and_audits(client, login_as, compared, places):
    from slrt.audit.models import AuditLog
    from tests.conftest import is_fragment
    login_as("back_office")
    response = client.get(f"/registri/perubahan/{compared['import_id']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and not is_fragment(response)
    assert "Keluar dari DTSEN" in html and "UJANG KURNIA" in html and "Desil naik" in html
    assert "YAYAN PERMANA" in html  # the district sees both kecamatan
    assert compared["families"]["leaving"][1][0] not in html  # NIKs masked on screen
    assert "Orang (21)" in html  # 18 in the first kecamatan + 3 desil up elsewhere
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "registry.changes_view")).all()
    assert len(audit) == 1 and all(n not in audit[0].note for n in compared["families"]["leaving"][1])


def test_the_change_report_filters_by_kind_and_kecamatan_with_htmx(client, login_as, compared, places):
    from tests.conftest import is_fragment
    login_as("back_office")
    url = f"/registri/perubahan/{compared['import_id']}"
    response = client.get(url, query_string={"jenis": "left"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert is_fragment(response) and "Orang (3)" in html and "UJANG KURNIA" in html and "CECEP" not in html
    response = client.get(url, query_string={"kecamatan": places.other_kecamatan})
    html = response.get_data(as_text=True)
    assert "Orang (3)" in html and "YAYAN PERMANA" in html and "UJANG KURNIA" not in html
    assert "Per desa/kelurahan" in html
    # A kind or region that is not a choice is ignored, never an error.
    odd = client.get(url, query_string={"jenis": "<script>", "kecamatan": "99.99.99", "page": "x"})
    assert odd.status_code == 200 and "Orang (21)" in odd.get_data(as_text=True)


def test_a_kecamatan_user_sees_only_their_kecamatan(client, login_as, compared, places, make_user):
    user = make_user("facilitator", region_code=places.other_kecamatan)
    from tests.conftest import log_in
    log_in(client, user.username)
    html = client.get(f"/registri/perubahan/{compared['import_id']}").get_data(as_text=True)
    assert "Orang (3)" in html and "YAYAN PERMANA" in html and "UJANG KURNIA" not in html
    workbook = client.get(f"/registri/perubahan/{compared['import_id']}/unduh.xlsx")
    from openpyxl import load_workbook
    import io
    rows = list(load_workbook(io.BytesIO(workbook.data)).active.values)
    assert len(rows) == 1 + 3 and {r[2] for r in rows[1:]} == {"YAYAN PERMANA", "ANI LESTARI", "RIZKY PERMANA"}


def test_the_xlsx_carries_the_filtered_changes_audited_and_not_cached(client, login_as, compared, places):
    import io

    from openpyxl import load_workbook

    from slrt.audit.models import AuditLog
    login_as("supervisor")
    response = client.get(f"/registri/perubahan/{compared['import_id']}/unduh.xlsx",
                          query_string={"jenis": "moved"})
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("Perubahan", "NIK", "Nama")
    moving = compared["families"]["moving"][1]
    assert sorted(r[1] for r in rows[1:]) == sorted(moving)
    assert all(r[0] == "Pindah desa/kelurahan" and r[6] == places.desa2 and places.desa in r[7] for r in rows[1:])
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "registry.changes_export")).all()
    assert len(audit) == 1 and "3 rows" in audit[0].note and moving[0] not in audit[0].note


# ---- flags at the counter and the sanggah started from them ---------------------------------------------

def _link(html: str, text: str) -> str:
    import re
    found = re.search(r'href="(/registri/usulan/baru\?perubahan=\d+)"[^>]*>' + re.escape(text), html)
    assert found, text
    return found.group(1).replace("&amp;", "&")


def test_a_dropped_person_is_flagged_at_the_counter_and_a_sanggah_starts_from_there(client, login_as, compared):
    from slrt.registry.models import Proposal
    login_as("front_office")
    leaving = compared["families"]["leaving"][1]
    response = client.post("/pendaftaran/cek-nik", data={"nik": leaving[0]}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Keluar dari DTSEN pada 1 September 2025" in html and "UJANG KURNIA" in html
    assert "Terdaftar di DTSEN" not in html
    link = _link(html, "Ajukan sanggah")
    assert leaving[0] not in link
    form = client.get(link).get_data(as_text=True)
    assert f'value="{leaving[0]}"' in form and 'value="UJANG KURNIA"' in form
    import re
    assert re.search(r'<input checked[^>]*value="sanggah"', form)
    assert "Keluar dari DTSEN pada 1 September 2025 (impor no." in form
    # Sent as prefilled, it becomes a sanggah through the existing proposal operations.
    data = {"kind": "sanggah", "nik": leaving[0], "name": "UJANG KURNIA",
            "kk_number": re.search(r'name="kk_number"[^>]*value="(\d+)"', form).group(1), "desa": compared_desa(form),
            "reason": "Keluar dari DTSEN; masih miskin."}
    created = client.post("/registri/usulan/baru", data=data)
    assert created.status_code == 303, created.get_data(as_text=True)[:2000]
    proposal = db.session.scalar(select(Proposal).where(Proposal.nik == leaving[0]))
    assert proposal.kind == "sanggah" and proposal.status == "draft"


def compared_desa(form: str) -> str:
    import re
    return re.search(r'<option selected value="([\d.]+)"|<option value="([\d.]+)" selected', form).group(1) or ""


def test_a_lost_pbi_is_flagged_with_a_reactivation_proposal(client, login_as, compared):
    login_as("back_office")
    poorer = compared["families"]["poorer"][1]
    html = client.post("/registri/cari", data={"q": poorer[0]}).get_data(as_text=True)
    assert "PBI-JKN berhenti sejak impor 1 September 2025" in html
    form = client.get(_link(html, "Usulkan reaktivasi PBI-JKN")).get_data(as_text=True)
    assert "Reaktivasi PBI-JKN" in form and f'value="{poorer[0]}"' in form
    # A household that only moved desil up is not flagged.
    richer = compared["families"]["richer"][1]
    html = client.post("/registri/cari", data={"q": richer[0]}).get_data(as_text=True)
    assert "Perubahan DTSEN yang perlu" not in html and "Terdaftar" in html


def test_a_flag_outside_the_users_area_cannot_be_opened(client, login_as, compared, places, make_user):
    from slrt.registry.models import RegistryChange
    from tests.conftest import log_in
    change = db.session.scalar(select(RegistryChange).where(RegistryChange.kind == "left"))
    user = make_user("puskesos_operator", region_code=places.other_desa)
    log_in(client, user.username)
    assert client.get(f"/registri/usulan/baru?perubahan={change.id}").status_code == 404
    assert client.get("/registri/usulan/baru?perubahan=abc").status_code == 404


def test_names_from_the_extract_are_escaped_in_the_report_and_the_flags(client, login_as, places, tmp_path):
    hostile = '<b hx-post="/keluar" hx-trigger="load">ASEP</b>'
    rows, niks, _kk = family(places, 8, names=(hostile, "EUIS MARLINA", "DEDI SURYANA"))
    keep, *_ = family(places, 9)
    one, _ = import_file(write_csv(tmp_path / "q1.csv", rows + keep))
    two, _ = import_file(write_csv(tmp_path / "q2.csv", keep))
    login_as("back_office")
    for html in (client.get(f"/registri/perubahan/{two}").get_data(as_text=True),
                 client.post("/registri/cari", data={"q": niks[0]}).get_data(as_text=True)):
        assert "Keluar dari DTSEN" in html
        assert "<b hx-post" not in html and "&lt;b hx-post=&#34;/keluar&#34;" in html

"""The staff search box and a person's page: every identifier finds the case, whatever its status, only in the
user's region; a NIK never goes in a URL; every person found or opened leaves an audit row."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.cases.models import CaseStatus
from slrt.extensions import db
from tests.conftest import VALID_NIK, is_fragment

OTHER_NIK = "3204051708850003"  # a man born 17 August 1985
KK = "3204050101200007"


def search(client, q, **headers):
    return client.post("/cari", data={"q": q}, headers=headers)


@pytest.fixture
def joko(make_case):
    """Joko Susilo's visit, already handled (not "Terdaftar": the queue's default filter hides it)."""
    case = make_case(nik=OTHER_NIK, name="Joko Susilo", birth_date=date(1985, 8, 17), sex="L",
                     phone="081234567890", kk_number=KK)
    case.status = CaseStatus.IN_PROGRESS
    db.session.commit()
    return case


def test_a_full_nik_finds_a_case_of_any_status(client, login_as, joko, make_case):
    make_case(name="Ani Suryani")  # someone else
    login_as("front_office")
    response = search(client, OTHER_NIK)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert joko.ticket in html and "Joko Susilo" in html and "Ani Suryani" not in html
    assert "Diproses" in html  # its status, as the clerk reads it
    assert f'value="{OTHER_NIK}"' in html


def test_a_partial_ticket_finds_the_case_with_or_without_the_dash(client, login_as, joko):
    login_as("front_office")
    first, second = joko.ticket.split("-")
    for typed in (first, second.lower(), first[3:] + second[:2]):
        html = search(client, typed).get_data(as_text=True)
        assert joko.ticket in html, typed


@pytest.mark.parametrize("typed", ["Djoko", "joko", "DJOKO SOESILO", "susilo", "Soesilo Djoko"])
def test_a_name_finds_its_spelling_variants(client, login_as, joko, typed):
    login_as("back_office")
    assert joko.ticket in search(client, typed).get_data(as_text=True)


def test_a_name_does_not_find_a_different_name(client, login_as, joko):
    login_as("back_office")
    assert joko.ticket not in search(client, "Jaka").get_data(as_text=True)


@pytest.mark.parametrize("typed", [KK, "0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_a_family_card_or_phone_number_finds_the_person(client, login_as, joko, typed):
    login_as("front_office")
    assert joko.ticket in search(client, typed).get_data(as_text=True)
    assert ("cocok dengan No. KK-nya" in search(client, typed).get_data(as_text=True)) == (typed == KK)


def test_a_household_members_nik_finds_the_applicant(client, login_as, make_case):
    from slrt.intake.operations import MemberData
    member_nik = "3204055003150002"
    case = make_case(members=[MemberData(name="Putri Wulandari", relation=3, nik=member_nik)])
    login_as("front_office")
    html = search(client, member_nik).get_data(as_text=True)
    assert case.ticket in html
    # The row says why another person's case answers this NIK.
    assert "cocok dengan NIK anggota rumah tangganya: Putri Wulandari" in html
    assert "anggota rumah tangga" not in search(client, case.person.nik).get_data(as_text=True)


def test_search_keeps_to_the_users_region(client, login_as, make_case, places):
    here = make_case(name="Siti Aminah", region_code=places.desa)
    there = make_case(nik=OTHER_NIK, name="Sitti Aminah", birth_date=date(1985, 8, 17), sex="L",
                      region_code=places.other_desa)
    login_as("puskesos_operator", region_code=places.desa2)  # another village's Puskesos: neither
    html = search(client, "siti").get_data(as_text=True)
    assert here.ticket not in html and there.ticket not in html
    assert "Tidak ada yang cocok" in html
    client.post("/keluar")
    login_as("facilitator", region_code=places.kecamatan)
    html = search(client, "siti aminah").get_data(as_text=True)
    assert here.ticket in html and there.ticket not in html
    html = search(client, OTHER_NIK).get_data(as_text=True)
    assert there.ticket not in html


def test_bad_input_gets_an_indonesian_message_and_keeps_what_was_typed(client, login_as):
    login_as("front_office")
    html = search(client, "12345").get_data(as_text=True)
    assert "Nomor tidak dikenali" in html and 'value="12345"' in html
    html = search(client, "ab").get_data(as_text=True)
    assert "paling sedikit 3 huruf" in html
    response = search(client, "")
    assert response.status_code == 200 and "Ketik tiket" in response.get_data(as_text=True)


def test_each_person_found_is_audited_without_the_nik(client, login_as, joko):
    user = login_as("front_office")
    search(client, OTHER_NIK)
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.search")).all()
    assert [(r.user_id, r.person_id) for r in rows] == [(user.id, joko.person_id)]
    assert OTHER_NIK not in rows[0].note and "nik_kk" in rows[0].note
    search(client, "zzzzz tidak ada")  # nobody found: nothing to audit
    assert db.session.query(AuditLog).filter_by(action="person.search").count() == 1


def test_the_header_box_posts_so_a_nik_never_reaches_a_url(client, login_as):
    login_as("front_office")
    html = client.get("/kasus/hari-ini").get_data(as_text=True)
    start = html.index("<form", html.index("</nav>"))
    form = html[start:html.index(">", start)]
    assert 'class="topsearch"' in form
    assert 'method="post"' in form and "/cari" in form
    # A NIK put in the query string by hand is not searched: the page sends the browser to the bare URL.
    response = client.get(f"/cari?q={VALID_NIK}")
    assert response.status_code == 303 and response.location.endswith("/cari")
    assert VALID_NIK not in client.get("/cari").get_data(as_text=True)


def test_htmx_gets_the_results_alone_inside_hx_disable(client, login_as, joko):
    login_as("front_office")
    response = search(client, "joko", **{"HX-Request": "true"})
    assert is_fragment(response) and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert html.strip().startswith("<div hx-disable>") and html.strip().endswith("</div>") and joko.ticket in html
    assert not is_fragment(search(client, "joko"))


def test_names_are_escaped_in_results(client, login_as, make_case):
    make_case(name='Budi <img src=x hx-get="/keluar">')
    login_as("front_office")
    html = search(client, "budi").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img" in html


@pytest.mark.parametrize("role, allowed", [("front_office", True), ("puskesos_operator", True),
                                           ("back_office", True), ("supervisor", True), ("facilitator", True),
                                           ("admin", True), ("agency_liaison", False),
                                           ("provincial_officer", False)])
def test_who_may_search(client, login_as, role, allowed, joko):
    login_as(role)
    assert search(client, "joko").status_code == (200 if allowed else 403)
    assert client.get(f"/warga/{joko.person_id}").status_code == (200 if allowed else 403)


def test_search_needs_a_login(client):
    assert search(client, "joko").status_code in (302, 303)


# ---- the person's page -------------------------------------------------------------------------------

def test_the_person_page_shows_every_visit_and_is_audited(client, login_as, joko, make_case):
    second = make_case(nik=OTHER_NIK, name="Joko Susilo", birth_date=date(1985, 8, 17), sex="L")
    user = login_as("back_office")
    response = client.get(f"/warga/{joko.person_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert joko.ticket in html and second.ticket in html and OTHER_NIK in html
    assert "Kartu KIS tidak aktif" in html  # the complaint
    assert "Belum terdaftar" in html  # registry status (no extract imported)
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.view")).one()
    assert (row.user_id, row.person_id) == (user.id, joko.person_id)


def test_the_person_page_is_reached_from_search_and_the_case_page(client, login_as, joko):
    login_as("back_office")
    link = f"/warga/{joko.person_id}"
    assert link in search(client, "joko").get_data(as_text=True)
    assert link in client.get(f"/kasus/{joko.id}").get_data(as_text=True)


def test_the_person_page_is_linked_from_the_nik_check(client, login_as, joko):
    login_as("front_office")
    html = client.post("/pendaftaran/cek-nik", data={"nik": OTHER_NIK}, headers={"HX-Request": "true"}).get_data(
        as_text=True)
    assert f"/warga/{joko.person_id}" in html


def test_the_person_page_outside_the_region_is_not_found(client, login_as, make_case, places):
    case = make_case(region_code=places.other_desa)
    login_as("puskesos_operator", region_code=places.desa)
    assert client.get(f"/warga/{case.person_id}").status_code == 404
    assert client.get("/warga/999999").status_code == 404
    assert db.session.query(AuditLog).filter_by(action="person.view").count() == 0


def test_the_person_page_shows_referrals_with_their_outcome(client, login_as, joko):
    from slrt.admin.models import Agency
    from slrt.referrals.models import Referral, ReferralStatus
    agency = db.session.scalar(select(Agency).where(Agency.code == "DINKES"))
    db.session.add(Referral(case_id=joko.id, agency_id=agency.id, status=ReferralStatus.COMPLETED,
                            drafted_by_id=joko.created_by_id, letter_number="460/12/SLRT/2026",
                            outcome="PBI aktif kembali sejak 1 Desember"))
    db.session.commit()
    login_as("back_office")
    html = client.get(f"/warga/{joko.person_id}").get_data(as_text=True)
    assert agency.name in html and "460/12/SLRT/2026" in html and "PBI aktif kembali" in html


def test_the_person_page_shows_the_registry_household(client, login_as, make_case, places, tmp_path):
    from tests.registry_helpers import family, import_file, write_csv
    rows, niks, number = family(places, names=("DJOKO SOESILO", "SITI AMINAH", "DEDI"))
    import_file(write_csv(tmp_path / "x.csv", rows))
    case = make_case(nik=niks[0], name="Joko Susilo", birth_date=date(1980, 3, 1), sex="L")
    login_as("front_office")
    html = client.get(f"/warga/{case.person_id}").get_data(as_text=True)
    assert number in html and "SITI AMINAH" in html
    assert db.session.query(AuditLog).filter_by(action="registry.view", person_id=None).count() >= 1

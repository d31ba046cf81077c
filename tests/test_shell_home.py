"""Each role lands on its work, and the menu counts what waits for the user (region-scoped, in a fixed number
of queries, with the one late rule)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from slrt.core.time import local_today
from slrt.extensions import db
from slrt.referrals.models import ReferralStatus as S
from tests.auth_helpers import client_for
from tests.conftest import HX, is_fragment
from tests.referrals_helpers import referral_in
from tests.test_case_queue_speed import counted_queries


@pytest.fixture
def staff(make_user):
    return {"officer": make_user("back_office", username="rina"), "signer": make_user("supervisor", username="agus"),
            "liaison": make_user("agency_liaison", username="maya")}


def _late_answer(referral) -> None:
    """Put the agency's answer past its due date (the clock is the district's day)."""
    referral.response_due = local_today() - timedelta(days=3)
    db.session.commit()


def _nik(i: int) -> str:
    return f"32040517088{i:05d}"


def test_the_back_office_lands_on_its_cases_and_the_drafts_returned_to_it(app, make_case, staff):
    officer, signer = staff["officer"], staff["signer"]
    mine = make_case(nik=_nik(1), name="Budi Santoso")
    returned = referral_in(S.RETURNED, make_case(nik=_nik(2), name="Sri Wahyuni"), officer, signer)
    make_case(nik=_nik(3), name="Tuti Alawiyah")  # not taken: in the queue, not among "my cases"
    from slrt.handling import operations as handling
    handling.take(mine, officer)
    db.session.commit()
    client, _user = client_for(app, lambda *a, **k: officer, "back_office")
    page = client.get("/").get_data(as_text=True)
    assert "Kasus saya" in page and "Dikembalikan ke saya" in page
    assert mine.ticket in page and "Budi Santoso" in page
    assert returned.case.ticket in page and "Tuti Alawiyah" not in page
    # another officer's returned draft is not "returned to me"
    other, _u = client_for(app, lambda *a, **k: _other_officer(), "back_office")
    assert returned.case.ticket not in other.get("/").get_data(as_text=True).split('id="dikembalikan"')[1]


def _other_officer():
    from slrt.auth.operations import create_user
    from tests.conftest import PASSWORD
    user = create_user(username="dewi", full_name="Dewi", role="back_office", region_code="32.04", password=PASSWORD)
    db.session.commit()
    return user


def test_the_supervisor_lands_on_the_signoff_queue(app, make_case, staff):
    waiting = referral_in(S.PENDING_SIGNOFF, make_case(nik=_nik(1), name="Budi Santoso"), staff["officer"],
                          staff["signer"])
    referral_in(S.APPROVED, make_case(nik=_nik(2), name="Sri Wahyuni"), staff["officer"], staff["signer"])
    client, _user = client_for(app, lambda *a, **k: staff["signer"], "supervisor")
    page = client.get("/").get_data(as_text=True)
    assert "Menunggu penetapan Anda" in page
    assert waiting.case.ticket in page and "Sri Wahyuni" not in page


def test_the_liaison_lands_on_the_inbox_with_due_and_late_counts(app, make_case, staff):
    officer, signer, liaison = staff["officer"], staff["signer"], staff["liaison"]
    late = referral_in(S.APPROVED, make_case(nik=_nik(1), name="Budi Santoso"), officer, signer)
    _late_answer(late)
    soon = referral_in(S.ACCEPTED, make_case(nik=_nik(2), name="Sri Wahyuni"), officer, signer, liaison=liaison)
    soon.response_due = local_today() + timedelta(days=2)
    db.session.commit()
    referral_in(S.COMPLETED, make_case(nik=_nik(3), name="Tuti Alawiyah"), officer, signer, liaison=liaison)
    client, _user = client_for(app, lambda *a, **k: liaison, "agency_liaison")
    page = client.get("/").get_data(as_text=True)
    assert "Rujukan masuk untuk Dinas Kesehatan" in page
    assert '<strong>2</strong> <span>menunggu jawaban instansi' in page
    assert '<strong>1</strong> <span>jatuh tempo dalam 7 hari' in page
    assert '<strong>1</strong> <span>terlambat dijawab' in page
    assert late.case.ticket in page and soon.case.ticket in page and "Tuti Alawiyah" not in page


def test_the_counter_lands_on_todays_registrations_at_its_office(app, make_user, make_case, places):
    operator = make_user("puskesos_operator")
    here = make_case(nik=_nik(1), name="Budi Santoso", clerk=operator)
    make_case(nik=_nik(2), name="Sri Wahyuni")  # registered at the district counter, not at this desk
    client, _user = client_for(app, lambda *a, **k: operator, "puskesos_operator")
    page = client.get("/").get_data(as_text=True)
    assert "Loket hari ini" in page and here.ticket in page and "Sri Wahyuni" not in page
    assert "Pendaftaran Baru" in page
    # and the desk's visits the back office has not taken yet, today's or older
    untaken = page.split('id="h-untaken"')[1]
    assert here.ticket in untaken and "Sri Wahyuni" not in untaken
    from slrt.handling import operations as handling
    handling.take(here, make_user("back_office"))
    db.session.commit()
    assert here.ticket not in client.get("/").get_data(as_text=True).split('id="h-untaken"')[1]


def test_the_provincial_officer_lands_on_the_dashboard(app, make_user):
    client, _user = client_for(app, make_user, "provincial_officer")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/laporan/")


def test_the_administrator_sees_what_needs_attention(app, make_user, make_case):
    from slrt.admin import settings
    from slrt.notifications.models import OutboxMessage, OutboxStatus
    from slrt.registry.models import ImportStatus, RegistryImport
    admin = make_user("admin")
    client, _user = client_for(app, lambda *a, **k: admin, "admin")
    page = client.get("/").get_data(as_text=True)
    assert "Kop surat belum lengkap." in page and "nama penanda tangan" in page
    assert "impor DTSEN gagal" not in page and "tidak jelas nasibnya" not in page
    case = make_case()
    db.session.add_all([RegistryImport(file_name="dtsen-okt.csv", status=ImportStatus.DONE),
                        RegistryImport(file_name="dtsen-nov.csv", status=ImportStatus.FAILED),
                        OutboxMessage(case_id=case.id, kind="registered", phone="081234567890", body="x",
                                      status=OutboxStatus.UNKNOWN)])
    for key in ("letterhead_lines", "letterhead_logo", "letter_signer_name", "letter_signer_nip"):
        settings.put(key, "diisi", admin)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Kop surat belum lengkap." not in page
    assert "1 impor DTSEN gagal" in page and "dtsen-nov.csv" in page and "dtsen-okt.csv" not in page
    assert "1 pesan tidak jelas nasibnya" in page


def _waiting(client) -> str:
    response = client.get("/menunggu", headers=HX)
    assert response.status_code == 200 and is_fragment(response)
    return response.get_data(as_text=True)


def test_the_menu_counts_what_waits_for_each_role_in_its_region(app, make_case, make_user, staff, places):
    officer, signer, liaison = staff["officer"], staff["signer"], staff["liaison"]
    referral_in(S.PENDING_SIGNOFF, make_case(nik=_nik(1)), officer, signer)
    referral_in(S.RETURNED, make_case(nik=_nik(2)), officer, signer)
    _late_answer(referral_in(S.APPROVED, make_case(nik=_nik(3)), officer, signer))
    # Outside the district: none of these users' business.
    outsider = make_user("back_office", region_code=places.other_district)
    far = make_case(nik=_nik(4), region_code=places.other_district_desa, clerk=make_user(
        "front_office", region_code=places.other_district))
    far_signer = make_user("supervisor", region_code=places.other_district)
    referral_in(S.PENDING_SIGNOFF, far, outsider, far_signer)

    def badge(html, text):
        import re
        match = re.search(re.escape(text) + r' <span class="badge">(\d+)</span>', html)
        return int(match.group(1)) if match else None

    as_signer = _waiting(client_for(app, lambda *a, **k: signer, "supervisor")[0])
    assert badge(as_signer, "Menunggu penetapan") == 1 and badge(as_signer, "Jawaban terlambat") == 1
    assert badge(as_signer, "Dikembalikan") is None
    as_officer = _waiting(client_for(app, lambda *a, **k: officer, "back_office")[0])
    assert badge(as_officer, "Dikembalikan") == 1 and badge(as_officer, "Menunggu penetapan") is None
    as_liaison = _waiting(client_for(app, lambda *a, **k: liaison, "agency_liaison")[0])
    assert badge(as_liaison, "Menunggu jawaban") == 1 and badge(as_liaison, "Terlambat") == 1
    as_far_signer = _waiting(client_for(app, lambda *a, **k: far_signer, "supervisor")[0])
    assert badge(as_far_signer, "Menunggu penetapan") == 1 and badge(as_far_signer, "Jawaban terlambat") == 0


def test_the_menu_loads_its_counts_by_htmx_only_for_roles_with_waiting_work(app, make_user):
    officer_page = client_for(app, make_user, "back_office")[0].get("/kasus/").get_data(as_text=True)
    assert 'hx-get="/menunggu" hx-trigger="load, every 60s"' in officer_page
    counter = client_for(app, make_user, "front_office")[0]
    assert 'hx-get="/menunggu"' not in counter.get("/kasus/").get_data(as_text=True)
    assert counter.get("/menunggu", headers=HX).status_code == 403
    # without htmx the address leads home, not to a bare fragment
    assert client_for(app, make_user, "supervisor")[0].get("/menunggu").status_code == 303


def test_the_menu_counts_cost_the_same_few_queries_for_one_or_many_referrals(app, make_case, staff):
    officer, signer = staff["officer"], staff["signer"]
    referral_in(S.PENDING_SIGNOFF, make_case(nik=_nik(0)), officer, signer)
    client = client_for(app, lambda *a, **k: signer, "supervisor")[0]
    db.session.commit()
    with counted_queries() as few:
        _waiting(client)
    for i in range(1, 9):
        referral_in([S.PENDING_SIGNOFF, S.RETURNED, S.APPROVED][i % 3], make_case(nik=_nik(i)), officer, signer)
    db.session.commit()
    with counted_queries() as many:
        page = _waiting(client)
    assert 'Menunggu penetapan <span class="badge">3</span>' in page  # the first, and the 3rd and 6th of the 8
    assert len(many) == len(few) <= 4, (few, many)


def test_the_administrators_home_says_once_that_the_letterhead_is_incomplete(app, make_user):
    """Before, the banner every admin page carries ("Lengkapi kop surat ...") stood above the attention list's
    "Kop surat belum lengkap.": the same thing twice. The home keeps the list (it names each missing setting and
    links to them); every other page keeps the banner."""
    client, _user = client_for(app, make_user, "admin")
    home = client.get("/").get_data(as_text=True)
    assert home.count("Kop surat belum lengkap.") == 1 and "nama penanda tangan" in home
    assert 'data-prompt="letterhead"' not in home and "Lengkapi kop surat" not in home
    users = client.get("/admin/pengguna").get_data(as_text=True)
    assert users.count('data-prompt="letterhead"') == 1 and "Lengkapi kop surat" in users

"""The handling routes (endpoints `handling.*` at the case's URLs) for every role, allowed and refused, and the
handling section of the case page."""
from __future__ import annotations

import pytest

from slrt.referrals.models import ReferralStatus
from tests.conftest import log_in
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")

S = ReferralStatus
ROLES = ["front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator", "admin",
         "provincial_officer", None]
HANDLERS = {"back_office", "supervisor"}

ROUTES = [
    ("/kasus/{case}/serahkan", {"supervisor"}, lambda w: {"officer": w["officer"]}),
    ("/kasus/{case}/asesmen", HANDLERS, lambda w: {"findings": "Rumah bocor", "visit_date": "2026-11-20"}),
    ("/kasus/{case}/jawab", HANDLERS, lambda w: {"complaint_id": w["complaint"], "answer": "Silakan"}),
    ("/kasus/{case}/tutup", HANDLERS, lambda w: {"summary": "Selesai"}),
    ("/kasus/{case}/keberatan", HANDLERS, lambda w: {"reason": "Belum selesai"}),
    ("/kasus/{fresh}/ambil", HANDLERS, lambda w: {}),
]


@pytest.fixture
def world(app, make_user, make_case):
    officer, signer = make_user("back_office", username="bo"), make_user("supervisor", username="spv")
    case = make_case()
    referral_in(S.APPROVED, case, officer, signer)
    return {"case": case.id, "fresh": make_case().id, "officer": officer.id, "complaint": case.complaints[0].id}


def test_the_handling_endpoints_keep_the_case_urls(app):
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("handling.")}
    assert rules == {"handling.take": "/kasus/<int:case_id>/ambil", "handling.assign": "/kasus/<int:case_id>/serahkan",
                     "handling.assess": "/kasus/<int:case_id>/asesmen", "handling.answer": "/kasus/<int:case_id>/jawab",
                     "handling.close": "/kasus/<int:case_id>/tutup",
                     "handling.objection": "/kasus/<int:case_id>/keberatan"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_route_for_role(app, client, make_user, world, role):
    if role is not None:
        user = make_user(role)
        assert log_in(client, user.username).status_code == 303
    for url, allowed, data in ROUTES:
        target = url.format(**world)
        response = client.post(target, data=data(world))
        where = f"{role} POST {url} -> {response.status_code}"
        assert response.status_code < 500, where
        if role in allowed:
            assert response.status_code in (200, 303, 422), where
        elif role is None:
            assert response.status_code in (302, 303) and "/masuk" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where


def test_a_refused_closure_shows_the_summary_as_typed_next_to_the_message(app, client, login_as, world):
    """The transition table refuses: the case page comes back (422) with the summary still in its box."""
    from slrt.cases.models import Case
    from slrt.extensions import db
    login_as("back_office")
    summary = "PBI-JKN aktif lagi sejak 20 November; warga sudah berobat"
    response = client.post(f"/kasus/{world['case']}/tutup", data={"summary": summary})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "belum dapat ditutup" in page and summary in page and 'id="penutupan"' in page
    db.session.expire_all()
    assert db.session.get(Case, world["case"]).status == "referred"


def test_an_empty_assessment_comes_back_open_with_the_visit_date_kept(app, client, login_as, world):
    login_as("back_office")
    response = client.post(f"/kasus/{world['case']}/asesmen", data={"findings": "  ", "visit_date": "2026-11-20"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Wajib diisi." in page and 'value="2026-11-20"' in page
    assert '<details class="inline-action" open><summary>Catat asesmen' in page


def test_a_refused_answer_keeps_the_text_under_its_complaint(app, client, login_as, world, make_case):
    """A case nobody has taken takes no answer yet: the typed answer stays in the complaint's box, with the
    message next to it."""
    login_as("back_office")
    fresh = make_case()  # registered, not taken: the answer is refused
    answer = "Kartu KIS Anda aktif kembali bulan depan"
    response = client.post(f"/kasus/{fresh.id}/jawab", data={"complaint_id": fresh.complaints[0].id, "answer": answer})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ambil kasus ini dulu" in page and answer in page
    assert "<details class=\"inline-action\" open><summary>Jawab langsung" in page


def test_a_refused_action_answers_htmx_with_200(app, client, login_as, world):
    login_as("back_office")
    response = client.post(f"/kasus/{world['case']}/tutup", data={"summary": "Selesai"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "belum dapat ditutup" in response.get_data(as_text=True)


def test_case_page_shows_the_handling_section(app, client, login_as, world):
    login_as("back_office")
    page = client.get(f"/kasus/{world['case']}").get_data(as_text=True)
    assert "Penanganan" in page and "Dinas Kesehatan" in page and "Catat asesmen" in page
    fresh = client.get(f"/kasus/{world['fresh']}").get_data(as_text=True)
    assert "Tangani kasus ini" in fresh and f"/kasus/{world['fresh']}/ambil" in fresh


def test_front_office_sees_handling_without_forms(app, client, login_as, world):
    login_as("front_office")
    page = client.get(f"/kasus/{world['case']}").get_data(as_text=True)
    assert "Penanganan" in page and "Catat asesmen" not in page and "Buat rujukan" not in page
    assert "Tangani kasus ini" not in client.get(f"/kasus/{world['fresh']}").get_data(as_text=True)

"""Every new route for every role (allowed and refused), htmx fragments, and no 500 on a refused move."""
from __future__ import annotations

import pytest

from slrt.extensions import db
from slrt.referrals.models import Referral, ReferralStatus
from tests.conftest import is_fragment, log_in
from tests.referrals_helpers import agency, referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")

S = ReferralStatus
ROLES = ["front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator", "admin",
         "provincial_officer", None]
VIEWERS = {"front_office", "puskesos_operator", "back_office", "supervisor", "facilitator", "admin"}
HANDLERS = {"back_office", "supervisor"}
EVERYONE = set(ROLES)

# (method, url, allowed roles, form data). Read-only routes first: the POSTs change the world they share.
ROUTES = [
    ("GET", "/rujukan/", {"back_office", "supervisor", "admin"}, None),
    ("GET", "/rujukan/penetapan", {"supervisor"}, None),
    ("GET", "/rujukan/instansi", {"agency_liaison"}, None),
    ("GET", "/rujukan/ikhtisar", {"supervisor", "admin"}, None),
    ("GET", "/rujukan/{approved}", VIEWERS | {"agency_liaison"}, None),
    ("GET", "/rujukan/{draft}", VIEWERS, None),  # a draft is not the agency's business yet
    ("GET", "/rujukan/{approved}/surat", VIEWERS | {"agency_liaison"}, None),
    ("GET", "/rujukan/{draft}/surat", set(), None),  # no letter before sign-off
    ("GET", "/kasus/{case}/rujukan/baru", HANDLERS, None),
    ("GET", "/rujukan/{draft}/ubah", HANDLERS, None),
    ("GET", "/verifikasi/{code}", EVERYONE, None),
    ("GET", "/rujukan/program-instansi?agency={agency}", VIEWERS, None),
    ("POST", "/kasus/{case}/rujukan/baru", HANDLERS, lambda w: {"agency": w["agency"], "reason": "Perlu KTP"}),
    ("POST", "/rujukan/{draft}/ubah", HANDLERS, lambda w: {"agency": w["agency"], "reason": "Alasan diperbarui"}),
    ("POST", "/rujukan/{draft}/ajukan", HANDLERS, None),
    ("POST", "/rujukan/{draft2}/batalkan", HANDLERS, None),
    ("POST", "/rujukan/{pending}/putuskan", {"supervisor"}, lambda w: {"decision": "approved"}),
    ("POST", "/rujukan/{approved}/tanggapan", HANDLERS | {"agency_liaison"}, lambda w: {"response": "accepted"}),
]


@pytest.fixture
def world(app, make_user, make_case):
    officer, signer = make_user("back_office", username="bo"), make_user("supervisor", username="spv")
    case = make_case()
    approved = referral_in(S.APPROVED, case, officer, signer)
    pending = referral_in(S.PENDING_SIGNOFF, case, officer, signer)
    draft = referral_in(S.DRAFT, case, officer, signer)
    draft2 = referral_in(S.DRAFT, case, officer, signer)
    return {"case": case.id, "approved": approved.id, "pending": pending.id, "draft": draft.id,
            "draft2": draft2.id, "code": approved.verification_code, "agency": agency().id, "officer": officer.id,
            "complaint": case.complaints[0].id}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_route_for_role(app, client, make_user, world, role):
    if role is not None:
        user = make_user(role)
        assert log_in(client, user.username).status_code == 303
    for method, url, allowed, data in ROUTES:
        target = url.format(**world)
        response = client.open(target, method=method, data=data(world) if data else None)
        where = f"{role} {method} {url} -> {response.status_code}"
        assert response.status_code < 500, where
        if role in allowed:
            assert response.status_code in (200, 303), where
        elif role is None:
            assert response.status_code in (302, 303) and "/masuk" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where


def test_liaison_of_another_agency_sees_nothing(app, client, make_user, world):
    user = make_user("agency_liaison", agency_code="BPJSKES")
    log_in(client, user.username)
    assert client.get(f"/rujukan/{world['approved']}").status_code == 403
    assert client.get(f"/rujukan/{world['approved']}/surat").status_code == 403
    assert client.post(f"/rujukan/{world['approved']}/tanggapan", data={"response": "accepted"}).status_code == 403
    assert "Tidak ada rujukan" in client.get("/rujukan/instansi").get_data(as_text=True)


def test_liaison_of_the_agency_in_another_district_cannot_open_it_by_id(app, client, make_user, world, places):
    """The same agency's liaison bound to another district: the queue hides the referral, and so do its pages."""
    user = make_user("agency_liaison", region_code=places.other_district)
    log_in(client, user.username)
    assert client.get(f"/rujukan/{world['approved']}").status_code == 403
    assert client.get(f"/rujukan/{world['approved']}/surat").status_code == 403
    assert client.post(f"/rujukan/{world['approved']}/tanggapan", data={"response": "accepted"}).status_code == 403


def test_the_signer_role_is_a_district_setting(app, client, make_user, world):
    from slrt.admin import settings
    admin = make_user("admin")
    settings.put("signoff_role", "admin", admin)
    db.session.commit()
    supervisor = make_user("supervisor")
    log_in(client, supervisor.username)
    assert client.get("/rujukan/penetapan").status_code == 403
    assert client.post(f"/rujukan/{world['pending']}/putuskan", data={"decision": "approved"}).status_code == 403
    client.post("/keluar")
    log_in(client, admin.username)
    assert client.get("/rujukan/penetapan").status_code == 200
    assert client.post(f"/rujukan/{world['pending']}/putuskan", data={"decision": "approved"}).status_code == 303


@pytest.mark.parametrize("url,role", [("/rujukan/", "back_office"), ("/rujukan/penetapan", "supervisor"),
                                      ("/rujukan/instansi", "agency_liaison")])
def test_queues_swap_rows_for_htmx_and_render_pages_otherwise(client, login_as, world, url, role):
    login_as(role)
    fragment = client.get(url + "?show=all", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and is_fragment(fragment)
    assert "Vary" in fragment.headers and "HX-Request" in fragment.headers["Vary"]
    page = client.get(url + "?show=all")
    assert page.status_code == 200 and not is_fragment(page)


def test_refused_moves_are_messages_not_errors(app, client, login_as, world):
    login_as("supervisor")
    # a draft cannot be decided; returning needs a note; an unknown decision is a bad request
    response = client.post(f"/rujukan/{world['draft']}/putuskan", data={"decision": "approved"})
    assert response.status_code == 422 and "tidak dapat diubah menjadi" in response.get_data(as_text=True)
    response = client.post(f"/rujukan/{world['pending']}/putuskan", data={"decision": "returned", "note": ""})
    assert response.status_code == 422 and "Tuliskan catatan" in response.get_data(as_text=True)
    assert client.post(f"/rujukan/{world['pending']}/putuskan", data={"decision": "nonsense"}).status_code == 400
    response = client.post(f"/rujukan/{world['approved']}/tanggapan", data={"response": "completed", "note": ""})
    assert response.status_code == 422 and "Tuliskan hasil layanan" in response.get_data(as_text=True)


def test_a_refused_decision_keeps_the_note_as_typed(app, client, login_as, world):
    """Another signer's decision came first (here: the draft was never submitted): the page comes back with
    the message above and the signer's note still in its box."""
    login_as("supervisor")
    note = "SKTM dari desa belum dilampirkan, mohon dilengkapi"
    response = client.post(f"/rujukan/{world['draft']}/putuskan", data={"decision": "returned", "note": note})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "tidak dapat diubah menjadi" in page and 'class="errors form-errors"' in page and note in page


def test_an_agency_answer_without_an_outcome_keeps_the_choice(app, client, login_as, world):
    login_as("back_office")
    response = client.post(f"/rujukan/{world['approved']}/tanggapan", data={"response": "completed", "note": " "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="note-errors"' in page and "Tuliskan hasil layanan" in page
    assert 'checked id="response-2" name="response" type="radio" value="completed"' in page or \
        ('value="completed"' in page and "checked" in page.split('value="completed"')[0][-120:])
    assert db.session.get(Referral, world["approved"]).status == S.APPROVED


def test_a_refused_draft_keeps_the_reason(app, client, login_as, world):
    login_as("back_office")
    reason = "Berobat rutin ke RSUD, biaya tidak terjangkau"
    response = client.post(f"/kasus/{world['case']}/rujukan/baru", data={"agency": "", "reason": reason})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page and 'id="agency-errors"' in page


def test_verification_shows_no_personal_data_and_throttles_guessing(make_app, make_case, make_user):
    app = make_app(SLRT_STATUS_LIMIT="3 per 10 minutes")
    with app.app_context():
        officer, signer = make_user("back_office"), make_user("supervisor")
        referral = referral_in(S.APPROVED, make_case(), officer, signer)
        code, number = referral.verification_code, referral.letter_number
    public = app.test_client()
    page = public.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert number in page and "Dinas Kesehatan" in page
    assert "Ani Suryani" not in page and "3204054512900001" not in page
    assert [public.get(f"/verifikasi/SALAH{i}").status_code for i in range(4)] == [404, 404, 404, 429]


def test_back_office_response_is_marked_on_behalf(app, client, login_as, world):
    login_as("back_office")
    client.post(f"/rujukan/{world['approved']}/tanggapan", data={"response": "needs_documents",
                                                                 "note": "Fotokopi KK dilegalisir"})
    page = client.get(f"/rujukan/{world['approved']}").get_data(as_text=True)
    assert "atas nama instansi" in page and "Fotokopi KK dilegalisir" in page

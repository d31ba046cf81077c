"""One-time form ids: a form that creates or decides something, posted twice (a double click, a browser
retrying after a slow line timed out), changes nothing the second time and shows the first result."""
from __future__ import annotations

import re
import threading
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.cases.models import Case, CaseStatus
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.referrals.models import Referral, ReferralStatus
from slrt.registry.models import Proposal, ProposalStatus
from slrt.submissions.models import FormSubmission
from tests.conftest import log_in
from tests.conftest import HX, count
from tests.intake_helpers import intake_data
from tests.referrals_helpers import TODAY, agency, referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture
from tests.registry_helpers import nik

pytestmark = pytest.mark.usefixtures("fast_passwords")
S = ReferralStatus
ALREADY_SENT = "Formulir ini sudah dikirim"


def form_id() -> str:
    return uuid.uuid4().hex


def twice(client, url: str, data: dict, **kwargs):
    """Post the same form (same form id) twice; both responses."""
    data = dict(data, form_id=data.get("form_id") or form_id())
    first = client.post(url, data=dict(data), **kwargs)
    second = client.post(url, data=dict(data), **kwargs)
    return first, second


def assert_repeat_shows_first(client, first, second):
    assert first.status_code == 303, first.get_data(as_text=True)[:500]
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert ALREADY_SENT in page


def audit_rows() -> int:
    return count(AuditLog)


def logged_in(app, user):
    client = app.test_client()
    with app.app_context():  # a fresh `g`, so one login is not taken for another
        assert log_in(client, user.username).status_code == 303
    # The test's session (which this thread's requests share) must not keep a snapshot from before the
    # login's write: its next request could not write on SQLite.
    db.session.rollback()
    return client


# ---- intake ------------------------------------------------------------------------------------------------

def test_intake_page_carries_a_fresh_form_id_each_time(client, login_as):
    login_as("front_office")
    ids = [re.findall(r'name="form_id" value="([0-9a-f]{32})"', client.get("/pendaftaran/baru").get_data(as_text=True))
           for _ in range(2)]
    assert len(ids[0]) == len(ids[1]) == 1
    assert ids[0] != ids[1]


def test_intake_posted_twice_makes_one_case_and_shows_the_first_ticket(client, login_as, places):
    login_as("front_office")
    first, second = twice(client, "/pendaftaran/baru", intake_data(places))
    assert_repeat_shows_first(client, first, second)
    assert count(Case) == 1
    assert first.headers["Location"].endswith(f"/{db.session.scalar(select(Case.id))}/tanda-terima")
    assert count(AuditLog, AuditLog.action == "case.create") == 1


def test_intake_repeat_through_htmx_redirects_the_page_to_the_first_result(client, login_as, places):
    login_as("front_office")
    data = dict(intake_data(places), form_id=form_id())
    first = client.post("/pendaftaran/baru", data=data)
    second = client.post("/pendaftaran/baru", data=data, headers=HX)
    assert second.status_code == 204
    assert second.headers["HX-Redirect"] == first.headers["Location"]
    assert count(Case) == 1


def test_a_post_without_a_form_id_is_refused_as_an_old_page(client, login_as, places):
    """Every page of a form that creates or decides carries a form id: a post without one comes from a page
    older than that, or a script, and is carried out unguarded nowhere. An API client is no browser page."""
    login_as("front_office")
    refused = client.post("/pendaftaran/baru", data=dict(intake_data(places), form_id=""))
    assert refused.status_code == 400
    assert "Formulir kedaluwarsa" in refused.get_data(as_text=True) and count(Case) == 0
    by_api = client.post("/pendaftaran/baru", json=intake_data(places))
    assert by_api.status_code != 400


def test_a_refused_intake_does_not_use_up_its_form_id(client, login_as, places):
    """Bad input changes nothing: the corrected form, sent with the same id, is carried out."""
    login_as("front_office")
    fid = form_id()
    refused = client.post("/pendaftaran/baru", data=dict(intake_data(places, name=""), form_id=fid))
    assert refused.status_code == 200 and count(Case) == 0
    accepted = client.post("/pendaftaran/baru", data=dict(intake_data(places), form_id=fid))
    assert accepted.status_code == 303 and count(Case) == 1


def test_same_intake_posted_at_the_same_moment_makes_one_case(app, make_user, places):
    clerk = make_user("front_office")
    clients = [logged_in(app, clerk), logged_in(app, clerk)]
    data = dict(intake_data(places), form_id=form_id())
    barrier = threading.Barrier(2)
    responses: list = []

    def post(client):
        barrier.wait()
        responses.append(client.post("/pendaftaran/baru", data=dict(data)))

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [303, 303]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    db.session.rollback()  # read what the threads committed
    assert count(Case) == 1
    assert count(FormSubmission) == 1


# ---- referrals and the case page ---------------------------------------------------------------------------

@pytest.fixture
def officer(make_user):
    return make_user("back_office")


@pytest.fixture
def signer(make_user):
    return make_user("supervisor")


def test_referral_draft_posted_twice_makes_one_referral(app, officer, make_case):
    case = make_case()
    from slrt.handling import operations as cases
    cases.take(case, officer)
    db.session.commit()
    data = {"agency": str(agency().id), "reason": "Biaya berobat tidak mampu dibayar", "documents": ["KTP"]}
    db.session.rollback()  # end this test's read transaction: the request shares the session
    client = logged_in(app, officer)
    first, second = twice(client, f"/kasus/{case.id}/rujukan/baru", data)
    assert_repeat_shows_first(client, first, second)
    assert count(Referral) == 1


def test_sign_off_posted_twice_decides_once(app, officer, signer, make_case):
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, signer)
    client = logged_in(app, signer)
    first, second = twice(client, f"/rujukan/{referral.id}/putuskan", {"decision": "approved", "note": ""})
    assert_repeat_shows_first(client, first, second)
    assert count(AuditLog, AuditLog.action == "referral.approved") == 1
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "sudah diputuskan" not in page  # a repeat is not somebody else's decision


def test_same_sign_off_posted_at_the_same_moment_decides_once(app, officer, signer, make_case):
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, signer)
    clients = [logged_in(app, signer), logged_in(app, signer)]
    data = {"decision": "approved", "note": "", "form_id": form_id()}
    url = f"/rujukan/{referral.id}/putuskan"  # read here: the threads must not touch this thread's session
    barrier = threading.Barrier(2)
    responses: list = []

    def post(client):
        barrier.wait()
        responses.append(client.post(url, data=dict(data)))

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [303, 303]
    db.session.rollback()
    assert count(AuditLog, AuditLog.action == "referral.approved") == 1
    assert db.session.get(Referral, referral.id).letter_seq == 1


@pytest.mark.parametrize("step", ["submit", "cancel", "respond", "close", "answer", "assess", "objection"])
def test_each_case_form_posted_twice_changes_once(app, officer, signer, make_case, step):
    case = make_case()
    if step in ("submit", "cancel"):
        referral = referral_in(S.DRAFT, case, officer, signer)
        url, data = f"/rujukan/{referral.id}/{'ajukan' if step == 'submit' else 'batalkan'}", {}
    elif step == "respond":
        referral = referral_in(S.APPROVED, case, officer, signer)
        url, data = f"/rujukan/{referral.id}/tanggapan", {"response": "completed", "note": "PBI-JKN aktif kembali"}
    elif step in ("close", "objection"):
        referral_in(S.COMPLETED, case, officer, signer)
        if step == "objection":
            from slrt.handling import operations as cases
            cases.close(db.session.get(Case, case.id), officer, "Selesai")
            db.session.commit()
        url = f"/kasus/{case.id}/{'tutup' if step == 'close' else 'keberatan'}"
        data = {"summary": "PBI-JKN aktif kembali"} if step == "close" else {"reason": "Kartu belum aktif"}
    elif step == "answer":
        from slrt.handling import operations as cases
        cases.take(case, officer)
        db.session.commit()
        url, data = f"/kasus/{case.id}/jawab", {"complaint_id": str(case.complaints[0].id), "answer": "Sudah aktif"}
    else:
        from slrt.handling import operations as cases
        cases.take(case, officer)
        db.session.commit()
        url, data = f"/kasus/{case.id}/asesmen", {"findings": "Rumah berlantai tanah"}
    client = logged_in(app, officer)
    before = audit_rows()
    first = client.post(url, data=dict(data, form_id=(fid := form_id())))
    after_first = audit_rows()
    second = client.post(url, data=dict(data, form_id=fid))
    assert after_first > before, "the first post changed nothing"
    assert audit_rows() == after_first, "the second post changed something"
    assert_repeat_shows_first(client, first, second)
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "tidak dapat" not in page  # no refusal of an illegal move: the repeat never reached the operation


def test_a_failed_decision_does_not_use_up_its_form_id(app, officer, signer, make_case):
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, signer)
    client = logged_in(app, signer)
    fid = form_id()
    refused = client.post(f"/rujukan/{referral.id}/putuskan", data={"decision": "returned", "note": "",
                                                                    "form_id": fid}, follow_redirects=True)
    assert "Tuliskan catatan" in refused.get_data(as_text=True)
    client.post(f"/rujukan/{referral.id}/putuskan", data={"decision": "returned", "note": "Lengkapi KK",
                                                          "form_id": fid})
    db.session.rollback()
    assert db.session.get(Referral, referral.id).status == S.RETURNED


def test_another_users_form_id_is_refused_and_changes_nothing(app, officer, signer, make_user, make_case):
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, signer)
    other = make_user("supervisor", username="manajer2")
    fid = form_id()
    assert logged_in(app, signer).post(f"/rujukan/{referral.id}/putuskan",
                                       data={"decision": "approved", "form_id": fid}).status_code == 303
    response = logged_in(app, other).post(f"/rujukan/{referral.id}/putuskan",
                                          data={"decision": "rejected", "note": "x", "form_id": fid})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(Referral, referral.id).decided_by_id == signer.id


def test_a_malformed_form_id_is_refused(app, officer, signer, make_case):
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, signer)
    response = logged_in(app, signer).post(f"/rujukan/{referral.id}/putuskan",
                                           data={"decision": "approved", "form_id": "1' OR '1'='1"})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(Referral, referral.id).status == S.PENDING_SIGNOFF


def test_every_deciding_form_of_the_referral_page_carries_its_own_form_id(app, officer, signer, make_case):
    draft = referral_in(S.DRAFT, make_case(), officer, signer)
    page = logged_in(app, officer).get(f"/rujukan/{draft.id}").get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    posting = [f for f in forms if "/ajukan" in f or "/batalkan" in f]
    ids = [re.search(r'name="form_id" value="([0-9a-f]{32})"', f).group(1) for f in posting]
    assert len(ids) == 2 and len(set(ids)) == 2  # submit and withdraw: one id each, or one would block the other
    pending = referral_in(S.PENDING_SIGNOFF, make_case(nik="3204054512900002"), officer, signer)
    page = logged_in(app, signer).get(f"/rujukan/{pending.id}").get_data(as_text=True)
    decision = re.search(r'<form method="post" action="[^"]*/putuskan">.*?</form>', page, re.S).group(0)
    assert 'name="form_id"' in decision


# ---- 8c: the signer who lost a race learns who decided what, and when ----------------------------------------

@pytest.mark.parametrize("winner_decision,label", [("approved", "Ditetapkan, menunggu instansi"),
                                                   ("returned", "Dikembalikan"),
                                                   ("rejected", "Ditolak penetapan")])
def test_race_loser_sees_who_decided_what_and_when(app, officer, make_user, make_case, winner_decision, label):
    first, second = make_user("supervisor", username="manajer1"), make_user("supervisor", username="manajer2")
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, first)
    winner, loser = logged_in(app, first), logged_in(app, second)
    # Both opened the page while it waited; the winner's post arrived first.
    assert winner.post(f"/rujukan/{referral.id}/putuskan", data={
        "decision": winner_decision, "note": "Lengkapi KK", "form_id": form_id()}).status_code == 303
    page = loser.post(f"/rujukan/{referral.id}/putuskan", data={
        "decision": "approved", "note": "", "form_id": form_id()}, follow_redirects=True).get_data(as_text=True)
    db.session.rollback()
    decided = db.session.get(Referral, referral.id)
    assert "sudah diputuskan" in page
    assert f"({label})" in page
    assert first.full_name in page
    from slrt.core.i18n import long_datetime
    assert long_datetime(decided.decided_at) in page
    assert "tidak dapat diubah" not in page
    assert decided.decided_by_id == first.id


def test_race_loser_after_the_returned_draft_was_resubmitted_elsewhere_still_sees_the_return(
        app, officer, make_user, make_case):
    """decision_of names the last decision even after the back office withdrew the returned draft."""
    from slrt.referrals import operations
    first, second = make_user("supervisor", username="manajer1"), make_user("supervisor", username="manajer2")
    referral = referral_in(S.RETURNED, make_case(), officer, first)
    operations.cancel(referral, officer)
    db.session.commit()
    assert operations.decision_of(referral) == S.RETURNED
    with pytest.raises(operations.AlreadyDecided) as refused:
        operations.decide(referral, second, S.APPROVED, "", TODAY)
    db.session.rollback()
    assert first.full_name in str(refused.value.message)


@pytest.mark.parametrize("decisions", [("returned", "approved"), ("rejected", "returned")])
def test_racing_signers_the_loser_always_learns_who_and_what(app, officer, make_user, make_case, decisions):
    first, second = make_user("supervisor", username="manajer1"), make_user("supervisor", username="manajer2")
    referral = referral_in(S.PENDING_SIGNOFF, make_case(), officer, first)
    ids, url = (first.id, second.id), f"/rujukan/{referral.id}/putuskan"
    clients = {ids[0]: logged_in(app, first), ids[1]: logged_in(app, second)}
    barrier = threading.Barrier(2)
    pages: dict[int, str] = {}

    def decide(user_id, decision):
        barrier.wait()
        pages[user_id] = clients[user_id].post(url, data={
            "decision": decision, "note": "Catatan", "form_id": form_id()}, follow_redirects=True).get_data(as_text=True)

    threads = [threading.Thread(target=decide, args=(u, d)) for u, d in zip(ids, decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    decided = db.session.get(Referral, referral.id)
    loser_id = ids[1] if decided.decided_by_id == ids[0] else ids[0]
    from slrt.core.labels import LABELS
    assert "sudah diputuskan" in pages[loser_id]
    assert f"({LABELS.label(ReferralStatus, decided.status)})" in pages[loser_id]
    assert decided.decided_by.full_name in pages[loser_id]
    assert "tidak dapat diubah" not in pages[loser_id]


# ---- registry proposals ------------------------------------------------------------------------------------

def test_proposal_posted_twice_makes_one_proposal(client, login_as, places):
    login_as("facilitator")
    first, second = twice(client, "/registri/usulan/baru", {
        "kind": "usulan", "nik": nik(places.kecamatan, date(1975, 2, 3)), "name": "Ujang Sopandi",
        "desa": places.desa, "reason": "Rumah tidak layak"})
    assert_repeat_shows_first(client, first, second)
    assert count(Proposal) == 1


def test_proposal_steps_posted_twice_change_once(client, login_as, places, make_user):
    login_as("facilitator")
    client.post("/registri/usulan/baru", data={"kind": "usulan", "nik": nik(places.kecamatan, date(1975, 2, 3)),
                                               "name": "Ujang Sopandi", "desa": places.desa, "form_id": form_id()})
    proposal = db.session.scalar(select(Proposal))
    url = f"/registri/usulan/{proposal.id}"
    first, second = twice(client, url + "/kunjungan", {"visit_date": "2025-09-02", "notes": "Lantai tanah"})
    assert_repeat_shows_first(client, first, second)
    assert "tidak dapat diproses" not in client.get(url).get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.VERIFIED
    # one step recorded (opening the proposal page is audited as a view, which is not a change)
    assert count(AuditLog, AuditLog.action.like("proposal.%"),
                 AuditLog.action.notin_(["proposal.create", "proposal.view"])) == 1


# ---- purging old form ids ----------------------------------------------------------------------------------

def test_purge_forgets_form_ids_older_than_thirty_days(app, make_user):
    user = make_user("front_office")
    db.session.add_all([
        FormSubmission(form_id="a" * 32, user_id=user.id, endpoint="intake.new", created_at=utcnow() - timedelta(days=31)),
        FormSubmission(form_id="b" * 32, user_id=user.id, endpoint="intake.new", created_at=utcnow() - timedelta(days=2)),
    ])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["forms", "purge"])
    assert result.exit_code == 0 and "1" in result.output
    db.session.rollback()
    assert db.session.scalars(select(FormSubmission.form_id)).all() == ["b" * 32]

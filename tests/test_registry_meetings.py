"""Village meetings (musdes/muskel): one record per village and date deciding a batch of proposals, the berita
acara PDF generated from the batch, the signed minutes, and the district's approval of the whole batch."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from slrt.audit.models import AuditLog
from slrt.core.errors import DomainError, TransitionError
from slrt.extensions import db
from slrt.registry import operations
from slrt.registry.models import MeetingStatus, Proposal, ProposalStatus, VillageMeeting
from tests.conftest import ROLE_REGION
from tests.registry_helpers import hold_meeting, nik
from tests.test_reports_exports import pdf_text

FIELD = {"puskesos_operator", "facilitator", "back_office"}
LIST = FIELD | {"front_office", "supervisor", "admin"}


def verified(places, clerk, n=3, region=None):
    proposals = []
    first = db.session.scalar(select(func.count()).select_from(Proposal))
    for i in range(first, first + n):
        proposal = operations.create_proposal(operations.ProposalData(
            kind="usulan", nik=nik(places.kecamatan, date(1970 + i, 2, 3), serial=i + 1), name=f"WARGA {i + 1}",
            region_code=region or places.desa, address=f"Kp. Sukamaju {i + 1}", rt="002", rw="001"), clerk)
        operations.record_visit(proposal, date(2025, 9, 2), "Lantai tanah, dinding bambu", clerk)
        proposals.append(proposal)
    db.session.commit()
    return proposals


def statuses(ids):
    db.session.expire_all()
    return [db.session.get(Proposal, i).status for i in ids]


def test_one_meeting_decides_a_batch_and_the_district_approves_it_at_once(app, make_user, places):
    clerk, supervisor = make_user("facilitator"), make_user("supervisor")
    agreed1, refused, postponed, agreed2 = verified(places, clerk, 4)
    ids = [agreed1.id, refused.id, postponed.id, agreed2.id]
    meeting = hold_meeting([agreed1, refused, postponed, agreed2], clerk, {
        refused.id: ("refused", "Mampu, punya usaha toko"), postponed.id: ("postponed", "KK belum diperbarui")})
    assert meeting.status == MeetingStatus.SIGNED
    assert statuses(ids) == [ProposalStatus.DELIBERATED, ProposalStatus.REJECTED, ProposalStatus.VERIFIED,
                             ProposalStatus.DELIBERATED]
    assert "Mampu, punya usaha toko" in db.session.get(Proposal, refused.id).decision_note

    moved = operations.approve_meeting(db.session.get(VillageMeeting, meeting.id), supervisor)
    db.session.commit()
    assert moved == 2
    assert statuses(ids) == [ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.VERIFIED,
                             ProposalStatus.APPROVED]
    approvals = db.session.scalars(select(AuditLog).where(AuditLog.action == "proposal.approve")).all()
    assert sorted(int(a.object_id) for a in approvals) == [agreed1.id, agreed2.id]
    assert all(a.user_id == supervisor.id and f"meeting {meeting.id}" in a.note for a in approvals)
    # the postponed one comes back to the next meeting of its village; the decided ones do not
    later = operations.record_meeting(operations.MeetingData(region_code=places.desa, meeting_date=date(2025, 10, 8),
                                                             attendance_count=9), clerk)
    assert [p.id for p in operations.batch_candidates(later)] == [postponed.id]


def test_a_batch_is_approved_once_even_when_two_supervisors_press_at_the_same_time(app, make_user, places):
    clerk, supervisor = make_user("facilitator"), make_user("supervisor")
    meeting = hold_meeting(verified(places, clerk, 2), clerk)
    stale = db.session.get(VillageMeeting, meeting.id)
    operations.approve_meeting(stale, supervisor)
    db.session.commit()
    # what the second supervisor's request read before the first one committed (not written back by a flush)
    set_committed_value(stale, "status", MeetingStatus.SIGNED)
    with pytest.raises(TransitionError):
        operations.approve_meeting(stale, supervisor)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "meeting.approve")) == 1


def test_a_proposal_agreed_by_a_meeting_is_approved_with_its_batch_not_alone(app, make_user, places):
    clerk, supervisor = make_user("facilitator"), make_user("supervisor")
    proposal, = verified(places, clerk, 1)
    hold_meeting([proposal], clerk)
    with pytest.raises(DomainError):
        operations.decide(db.session.get(Proposal, proposal.id), True, "", supervisor)
    operations.decide(db.session.get(Proposal, proposal.id), False, "Ternyata pindah ke luar daerah", supervisor)
    assert proposal.status == ProposalStatus.REJECTED  # the district may still refuse one on its own


def test_one_meeting_per_village_and_date_and_decisions_need_a_note(app, make_user, places):
    clerk = make_user("facilitator")
    proposal, = verified(places, clerk, 1)
    meeting = hold_meeting([proposal], clerk, sign=False)
    with pytest.raises(DomainError):
        operations.record_meeting(operations.MeetingData(region_code=places.desa, meeting_date=meeting.meeting_date,
                                                         attendance_count=5), clerk)
    with pytest.raises(DomainError):
        operations.decide_batch(meeting, {proposal.id: ("refused", "  ")}, clerk)
    other, = verified(places, clerk, 1, region=places.desa2)
    with pytest.raises(DomainError):  # a proposal of another village is not this meeting's to decide
        operations.decide_batch(meeting, {other.id: ("agreed", "")}, clerk)


def test_berita_acara_pdf_of_a_batch(client, login_as, make_user, places):
    clerk = make_user("facilitator")
    a, b = verified(places, clerk, 2)
    meeting = hold_meeting([a, b], clerk, {b.id: ("postponed", "Menunggu KK baru")}, sign=False,
                           attendees=[("Asep Kurnia", "Kepala Desa"), ("Siti Aminah", "Ketua BPD")])
    login_as("supervisor")
    response = client.get(f"/registri/musdes/{meeting.id}/berita-acara.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store, private"
    text = pdf_text(response.data)
    assert "BERITA ACARA MUSYAWARAH DESA" in text
    assert "dihadiri oleh 12 orang" in text and "1 disetujui, 0 ditolak, 1 ditunda" in text
    for value in (a.nik, a.name, b.name, "Menunggu KK baru", "Ditunda", "Disetujui", "Asep Kurnia", "Siti Aminah",
                  "Ketua BPD", "Daftar Hadir"):
        assert value in text, value
    exports = db.session.scalars(select(AuditLog).where(AuditLog.action == "proposal.export")).all()
    assert sorted(int(e.object_id) for e in exports) == [a.id, b.id]


def test_the_batch_page_through_http(client, login_as, make_user, places):
    clerk = make_user("facilitator")
    a, b = verified(places, clerk, 2)
    login_as("puskesos_operator")
    form = {"desa": places.desa, "meeting_date": "2025-09-10", "place": "Balai Desa", "chair": "Asep Kurnia",
            "attendees": "Asep Kurnia, Kepala Desa\nSiti Aminah - Ketua BPD\nUjang", "attendance_count": "2"}
    response = client.post("/registri/musdes/baru", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "tidak boleh kurang dari jumlah nama dalam daftar hadir (3)" in html
    assert "Siti Aminah - Ketua BPD" in html  # what was typed stays
    response = client.post("/registri/musdes/baru", data={**form, "attendance_count": "25"})
    assert response.status_code == 303
    meeting = db.session.scalar(select(VillageMeeting))
    assert [(x.name, x.role) for x in meeting.attendees] == [("Asep Kurnia", "Kepala Desa"),
                                                             ("Siti Aminah", "Ketua BPD"), ("Ujang", "")]
    again = client.post("/registri/musdes/baru", data={**form, "attendance_count": "25"})
    assert again.status_code == 422 and "sudah dicatat" in again.get_data(as_text=True)

    url = f"/registri/musdes/{meeting.id}"
    page = client.get(url).get_data(as_text=True)
    assert "WARGA 1" in page and "WARGA 2" in page and "Simpan keputusan musyawarah" in page
    bad = client.post(url + "/keputusan", data={"items-0-proposal_id": str(a.id), "items-0-decision": "refused",
                                                "items-1-proposal_id": str(b.id), "items-1-decision": "agreed"})
    assert bad.status_code == 422 and "Tuliskan mengapa ditolak atau ditunda." in bad.get_data(as_text=True)
    assert client.post(url + "/keputusan", data={
        "items-0-proposal_id": str(a.id), "items-0-decision": "refused", "items-0-note": "Mampu",
        "items-1-proposal_id": str(b.id), "items-1-decision": "agreed"}).status_code == 303
    # minutes that are not a document: the page again (422) with the message at the file field, nothing moved
    refused = client.post(url + "/unggah", data={"minutes": (io.BytesIO(b"MZ not a pdf"), "ba.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and 'id="minutes-errors"' in refused.get_data(as_text=True)
    db.session.rollback()
    assert statuses([a.id, b.id]) == [ProposalStatus.VERIFIED, ProposalStatus.VERIFIED]
    assert client.post(url + "/unggah", data={"minutes": (io.BytesIO(b"%PDF-1.4 ba"), "ba.pdf")},
                       content_type="multipart/form-data").status_code == 303
    assert statuses([a.id, b.id]) == [ProposalStatus.REJECTED, ProposalStatus.DELIBERATED]
    client.post("/keluar")
    login_as("supervisor")
    page = client.get(url).get_data(as_text=True)
    assert "Setujui usulan hasil musyawarah" in page and "(1)" in page
    assert client.post(url + "/setujui", data={}).status_code == 303
    assert statuses([a.id, b.id]) == [ProposalStatus.REJECTED, ProposalStatus.APPROVED]
    twice = client.post(url + "/setujui", data={}, follow_redirects=True)
    assert twice.status_code == 200 and "tidak dapat diproses" in twice.get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(ROLE_REGION))
def test_meeting_routes_for_every_role(client, login_as, make_user, places, role):
    clerk = make_user("facilitator", username="pendamping")
    meeting = hold_meeting(verified(places, clerk, 1), clerk, sign=False)
    mid = meeting.id
    login_as(role)
    routes = [("GET", "/registri/musdes", None, LIST), ("GET", "/registri/musdes/baru", None, FIELD),
              ("GET", f"/registri/musdes/{mid}", None, LIST),
              ("GET", f"/registri/musdes/{mid}/berita-acara.pdf", None, LIST),
              ("POST", f"/registri/musdes/{mid}/hadir", {"attendance_count": "30"}, FIELD),
              ("POST", f"/registri/musdes/{mid}/keputusan", {}, FIELD),
              ("POST", f"/registri/musdes/{mid}/unggah", {}, FIELD),
              ("POST", f"/registri/musdes/{mid}/setujui", {}, {"supervisor"})]
    for method, url, data, allowed in routes:
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if role in allowed:
            assert response.status_code not in (403, 404, 500), (role, url)
        else:
            assert response.status_code in (403, 302), (role, url, response.status_code)


def test_a_village_operator_sees_only_the_meetings_of_their_village(client, login_as, make_user, places):
    clerk = make_user("back_office")
    mine = hold_meeting(verified(places, clerk, 1), clerk, sign=False)
    theirs = hold_meeting(verified(places, clerk, 1, region=places.desa2), clerk, sign=False)
    login_as("puskesos_operator")  # bound to places.desa
    assert client.get(f"/registri/musdes/{mine.id}").status_code == 200
    assert client.get(f"/registri/musdes/{theirs.id}").status_code == 403
    assert client.get(f"/registri/musdes/{theirs.id}/berita-acara.pdf").status_code == 403
    assert client.post(f"/registri/musdes/{theirs.id}/unggah", data={}).status_code == 403

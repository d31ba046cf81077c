"""Retention of the registry's personal data (UU 27/2022: keep no longer than needed): ended proposals without a
case are anonymised after the district's closed-case period, household surveys no proposal needs go with them, and
the signed minutes of village meetings are removed after the attachment period."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from slrt.extensions import db
from slrt.privacy import operations
from slrt.registry import operations as registry
from slrt.registry.models import (HouseholdSurvey, MeetingItem, Proposal, ProposalStatus, SurveyMember,
                                  VillageMeeting)
from tests.conftest import count
from tests.registry_helpers import hold_meeting, kk, nik
from tests.test_districts import second  # noqa: F401 - a fixture
from tests.test_privacy import NOW, _audits, upload_dir  # noqa: F401 - upload_dir is a fixture

LONG_AGO = NOW - timedelta(days=365 * 6)
RECENTLY = NOW - timedelta(days=200)


def _steps(report, district=None) -> dict:
    return {s.key: s.count for s in report.steps if district is None or s.district == district}


def _household(places, make_user, serial, *, region_code=None, case_id=None, name="Ujang Sutisna",
               surveyed_at=LONG_AGO):
    """A proposal with everything a visit records about a household: identity, address, reason, the visit's
    notes and the household survey (members with NIK and birth dates)."""
    region_code = region_code or places.desa
    clerk = make_user("facilitator", username=f"pendamping{serial}", region_code=region_code)
    number, family_card = nik(region_code[:8], date(1975, 2, 3), serial=serial), kk(region_code[:8], serial)
    proposal = registry.create_proposal(registry.ProposalData(
        kind="usulan", nik=number, name=name, region_code=region_code, kk_number=family_card,
        address="Kp. Sukamaju No. 5", rt="002", rw="004", reason="Rumah hampir roboh", case_id=case_id,
        programme="pkh"), clerk)
    registry.record_visit(proposal, date(2025, 9, 2), "Atap bocor; anak kedua sakit paru-paru", clerk)
    registry.save_survey(proposal, family_card, registry.SurveyData(
        ownership="1", floor_area=30, floor="8", wall="4", roof="3", water="6", lighting="1", cooking_fuel="4",
        toilet="1", sewage="1", assets=["tv"], members=[registry.MemberData(
            name=name, nik=number, birth_date=date(1975, 2, 3), sex="1", relation="1", birth_place="Bandung")]),
        clerk)
    proposal.survey.updated_at = surveyed_at
    db.session.commit()
    return proposal, clerk


def _end(proposal, status, when, note="Sudah menerima BPNT dari desa lain"):
    proposal.status, proposal.decided_at, proposal.decision_note = status, when, note
    db.session.commit()


def test_an_ended_proposal_without_a_case_loses_the_households_identity_after_the_case_period(
        app, client, login_as, places, make_user, make_case, upload_dir):
    """Before, a proposal from a village visit that never became a case kept the NIK, name, address, visit notes
    and the household survey for good. Now, once it has ended longer ago than the district's closed-case period,
    its personal text is blanked as a closed case's is; what reports count stays. An open one, one ended
    recently, one of an open case, and a survey another live proposal still uses are kept."""
    refused, clerk = _household(places, make_user, 1)
    hold_meeting([refused], clerk, {refused.id: ("refused", "Rumah milik orang tua, sudah layak")})
    _end(refused, ProposalStatus.REJECTED, LONG_AGO, refused.decision_note)
    approved, _c = _household(places, make_user, 2)
    _end(approved, ProposalStatus.APPROVED, LONG_AGO, "")
    recent, _c = _household(places, make_user, 3)
    _end(recent, ProposalStatus.APPROVED, RECENTLY, "")
    still_open, _c = _household(places, make_user, 4)
    of_a_case, _c = _household(places, make_user, 5, case_id=make_case().id)
    _end(of_a_case, ProposalStatus.APPROVED, LONG_AGO, "")
    # the same household again, proposed anew: the old proposal goes, the survey it shares with the new one stays
    again, clerk_again = _household(places, make_user, 6)
    _end(again, ProposalStatus.REJECTED, LONG_AGO)
    newer = registry.create_proposal(registry.ProposalData(
        kind="usulan", nik=again.nik, name=again.name, region_code=places.desa, kk_number=again.kk_number),
        clerk_again)
    db.session.commit()
    assert newer.survey_id == again.survey_id
    surveys = {p: p.survey_id for p in (refused, approved, recent, still_open, of_a_case, again)}
    ids = {p: p.id for p in surveys}

    dry = operations.run_retention(NOW, dry_run=True)
    db.session.rollback()
    assert _steps(dry)["proposals_anonymised"] == 3
    assert _steps(dry)["household_surveys_removed"] == 2
    db.session.expire_all()
    assert db.session.get(Proposal, ids[refused]).nik != "" and count(HouseholdSurvey) == 6

    report = operations.run_retention(NOW)
    db.session.commit()
    assert _steps(report)["proposals_anonymised"] == 3 and _steps(report)["household_surveys_removed"] == 2
    assert "- Usulan registri tanpa kasus yang sudah selesai dianonimkan: 3 (sebelum 2026-06-01)" in report.lines()
    db.session.expire_all()
    for proposal in (refused, approved, again):
        gone = db.session.get(Proposal, ids[proposal])
        assert (gone.nik, gone.kk_number, gone.name, gone.address, gone.rt, gone.rw, gone.reason, gone.visit_notes,
                gone.decision_note, gone.survey_id) == ("", "", "", "", "", "", "", "", "", None)
        # what reports count stays: kind, outcome, village, programme, when it was made and ended, by whom
        assert (gone.kind, gone.region_code, gone.programme, gone.visit_date) == \
            ("usulan", places.desa, "pkh", date(2025, 9, 2))
        assert gone.decided_at == LONG_AGO and gone.created_by_id is not None
    assert db.session.get(Proposal, ids[refused]).status == ProposalStatus.REJECTED
    assert db.session.get(Proposal, ids[approved]).status == ProposalStatus.APPROVED
    assert [i.note for i in db.session.scalars(select(MeetingItem).where(MeetingItem.proposal_id == ids[refused]))] \
        == [""]
    for kept in (recent, still_open, of_a_case):
        row = db.session.get(Proposal, ids[kept])
        assert row.nik and row.name == "Ujang Sutisna" and row.visit_notes and row.survey_id == surveys[kept]
    assert {s for (s,) in db.session.execute(select(HouseholdSurvey.id))} == \
        {surveys[recent], surveys[still_open], surveys[of_a_case], surveys[again]}
    assert count(SurveyMember) == 4  # the removed surveys' members (NIK, birth date) went with them
    assert db.session.get(Proposal, newer.id).survey_id == surveys[again]
    assert count(Proposal) == 7  # the proposals themselves stay: reports count them
    note = _audits("privacy.retention")[0].note
    assert "proposals_anonymised=3" in note and "household_surveys_removed=2" in note
    assert f"proposals_anonymised: {ids[refused]}-{ids[approved]},{ids[again]}" in note

    login_as("supervisor")
    page = client.get(f"/registri/usulan/{ids[refused]}")
    assert page.status_code == 200 and "(dianonimkan: masa simpan berakhir)" in page.get_data(as_text=True)
    # a second night finds nothing more to do
    assert _steps(operations.run_retention(NOW))["proposals_anonymised"] == 0


def test_a_case_anonymised_by_the_run_frees_its_proposals_survey_in_the_same_run(app, places, make_user, make_case):
    """A closed case's proposal is blanked with the case, its survey link too; the household survey then goes as
    unneeded, and the dry run counts it the same."""
    from slrt.cases.models import CaseStatus
    case = make_case()
    proposal, _c = _household(places, make_user, 1, case_id=case.id)
    _end(proposal, ProposalStatus.APPROVED, LONG_AGO, "")
    case.status, case.closed_at = CaseStatus.CLOSED, LONG_AGO
    db.session.commit()
    dry = _steps(operations.run_retention(NOW, dry_run=True))
    db.session.rollback()
    real = _steps(operations.run_retention(NOW))
    db.session.commit()
    assert dry["household_surveys_removed"] == real["household_surveys_removed"] == 1
    assert real["proposals_anonymised"] == 0  # blanked with its case, counted there
    gone = db.session.get(Proposal, proposal.id)
    assert count(HouseholdSurvey) == 0 and (gone.nik, gone.survey_id) == ("", None)


def test_each_district_anonymises_its_proposals_after_its_own_period_a_deactivated_one_too(
        app, places, make_user, second):
    from slrt.admin import settings
    settings.put("retention_case_months", "12", make_user("admin"), region_code=places.other_district)
    two_years = NOW - timedelta(days=365 * 2)
    in_a, _c = _household(places, make_user, 1)
    _end(in_a, ProposalStatus.REJECTED, two_years)
    in_b, _c = _household(places, make_user, 2, region_code=places.other_district_desa)
    _end(in_b, ProposalStatus.REJECTED, two_years)
    second.active = False
    db.session.commit()
    report = operations.run_retention(NOW)
    db.session.commit()
    assert _steps(report, places.district)["proposals_anonymised"] == 0  # A keeps them 60 months
    assert _steps(report, places.other_district)["proposals_anonymised"] == 1  # B, no longer served: 12
    db.session.expire_all()
    assert db.session.get(Proposal, in_a.id).name == "Ujang Sutisna" and db.session.get(Proposal, in_b.id).name == ""
    settings.put("retention_case_months", "0", make_user("admin", username="admin2"), region_code=places.district)
    db.session.commit()
    assert "proposals_anonymised" not in _steps(operations.run_retention(NOW, dry_run=True), places.district)


# ---- signed minutes of village meetings ---------------------------------------------------------------------

def _minutes_file(meeting_or_proposal):
    return registry.minutes_path(meeting_or_proposal)


def test_signed_minutes_go_after_the_attachment_period_once_every_proposal_they_decided_has_ended(
        app, client, login_as, places, make_user, upload_dir):
    """Before, the signed berita acara of every village meeting stayed on disk for good. Now its file goes once
    the attachment period has passed since the meeting and since the last of its proposals ended; the meeting
    (date, attendance, decisions) stays for reports."""
    from slrt.core.uploads import save_upload
    from tests.test_files_uploads import PDF, file
    done, clerk = _household(places, make_user, 1)
    old = hold_meeting([done], clerk, meeting_date=date(2025, 9, 10))
    registry.approve_meeting(old, make_user("supervisor"))
    _end(done, ProposalStatus.APPROVED, LONG_AGO, "")
    waiting, clerk2 = _household(places, make_user, 2)  # agreed, not yet approved by the district: still open
    pending = hold_meeting([waiting], clerk2, meeting_date=date(2025, 9, 11))
    recent_one, clerk3 = _household(places, make_user, 3)
    recent = hold_meeting([recent_one], clerk3, meeting_date=date(2025, 9, 12))
    _end(recent_one, ProposalStatus.APPROVED, RECENTLY, "")
    legacy, _c = _household(places, make_user, 4)  # minutes kept on the proposal, before batches
    stored = save_upload(file(PDF, "notulen lama.pdf"), "document")
    legacy.minutes_file, legacy.minutes_name, legacy.musdes_date = stored.name, stored.original_name, \
        date(2025, 8, 1)
    _end(legacy, ProposalStatus.REJECTED, LONG_AGO)
    files = {name: _minutes_file(row) for name, row in (("old", old), ("pending", pending), ("recent", recent),
                                                         ("legacy", legacy))}
    assert all(path.is_file() for path in files.values())
    ids = {"old": old.id, "pending": pending.id, "recent": recent.id}

    dry = operations.run_retention(NOW, dry_run=True)
    db.session.rollback()
    assert _steps(dry)["meeting_minutes_removed"] == 2
    assert all(path.is_file() for path in files.values())

    report = operations.run_retention(NOW)
    assert files["old"].is_file()  # not before the commit: a failed run keeps every row with its file
    db.session.commit()
    assert _steps(report)["meeting_minutes_removed"] == 2
    assert not files["old"].exists() and not files["legacy"].exists()
    assert files["pending"].is_file() and files["recent"].is_file()
    db.session.expire_all()
    gone = db.session.get(VillageMeeting, ids["old"])
    assert (gone.minutes_file, gone.minutes_name) == ("", "")
    assert gone.signed_at is not None and gone.meeting_date == date(2025, 9, 10) and len(gone.items) == 1
    assert db.session.get(Proposal, legacy.id).minutes_file == ""
    assert db.session.get(VillageMeeting, ids["pending"]).minutes_file
    assert db.session.get(VillageMeeting, ids["recent"]).minutes_file
    note = _audits("privacy.retention")[0].note
    assert f"meeting_minutes_removed: meetings {ids['old']}; proposals {legacy.id}" in note

    login_as("supervisor")
    page = client.get(f"/registri/musdes/{ids['old']}").get_data(as_text=True)
    assert "berkasnya sudah dihapus (masa simpan berakhir)" in page
    assert client.get(f"/registri/musdes/{ids['old']}/notulen").status_code == 404
    assert "berkasnya sudah dihapus" in client.get(f"/registri/usulan/{legacy.id}").get_data(as_text=True)
    assert _steps(operations.run_retention(NOW))["meeting_minutes_removed"] == 0


def test_minutes_follow_the_attachment_period_not_the_case_period(app, places, make_user, upload_dir):
    from slrt.admin import settings
    done, clerk = _household(places, make_user, 1)
    meeting = hold_meeting([done], clerk, {done.id: ("refused", "Mampu")})
    _end(done, ProposalStatus.REJECTED, NOW - timedelta(days=365 * 2))
    admin = make_user("admin")
    settings.put("retention_case_months", "12", admin)
    db.session.commit()
    assert _steps(operations.run_retention(NOW, dry_run=True))["meeting_minutes_removed"] == 0
    settings.put("retention_attachment_months", "12", admin)
    db.session.commit()
    assert _steps(operations.run_retention(NOW, dry_run=True))["meeting_minutes_removed"] == 1
    settings.put("retention_attachment_months", "0", admin)  # kept for good
    db.session.commit()
    assert "meeting_minutes_removed" not in _steps(operations.run_retention(NOW, dry_run=True))
    assert _minutes_file(meeting).is_file()


def test_each_district_removes_its_meetings_minutes_after_its_own_period_a_deactivated_one_too(
        app, places, make_user, second, upload_dir):
    from slrt.admin import settings
    settings.put("retention_attachment_months", "12", make_user("admin"), region_code=places.other_district)
    two_years = NOW - timedelta(days=365 * 2)
    in_a, clerk_a = _household(places, make_user, 1)
    meeting_a = hold_meeting([in_a], clerk_a, {in_a.id: ("refused", "Mampu")})
    _end(in_a, ProposalStatus.REJECTED, two_years)
    in_b, clerk_b = _household(places, make_user, 2, region_code=places.other_district_desa)
    meeting_b = hold_meeting([in_b], clerk_b, {in_b.id: ("refused", "Mampu")})
    _end(in_b, ProposalStatus.REJECTED, two_years)
    files = {meeting_a.id: _minutes_file(meeting_a), meeting_b.id: _minutes_file(meeting_b)}
    second.active = False
    db.session.commit()
    report = operations.run_retention(NOW)
    db.session.commit()
    assert _steps(report, places.district)["meeting_minutes_removed"] == 0  # A keeps them 60 months
    assert _steps(report, places.other_district)["meeting_minutes_removed"] == 1  # B, no longer served: 12
    assert files[meeting_a.id].is_file() and not files[meeting_b.id].exists()
    db.session.expire_all()
    assert db.session.get(VillageMeeting, meeting_b.id).minutes_file == ""

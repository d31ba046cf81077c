"""Loading registry imports and proposals with their permission check and, for a change, their row lock;
shared by the HTML views and, next, the API and the field app."""
from __future__ import annotations

from flask import abort
from sqlalchemy import exists, select

from slrt.auth.permissions import require
from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.registry.models import (HouseholdSurvey, MeetingDecision, MeetingItem, MeetingStatus, Proposal, ProposalStatus,
                                  RegistryImport, VillageMeeting)
from slrt.registry.permissions import can_view_proposal


def load_import(import_id: int, *, lock: bool = False) -> RegistryImport:
    """The DTSEN import, if it is the current district's; 404 otherwise (another district's import is as if
    absent). With `lock`, its row alone is locked until the commit, then the import is read afresh."""
    from slrt.regions.districts import current_district
    if lock:
        lock_row(RegistryImport, import_id)
    row = db.session.get(RegistryImport, import_id, populate_existing=lock)
    if row is None or row.district_code != current_district():
        abort(404)
    return row


def load_proposal(proposal_id: int, *, lock: bool = False, permission=can_view_proposal) -> Proposal:
    """The proposal, if the current user passes `permission` on it; 404 or 403 otherwise. With `lock`, its
    row alone is locked until the commit, then the proposal is read afresh."""
    if lock:
        lock_row(Proposal, proposal_id)
    proposal = db.session.get(Proposal, proposal_id, populate_existing=lock)
    if proposal is None:
        abort(404)
    require(permission, proposal)
    return proposal


def load_meeting(meeting_id: int, *, lock: bool = False, permission=None) -> VillageMeeting:
    """The village meeting, if the current user passes `permission` on it (by default: may see it); 404 or 403
    otherwise. With `lock`, its row alone is locked until the commit, then it is read afresh."""
    from slrt.registry.permissions import can_view_meeting
    if lock:
        lock_row(VillageMeeting, meeting_id)
    meeting = db.session.get(VillageMeeting, meeting_id, populate_existing=lock)
    if meeting is None:
        abort(404)
    require(permission or can_view_meeting, meeting)
    return meeting


def in_a_batch(proposal: Proposal) -> bool:
    """The proposal was agreed by a village meeting: the district approves it with the meeting's batch."""
    return db.session.scalar(select(exists().where(MeetingItem.proposal_id == proposal.id,
                                                   MeetingItem.decision == MeetingDecision.AGREED))) or False


def batch_candidates(meeting: VillageMeeting) -> list[Proposal]:
    """The proposals this meeting may decide on: verified by a home visit in its village, and not in the batch
    of another meeting that is still being recorded (a proposal postponed by an earlier one comes back)."""
    other_open = exists().where(MeetingItem.proposal_id == Proposal.id, MeetingItem.meeting_id != meeting.id,
                                MeetingItem.meeting_id == VillageMeeting.id,
                                VillageMeeting.status == MeetingStatus.RECORDED)
    return list(db.session.scalars(select(Proposal).where(
        Proposal.region_code == meeting.region_code, Proposal.status == ProposalStatus.VERIFIED, ~other_open)
        .order_by(Proposal.id)))


def meeting_items_of(proposal: Proposal) -> list[MeetingItem]:
    """The village meetings that discussed this proposal, oldest first, with what each decided."""
    return list(db.session.scalars(select(MeetingItem).join(VillageMeeting).where(
        MeetingItem.proposal_id == proposal.id).order_by(VillageMeeting.meeting_date, MeetingItem.id)))


def survey_of(kk_number: str, region_code: str) -> HouseholdSurvey | None:
    """The household's socio-economic data kept with its family card by the district of `region_code` (a
    proposal's village), if it entered any; another district's survey of the same card is never read."""
    from slrt.regions.districts import district_of_code
    if not kk_number:
        return None
    return db.session.scalar(select(HouseholdSurvey).where(HouseholdSurvey.kk_number == kk_number,
                                                           HouseholdSurvey.district_code == district_of_code(region_code)))

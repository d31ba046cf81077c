"""The registry's parts of the nightly `flask privacy retention` (slrt.privacy.operations.register_retention_task):
ended proposals without a case lose who they were about, household surveys no proposal needs any more go, and the
signed minutes of village meetings are removed once their time is over. Each district's own, after its own period,
on its own records (`current_district()`). Nothing here commits; files go only once the run has committed."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, func, not_, or_, select, true, update

from slrt.core import uploads
from slrt.extensions import db
from slrt.regions.districts import current_district
from slrt.regions.models import region_prefix_match
from slrt.registry.models import PROPOSAL_TRANSITIONS, HouseholdSurvey, MeetingItem, Proposal, VillageMeeting

CHUNK = 500
ENDED = PROPOSAL_TRANSITIONS.final()  # approved (ready for SIKS-NG) or rejected: statuses never left

# What a proposal says about the person and the household; blanked as a closed case's proposals are
# (slrt.privacy.operations.anonymise_case). Kind, status, desa, programme, dates and who acted stay: reports
# count proposals by village, kind, programme and outcome.
BLANKED = dict(nik="", kk_number="", name="", address="", rt="", rw="", reason="", visit_notes="", decision_note="")


def _expired_proposals(cutoff: datetime, district: str) -> list[int]:
    """The district's proposals without a case that ended before the cutoff and still name someone. A proposal
    made from a case follows its case (anonymised with it, after the same period from the case's closing). A NIK
    is required on every proposal, so a blank one is one already anonymised."""
    return list(db.session.scalars(select(Proposal.id).where(
        Proposal.case_id.is_(None), region_prefix_match(Proposal.region_code, district),
        Proposal.status.in_(ENDED), Proposal.decided_at.is_not(None), Proposal.decided_at < cutoff,
        Proposal.nik != "").order_by(Proposal.id)))


def anonymise_proposals(cutoff: datetime, apply: bool) -> tuple[int, str]:
    """Blank the personal text of the current district's ended proposals without a case, once the district's
    closed-case period (`retention_case_months`) has passed since they ended: NIK, No. KK, name, address,
    reason, visit notes, decision note, the meeting's note on them, and the link to the household survey (which
    goes itself once no proposal needs it: `remove_unneeded_surveys`). Returns the count and their ids."""
    from slrt.privacy.operations import id_ranges
    ids = _expired_proposals(cutoff, current_district())
    if not apply or not ids:
        return len(ids), ""
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        db.session.execute(update(Proposal).where(Proposal.id.in_(part)).values(survey_id=None, **BLANKED))
        db.session.execute(update(MeetingItem).where(MeetingItem.proposal_id.in_(part)).values(note=""))
    db.session.flush()
    return len(ids), id_ranges(ids)


def _unneeded_surveys(cutoff: datetime, district: str, leaving: list[int]) -> list[int]:
    """The district's household surveys (members' NIK, names, birth dates, disability, illness) that no proposal
    still naming someone points at, and not changed since the cutoff. `leaving`: proposals that a dry run
    counts as anonymised in this run (the real run has blanked them already)."""
    needing = select(Proposal.id).where(Proposal.survey_id == HouseholdSurvey.id, Proposal.nik != "",
                                        Proposal.id.not_in(leaving) if leaving else true())
    return list(db.session.scalars(select(HouseholdSurvey.id).where(
        region_prefix_match(HouseholdSurvey.region_code, district), HouseholdSurvey.updated_at < cutoff,
        not_(exists(needing))).order_by(HouseholdSurvey.id)))


def _leaving_in_dry_run(cutoff: datetime, district: str) -> list[int]:
    """What the real run would have blanked before the surveys' turn: the caseless proposals above and those of
    the cases it anonymises (same setting, same cutoff)."""
    from slrt.privacy.operations import _expired_cases
    cases = _expired_cases(cutoff, district)
    of_cases = list(db.session.scalars(select(Proposal.id).where(Proposal.case_id.in_(cases)))) if cases else []
    return _expired_proposals(cutoff, district) + of_cases


def remove_unneeded_surveys(cutoff: datetime, apply: bool) -> tuple[int, str]:
    """Delete the current district's household surveys that no proposal needs any more (see `_unneeded_surveys`):
    every proposal of the household has been anonymised (with its case, or without one above). A household
    proposed again is surveyed afresh."""
    from slrt.privacy.operations import id_ranges
    district = current_district()
    ids = _unneeded_surveys(cutoff, district, [] if apply else _leaving_in_dry_run(cutoff, district))
    if not apply or not ids:
        return len(ids), ""
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        # a proposal anonymised before its link was cleared (by an older version of the run) may still point at it
        db.session.execute(update(Proposal).where(Proposal.survey_id.in_(part)).values(survey_id=None))
        for survey in db.session.scalars(select(HouseholdSurvey).where(HouseholdSurvey.id.in_(part))):
            db.session.delete(survey)  # its members with it (cascade)
    db.session.flush()
    return len(ids), id_ranges(ids)


# ---- the signed minutes of village meetings ---------------------------------------------------------------------
# Which period: the attachment period (`retention_attachment_months`), not the closed-case one. The signed berita
# acara is a scanned document kept as evidence for the proposals of its batch, of the same nature as the photos and
# KTP scans attached to those proposals, which already go after that period counted from the proposal's end
# (slrt.attachments.operations._expired_of_proposals): the minutes and the proposals' own documents thus go
# together. Counted from the latest of the meeting's date and the end of every proposal it discussed: while any
# of them is still open (a postponed one waiting for a later meeting, an agreed one not yet approved) the minutes
# are part of its record and stay. The meeting itself (date, attendance count, decisions) stays for reports;
# only the file goes, and with it the name it was uploaded with (often a village's or a person's name).

def _open_or_recent(cutoff: datetime):
    """An item of the meeting whose proposal has not ended, or ended on or after the cutoff."""
    return exists(select(MeetingItem.id).join(Proposal, Proposal.id == MeetingItem.proposal_id).where(
        MeetingItem.meeting_id == VillageMeeting.id,
        or_(Proposal.status.not_in(ENDED), Proposal.decided_at.is_(None), Proposal.decided_at >= cutoff)))


def _expired_meeting_minutes(cutoff: datetime, district: str) -> list[tuple[int, str]]:
    return list(db.session.execute(select(VillageMeeting.id, VillageMeeting.minutes_file).where(
        region_prefix_match(VillageMeeting.region_code, district), VillageMeeting.minutes_file != "",
        VillageMeeting.meeting_date < cutoff.date(), not_(_open_or_recent(cutoff))).order_by(VillageMeeting.id)))


def _expired_proposal_minutes(cutoff: datetime, district: str) -> list[tuple[int, str]]:
    """Minutes kept on one proposal (before meetings had batches): after the same period from its end."""
    return list(db.session.execute(select(Proposal.id, Proposal.minutes_file).where(
        region_prefix_match(Proposal.region_code, district), Proposal.minutes_file != "",
        Proposal.status.in_(ENDED), Proposal.decided_at < cutoff,
        or_(Proposal.musdes_date.is_(None), Proposal.musdes_date < cutoff.date())).order_by(Proposal.id)))


def remove_expired_minutes(cutoff: datetime, apply: bool) -> tuple[int, str]:
    """Remove the current district's signed minutes past their time (see above): the rows' file references are
    cleared now, the files deleted once the run has committed (slrt.core.uploads.discard_after_commit), so a
    failed run keeps every row with its file. Returns the count and the records (meeting and proposal ids)."""
    from slrt.privacy.operations import id_ranges
    district = current_district()
    meetings = _expired_meeting_minutes(cutoff, district)
    proposals = _expired_proposal_minutes(cutoff, district)
    count = len(meetings) + len(proposals)
    if not apply or not count:
        return count, ""
    for model, rows in ((VillageMeeting, meetings), (Proposal, proposals)):
        ids = [row_id for row_id, _file in rows]
        for start in range(0, len(ids), CHUNK):
            db.session.execute(update(model).where(model.id.in_(ids[start:start + CHUNK]))
                               .values(minutes_file="", minutes_name=""))
    db.session.flush()
    for rows, owner in ((meetings, "meeting"), (proposals, "proposal")):
        for row_id, name in rows:
            if not _still_named(name):  # never a file another record still names
                uploads.discard_after_commit("document", name, f"{owner} {row_id}")
    detail = "; ".join(f"{what} {id_ranges([r for r, _f in rows])}"
                       for what, rows in (("meetings", meetings), ("proposals", proposals)) if rows)
    return count, detail


def _still_named(name: str) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(VillageMeeting)
                                  .where(VillageMeeting.minutes_file == name))
                or db.session.scalar(select(func.count()).select_from(Proposal).where(Proposal.minutes_file == name)))


def minutes_file_names() -> list[str]:
    """Every kept signed minutes, of a meeting or (before batches) of one proposal (see slrt.core.orphans)."""
    return [*db.session.scalars(select(VillageMeeting.minutes_file).where(VillageMeeting.minutes_file != "")),
            *db.session.scalars(select(Proposal.minutes_file).where(Proposal.minutes_file != ""))]


def extract_names() -> list[str]:
    """An uploaded extract is named by no row (an import keeps the name it was uploaded with, and its file is
    deleted when the import ends): the orphan sweep removes one left a day after its upload (never mapped,
    or its process killed)."""
    return []


def import_running() -> bool:
    """While an import runs, the extract it reads is named by no row: the registry folder is left alone."""
    from slrt.registry.models import ImportStatus, RegistryImport
    return db.session.scalar(select(func.count()).select_from(RegistryImport)
                             .where(RegistryImport.status == ImportStatus.RUNNING)) > 0


def retention_tasks():
    from slrt.privacy.operations import RetentionTask
    return [
        RetentionTask("proposals_anonymised",
                      lambda: _("Usulan registri tanpa kasus yang sudah selesai dianonimkan"),
                      "retention_case_months", anonymise_proposals, per_district=True),
        RetentionTask("household_surveys_removed",
                      lambda: _("Data sosial ekonomi keluarga yang tidak dipakai usulan lagi dihapus"),
                      "retention_case_months", remove_unneeded_surveys, per_district=True),
        RetentionTask("meeting_minutes_removed",
                      lambda: _("Berita acara musyawarah desa yang sudah lewat masa simpan dihapus (berkasnya)"),
                      "retention_attachment_months", remove_expired_minutes, per_district=True),
    ]

"""Every change of an attachment: adding one (checked, downscaled, stripped) and removing one with a reason.

An attachment is never deleted by a user: removal hides it and records who, when and why; the file stays
until the retention period ends (UU 27/2022: an auditable trail of what was processed). Then the nightly
retention job (`retention_tasks`) deletes the rows and, once that has committed, the files of the attachments of
a closed case or of an ended registry proposal that has no case.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select

from slrt.attachments import images
from slrt.attachments.models import ATTACHMENT_TRANSITIONS, Attachment, AttachmentStatus
from slrt.audit.operations import record
from slrt.core import uploads
from slrt.core.errors import DomainError, TransitionError
from slrt.core.time import utcnow
from slrt.extensions import db

S = AttachmentStatus


def person_id_of(attachment: Attachment) -> int | None:
    """The citizen whose document it is (for the audit trail of their data)."""
    if attachment.case is not None:
        return attachment.case.person_id
    if attachment.proposal is not None:
        from slrt.registry.operations import person_id_of as proposal_person
        return proposal_person(attachment.proposal)
    return None


def _check_links(case, assessment, referral, proposal) -> None:
    if case is None and proposal is None:
        raise DomainError(_l("Lampiran harus melekat pada kasus atau usulan."))
    if case is not None and proposal is not None and proposal.case_id not in (None, case.id):
        raise DomainError(_l("Usulan itu bukan bagian dari kasus ini."), field="link")
    for part in (assessment, referral):
        if part is not None and (case is None or part.case_id != case.id):
            raise DomainError(_l("Asesmen atau rujukan itu bukan bagian dari kasus ini."), field="link")


def add(actor, upload, *, document_type, caption: str = "", keep_location: bool = False, case=None,
        assessment=None, referral=None, proposal=None) -> Attachment:
    """Keep an uploaded scan or photo. Its content decides whether it is JPG, PNG or PDF; an image is kept
    upright, at most SLRT_IMAGE_MAX_SIDE px, without metadata (GPS only when the user keeps it on purpose),
    with a thumbnail beside it. Raises DomainError (UploadRefused) with an Indonesian message."""
    if case is None and proposal is not None and proposal.case_id is not None:
        from slrt.cases.models import Case
        case = db.session.get(Case, proposal.case_id)  # a proposal made from a case: scoped by that case
    _check_links(case, assessment, referral, proposal)
    if document_type is None or not document_type.active:
        raise DomainError(_l("Pilih jenis dokumen dari daftar."), field="document_type")
    caption = " ".join((caption or "").split())
    if len(caption) > 200:
        raise DomainError(_l("Keterangan paling panjang 200 karakter."), field="caption")
    stored = uploads.save_upload(upload, "attachment", field="file")
    width = height = None
    thumbnail_name = ""
    size, location_kept = stored.size, False
    if stored.type in ("jpg", "png"):
        thumbnail_name = stored.name.rsplit(".", 1)[0] + ".jpg"
        try:
            prepared = images.prepare(stored.path, stored.type, uploads.folder("thumbnail") / thumbnail_name,
                                      keep_location=keep_location)
        except images.BadImage as error:
            uploads.discard("attachment", stored.name)
            uploads.discard("thumbnail", thumbnail_name)
            raise uploads.UploadRefused(str(error), field="file") from error
        width, height, size, location_kept = prepared.width, prepared.height, prepared.size, prepared.location_kept
    attachment = Attachment(case=case, assessment=assessment, referral=referral, proposal=proposal,
                            document_type=document_type, caption=caption, status=S.ACTIVE, file_name=stored.name,
                            thumbnail_name=thumbnail_name, file_type=stored.type, size=size,
                            original_name=stored.original_name, width=width, height=height,
                            location_kept=location_kept, uploaded_by_id=actor.id, uploaded_at=utcnow())
    db.session.add(attachment)
    db.session.flush()
    where = ", ".join(f"{name} {obj.id}" for name, obj in (("case", case), ("assessment", assessment),
                                                            ("referral", referral), ("proposal", proposal)) if obj)
    record("attachment.add", attachment, person_id=person_id_of(attachment), user=actor,
           note=f"{document_type.code} {stored.type} {size} bytes on {where}"
                + (" with location" if location_kept else ""))
    return attachment


def check_transition(attachment: Attachment, target: AttachmentStatus) -> None:
    if not ATTACHMENT_TRANSITIONS.allows(attachment.status, target):
        from slrt.core.i18n import long_datetime
        raise TransitionError(_("Lampiran ini sudah dihapus pada %(when)s.", when=long_datetime(attachment.removed_at)))


def remove(attachment: Attachment, actor, reason: str) -> None:
    """Hide an attachment with the reason (e.g. "foto salah orang"); the file is kept until retention ends."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Tuliskan alasan menghapus lampiran."), field="reason")
    check_transition(attachment, S.REMOVED)
    attachment.status = S.REMOVED
    attachment.removed_at, attachment.removed_by_id, attachment.removal_reason = utcnow(), actor.id, reason[:500]
    record("attachment.remove", attachment, person_id=person_id_of(attachment), user=actor,
           note=f"active->removed {reason[:500]}")
    db.session.flush()


# ---- retention ------------------------------------------------------------------------------------------------

RETENTION_CHUNK = 500
_KEPT = (Attachment.id, Attachment.file_name, Attachment.thumbnail_name)


def _expired(cutoff: datetime, district: str):
    """The district's attachments of cases past `retention_attachment_months`: on a case closed (or anonymised)
    before the cutoff, and themselves uploaded before it (a letter added after the case closed waits its own
    time). Shown or hidden by a user alike (a hidden one's file was kept for exactly this)."""
    from slrt.cases.models import Case, CaseStatus
    from slrt.regions.models import region_prefix_match
    return (select(*_KEPT)
            .join(Case, Attachment.case_id == Case.id)
            .where(region_prefix_match(Case.office_region_code, district), Attachment.uploaded_at < cutoff,
                   or_(and_(Case.status == CaseStatus.CLOSED, Case.closed_at < cutoff),
                       Case.anonymised_at < cutoff))
            .order_by(Attachment.id))


def _expired_of_proposals(cutoff: datetime, district: str):
    """The district's attachments of registry proposals that have no case (a household proposed from a village
    visit), past `retention_attachment_months`: the proposal ended (approved, ready for SIKS-NG, or rejected:
    the statuses its transition table never leaves) before the cutoff, and the attachment was uploaded before
    it. A proposal made from a case has its attachments on the case: they follow the case's closing."""
    from slrt.regions.models import region_prefix_match
    from slrt.registry.models import PROPOSAL_TRANSITIONS, Proposal
    return (select(*_KEPT)
            .join(Proposal, Attachment.proposal_id == Proposal.id)
            .where(Attachment.case_id.is_(None), region_prefix_match(Proposal.region_code, district),
                   Attachment.uploaded_at < cutoff, Proposal.status.in_(PROPOSAL_TRANSITIONS.final()),
                   Proposal.decided_at < cutoff)
            .order_by(Attachment.id))


def _remove(query, apply: bool) -> tuple[int, str]:
    """Delete (or, without `apply`, count) the attachments `query` finds: the rows now (a field photo that
    became one keeps its row, its link cleared by the database: ON DELETE SET NULL), their files and
    thumbnails only once the run's transaction has committed (slrt.core.uploads.discard_after_commit), so a
    failed run leaves every row with its file. A file already missing is no error; one that cannot be deleted
    after the commit is logged and counted by the command. Returns the count and the removed ids (for the
    run's audit row; never a file name)."""
    from slrt.privacy.operations import id_ranges
    from slrt.regions.districts import current_district
    rows = list(db.session.execute(query(current_district())))
    if not apply:
        return len(rows), ""
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), RETENTION_CHUNK):
        db.session.execute(delete(Attachment).where(Attachment.id.in_(ids[start:start + RETENTION_CHUNK])))
    for attachment_id, file_name, thumbnail_name in rows:
        uploads.discard_after_commit("attachment", file_name, f"attachment {attachment_id}")
        uploads.discard_after_commit("thumbnail", thumbnail_name, f"attachment {attachment_id}")
    db.session.flush()
    return len(ids), id_ranges(ids)


def remove_expired(cutoff: datetime, apply: bool) -> tuple[int, str]:
    """The current district's expired attachments of closed cases (see `_expired`, `_remove`)."""
    return _remove(lambda district: _expired(cutoff, district), apply)


def remove_expired_of_proposals(cutoff: datetime, apply: bool) -> tuple[int, str]:
    """The current district's expired attachments of ended proposals without a case (`_expired_of_proposals`)."""
    return _remove(lambda district: _expired_of_proposals(cutoff, district), apply)


def file_names() -> list[str]:
    """Every attachment's kept file, shown or hidden (slrt.core.orphans never removes a file a row names)."""
    return list(db.session.scalars(select(Attachment.file_name)))


def thumbnail_names() -> list[str]:
    return list(db.session.scalars(select(Attachment.thumbnail_name).where(Attachment.thumbnail_name != "")))


def retention_tasks():
    """The attachments' parts of `flask privacy retention` (slrt.privacy.operations.register_retention_task):
    each district's own, after its own period."""
    from slrt.privacy.operations import RetentionTask
    return [RetentionTask("attachments_removed", lambda: _("Lampiran kasus selesai dihapus (berkas dan datanya)"),
                          "retention_attachment_months", remove_expired, per_district=True),
            RetentionTask("proposal_attachments_removed",
                          lambda: _("Lampiran usulan registri yang sudah diputus dihapus (berkas dan datanya)"),
                          "retention_attachment_months", remove_expired_of_proposals, per_district=True)]

"""Loading attachments with their permission check; listing those of a case, a referral or a proposal."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from slrt.attachments.models import Attachment, AttachmentStatus
from slrt.attachments.permissions import can_view_attachment
from slrt.auth.permissions import require
from slrt.extensions import db


def load_attachment(attachment_id: int, lock: bool = False) -> Attachment:
    """An attachment the user may see (through its case's region, or its proposal's), or 404/403."""
    query = select(Attachment).where(Attachment.id == attachment_id)
    if lock:
        query = query.with_for_update(of=Attachment)
    attachment = db.session.scalar(query)
    if attachment is None:
        abort(404)
    require(can_view_attachment, attachment)
    return attachment


def attachments_of(*, case=None, referral=None, proposal=None) -> list[Attachment]:
    """The attachments of a referral or of a proposal (their own), or of a case (all of them, whichever of
    its assessments, referrals or proposals they belong to); oldest first."""
    query = select(Attachment)
    if referral is not None:
        query = query.where(Attachment.referral_id == referral.id)
    elif proposal is not None:
        query = query.where(Attachment.proposal_id == proposal.id)
    elif case is not None:
        query = query.where(Attachment.case_id == case.id)
    else:
        return []
    return list(db.session.scalars(query.order_by(Attachment.uploaded_at, Attachment.id)).all())


def active(rows: list[Attachment]) -> list[Attachment]:
    return [a for a in rows if a.status == AttachmentStatus.ACTIVE]


def removed(rows: list[Attachment]) -> list[Attachment]:
    return [a for a in rows if a.status == AttachmentStatus.REMOVED]

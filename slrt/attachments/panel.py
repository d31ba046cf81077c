"""What the attachments panel needs, for the case page, the referral page and the proposal page."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin.models import DocumentType
from slrt.attachments import queries
from slrt.attachments.forms import AttachmentForm, RemoveForm
from slrt.attachments.permissions import can_add_attachment, can_remove_attachments_of
from slrt.core.i18n import long_date
from slrt.extensions import db


def document_choices() -> list:
    documents = db.session.scalars(select(DocumentType).where(DocumentType.active.is_(True))
                                   .order_by(DocumentType.sort_order, DocumentType.name)).all()
    return [("", _("— pilih jenis dokumen —"))] + [(d.id, d.name) for d in documents]


def link_choices(case) -> list:
    """What part of the case an attachment uploaded on the case page belongs to."""
    choices = [("", _("Kasus ini (umum)"))]
    for assessment in case.assessments:
        choices.append((f"assessment:{assessment.id}", _("Asesmen %(date)s", date=long_date(assessment.created_at))))
    for referral in sorted(case.referrals, key=lambda r: r.id):
        choices.append((f"referral:{referral.id}", _("Rujukan ke %(agency)s", agency=referral.agency.name)))
    return choices


def prepared_form(case=None, form: AttachmentForm | None = None) -> AttachmentForm:
    form = form or AttachmentForm(formdata=None)
    form.document_type.choices = document_choices()
    form.link.choices = link_choices(case) if case is not None else []
    return form


def attachment_panel(*, case=None, referral=None, proposal=None, form: AttachmentForm | None = None,
                     message: str = "", error: bool = False) -> dict:
    """The panel's context. `case` alone: all the case's attachments; with `referral` or `proposal`: theirs."""
    if referral is not None:
        case = referral.case
        scope, owner_id, upload_url = "referral", referral.id, url_for("attachments.add_to_referral",
                                                                        referral_id=referral.id)
    elif proposal is not None:
        case = proposal_case(proposal)
        scope, owner_id, upload_url = "proposal", proposal.id, url_for("attachments.add_to_proposal",
                                                                        proposal_id=proposal.id)
    else:
        scope, owner_id, upload_url = "case", case.id, url_for("attachments.add_to_case", case_id=case.id)
    rows = queries.attachments_of(case=case, referral=referral, proposal=proposal)
    owner_case, owner_proposal = (case, None) if case is not None else (None, proposal)
    return {
        "scope": scope, "owner_id": owner_id, "panel_id": f"lampiran-{scope}-{owner_id}", "upload_url": upload_url,
        "attachments": queries.active(rows), "removed": queries.removed(rows),
        "can_add": can_add_attachment(current_user, owner_case, owner_proposal),
        "can_remove": can_remove_attachments_of(current_user, owner_case, owner_proposal),
        "form": prepared_form(case if scope == "case" else None, form), "remove_form": RemoveForm(formdata=None),
        "message": message, "error": error,
    }


def proposal_case(proposal):
    if proposal.case_id is None:
        return None
    from slrt.cases.models import Case
    return db.session.get(Case, proposal.case_id)


def letter_attachments(referral) -> list:
    """The files listed as *lampiran* on the referral's letter: those attached to the referral. A signed
    letter lists what it was signed with: files added later (documents the agency asked for) or removed
    later do not change a reprint (MariaDB keeps whole seconds: a removal in the second of the signing is
    taken as after it)."""
    rows = queries.attachments_of(referral=referral)
    signed = referral.decided_at if referral.letter_number else None
    if signed is None:
        return queries.active(rows)
    return [a for a in rows if a.uploaded_at <= signed and (a.removed_at is None or a.removed_at >= signed)]


# The attachments feature's panels (slrt.core.panels) on the pages of the case, a referral and a proposal, and
# the files a referral's letter lists.

def case_panel(case, _user) -> dict:
    return attachment_panel(case=case)


def referral_panel(referral, _user) -> dict:
    return attachment_panel(referral=referral)


def proposal_panel(proposal, _user) -> dict:
    return attachment_panel(proposal=proposal)


def letter_panel(referral, _user) -> dict:
    return {"files": letter_attachments(referral)}

"""Attachment views: upload (case, referral, proposal), the audited file, thumbnail and download, removal."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.admin.models import DocumentType
from slrt.attachments import operations, queries
from slrt.attachments.forms import AttachmentForm, RemoveForm
from slrt.attachments.models import Attachment
from slrt.attachments.panel import attachment_panel, prepared_form, proposal_case
from slrt.attachments.permissions import can_add_attachment, can_remove_attachment
from slrt.auth.permissions import permission_required, require
from slrt.cases.permissions import can_list_cases, can_view_case
from slrt.cases.models import Assessment, Case
from slrt.core.downloads import send_download
from slrt.core import refusals
from slrt.core.errors import DomainError
from slrt.core.htmx import wants_partial
from slrt.core.uploads import MIME_TYPES, stored_path
from slrt.extensions import db
from slrt.referrals.models import Referral
from slrt.referrals.permissions import can_use_referrals, can_view_referral
from slrt.registry.models import Proposal
from slrt.registry.permissions import can_list_proposals, can_view_proposal

bp = Blueprint("attachments", __name__, url_prefix="/lampiran")


def _any_attachment_user(user) -> bool:
    """Case staff, agency liaisons (their referrals' scans) and proposal staff."""
    return can_use_referrals(user) or can_list_proposals(user)


# ---- loaders -------------------------------------------------------------------------------------------

def _case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    require(can_view_case, case)
    return case


def _referral(referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None:
        abort(404)
    require(can_view_referral, referral)
    return referral


def _proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    require(can_view_proposal, proposal)
    return proposal


# ---- upload --------------------------------------------------------------------------------------------

def _link(case: Case, value: str) -> dict:
    """The part of the case chosen in the form ("assessment:3", "referral:5"). The operation checks that it
    is a part of this case; an id that names nothing is refused here."""
    kind, _sep, number = (value or "").partition(":")
    models = {"assessment": Assessment, "referral": Referral}
    if kind not in models:
        return {}
    part = db.session.get(models[kind], int(number)) if number.isdigit() and len(number) < 10 else None
    if part is None:
        raise DomainError(_("Asesmen atau rujukan itu tidak ditemukan. Pilih dari daftar."), field="link")
    return {kind: part}


def _upload(*, case=None, referral=None, proposal=None, back: str):
    owner_case = case if case is not None else (referral.case if referral is not None else proposal_case(proposal))
    require(can_add_attachment, owner_case, None if owner_case is not None else proposal)
    form = prepared_form(case, AttachmentForm())
    panel_args = {"case": case, "referral": referral, "proposal": proposal}
    if form.validate_on_submit():
        document_type = db.session.get(DocumentType, form.document_type.data)
        try:
            links = _link(case, form.link.data) if case is not None else {}
            attachment = operations.add(current_user, form.file.data, document_type=document_type,
                                        caption=form.caption.data or "", keep_location=form.keep_location.data,
                                        case=owner_case, referral=referral, proposal=proposal, **links)
        except DomainError as error:
            return refusals.refuse(lambda: _refused_page(panel_args, back, form=form), form, error)
        else:
            db.session.commit()
            message = _("Lampiran \"%(name)s\" tersimpan.", name=attachment.document_type.name)
            if wants_partial():
                return _panel_response(attachment_panel(**panel_args, message=message))
            flash(message, "success")
            return redirect(back, code=303)
    return refusals.refuse(lambda: _refused_page(panel_args, back, form=form), form)


def _refused_page(panel_args: dict, back: str, **panel) -> str:
    """A refused upload or removal: the panel alone for htmx, else the upload page, with the form as typed
    and why (slrt.core.refusals answers 200 for htmx, which swaps only successful answers, else 422)."""
    if wants_partial():
        return render_template("attachments/_panel.html", panel=attachment_panel(**panel_args, **panel))
    return render_template("attachments/upload.html", panel=attachment_panel(**panel_args, **panel), back=back)


def _panel_response(panel: dict):
    response = make_response(render_template("attachments/_panel.html", panel=panel))
    response.headers.add("Vary", "HX-Request")
    return response


@bp.route("/kasus/<int:case_id>", methods=["POST"])
@permission_required(can_list_cases)
def add_to_case(case_id: int):
    """Attach a scan or photo to a case (or to one of its assessments or referrals)."""
    case = _case(case_id)
    return _upload(case=case, back=url_for("cases.detail", case_id=case.id, _anchor="lampiran"))


@bp.route("/rujukan/<int:referral_id>", methods=["POST"])
@permission_required(can_list_cases)
def add_to_referral(referral_id: int):
    """Attach a scan to a referral: it is listed as lampiran on the letter."""
    referral = _referral(referral_id)
    return _upload(referral=referral, back=url_for("referrals.detail", referral_id=referral.id, _anchor="lampiran"))


@bp.route("/usulan/<int:proposal_id>", methods=["POST"])
@permission_required(can_list_proposals)
def add_to_proposal(proposal_id: int):
    """Attach a house photo or a letter to a registry proposal."""
    proposal = _proposal(proposal_id)
    return _upload(proposal=proposal, back=url_for("registry.proposal", proposal_id=proposal.id, _anchor="lampiran"))


# ---- the file ------------------------------------------------------------------------------------------

def _active(attachment_id: int) -> Attachment:
    attachment = queries.load_attachment(attachment_id)
    if not attachment.active:
        abort(404)  # removed: kept for the retention period, no longer shown
    return attachment


def _send(attachment: Attachment, kind: str, name: str, *, action: str, inline: bool, filename: str,
          mimetype: str):
    path = stored_path(kind, name)
    if path is None:
        abort(404)
    return send_download(path, filename=filename, mimetype=mimetype, audit=action, obj=attachment,
                         person_id=operations.person_id_of(attachment), inline=inline,
                         note=f"{attachment.document_type.code} {attachment.file_type}")


def _filename(attachment: Attachment) -> str:
    base = attachment.document_type.code.lower()
    return f"lampiran-{attachment.id}-{base}.{attachment.file_type}"


@bp.route("/<int:attachment_id>")
@permission_required(_any_attachment_user)
def show(attachment_id: int):
    """The attachment itself, shown in the browser (audited, kept by no cache)."""
    attachment = _active(attachment_id)
    return _send(attachment, "attachment", attachment.file_name, action="attachment.view", inline=True,
                 filename=_filename(attachment), mimetype=MIME_TYPES[attachment.file_type])


@bp.route("/<int:attachment_id>/kecil")
@permission_required(_any_attachment_user)
def thumbnail(attachment_id: int):
    """The thumbnail of an image attachment (audited, kept by no cache)."""
    attachment = _active(attachment_id)
    if not attachment.thumbnail_name:
        abort(404)
    return _send(attachment, "thumbnail", attachment.thumbnail_name, action="attachment.thumbnail", inline=True,
                 filename=f"kecil-{_filename(attachment).rsplit('.', 1)[0]}.jpg", mimetype=MIME_TYPES["jpg"])


@bp.route("/<int:attachment_id>/unduh")
@permission_required(_any_attachment_user)
def download(attachment_id: int):
    """Download the attachment (audited, kept by no cache)."""
    attachment = _active(attachment_id)
    return _send(attachment, "attachment", attachment.file_name, action="attachment.download", inline=False,
                 filename=_filename(attachment), mimetype=MIME_TYPES[attachment.file_type])


# ---- removal -------------------------------------------------------------------------------------------

def _panel_of(attachment: Attachment, scope: str) -> tuple[dict, str]:
    """The panel the removal was made from, and the page it stands on."""
    if scope == "referral" and attachment.referral is not None:
        return ({"referral": attachment.referral},
                url_for("referrals.detail", referral_id=attachment.referral_id, _anchor="lampiran"))
    if scope == "proposal" and attachment.proposal is not None:
        return ({"proposal": attachment.proposal},
                url_for("registry.proposal", proposal_id=attachment.proposal_id, _anchor="lampiran"))
    if attachment.case is not None:
        return {"case": attachment.case}, url_for("cases.detail", case_id=attachment.case_id, _anchor="lampiran")
    return ({"proposal": attachment.proposal},
            url_for("registry.proposal", proposal_id=attachment.proposal_id, _anchor="lampiran"))


@bp.route("/<int:attachment_id>/hapus", methods=["POST"])
@permission_required(_any_attachment_user)
def remove(attachment_id: int):
    """Remove an attachment with a reason (it is hidden; the file is kept until retention ends)."""
    attachment = queries.load_attachment(attachment_id, lock=True)
    require(can_remove_attachment, attachment)
    form = RemoveForm()
    panel_args, back = _panel_of(attachment, request.form.get("scope", ""))
    if form.validate_on_submit():
        try:
            operations.remove(attachment, current_user, form.reason.data)
        except DomainError as refused:
            return refusals.refuse(lambda: _refused_page(panel_args, back, message=str(refused.message), error=True))
        else:
            db.session.commit()
            message = _("Lampiran dihapus.")
            if wants_partial():
                return _panel_response(attachment_panel(**panel_args, message=message))
            flash(message, "success")
            return redirect(back, code=303)
    error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return refusals.refuse(lambda: _refused_page(panel_args, back, message=error, error=True))

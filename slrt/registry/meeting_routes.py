"""Village meetings (musdes/muskel): record one per village and date, decide its batch of proposals, print the
berita acara for signing, upload it signed, and the district's approval of the batch."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin import settings
from slrt.admin.letterhead import letterhead
from slrt.auth.permissions import in_region, permission_required, require
from slrt.core import refusals
from slrt.core.db import read_only
from slrt.core.downloads import send_download
from slrt.core.errors import DomainError
from slrt.core.uploads import MIME_TYPES
from slrt.extensions import db
from slrt.regions.models import region_prefix_match
from slrt.registry import operations, queries
from slrt.registry.forms import (ApproveBatchForm, AttendanceForm, BatchForm, MeetingForm, SignMinutesForm,
                                 attendance_lines)
from slrt.registry.models import MeetingStatus, VillageMeeting
from slrt.registry.permissions import (can_approve_meeting, can_export_proposals, can_list_proposals,
                                       can_record_meeting, can_start_meeting)
from slrt.registry.routes import bp
from slrt.registry.views_support import district_villages, region_name
from slrt.submissions import views as submissions


@bp.route("/musdes")
@permission_required(can_list_proposals)
@read_only
def meetings():
    """The village meetings of the user's area, newest first."""
    rows = db.session.scalars(select(VillageMeeting).where(
        region_prefix_match(VillageMeeting.region_code, current_user.region_code))
        .order_by(VillageMeeting.meeting_date.desc(), VillageMeeting.id.desc()).limit(300)).all()
    return render_template("registry/meetings.html", meetings=rows)


def _villages() -> list[tuple[str, str]]:
    return [(code, name) for code, name in district_villages() if in_region(current_user, code)]


def _meeting_data(form, region_code: str, meeting_date) -> operations.MeetingData:
    return operations.MeetingData(region_code=region_code, meeting_date=meeting_date, place=form.place.data or "",
                                  chair=form.chair.data or "", attendance_count=form.attendance_count.data,
                                  attendees=attendance_lines(form.attendees.data))


@bp.route("/musdes/baru", methods=["GET", "POST"])
@permission_required(can_start_meeting)
@submissions.once
def new_meeting():
    """Record a village meeting: its village, date, place and attendance."""
    form = MeetingForm()
    form.desa.choices = [("", _("— pilih desa/kelurahan —"))] + _villages()
    if form.validate_on_submit():
        if form.desa.data not in {c for c, _n in form.desa.choices if c}:
            form.desa.errors.append(_("Pilih desa/kelurahan di wilayah Anda."))
        else:
            repeat = submissions.claim_once()
            if repeat is not None:
                return repeat
            try:
                meeting = operations.record_meeting(_meeting_data(form, form.desa.data, form.meeting_date.data),
                                                    current_user)
                result = url_for("registry.meeting", meeting_id=meeting.id)
                submissions.result_at(result)
                db.session.commit()
                flash(_("Musyawarah tercatat. Catat keputusan atas setiap usulan yang dibahas."), "success")
                return redirect(result, code=303)
            except DomainError as error:
                db.session.rollback()
                form.meeting_date.errors.append(str(error))
    status = 422 if request.method == "POST" else 200
    return render_template("registry/meeting_form.html", form=form), status


def _batch_form(meeting: VillageMeeting, candidates, formdata=None) -> BatchForm:
    """One row per proposal the meeting may decide on, filled with what it decided (if anything yet)."""
    form = BatchForm(formdata=formdata) if formdata is not None else BatchForm(formdata=None)
    if formdata is None:
        decided = {i.proposal_id: i for i in meeting.items}
        for proposal in candidates:
            item = decided.get(proposal.id)
            form.items.append_entry({"proposal_id": str(proposal.id), "decision": item.decision if item else "",
                                     "note": item.note if item else ""})
    return form


def _page(meeting: VillageMeeting, *, batch_form=None, attendance_form=None, sign_form=None, status=200):
    candidates = operations.batch_candidates(meeting) if meeting.status == MeetingStatus.RECORDED else []
    by_id = {p.id: p for p in candidates}
    if attendance_form is None:
        attendance_form = AttendanceForm(formdata=None, obj=meeting)
        attendance_form.attendees.data = "\n".join(f"{a.name}, {a.role}" if a.role else a.name
                                                   for a in meeting.attendees)
    return render_template(
        "registry/meeting.html", meeting=meeting, village=region_name(meeting.region_code),
        kecamatan=region_name(meeting.region_code.rsplit(".", 1)[0]), candidates=by_id,
        batch_form=batch_form or _batch_form(meeting, candidates), attendance_form=attendance_form,
        sign_form=sign_form or SignMinutesForm(), approve_form=ApproveBatchForm()), status


@bp.route("/musdes/<int:meeting_id>")
@permission_required(can_list_proposals)
def meeting(meeting_id: int):
    """A village meeting: its attendance, its batch with a decision each, the berita acara and the approval."""
    item = queries.load_meeting(meeting_id)
    from slrt.audit.operations import record
    record("meeting.view", item, note=f"meeting {item.id}: batch of {len(item.items)} proposals")
    page = _page(item)
    db.session.commit()
    return page


def _finish(meeting: VillageMeeting, action, message: str, *, form=None, given: str | None = None):
    """Claim the form id, run `action`, commit and go back to the meeting; a refused action shows the meeting
    page again with the form as typed (`given`: its name on the page) and the message (slrt.core.refusals)."""
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    result = url_for("registry.meeting", meeting_id=meeting.id)
    try:
        action()
    except DomainError as error:
        if form is None:  # a button without fields (the batch approval): the message above the meeting
            db.session.rollback()
            flash(str(error), "error")
            return redirect(result, code=303)
        return refusals.refuse(lambda: _page(meeting, **{given: form}), form, error)
    submissions.result_at(result)
    db.session.commit()
    flash(message, "success")
    return redirect(result, code=303)


@bp.route("/musdes/<int:meeting_id>/hadir", methods=["POST"])
@permission_required(can_start_meeting)
@submissions.once
def meeting_attendance(meeting_id: int):
    """Correct the place, chair and attendance of a meeting whose minutes are not signed yet."""
    item = queries.load_meeting(meeting_id, lock=True, permission=can_record_meeting)
    form = AttendanceForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _page(item, attendance_form=form, status=422)
    return _finish(item, lambda: operations.update_attendance(
        item, _meeting_data(form, item.region_code, item.meeting_date), current_user), _("Daftar hadir tersimpan."),
        form=form, given="attendance_form")


@bp.route("/musdes/<int:meeting_id>/keputusan", methods=["POST"])
@permission_required(can_start_meeting)
@submissions.once
def meeting_decisions(meeting_id: int):
    """Write the meeting's decision (agreed, refused, postponed, with a note) on each proposal it discussed."""
    item = queries.load_meeting(meeting_id, lock=True, permission=can_record_meeting)
    form = BatchForm()
    decisions: dict[int, tuple[str, str]] = {}
    valid = form.validate_on_submit()
    if valid:
        for entry in form.items:
            pid, decision, note = entry.proposal_id.data or "", entry.decision.data or "", entry.note.data or ""
            if not decision:
                continue
            if not pid.isdigit() or len(pid) > 9:
                abort(400)
            if decision != "agreed" and not note.strip():
                entry.note.errors.append(_("Tuliskan mengapa ditolak atau ditunda."))
                valid = False
            decisions[int(pid)] = (decision, note)
        if valid and not decisions:
            form.items.errors.append(_("Pilih keputusan untuk sedikitnya satu usulan."))
            valid = False
    if not valid:
        db.session.rollback()
        return _page(item, batch_form=form, status=422)
    return _finish(item, lambda: operations.decide_batch(item, decisions, current_user),
                   _("Keputusan musyawarah tersimpan. Cetak berita acara untuk ditandatangani."),
                   form=form, given="batch_form")


@bp.route("/musdes/<int:meeting_id>/berita-acara.pdf")
@permission_required(can_list_proposals)
def meeting_minutes_pdf(meeting_id: int):
    """The berita acara generated from the batch, to print and sign (names and NIKs: audited, not cached)."""
    from slrt.registry.minutes_pdf import berita_acara_pdf
    item = queries.load_meeting(meeting_id)
    if not item.items:
        abort(404)
    body = berita_acara_pdf(item, letterhead().lines, region_name(item.region_code),
                            region_name(item.region_code.rsplit(".", 1)[0]))
    operations.record_batch_export(item, "berita acara PDF", current_user)
    return send_download(body, filename=f"berita-acara-musdes-{item.id}.pdf", mimetype="application/pdf",
                         audit=None, inline=True)


@bp.route("/musdes/<int:meeting_id>/unggah", methods=["POST"])
@permission_required(can_start_meeting)
@submissions.once
def meeting_sign(meeting_id: int):
    """Upload the signed berita acara: the agreed proposals go to the district, the refused ones end."""
    item = queries.load_meeting(meeting_id, lock=True, permission=can_record_meeting)
    form = SignMinutesForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _page(item, sign_form=form, status=422)
    return _finish(item, lambda: operations.sign_meeting(item, form.minutes.data, current_user),
                   _("Berita acara tersimpan. Usulan yang disetujui menunggu persetujuan dinas."),
                   form=form, given="sign_form")


@bp.route("/musdes/<int:meeting_id>/notulen")
@permission_required(can_list_proposals)
def meeting_minutes(meeting_id: int):
    """Download the signed berita acara (audited, kept by no cache)."""
    item = queries.load_meeting(meeting_id)
    path = operations.minutes_path(item)
    if path is None:
        abort(404)
    return send_download(path, filename=item.minutes_name or path.name, mimetype=MIME_TYPES[path.suffix[1:]],
                         audit="meeting.minutes", obj=item, note=f"signed minutes of meeting {item.id}")


@bp.route("/musdes/<int:meeting_id>/setujui", methods=["POST"])
@permission_required(can_list_proposals)
@submissions.once
def meeting_approve(meeting_id: int):
    """The district approves the meeting's batch: every agreed proposal is approved at once."""
    item = queries.load_meeting(meeting_id, lock=True, permission=can_approve_meeting)
    form = ApproveBatchForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _page(item, status=422)
    return _finish(item, lambda: operations.approve_meeting(item, current_user),
                   _("Usulan hasil musyawarah disetujui dan siap dimasukkan ke SIKS-NG."))


@bp.route("/musdes/<int:meeting_id>/siks-ng.xlsx")
@permission_required(can_export_proposals)
def meeting_siks_ng(meeting_id: int):
    """The batch's agreed proposals as the SIKS-NG entry sheet (XLSX, formula-safe, audited, not cached)."""
    from slrt.regions.districts import district_of_code
    from slrt.regions.operations import names_for
    from slrt.registry import lookup
    from slrt.registry.siks_ng import batch_rows, batch_xlsx
    from slrt.reports.tables import XLSX_MIME
    item = queries.load_meeting(meeting_id)
    if item.status == MeetingStatus.RECORDED:
        abort(404)  # nothing is agreed until the berita acara is signed
    imports = lookup.district_imports(district_of_code(item.region_code))  # the village's district's extract

    def matched(nik: str):
        person = lookup.person_by_nik(nik, imports)
        return None if person is None else bool(person.dukcapil_matched)
    code = item.region_code
    names = names_for([code[:5], code[:8], code])
    rows = batch_rows(item, matched, names)
    operations.record_batch_export(item, f"SIKS-NG XLSX ({len(rows)} rows)", current_user)
    return send_download(batch_xlsx(item, rows, names.get(code, code)), filename=f"siks-ng-musdes-{item.id}.xlsx",
                         mimetype=XLSX_MIME, audit=None)

import json

import segno
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from slrt.admin.letterhead import letterhead
from slrt.admin.models import ComplaintCategory, DocumentType
from slrt.audit.operations import record
from slrt.auth.permissions import in_region, permission_required
from slrt.cases import operations
from slrt.cases.permissions import can_edit_case, can_list_cases
from slrt.cases.forms import CaseEditForm, CaseFilterForm
from slrt.cases.models import Case, CaseStatus, Complaint
from slrt.cases.queries import load_case, load_case_page
from slrt.core import panels, refusals
from slrt.cases.scoping import visible_cases
from slrt.core.errors import DomainError
from slrt.core.htmx import render_page_or_partial
from slrt.core.web import public_url
from slrt.core.pagination import page_number, paginate
from slrt.core.time import local_day_bounds_utc, local_today
from slrt.extensions import db
from slrt.intake.models import VisitIdentity
from slrt.regions import operations as regions
from slrt.regions.models import Region, region_prefix_match
from slrt.submissions import views as submissions
from slrt.regions.districts import current_district

bp = Blueprint("cases", __name__, url_prefix="/kasus")

PAGE_SIZE = 25


def _filter_form() -> CaseFilterForm:
    form = CaseFilterForm(request.args)
    district = current_district()
    from slrt.core.labels import LABELS
    form.status.choices = [("", _("Semua status"))] + LABELS.choices(CaseStatus)
    form.kecamatan.choices = [("", _("Semua kecamatan"))] + [(r.code, r.name) for r in regions.children(district)]
    villages = regions.children(form.kecamatan.data) if form.kecamatan.data else []
    form.desa.choices = [("", _("Semua desa/kelurahan"))] + [(r.code, r.name) for r in villages]
    categories = db.session.scalars(select(ComplaintCategory).order_by(ComplaintCategory.sort_order)).all()
    form.category.choices = [("", _("Semua kategori"))] + [(str(c.id), c.name) for c in categories]
    form.validate()
    return form


def _apply_filters(query, form: CaseFilterForm):
    if form.status.data:
        query = query.where(Case.status == form.status.data)
    region = form.kecamatan.data
    # A desa left selected from another kecamatan (the desa list is refilled after the kecamatan changes) is ignored.
    if form.desa.data and (not region or form.desa.data.startswith(region + ".")):
        region = form.desa.data
    if region:
        query = query.where(region_prefix_match(Case.region_code, region))
    if form.category.data and form.category.data.isdigit() and len(form.category.data) < 10:
        query = query.where(Case.complaints.any(Complaint.category_id == int(form.category.data)))
    if form.date_from.data and not form.date_from.errors:
        query = query.where(Case.created_at >= local_day_bounds_utc(form.date_from.data)[0])
    if form.date_to.data and not form.date_to.errors:
        query = query.where(Case.created_at <= local_day_bounds_utc(form.date_to.data)[1])
    text = " ".join((form.q.data or "").split())
    if text:
        # The same matching as the search box (a partial ticket, a name in any spelling: Djoko = Joko), on the
        # name given at each visit (what the list shows), not the stored person's: a case registered with
        # someone else's NIK must not answer questions about that someone's name.
        from slrt.search.queries import name_or_ticket_condition  # here: slrt.search imports cases
        _kinds, condition = name_or_ticket_condition(text)
        query = query.join(VisitIdentity, VisitIdentity.case_id == Case.id).where(
            condition if condition is not None else false())
    return query


def _page_of(query, page: int):
    # The rows show each case's complaint categories: loaded for the whole page in one query, not one per row.
    query = query.options(selectinload(Case.complaints))
    result = paginate(query, page, PAGE_SIZE, Case.created_at.desc(), Case.id.desc())
    return result.rows, result.total, result.page, result.pages


@bp.route("/")
@permission_required(can_list_cases)
def index():
    """The back-office queue: cases in the user's region, filtered, paged; htmx swaps the rows only."""
    form = _filter_form()
    if not request.args:
        form.status.data = CaseStatus.REGISTERED
    query = _apply_filters(visible_cases(current_user), form)
    rows, total, page, pages = _page_of(query, page_number())
    return render_page_or_partial("cases/index.html", "cases/_rows.html", form=form, cases=rows, total=total,
                                  page=page, pages=pages, view="index")


@bp.route("/hari-ini")
@permission_required(can_list_cases)
def today():
    """The front office's list: today's registrations at the user's own office."""
    form = _filter_form()
    start, end = local_day_bounds_utc(local_today())
    query = visible_cases(current_user).where(Case.office_region_code == current_user.region_code,
                                              Case.created_at >= start, Case.created_at <= end)
    query = _apply_filters(query, form)
    rows, total, page, pages = _page_of(query, page_number())
    return render_page_or_partial("cases/today.html", "cases/_rows.html", form=form, cases=rows, total=total,
                                  page=page, pages=pages, view="today")


@bp.route("/<int:case_id>")
@permission_required(can_list_cases)
def detail(case_id: int):
    """Everything recorded on a case and its dated timeline (the view is audited)."""
    return case_page(load_case_page(case_id))


def case_page(case: Case, *, given: dict | None = None, status: int = 200):
    """The case page: the case, then every feature's panel (handling, registry, attachments, ...), each panel's
    context built here, before the one commit; the template only reads. A feature whose action was refused
    shows the page again with its form as typed (`given`, by panel name) and `status` 422."""
    record("person.view", case, person_id=case.person_id, note=f"case {case.ticket}")
    ready = panels.build("case", case, current_user, given)
    documents = db.session.scalars(select(DocumentType).order_by(DocumentType.sort_order)).all()
    page = render_template("cases/detail.html", case=case, documents=documents, panels=ready,
                           panel_data=panels.by_name(ready), region_path=regions.path_names(case.region_code))
    db.session.commit()  # the view's audit rows and the panels' (the registry lookup)
    return page, status


@bp.route("/<int:case_id>/tanda-terima")
@permission_required(can_list_cases)
def receipt(case_id: int):
    """The printable receipt (tanda terima): A5 by default, `?format=thermal` for a receipt printer."""
    case = load_case(case_id)
    url = public_url("public.status", _district=case.office_region_code[:5], ticket=case.ticket)
    # omitsize: a viewBox instead of a fixed size, so the stylesheet sizes the code for paper (mm)
    qr_svg = segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)
    record("person.view", case, person_id=case.person_id, note=f"receipt {case.ticket}")
    notices = panels.build("notice", case, current_user)
    db.session.commit()
    layout = "thermal" if request.args.get("format") == "thermal" else "a5"
    received = db.session.scalars(select(DocumentType).where(DocumentType.code.in_(case.document_codes))
                                  .order_by(DocumentType.sort_order)).all() if case.document_codes else []
    return render_template("cases/receipt.html", case=case, qr_svg=qr_svg, status_url=url, layout=layout,
                           letterhead=letterhead(),
                           notices=notices, region_path=regions.path_names(case.region_code), received=received)


def _edit_categories(case: Case) -> list:
    """The active complaint categories, and those the case's complaints have (a category retired since)."""
    own = {k.category_id for k in case.complaints}
    return db.session.scalars(select(ComplaintCategory)
                              .where(ComplaintCategory.active.is_(True) | ComplaintCategory.id.in_(own))
                              .order_by(ComplaintCategory.sort_order)).all()


def _opened_with(form: CaseEditForm) -> dict[str, str] | None:
    """The values the form showed when it was opened (a hidden field), or None if the field was tampered with."""
    try:
        values = json.loads(form.opened_with.data or "")
    except ValueError:
        return None
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        return None
    return values


def _check_edit(form: CaseEditForm, case: Case, categories) -> bool:
    """Checks of the correction that need the case, the region list and the user's area."""
    from slrt.core.nik import check_kk
    ok = True
    if form.kk_number.data:
        kk = check_kk(form.kk_number.data, regions.region_index)
        if kk.valid:
            form.kk_number.data = kk.nik
        else:
            form.kk_number.errors = list(form.kk_number.errors) + [str(e) for e in kk.errors]
            ok = False
    if form.desa.data:
        village = db.session.get(Region, form.desa.data)
        district = current_district()
        if village is None or village.level != 4 or not village.code.startswith(district + "."):
            form.desa.errors = list(form.desa.errors) + [_("Pilih desa/kelurahan dari daftar kabupaten/kota ini.")]
            ok = False
        elif form.kecamatan.data and village.parent_code != form.kecamatan.data:
            form.desa.errors = list(form.desa.errors) + [_("Desa/kelurahan ini tidak berada di kecamatan yang dipilih.")]
            ok = False
        elif not (in_region(current_user, village.code) or in_region(current_user, case.office_region_code)):
            form.desa.errors = list(form.desa.errors) + [
                _("Desa/kelurahan ini di luar wilayah kerja Anda: kasusnya tidak akan dapat Anda buka lagi.")]
            ok = False
    if form.complaints is not None:
        if sorted(row.form.complaint_id.data or "" for row in form.complaints) != sorted(
                str(k.id) for k in case.complaints):
            form.reason.errors = list(form.reason.errors) + [
                _("Daftar keluhan kasus ini berubah sejak formulir dibuka. Buka ulang formulirnya.")]
            ok = False
        category_ids = {c.id for c in categories}
        for row in form.complaints:
            if row.form.category.data not in category_ids:
                row.form.category.errors = list(row.form.category.errors) + [_("Pilih kategori.")]
                ok = False
    return ok


@bp.route("/<int:case_id>/ubah", methods=["GET", "POST"])
@permission_required(can_list_cases)
@submissions.once
def edit(case_id: int):
    """Ubah data kasus: correct a case and its citizen's data with a reason; the old values stay in the
    case's history. A correction made by someone else meanwhile refuses this one, showing the differences."""
    case = load_case(case_id, lock=request.method == "POST", permission=can_edit_case)
    form = CaseEditForm()
    if case.status != CaseStatus.REGISTERED:
        del form.visit_type, form.complaints  # the service and the complaints are fixed once handling started
    if request.method == "GET":
        values = operations.edit_values(case)
        form.prefill(values, [k.id for k in case.complaints])
        form.opened_with.data = json.dumps(values, sort_keys=True)
    categories = _edit_categories(case)
    form.fill_choices(categories)
    if request.method == "GET":
        record("person.view", case, person_id=case.person_id, note=f"case edit form {case.ticket}")
        page = _edit_page(form, case)
        db.session.commit()
        return page
    opened_with = _opened_with(form)
    valid = form.validate()
    valid = _check_edit(form, case, categories) and valid
    if opened_with is None:
        form.reason.errors = list(form.reason.errors) + [_("Formulir tidak lengkap. Buka ulang formulirnya.")]
        valid = False
    if not valid:
        return refusals.refuse(lambda: _edit_page(form, load_case(case_id, permission=can_edit_case)), form)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        operations.edit_case(case, current_user, form.wanted(), reason=form.reason.data, opened_with=opened_with)
    except operations.EditConflict as error:
        return refusals.refuse(lambda: _conflict_page(form, case_id, error.differences), form, error, status=409)
    except DomainError as error:
        return refusals.refuse(lambda: _edit_page(form, load_case(case_id, permission=can_edit_case)), form, error)
    url = url_for("cases.detail", case_id=case.id, _anchor="riwayat-perubahan")
    submissions.result_at(url)
    db.session.commit()
    flash(_("Perubahan data kasus %(ticket)s tersimpan. Data lama tetap tercatat di Riwayat perubahan.",
            ticket=case.ticket), "success")
    return redirect(url, code=303)


def _edit_page(form: CaseEditForm, case: Case, differences=None) -> str:
    return render_template("cases/edit.html", form=form, case=case, differences=differences)


def _conflict_page(form: CaseEditForm, case_id: int, differences) -> str:
    """The form again beside what changed meanwhile; the next save is based on what is stored now, since the
    user has seen the differences."""
    case = load_case(case_id, permission=can_edit_case)
    form.opened_with.data = json.dumps(operations.edit_values(case), sort_keys=True)
    return _edit_page(form, case, differences)

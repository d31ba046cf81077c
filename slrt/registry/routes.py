import re
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, tuple_

from slrt.audit.operations import record
from slrt.auth.permissions import in_region, permission_required, require
from slrt.intake.permissions import can_register
from slrt.core import panels, refusals
from slrt.core.db import read_only
from slrt.core.downloads import send_download
from slrt.core.errors import DomainError
from slrt.core.htmx import render_page_or_partial, wants_partial
from slrt.core.nik import check_kk, check_nik
from slrt.core.spreadsheets import CSV_MIME, csv_lines
from slrt.core.time import local_today
from slrt.core.uploads import MIME_TYPES, UploadRefused, save_upload, stored_path
from slrt.extensions import db
from slrt.registry import changes, lookup, operations, queries
from slrt.registry.columns import FIELDS, SKIP, MappingNeeded, column_rows
from slrt.registry.forms import (CancelImportForm, DecisionForm, HouseholdForm, LookupForm, MappingForm, ProposalForm,
                                 UploadForm, VisitForm)
from slrt.registry.importer import (ImportBusy, OtherDistrict, inspect_extract, is_dead, read_headers,
                                   start_import)
from slrt.registry.models import ImportStatus, Proposal, ProposalKind, ProposalStatus, RegistryImport, RejectedRow
from slrt.registry.permissions import (can_decide_proposal, can_export_proposals, can_import_registry,
                                       can_list_proposals, can_lookup_registry, can_propose,
                                       can_verify_proposal, can_view_changes, can_view_imports)
from slrt.intake.forms import prefilled_form
from slrt.registry.views_support import (district_villages, household_context, household_prefill, place_names,
                                         registered_elsewhere, show_household)
from slrt.regions.districts import current_district
from slrt.regions.operations import region_index
from slrt.submissions import views as submissions

bp = Blueprint("registry", __name__, url_prefix="/registri")

TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|txt|xlsx)$")


def _lookup_form(with_choices: bool = True) -> LookupForm:
    form = LookupForm()
    form.desa.choices = [("", _("— semua desa —"))]
    if with_choices:  # an htmx search renders only the results: no need to list the villages
        form.desa.choices += [(code, name) for code, name in district_villages() if in_region(current_user, code)]
    return form


# ---- lookup at the counter -------------------------------------------------------------------------

@bp.route("/")
@permission_required(can_lookup_registry)
@read_only
def index():
    """Cek DTSEN: the search page of the registry."""
    return render_template("registry/lookup.html", form=_lookup_form(), latest_import=lookup.latest_import())


@bp.route("/cari", methods=["POST"])
@permission_required(can_lookup_registry)
def search():
    """Search the registry by NIK, No. KK or name (+ desa); the NIK travels in the body, never the URL."""
    form = _lookup_form(with_choices=not wants_partial())
    context = {"form": form, "latest_import": lookup.latest_import(), "searched": False}
    if form.validate_on_submit():
        context.update(_search(form.q.data.strip(), form.desa.data or None))
        context["searched"] = True
    context["for_intake"] = request.headers.get("HX-Target") == "registry-intake-results"
    response = render_page_or_partial("registry/lookup.html", "registry/_lookup_results.html", **context)
    db.session.commit()  # the audit rows; after rendering, so the loaded rows are not expired and reread
    return response


def _search(text: str, desa: str | None) -> dict:
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.isdigit() or "E+" in text.upper():
        check = check_nik(text, region_index)
        if not check.valid and digits.isdigit() and len(digits) == 16:
            check = None
        if check is not None and not check.valid:
            return {"errors": check.errors}
        found = lookup.household_of(digits)
        how = "NIK"
        if found is None:
            kk = check_kk(digits, None)
            found = lookup.household_by_kk(kk.nik) if kk.valid and kk.nik else None
            how = "No. KK"
        # Outside the user's area the answer is the same as for an unknown number (see intake_context).
        household = show_household(found, f"registry search by {how}")
        elsewhere = found is None and registered_elsewhere(digits, "registry search by NIK")
        return {**household_context(household), "searched_nik": how == "NIK", "elsewhere": elsewhere}
    if len(" ".join(text.split())) < 3:
        return {"errors": [_("Ketik paling sedikit 3 huruf nama.")]}
    people = lookup.search_names(text, desa, within=current_user.region_code)
    if people:
        record("registry.search", None, note=f"name search, {len(people)} hasil")
    return {"people": people, "household_form": HouseholdForm(),
            "place_names": place_names(p.region_code for p in people)}


@bp.route("/keluarga", methods=["POST"])
@permission_required(can_lookup_registry)
def household():
    """One household of the registry, chosen from the name search results."""
    form = HouseholdForm()
    if not form.validate_on_submit():
        abort(400)
    household = show_household(lookup.household_by_kk(form.kk.data), "registry household from name search")
    if household is None:
        abort(404)
    response = render_page_or_partial("registry/household.html", "registry/_household.html",
                                      for_intake=request.headers.get("HX-Target") == "registry-intake-results",
                                      **household_context(household))
    db.session.commit()  # the audit row, after rendering (see search)
    return response


@bp.route("/isi-pendaftaran", methods=["POST"])
@permission_required(can_register)
def fill_intake():
    """Fill the intake form from a registry member (the name search at the counter)."""
    nik = request.form.get("nik", "")
    household = show_household(lookup.household_of(nik), "intake filled from registry") if nik else None
    prefill = household_prefill(household, nik) if household else None
    if prefill is None:
        abort(404)
    form = prefilled_form(prefill["person"], prefill["members"])
    db.session.commit()
    return render_template("registry/_fill_intake.html", form=form)


# ---- imports (administrator) -----------------------------------------------------------------------

@bp.route("/impor")
@permission_required(can_view_imports)
@read_only
def imports():
    """Import history: every import of the user's district with its file, counts, who and when."""
    rows = db.session.scalars(select(RegistryImport).where(RegistryImport.district_code == current_district())
                              .order_by(RegistryImport.id.desc()).limit(200)).all()
    return render_template("registry/imports.html", imports=rows, ImportStatus=ImportStatus,
                           dead={row.id for row in rows if is_dead(row)})


@bp.route("/impor/unggah", methods=["GET", "POST"])
@permission_required(can_import_registry)
def upload():
    """Upload an extract; ask which column is which when the headers are not recognised."""
    form = UploadForm()
    if form.validate_on_submit():
        try:
            stored = save_upload(form.extract.data, "registry", field="extract")
        except UploadRefused as refused:
            return refusals.refuse(lambda: render_template("registry/upload.html", form=form), form, refused)
        extract_date = form.extract_date.data.isoformat() if form.extract_date.data else ""
        return _start_or_map(stored.path, stored.original_name, extract_date, {})
    if form.is_submitted():
        return refusals.refuse(lambda: render_template("registry/upload.html", form=form), form)
    return render_template("registry/upload.html", form=form)


@bp.route("/impor/petakan", methods=["POST"])
@permission_required(can_import_registry)
def map_columns():
    """Second step of the upload: the person importing says which field each unknown column is."""
    form = MappingForm()
    if not form.validate_on_submit() or not TOKEN.match(form.token.data or ""):
        abort(400)
    path = stored_path("registry", form.token.data)
    if path is None:
        flash(_("Berkas unggahan sudah tidak ada. Unggah ulang."), "error")
        return redirect(url_for("registry.upload"), code=303)
    mapping = {}
    for index, header in enumerate(read_headers(path)):
        chosen = request.form.get(f"col-{index}", "")
        if chosen in FIELDS or chosen == SKIP:
            mapping[header] = chosen
    return _start_or_map(path, form.file_name.data or path.name, form.extract_date.data or "", mapping,
                         acknowledged=form.acknowledged.data == "1")


def _extract_date(text: str) -> date:
    try:
        return date.fromisoformat(text) if text else local_today()
    except ValueError:
        return local_today()


def _start_or_map(path: Path, file_name: str, extract_date: str, mapping: dict, acknowledged: bool = False):
    """Check the file (columns, district, what to say once); start the import only when nothing is open."""
    form = MappingForm(formdata=None, token=path.name, extract_date=extract_date, file_name=file_name)
    try:
        inspection = inspect_extract(path, mapping, current_district())
    except MappingNeeded as need:
        return render_template("registry/mapping.html", form=form, need=need, fields=FIELDS, SKIP=SKIP,
                               columns=column_rows(need.headers, mapping, need), notices=[])
    except OtherDistrict as other:
        path.unlink(missing_ok=True)
        return _refused_upload(extract_date, str(other))
    except Exception:  # noqa: BLE001 - not a readable CSV/XLSX
        path.unlink(missing_ok=True)
        return _refused_upload(extract_date, _("Berkas tidak dapat dibaca sebagai CSV atau XLSX."))
    if inspection.notices and not acknowledged:
        form.acknowledged.data = "1"
        return render_template("registry/mapping.html", form=form, need=None, fields=FIELDS, SKIP=SKIP,
                               columns=column_rows(read_headers(path), mapping, None), notices=inspection.notices)
    try:
        row = start_import(file_name, current_user, _extract_date(extract_date), mapping)
        import_id = row.id
        db.session.commit()
        db.session.close()  # hold no transaction (on SQLite: no write lock) while the import starts
    except ImportBusy as busy:
        path.unlink(missing_ok=True)
        return _refused_upload(extract_date, str(busy))
    from slrt.registry.background import run_in_background
    run_in_background(current_app._get_current_object(), import_id, path, mapping)
    return redirect(url_for("registry.import_detail", import_id=import_id), code=303)


def _refused_upload(extract_date: str, message: str):
    """The upload form again (422), the extract date kept and the message next to the file: the file itself
    is gone and must be chosen again (a browser never refills a file field)."""
    form = UploadForm(formdata=None, extract_date=_extract_date(extract_date) if extract_date else None)
    return refusals.refuse(lambda: render_template("registry/upload.html", form=form), form,
                           DomainError(message, field="extract"))


@bp.route("/impor/<int:import_id>")
@permission_required(can_view_imports)
@read_only
def import_detail(import_id: int):
    """One import: its progress bar (polled while it runs) and its counts."""
    return _import_page(queries.load_import(import_id), CancelImportForm())


def _import_page(row: RegistryImport, cancel_form) -> str:
    return render_template("registry/import_detail.html", row=row, ImportStatus=ImportStatus, dead=is_dead(row),
                           cancel_form=cancel_form)


@bp.route("/impor/<int:import_id>/progres")
@permission_required(can_view_imports)
@read_only
def import_progress(import_id: int):
    """The progress bar alone, for htmx polling."""
    row = queries.load_import(import_id)
    return render_page_or_partial("registry/import_detail.html", "registry/_progress.html", row=row,
                                  ImportStatus=ImportStatus, dead=is_dead(row), cancel_form=CancelImportForm())


@bp.route("/impor/<int:import_id>/batalkan", methods=["POST"])
@permission_required(can_import_registry)
def cancel_import(import_id: int):
    """Cancel a running import: a dead one (its process is gone) or one started with the wrong file."""
    form = CancelImportForm()
    row = queries.load_import(import_id, lock=True)
    if not form.validate_on_submit():
        abort(400)
    dead, owner = is_dead(row), row.owner
    try:
        operations.cancel_import(row, current_user, importer_dead=dead)
        db.session.commit()
    except DomainError as error:
        return refusals.refuse(lambda: _import_page(queries.load_import(import_id), form), form, error)
    if dead:
        from slrt.registry import ownership
        from slrt.registry.background import purge_in_background
        ownership.discard(owner)
        purge_in_background(current_app._get_current_object(), import_id)
    flash(_("Impor no. %(id)d dibatalkan. Loket tetap memakai data DTSEN yang lama.", id=import_id), "success")
    return redirect(url_for("registry.import_detail", import_id=import_id), code=303)


REJECTED_BATCH = 5000


def _rejected_rows(import_id: int):
    """The header, then the rejected rows in line order, read a batch at a time while the file streams."""
    yield ["BARIS", "ALASAN"]
    after = (0, 0)
    while True:
        batch = db.session.execute(
            select(RejectedRow.line, RejectedRow.id, RejectedRow.reason)
            .where(RejectedRow.import_id == import_id,
                   tuple_(RejectedRow.line, RejectedRow.id) > tuple_(*after))
            .order_by(RejectedRow.line, RejectedRow.id).limit(REJECTED_BATCH)).all()
        for line, _id, reason in batch:
            yield [line, reason]
        if len(batch) < REJECTED_BATCH:
            return
        after = (batch[-1].line, batch[-1].id)


@bp.route("/impor/<int:import_id>/ditolak.csv")
@permission_required(can_view_imports)
def rejected_csv(import_id: int):
    """The rejected rows of an import (line number and reason) as CSV; the download is audited."""
    row = queries.load_import(import_id)
    return send_download(csv_lines(_rejected_rows(row.id)), filename=f"ditolak-impor-{row.id}.csv",
                         mimetype=CSV_MIME, audit="registry.rejected_export", obj=row,
                         note=f"rejected rows of import {row.id} ({row.rejected_rows})")


# ---- what an import changed ---------------------------------------------------------------------------

CHANGES_PAGE_SIZE = 50


def _done_import_or_404(import_id: int) -> RegistryImport:
    row = queries.load_import(import_id)
    if row.status != ImportStatus.DONE:
        abort(404)
    return row


def _change_filter() -> tuple[changes.ChangeFilter, list, list]:
    """The filter from the URL, each value kept only when it is one of the user's choices."""
    villages = [(code, name) for code, name in district_villages() if in_region(current_user, code)]
    kecamatan_choices = list(dict.fromkeys((code[:8], name.split(" / ")[0]) for code, name in villages))
    kecamatan = request.args.get("kecamatan", "")
    kecamatan = kecamatan if kecamatan in {c for c, _n in kecamatan_choices} else None
    desa_choices = [(code, name.split(" / ", 1)[-1]) for code, name in villages
                    if kecamatan and code.startswith(kecamatan + ".")]
    desa = request.args.get("desa", "")
    desa = desa if desa in {c for c, _n in desa_choices} else None
    return (changes.ChangeFilter(changes.valid_kind(request.args.get("jenis")), kecamatan, desa),
            kecamatan_choices, desa_choices)


@bp.route("/perubahan/<int:import_id>")
@permission_required(can_view_changes)
def changes_report(import_id: int):
    """What an import changed since the previous one, per kecamatan and desa, filterable and paged."""
    from slrt.core.pagination import page_number, paginate
    row = _done_import_or_404(import_id)
    chosen, kecamatan_choices, desa_choices = _change_filter()
    within = current_user.region_code
    page = paginate(changes.changes_query(row.id, within, chosen), page_number(), CHANGES_PAGE_SIZE,
                    *changes.ORDER)
    previous = db.session.get(RegistryImport, row.compared_with_id) if row.compared_with_id else None
    if page.rows:  # names and masked NIKs of people are shown: audited
        record("registry.changes_view", row, note=f"changes of import {row.id}, page {page.page}, "
                                                  f"{len(page.rows)} of {page.total}")
    areas = changes.per_region(row.id, within, chosen)
    shown_codes = [code for code, _counts in areas] + [code for c in page.rows for code in
                                                      (c.region_code, c.before_value, c.after_value)]
    response = render_page_or_partial(
        "registry/changes.html", "registry/_change_results.html", row=row, previous=previous, chosen=chosen,
        summary=changes.summary(row.id, within), areas=areas, place_names=place_names(shown_codes),
        kecamatan_choices=kecamatan_choices, desa_choices=desa_choices, kinds=changes.CHANGE_KINDS,
        changes=page.rows, page=page.page, pages=page.pages, total=page.total)
    db.session.commit()  # the audit row, after rendering
    return response


@bp.route("/perubahan/<int:import_id>/unduh.xlsx")
@permission_required(can_view_changes)
def changes_xlsx(import_id: int):
    """The changes as the page filters them, as XLSX for follow-up: full NIKs, so audited and not cached."""
    from slrt.reports.tables import XLSX_MIME, Column, Table, to_xlsx
    from slrt.core.labels import LABELS
    row = _done_import_or_404(import_id)
    chosen, _k, _d = _change_filter()
    items = db.session.scalars(changes.changes_query(row.id, current_user.region_code, chosen)
                               .order_by(*changes.ORDER)).all()
    names = place_names({code for item in items for code in (item.region_code, item.region_code[:8],
                                                             item.before_value, item.after_value)})

    def place(code):
        return names.get(code, code)

    def shown(item, value):
        if item.kind == changes.ChangeKind.MOVED and value:
            return f"{place(value)} ({value})"
        return value or ""
    table = Table(_("Perubahan DTSEN"), [
        Column(_("Perubahan"), width=24), Column(_("NIK"), width=18), Column(_("Nama"), width=28),
        Column(_("No. KK"), width=18), Column(_("Kecamatan"), width=18), Column(_("Desa/kelurahan"), width=20),
        Column(_("Kode wilayah"), width=14), Column(_("Sebelum"), width=20), Column(_("Sesudah"), width=20)],
        [[LABELS.label("ChangeKind", item.kind), item.nik, item.name, item.kk_number, place(item.region_code[:8]),
          place(item.region_code), item.region_code, shown(item, item.before_value), shown(item, item.after_value)]
         for item in items], sheet=_("Perubahan"))
    return send_download(to_xlsx([table]), filename=f"perubahan-dtsen-impor-{row.id}.xlsx", mimetype=XLSX_MIME,
                         audit="registry.changes_export", obj=row,
                         note=f"changes of import {row.id} ({len(items)} rows) {chosen.args()}")


# ---- proposals (usulan and sanggah) ------------------------------------------------------------------

@bp.route("/usulan")
@permission_required(can_list_proposals)
@read_only
def proposals():
    """Registry proposals in the user's region, newest first."""
    from slrt.regions.models import region_prefix_match
    status = request.args.get("status", "")
    query = select(Proposal).where(region_prefix_match(Proposal.region_code, current_user.region_code))
    if status in set(ProposalStatus):
        query = query.where(Proposal.status == status)
    rows = db.session.scalars(query.order_by(Proposal.id.desc()).limit(300)).all()
    return render_page_or_partial("registry/proposals.html", "registry/_proposal_rows.html", proposals=rows,
                                  status=status)


@bp.route("/usulan/baru", methods=["GET", "POST"])
@permission_required(can_propose)
@submissions.once
def new_proposal():
    """Propose a household for the registry (usulan) or a correction of its entry (sanggah)."""
    form = ProposalForm()
    form.desa.choices = [("", _("— pilih desa/kelurahan —"))] + [
        (code, name) for code, name in district_villages() if in_region(current_user, code)]
    if request.method == "GET":
        form.kind.data = request.args.get("jenis") if request.args.get("jenis") in set(ProposalKind) else None
        if request.args.get("perubahan"):
            _prefill_from_change(form, request.args["perubahan"])
    if request.method == "POST" and request.form.get("prefill"):
        return render_template("registry/proposal_form.html", form=_prefilled_proposal_form(form))
    if form.validate_on_submit():
        nik = check_nik(form.nik.data, region_index)
        kk = check_kk(form.kk_number.data or "", region_index)
        valid_desa = form.desa.data in {c for c, _n in form.desa.choices if c}
        if not nik.valid:
            form.nik.errors.append(nik.errors[0])
        elif not kk.valid:
            form.kk_number.errors.append(kk.errors[0])
        elif not valid_desa:
            form.desa.errors.append(_("Pilih desa/kelurahan di wilayah Anda."))
        else:
            repeat = submissions.claim_once()
            if repeat is not None:
                return repeat
            try:
                proposal = operations.create_proposal(operations.ProposalData(
                    kind=form.kind.data, nik=nik.nik, kk_number=kk.nik, name=form.name.data,
                    address=form.address.data or "", rt=form.rt.data or "", rw=form.rw.data or "",
                    region_code=form.desa.data, reason=form.reason.data or "", programme=form.programme.data or "",
                    case_id=int(form.case_id.data) if (form.case_id.data or "").isdigit() else None), current_user)
                result = url_for("registry.proposal", proposal_id=proposal.id)
                submissions.result_at(result)
                db.session.commit()
                flash(_("Usulan tersimpan. Lanjutkan dengan data sosial ekonomi keluarga dan kunjungan rumah."),
                      "success")
                return redirect(result, code=303)
            except DomainError as error:
                return refusals.refuse(lambda: render_template("registry/proposal_form.html", form=form), form, error)
    if form.errors:  # the form's checks, or the NIK, No. KK or desa refused above
        return refusals.refuse(lambda: render_template("registry/proposal_form.html", form=form))
    return render_template("registry/proposal_form.html", form=form)


def _prefill_from_change(form: ProposalForm, change_id: str) -> None:
    """A sanggah or reactivation started from a flag at the counter: the change is named by its id, so
    no NIK travels in the URL; the person must lie in the user's area (else 404, as for an unknown one)."""
    from slrt.registry.models import ChangeKind, RegistryChange
    from slrt.registry.permissions import can_see_household
    from slrt.registry.views_support import proposal_form_from_change
    change = db.session.get(RegistryChange, int(change_id)) if change_id.isdigit() and len(change_id) < 10 else None
    if change is None or not (change.kind == ChangeKind.LEFT or change.kind.startswith("lost_")) \
            or not can_see_household(current_user, change.region_code):
        abort(404)
    proposal_form_from_change(form, change, lookup.household_of(change.nik))
    record("registry.view", change, note=f"proposal prefilled from registry change {change.id} ({change.kind})")
    db.session.commit()


def _prefilled_proposal_form(form: ProposalForm) -> ProposalForm:
    """Start a proposal from a household shown at the counter (its data posted, never in the URL)."""
    filled = ProposalForm(formdata=None)
    filled.desa.choices = form.desa.choices
    filled.kind.data = request.form.get("kind") if request.form.get("kind") in set(ProposalKind) else None
    for name in ("nik", "kk_number", "name", "address", "rt", "rw", "desa", "case_id"):
        getattr(filled, name).data = request.form.get(name, "")
    return filled


@bp.route("/usulan/<int:proposal_id>")
@permission_required(can_list_proposals)
def proposal(proposal_id: int):
    """One proposal: its steps and the action the user may take next (the view of the person is audited)."""
    return proposal_page(queries.load_proposal(proposal_id))


def proposal_page(item: Proposal, *, visit_form=None, decision_form=None) -> str:
    """The proposal's page (audited), with blank step forms or a refused one as typed."""
    record("proposal.view", item, person_id=operations.person_id_of(item), note=f"proposal {item.id}")
    page = render_template("registry/proposal.html", proposal=item, visit_form=visit_form or VisitForm(formdata=None),
                           decision_form=decision_form or DecisionForm(formdata=None),
                           meeting_items=queries.meeting_items_of(item),
                           panels=panels.build("proposal", item, current_user))
    db.session.commit()  # after rendering, so the loaded proposal is not expired and reread
    return page


@bp.route("/usulan/<int:proposal_id>/kunjungan", methods=["POST"])
@permission_required(can_list_proposals)
@submissions.once
def verify(proposal_id: int):
    """Record the home-visit verification."""
    item = queries.load_proposal(proposal_id, lock=True)
    require(can_verify_proposal, item)
    form = VisitForm()
    return _act(item, form, "visit_form", lambda: operations.record_visit(item, form.visit_date.data, form.notes.data, current_user),
                _("Hasil kunjungan rumah tersimpan."))


@bp.route("/usulan/<int:proposal_id>/putuskan", methods=["POST"])
@permission_required(can_list_proposals)
@submissions.once
def decide(proposal_id: int):
    """The district approves or rejects the proposal."""
    item = queries.load_proposal(proposal_id, lock=True)
    require(can_decide_proposal, item)
    form = DecisionForm()
    return _act(item, form, "decision_form", lambda: operations.decide(item, form.decision.data == "approve", form.note.data or "",
                                                      current_user), _("Keputusan tersimpan."))


def _act(item: Proposal, form, form_name: str, action, message: str):
    """Carry out one step of a proposal; refused (a step out of order, a minutes file that is not a PDF or an
    image, a rejection without a reason), the proposal's page again with the form as typed and the message."""
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            action()
        except DomainError as error:  # UploadRefused is one
            return _refused_step(item.id, form, form_name, error)
        result = url_for("registry.proposal", proposal_id=item.id)
        submissions.result_at(result)
        db.session.commit()
        flash(message, "success")
        return redirect(result, code=303)
    return _refused_step(item.id, form, form_name, None)


def _refused_step(proposal_id: int, form, form_name: str, error: DomainError | None):
    return refusals.refuse(lambda: proposal_page(queries.load_proposal(proposal_id), **{form_name: form}), form, error)


@bp.route("/usulan/<int:proposal_id>/notulen")
@permission_required(can_list_proposals)
def minutes(proposal_id: int):
    """Download the minutes of the village meeting (audited, kept by no cache)."""
    item = queries.load_proposal(proposal_id)
    path = operations.minutes_path(item)
    if path is None:
        abort(404)
    return send_download(path, filename=item.minutes_name or path.name, mimetype=MIME_TYPES[path.suffix[1:]],
                         audit="proposal.minutes", obj=item, person_id=operations.person_id_of(item),
                         note=f"minutes of proposal {item.id}")

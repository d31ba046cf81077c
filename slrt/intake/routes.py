import time

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin.models import ComplaintCategory, DocumentType, Programme
from slrt.auth.permissions import permission_required
from slrt.intake.permissions import can_register
from slrt.cases.models import Case
from slrt.core.htmx import render_fragment_or_redirect
from slrt.core.nik import check_nik
from slrt.extensions import db
from slrt.intake import bp, operations
from slrt.intake.forms import IntakeForm, IntakeValidation, MemberForm, ComplaintForm
from slrt.regions import operations as regions
from slrt.regions.models import Region


def _lists():
    categories = db.session.scalars(select(ComplaintCategory).where(ComplaintCategory.active.is_(True))
                                    .order_by(ComplaintCategory.sort_order)).all()
    programmes = db.session.scalars(select(Programme).where(Programme.active.is_(True))
                                    .order_by(Programme.sort_order)).all()
    documents = db.session.scalars(select(DocumentType).where(DocumentType.active.is_(True))
                                   .order_by(DocumentType.sort_order)).all()
    return categories, programmes, documents


def _fill_choices(form: IntakeForm, categories, programmes, documents) -> None:
    district = current_app.config["SLRT_REGION_CODE"]
    form.kecamatan.choices = [("", _("— pilih kecamatan —"))] + [
        (r.code, r.name) for r in regions.children(district)]
    villages = regions.children(form.kecamatan.data) if form.kecamatan.data else []
    form.desa.choices = [("", _("— pilih desa/kelurahan —"))] + [(r.code, r.name) for r in villages]
    category_choices = [("", _("— pilih kategori —"))] + [(c.id, c.name) for c in categories]
    for row in form.complaints:
        row.form.category.choices = category_choices
    form.needs.choices = [(p.id, p.name) for p in programmes]
    form.documents.choices = [(d.code, d.name) for d in documents]


def _village_parent(code: str):
    region = db.session.get(Region, code)
    return region.parent_code if region is not None and region.level == 4 else None


def _default_office_place(form: IntakeForm) -> None:
    """A Puskesos operator or facilitator registers mostly people of their own village/kecamatan."""
    code = current_user.region_code
    if not form.kecamatan.data and code.count(".") >= 2:
        form.kecamatan.data = code[:8]
    if not form.desa.data and code.count(".") == 3:
        form.desa.data = code


@bp.route("/baru", methods=["GET", "POST"])
@permission_required(can_register)
def new():
    """Pendaftaran Baru: register a visit and give the citizen a ticket."""
    form = IntakeForm()
    categories, programmes, documents = _lists()
    if request.method == "GET":
        form.channel.data = _default_channel()
        _default_office_place(form)
    _fill_choices(form, categories, programmes, documents)
    validation = IntakeValidation(
        form, district_code=current_app.config["SLRT_REGION_CODE"], regions=regions.region_index,
        category_ids={c.id for c in categories}, programme_ids={p.id for p in programmes},
        document_codes={d.code for d in documents}, village_parent=_village_parent)
    if request.method == "POST":
        if validation.run() and (not validation.warnings or form.confirm_warnings.data):
            case = operations.register_visit(_visit_data(form, validation), current_user)
            db.session.commit()
            flash(_("Pendaftaran tersimpan. Nomor tiket: %(ticket)s", ticket=case.ticket), "success")
            return redirect(url_for("cases.receipt", case_id=case.id), code=303)
        if not validation.warnings:
            flash(_("Periksa kembali isian yang ditandai."), "error")
    earlier = _earlier_cases(form.nik.data) if request.method == "POST" else []
    return render_template("intake/new.html", form=form, warnings=validation.warnings, earlier=earlier)


def _default_channel() -> str:
    from slrt.auth.models import Role
    return {Role.PUSKESOS_OPERATOR: "puskesos", Role.FACILITATOR: "home_visit"}.get(current_user.role, "counter")


def _visit_data(form: IntakeForm, validation: IntakeValidation) -> operations.VisitData:
    members = [operations.MemberData(name=m.name.data.strip(), relation=m.relation.data,
                                     nik=m.nik.data or "", birth_date=m.birth_date.data, sex=m.sex.data or "")
               for m in validation.member_rows()]
    return operations.VisitData(
        nik=form.nik.data, name=form.name.data, birth_place=form.birth_place.data or "",
        birth_date=form.birth_date.data, sex=form.sex.data, phone=form.phone.data or "",
        kk_number=form.kk_number.data or "", address=form.address.data or "", rt=form.rt.data or "",
        rw=form.rw.data or "", region_code=form.desa.data, channel=form.channel.data,
        visit_type=form.visit_type.data,
        complaints=[(c.category.data, c.description.data) for c in validation.complaint_rows()],
        members=members, needs=form.needs.data or [], documents=form.documents.data or [],
        note=form.note.data or "")


def _earlier_cases(nik: str | None):
    if not nik or len(nik) != 16:
        return []
    from slrt.cases.scoping import visible_cases
    from slrt.intake.models import Person
    return db.session.scalars(visible_cases(current_user).join(Person, Case.person_id == Person.id)
                              .where(Person.nik == nik).order_by(Case.created_at.desc()).limit(10)).all()


@bp.route("/cek-nik", methods=["POST"])
@permission_required(can_register)
def check_nik_widget():
    """The NIK widget: validate as soon as 16 digits are typed; fill in a person known from earlier visits."""
    typed = request.form.get("nik", "")
    digits = "".join(ch for ch in typed if ch.isdigit())
    show = len(digits) >= 16 or any(ch.isalpha() for ch in typed) or "+" in typed
    check = check_nik(typed, regions.region_index) if show else None
    person, earlier = None, []
    if check is not None and check.valid:
        person = operations.find_person(check.nik)
        if person is not None:
            earlier = _earlier_cases(check.nik)
            from slrt.audit.operations import record
            record("person.view", person, person_id=person.id, note="intake NIK check")
            db.session.commit()
    form = None
    if person is not None:
        form = IntakeForm(formdata=None, obj=None)
        form.nik.data = person.nik
        form.name.data, form.birth_place.data, form.birth_date.data = person.name, person.birth_place, person.birth_date
        form.sex.data, form.phone.data, form.kk_number.data = person.sex, person.phone, person.kk_number
        form.address.data, form.rt.data, form.rw.data = person.address, person.rt, person.rw
        form.kecamatan.data, form.desa.data = person.region_code[:8], person.region_code
        for member in person.members:
            form.members.append_entry({"nik": member.nik, "name": member.name, "relation": member.relation,
                                       "birth_date": member.birth_date, "sex": member.sex})
        categories, programmes, documents = _lists()
        _fill_choices(form, categories, programmes, documents)
    from slrt.registry.views_support import intake_context
    registry = intake_context(check, person)
    if registry:
        db.session.commit()  # the audit row of the registry lookup
    return render_fragment_or_redirect("intake/_nik_check.html", url_for("intake.new"), check=check, person=person,
                                       earlier=earlier, form=form, **registry)


@bp.route("/baris-anggota")
@permission_required(can_register)
def member_row():
    """One empty household-member row for the htmx "add member" button."""
    return _new_row("members", MemberForm, "intake/_member_row.html")


@bp.route("/baris-keluhan")
@permission_required(can_register)
def complaint_row():
    """One empty complaint row for the htmx "add complaint" button."""
    return _new_row("complaints", ComplaintForm, "intake/_complaint_row.html")


def _new_row(list_name: str, row_form, template: str):
    # Indices only need to increase: FieldList orders rows by index and tolerates gaps left by removals.
    index = time.time_ns() // 1000 % 10**12  # microseconds: two quick clicks still get two rows
    form = IntakeForm(formdata=None)
    getattr(form, list_name).append_entry()
    entry = getattr(form, list_name)[-1]
    entry.name = entry.id = f"{list_name}-{index}"
    for sub in entry.form:
        sub.name = sub.id = f"{list_name}-{index}-{sub.short_name}"
    if list_name == "complaints":
        categories, _unused, _unused2 = _lists()
        entry.form.category.choices = [("", _("— pilih kategori —"))] + [(c.id, c.name) for c in categories]
    return render_fragment_or_redirect(template, url_for("intake.new"), row=entry)

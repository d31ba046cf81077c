import time
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.auth.permissions import permission_required, require
from slrt.cases.permissions import can_list_cases
from slrt.cases.models import Case
from slrt.cases.queries import load_case
from slrt.core import panels, refusals
from slrt.core.errors import DomainError
from slrt.core.htmx import render_fragment_or_redirect
from slrt.core.nik import check_nik
from slrt.handling import operations as handling
from slrt.extensions import db
from slrt.intake import operations, queries
from slrt.intake.forms import ComplaintForm, IdentityReviewForm, IntakeForm, IntakeValidation, MemberForm, prefilled_form
from slrt.intake.permissions import can_register, can_review_identity
from slrt.intake.queries import choice_lists
from slrt.regions import operations as regions
from slrt.submissions import views as submissions
from slrt.regions.districts import current_district

bp = Blueprint("intake", __name__, url_prefix="/pendaftaran")


@dataclass(frozen=True)
class NikCheckSubject:
    """What the NIK widget's panels are built for: the check of the typed NIK, the person of the user's area
    known by it (or None), and whether the user's lookups are throttled."""
    check: object
    person: object
    throttled: bool


def _default_office_place(form: IntakeForm) -> None:
    """A Puskesos operator or facilitator registers mostly people of their own village/kecamatan."""
    code = current_user.region_code
    if not form.kecamatan.data and code.count(".") >= 2:
        form.kecamatan.data = code[:8]
    if not form.desa.data and code.count(".") == 3:
        form.desa.data = code


@bp.route("/baru", methods=["GET", "POST"])
@permission_required(can_register)
@submissions.once
def new():
    """Pendaftaran Baru: register a visit and give the citizen a ticket."""
    form = IntakeForm()
    categories, programmes, documents = choice_lists()
    if request.method == "GET":
        form.channel.data = _default_channel()
        _default_office_place(form)
        _prefill(form)
    form.fill_choices(categories, programmes, documents)
    validation = IntakeValidation(
        form, district_code=current_district(), regions=regions.region_index,
        category_ids={c.id for c in categories}, programme_ids={p.id for p in programmes},
        document_codes={d.code for d in documents}, village_parent=queries.village_parent)
    if request.method == "POST":
        valid = validation.run()
        elsewhere = queries.outside_village_warning(current_user, form.desa.data) if valid else None
        if elsewhere:
            validation.warnings.append(elsewhere)
        if valid and (not validation.warnings or form.confirm_warnings.data):
            saved = _save_visit(form, validation)
            if saved is not None:
                return saved
        elif not validation.warnings:
            flash(_("Periksa kembali isian yang ditandai."), "error")
    earlier, open_cases = [], []
    if request.method == "POST":
        earlier = _earlier_cases(form.nik.data)
        open_cases = queries.open_cases_of(_person_of(form.nik.data), current_user)
    return render_template("intake/new.html", form=form, warnings=validation.warnings, earlier=earlier,
                           open_cases=open_cases,
                           panels=panels.build("intake", None, current_user),
                           notices=panels.build("notice", None, current_user),
                           # After a refused submit the NIK check stays in place ("NIK sah", born on, warnings):
                           # the clerk should not have to retype the NIK to see it again. Only the check itself:
                           # the person was looked up (and audited) by the widget already.
                           nik_check=validation.nik_check if request.method == "POST" else None)


def _prefill(form: IntakeForm) -> None:
    """Values another feature starts the form with (the phone of a WhatsApp conversation)."""
    from slrt.core.hooks import intake_prefill
    for _receiver, values in intake_prefill.send(current_user._get_current_object(), args=request.args):
        for name, value in (values or {}).items():
            if name in ("phone", "contact_channel"):
                getattr(form, name).data = value


def _person_of(nik: str | None):
    return operations.find_person(nik) if nik and len(nik) == 16 and nik.isdigit() else None


def _save_visit(form: IntakeForm, validation: IntakeValidation):
    """A new case, or (for a returning citizen with an open case) the complaints added to the case the clerk
    chose: the receipt to print, or None with the refusal next to its field."""
    # The form id is claimed first: a double click or a retried post shows the first ticket. Claimed after the
    # open-case check, a second post racing the first would find the first post's new case open and be refused.
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    open_cases = queries.open_cases_of(_person_of(form.nik.data), current_user)
    chosen = form.open_case.data or ""
    target = next((c for c in open_cases if str(c.id) == chosen), None)
    if open_cases and target is None and chosen != "new":
        db.session.rollback()  # the form id too: the clerk's choice is sent with the same form
        form.open_case.errors = list(form.open_case.errors) + [
            _("Warga ini masih punya kasus terbuka. Pilih kasus untuk keluhan ini, atau buka kasus baru dengan "
              "alasan.")]
        return None
    data = validation.visit_data(form.new_case_reason.data or "")
    try:
        if target is not None:
            case = load_case(target.id, lock=True)
            handling.add_complaints(case, current_user, data.complaints, needs=data.needs,
                                    documents=data.documents, note=data.note)
            message = _("Keluhan ditambahkan ke kasus %(ticket)s. Cetak ulang tanda terimanya.", ticket=case.ticket)
        else:
            case = operations.register_visit(data, current_user)
            message = _("Pendaftaran tersimpan. Nomor tiket: %(ticket)s", ticket=case.ticket)
    except DomainError as error:
        db.session.rollback()  # the one-time form id too: the corrected form can be sent
        if error.field and getattr(form, error.field, None) is not None:
            refusals.put_on_form(form, error)
        else:
            flash(error.message, "error")
        return None
    receipt = url_for("cases.receipt", case_id=case.id)
    submissions.result_at(receipt)
    db.session.commit()
    flash(message, "success")
    return redirect(receipt, code=303)


def _default_channel() -> str:
    from slrt.auth.models import Role
    return {Role.PUSKESOS_OPERATOR: "puskesos", Role.FACILITATOR: "home_visit"}.get(current_user.role, "counter")


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
    """The NIK widget: validate as soon as 16 digits are typed; fill in a person of the user's area known
    from earlier visits (throttled per user, audited)."""
    typed = request.form.get("nik", "")
    digits = "".join(ch for ch in typed if ch.isdigit())
    show = len(digits) >= 16 or any(ch.isalpha() for ch in typed) or "+" in typed
    check = check_nik(typed, regions.region_index) if show else None
    person, earlier, nik = None, [], queries.NikLookup(None)
    open_cases, objections = [], []
    if check is not None and check.valid:
        nik = queries.person_for_nik_check(check.nik, current_user)
        person = nik.person
        if not nik.throttled:
            earlier = _earlier_cases(check.nik)
            open_cases = queries.open_cases_of(person, current_user)
            objections = _objection_window(person)
    form = None
    if person is not None:
        form = prefilled_form(
            {"nik": person.nik, "name": person.name, "birth_place": person.birth_place,
             "birth_date": person.birth_date, "sex": person.sex, "phone": person.phone,
             "kk_number": person.kk_number, "address": person.address, "rt": person.rt, "rw": person.rw,
             "region_code": person.region_code},
            [{"nik": m.nik, "name": m.name, "relation": m.relation, "birth_date": m.birth_date, "sex": m.sex}
             for m in person.members])
    ready = panels.build("nik_check", NikCheckSubject(check, person, nik.throttled), current_user)
    for panel in ready:  # a panel may offer to fill the form (the registry, for a person new to the portal)
        prefill = panel.context.pop("registry_prefill", None)
        if prefill is not None:
            panel.context["registry_form"] = prefilled_form(prefill["person"], prefill["members"])
    village = queries.outside_village(current_user, person.region_code) if person is not None else None
    response = render_fragment_or_redirect("intake/_nik_check.html", url_for("intake.new"), check=check,
                                           person=person, elsewhere=nik.elsewhere, throttled=nik.throttled,
                                           earlier=earlier, form=form, open_cases=open_cases,
                                           objections=objections, panels=ready, outside_village=village,
                                           nik_kecamatan=queries.nik_kecamatan_elsewhere(current_user, check))
    db.session.commit()  # the audit rows of the check and the registry lookup, after rendering
    return response


def _objection_window(person) -> list:
    """(case, last day) of the person's closed cases whose objection window is still open, for the counter."""
    from slrt.core.time import local_today
    today = local_today()
    return [(case, deadline) for case in queries.recently_closed_cases_of(person, current_user)
            if (deadline := handling.objection_deadline(case)) is not None and today <= deadline]


@bp.route("/baris-anggota")
@permission_required(can_register)
def member_row():
    """One empty household-member row for the htmx "add member" button."""
    return _new_row("members", "intake/_member_row.html")


@bp.route("/baris-keluhan")
@permission_required(can_register)
def complaint_row():
    """One empty complaint row for the htmx "add complaint" button."""
    return _new_row("complaints", "intake/_complaint_row.html")


def _new_row(list_name: str, template: str):
    # Indices only need to increase: FieldList orders rows by index and tolerates gaps left by removals.
    index = time.time_ns() // 1000 % 10**12  # microseconds: two quick clicks still get two rows
    form = IntakeForm(formdata=None)
    getattr(form, list_name).append_entry()
    entry = getattr(form, list_name)[-1]
    entry.name = entry.id = f"{list_name}-{index}"
    for sub in entry.form:
        sub.name = sub.id = f"{list_name}-{index}-{sub.short_name}"
    if list_name == "complaints":
        categories, _unused, _unused2 = choice_lists()
        entry.form.category.choices = [("", _("— pilih kategori —"))] + [(c.id, c.name) for c in categories]
    return render_fragment_or_redirect(template, url_for("intake.new"), row=entry)


@bp.route("/identitas/<int:case_id>", methods=["POST"])
@permission_required(can_list_cases)
def review_identity(case_id: int):
    """The back office accepts (with a reason, old values kept) or dismisses an identity given at a visit."""
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    require(can_review_identity, case)
    identity = queries.load_visit_identity(case.id, lock=True)
    form = IdentityReviewForm()
    if form.validate_on_submit() and (form.accept.data or form.dismiss.data):
        try:
            if form.accept.data:
                operations.accept_identity(identity, form.reason.data, current_user)
                message = _("Data warga diperbarui sesuai kunjungan %(ticket)s. Data lama tetap tersimpan.",
                            ticket=case.ticket)
            else:
                operations.dismiss_identity(identity, form.reason.data, current_user)
                message = _("Data warga tetap seperti tersimpan; isian kunjungan %(ticket)s tetap dicatat pada "
                            "kasus ini.", ticket=case.ticket)
        except DomainError as error:
            return _refused_review(case.id, form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("cases.detail", case_id=case.id), code=303)
    return _refused_review(case.id, form, None)


def _refused_review(case_id: int, form: IdentityReviewForm, error: DomainError | None):
    """A refused decision shows the case page again, with what was typed and the message next to it."""
    from slrt.cases.queries import load_case_page
    from slrt.cases.routes import case_page
    return refusals.refuse(lambda: case_page(load_case_page(case_id), given={"identity": {"form": form}}),
                           form, error)

"""The household's socio-economic data of a proposal (Regsosek 2022 variables): entered once per family card,
shown again and updated by every later proposal of the same household."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.audit.operations import record
from slrt.auth.permissions import permission_required
from slrt.core.errors import DomainError
from slrt.core.nik import check_kk
from slrt.extensions import db
from slrt.regions.operations import region_index
from slrt.registry import lookup, operations, queries
from slrt.registry import regsosek as rs
from slrt.registry.forms import SurveyForm
from slrt.registry.permissions import can_edit_survey, can_list_proposals
from slrt.registry.routes import bp
from slrt.submissions import views as submissions

MEMBER_NAMES = ("name", "nik", "birth_place", "birth_date", "sex", "relation", "schooling", "diploma", "working",
                "industry", "job_status", "disability", "chronic_illness")


def _filled_form(proposal) -> SurveyForm:
    """The household's data as kept, or the usual answers and the members the registry extract knows."""
    form = SurveyForm(formdata=None)
    form.members.pop_entry()
    survey = proposal.survey
    form.kk_number.data = proposal.kk_number
    if survey is not None:
        for name in rs.HOUSE_FIELDS:
            getattr(form, name).data = getattr(survey, name)
        form.floor_area.data, form.land_area.data = survey.floor_area, survey.land_area
        form.other_house.data, form.assets.data = "1" if survey.other_house else "0", survey.asset_codes()
        for m in survey.members:
            form.members.append_entry({name: getattr(m, name) for name in MEMBER_NAMES} |
                                      {"working": "1" if m.working else "0"})
    else:
        for name, value in rs.HOUSE_DEFAULTS.items():
            getattr(form, name).data = value
        form.land_area.data, form.other_house.data = 0, "0"
        household = lookup.household_by_kk(proposal.kk_number, _proposal_imports(proposal)) \
            if proposal.kk_number else None
        known = household.members if household else []
        for person in sorted(known, key=lambda p: (p.relation, p.birth_date or p.id)):
            form.members.append_entry(rs.MEMBER_DEFAULTS | {
                "name": person.name, "nik": person.nik, "birth_place": person.birth_place,
                "birth_date": person.birth_date, "sex": person.sex, "relation": str(person.relation),
                "working": "0", "disability": "1" if person.disability else "0"})
        if not known:
            form.members.append_entry(rs.MEMBER_DEFAULTS | {"name": proposal.name, "nik": proposal.nik,
                                                            "relation": "1", "working": "1"})
    form.members.append_entry(rs.MEMBER_DEFAULTS | {"working": "0"})  # a blank row for one more member
    return form


def _proposal_imports(proposal):
    """The registry extract of the proposal's district: another district's household data is never shown."""
    from slrt.regions.districts import district_of_code
    return lookup.district_imports(district_of_code(proposal.region_code))


def _data(form: SurveyForm) -> operations.SurveyData:
    members = [operations.MemberData(
        name=" ".join(e.form.name.data.split()), nik=(e.form.nik.data or "").strip(),
        birth_place=(e.form.birth_place.data or "").strip(), birth_date=e.form.birth_date.data,
        sex=e.form.sex.data, relation=e.form.relation.data, schooling=e.form.schooling.data or "0",
        diploma=e.form.diploma.data or "0", working=e.form.working.data == "1",
        industry=e.form.industry.data if e.form.working.data == "1" else "",
        job_status=e.form.job_status.data if e.form.working.data == "1" else "",
        disability=e.form.disability.data or "0", chronic_illness=e.form.chronic_illness.data or "0")
        for e in form.members if (e.form.name.data or "").strip()]
    return operations.SurveyData(
        ownership=form.ownership.data, floor_area=form.floor_area.data, floor=form.floor.data, wall=form.wall.data,
        roof=form.roof.data, water=form.water.data, lighting=form.lighting.data,
        cooking_fuel=form.cooking_fuel.data, toilet=form.toilet.data,
        sewage="" if form.toilet.data == "6" else form.sewage.data, assets=list(form.assets.data or []),
        land_area=form.land_area.data or 0, other_house=form.other_house.data == "1", members=members)


@bp.route("/usulan/<int:proposal_id>/sosial-ekonomi", methods=["GET", "POST"])
@permission_required(can_list_proposals)
@submissions.once
def survey(proposal_id: int):
    """Enter or update the household's living conditions and members for a proposal."""
    proposal = queries.load_proposal(proposal_id, lock=request.method == "POST", permission=can_edit_survey)
    if request.method == "GET":
        form = _filled_form(proposal)
        record("survey.view", proposal.survey or proposal, person_id=operations.person_id_of(proposal),
               note=f"household data form of proposal {proposal.id}")
        page = render_template("registry/survey.html", proposal=proposal, form=form)
        db.session.commit()
        return page
    form = SurveyForm()
    if request.form.get("add_member"):  # one more row, nothing saved
        form.members.append_entry(rs.MEMBER_DEFAULTS | {"working": "0"})
        return render_template("registry/survey.html", proposal=proposal, form=form)
    valid = form.validate_on_submit()
    kk = check_kk(form.kk_number.data or proposal.kk_number, region_index)
    if not kk.valid or not kk.nik:
        form.kk_number.errors.append(kk.errors[0] if kk.errors else _("No. KK wajib diisi."))
        valid = False
    if valid:
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            operations.save_survey(proposal, kk.nik, _data(form), current_user)
            result = url_for("registry.proposal", proposal_id=proposal.id)
            submissions.result_at(result)
            db.session.commit()
            flash(_("Data sosial ekonomi keluarga tersimpan."), "success")
            return redirect(result, code=303)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
    return render_template("registry/survey.html", proposal=proposal, form=form), 422

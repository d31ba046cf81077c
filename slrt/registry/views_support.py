"""Helpers shared by the registry views and the intake include points (no routes here)."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from slrt.audit.operations import record
from slrt.core.nik import mask_nik
from slrt.registry import lookup
from slrt.registry.permissions import can_see_household
from slrt.registry.suggestions import profile_from_household, profile_not_registered, suggest


def show_household(household, how: str):
    """The household if the user may see it (audited), else None. `how`: what the search was."""
    if household is None or not can_see_household(current_user, household.region_code):
        return None
    head = household.head
    record("registry.view", head, note=f"{how}; KK {mask_nik(household.kk_number)}, "
                                       f"{len(household.members)} anggota")
    return household


def household_context(household) -> dict:
    profile = profile_from_household(household) if household else profile_not_registered()
    return {"household": household, "suggestions": suggest(profile), "latest_import": lookup.latest_import()}


def intake_context(check, person) -> dict:
    """For the intake NIK widget: the registry household of a valid NIK, its suggestions, and a form
    filled from the registry when the person is not yet known to the portal."""
    if check is None or not check.valid:
        return {}
    found = lookup.household_of(check.nik)
    household = show_household(found, "intake NIK check")
    context = household_context(household)
    context["registry_checked"] = True
    # A household outside the user's area answers as an unknown NIK: "registered elsewhere" would tell
    # anyone who types a NIK that this family is poor.
    if household is not None and person is None:
        context["registry_form"] = intake_form_from_registry(household, check.nik)
    return {"registry_" + k if not k.startswith("registry_") else k: v for k, v in context.items()}


def intake_form_from_registry(household, nik: str):
    from slrt.intake.forms import IntakeForm
    from slrt.intake.routes import _fill_choices, _lists
    me = next((m for m in household.members if m.nik == nik), None)
    if me is None:
        return None
    form = IntakeForm(formdata=None)
    form.nik.data, form.name.data, form.birth_place.data = me.nik, me.name, me.birth_place.title()
    form.birth_date.data, form.sex.data, form.kk_number.data = me.birth_date, me.sex, household.kk_number
    form.address.data, form.rt.data, form.rw.data = household.address, household.rt, household.rw
    form.kecamatan.data, form.desa.data = household.region_code[:8], household.region_code
    for member in household.members:
        if member.nik != nik:
            form.members.append_entry({"nik": member.nik, "name": member.name, "relation": member.relation,
                                       "birth_date": member.birth_date, "sex": member.sex})
    _fill_choices(form, *_lists())
    return form


def district_villages():
    """(code, "Kecamatan / Desa") of the district's active villages, in one query."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from slrt.extensions import db
    from slrt.regions.models import Region, RegionLevel, region_prefix_match
    kecamatan = aliased(Region)
    rows = db.session.execute(
        select(Region.code, Region.name, kecamatan.name).join(kecamatan, kecamatan.code == Region.parent_code)
        .where(region_prefix_match(Region.code, current_app.config["SLRT_REGION_CODE"]),
               Region.level == RegionLevel.VILLAGE, Region.active.is_(True), kecamatan.active.is_(True))
        .order_by(kecamatan.name, Region.name)).all()
    return [(code, f"{kec} / {name}") for code, name, kec in rows]


def case_registry_panel(case) -> dict:
    """For the case page: the registry household of the case's person and its suggestions (audited)."""
    if case is None or case.person is None:
        return {}
    household = show_household(lookup.household_of(case.person.nik), "case page")
    return household_context(household)

"""Helpers shared by the registry views and the intake NIK widget (no routes here): plain data, no forms."""
from __future__ import annotations

from flask_login import current_user

from slrt.audit.operations import record
from slrt.core.nik import mask_nik
from slrt.registry import lookup
from slrt.registry.permissions import can_see_household
from slrt.registry.suggestions import profile_from_household, profile_not_registered, suggest
from slrt.regions.districts import current_district


def show_household(household, how: str):
    """The household if the user may see it (audited), else None. `how`: what the search was."""
    if household is None or not can_see_household(current_user, household.region_code):
        return None
    head = household.head
    record("registry.view", head, note=f"{how}; KK {mask_nik(household.kk_number)}, "
                                       f"{len(household.members)} anggota")
    return household


def registered_elsewhere(nik: str, how: str) -> bool:
    """The person is only in another district's registry (`lookup.registered_elsewhere`); telling it is audited."""
    if not lookup.registered_elsewhere(nik):
        return False
    record("registry.view", None, note=f"{how}; NIK {mask_nik(nik)} terdaftar di DTSEN kabupaten/kota lain")
    return True


def household_context(household) -> dict:
    """The household with its change flags and the date its registry is "as of", both read from the household's
    own district's imports (not the clerk's: an account over a province sees households of several)."""
    from slrt.registry.changes import flags_for
    from slrt.regions.districts import district_of_code
    profile = profile_from_household(household) if household else profile_not_registered()
    district = district_of_code(household.region_code) if household else None
    flags = flags_for(household.members, district) if household else []
    left = {f.nik for f in flags if f.left}
    return {"household": household, "suggestions": suggest(profile), "latest_import": lookup.latest_import(district),
            "change_flags": flags, "household_place": region_name(household.region_code) if household else "",
            "household_left": bool(household and household.members and all(m.nik in left for m in household.members))}


def intake_context(check, person) -> dict:
    """For the intake NIK widget: the registry household of a valid NIK, its suggestions, and a form
    filled from the registry when the person is not yet known to the portal."""
    if check is None or not check.valid:
        return {}
    found = lookup.household_of(check.nik)
    household = show_household(found, "intake NIK check")
    context = household_context(household)
    context["registry_checked"] = True
    # Not in this district's registry but in another's (moved away, or moved here and not yet in our extract):
    # said without any of the other district's data, so that the counter files no new registration.
    context["registry_elsewhere"] = found is None and registered_elsewhere(check.nik, "intake NIK check")
    # The person typed at the counter left the extract: said next to the NIK, with the date.
    context["left_flag"] = next((f for f in context["change_flags"] if f.left and f.nik == check.nik), None)
    # A household outside the user's area answers as an unknown NIK: "registered elsewhere" would tell
    # anyone who types a NIK that this family is poor.
    if household is not None and person is None:
        context["registry_prefill"] = household_prefill(household, check.nik)
    return {"registry_" + k if not k.startswith("registry_") else k: v for k, v in context.items()}


def household_prefill(household, nik: str) -> dict | None:
    """What the registry knows of the member with `nik` and their household, as plain data for the intake
    form (`slrt.intake.forms.prefilled_form`); None if the NIK is not in this household."""
    me = next((m for m in household.members if m.nik == nik), None)
    if me is None:
        return None
    person = {"nik": me.nik, "name": me.name, "birth_place": me.birth_place.title(), "birth_date": me.birth_date,
              "sex": me.sex, "kk_number": household.kk_number, "address": household.address, "rt": household.rt,
              "rw": household.rw, "region_code": household.region_code}
    members = [{"nik": m.nik, "name": m.name, "relation": m.relation, "birth_date": m.birth_date, "sex": m.sex}
               for m in household.members if m.nik != nik]
    return {"person": person, "members": members}


def proposal_form_from_change(form, change, household) -> None:
    """Prefill a proposal from a registry change shown at the counter: a sanggah for someone who left the
    extract, a reactivation (sanggah) for someone who lost PBI-JKN or another programme."""
    from flask_babel import gettext

    from slrt.core.i18n import long_date
    from slrt.core.labels import LABELS
    from slrt.extensions import db
    from slrt.registry.models import ChangeKind, RegistryImport
    source = db.session.get(RegistryImport, change.import_id)
    when = source.extract_date or (source.finished_at.date() if source.finished_at else None)
    day = long_date(when) if when else "—"
    form.kind.data = "sanggah"
    form.nik.data, form.name.data, form.kk_number.data = change.nik, change.name, change.kk_number
    form.desa.data = change.region_code
    if household is not None:
        form.address.data, form.rt.data, form.rw.data = household.address, household.rt, household.rw
    if change.kind == ChangeKind.LEFT:
        form.reason.data = gettext(
            "Keluar dari DTSEN pada %(date)s (impor no. %(id)d); desil terakhir %(decile)s. Mohon diperiksa dan "
            "dimasukkan kembali bila masih memenuhi syarat.", date=day, id=change.import_id,
            decile=change.before_value or "—")
    elif change.kind == "lost_pbi":
        form.reason.data = gettext(
            "Reaktivasi PBI-JKN: PBI-JKN berhenti sejak impor no. %(id)d (data %(date)s). Mohon diaktifkan "
            "kembali.", id=change.import_id, date=day)
    else:
        form.reason.data = gettext(
            "%(programme)s berhenti sejak impor no. %(id)d (data %(date)s). Mohon diperiksa.",
            programme=LABELS.label("Programme", change.kind.removeprefix("lost_")), id=change.import_id, date=day)


def district_villages():
    """(code, "Kecamatan / Desa") of the district's active villages, in one query."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from slrt.extensions import db
    from slrt.regions.models import Region, RegionLevel, region_prefix_match
    kecamatan = aliased(Region)
    rows = db.session.execute(
        select(Region.code, Region.name, kecamatan.name).join(kecamatan, kecamatan.code == Region.parent_code)
        .where(region_prefix_match(Region.code, current_district()),
               Region.level == RegionLevel.VILLAGE, Region.active.is_(True), kecamatan.active.is_(True))
        .order_by(kecamatan.name, Region.name)).all()
    return [(code, f"{kec} / {name}") for code, name, kec in rows]


def person_panel(person, user) -> dict | None:
    """The registry panel of the case page and the person page: the household of the person's NIK and its
    suggestions (the lookup is audited); None for a user who may not look the registry up."""
    from slrt.registry.permissions import can_lookup_registry
    if person is None or not can_lookup_registry(user):
        return None
    return household_context(show_household(lookup.household_of(person.nik), "case/person page"))


def case_panel(case, user) -> dict | None:
    return person_panel(case.person, user)


def intake_lookup_panel(_subject, user) -> dict | None:
    """The intake form's registry search (by No. KK or name), for a user who may look the registry up."""
    from slrt.registry.permissions import can_lookup_registry
    return {} if can_lookup_registry(user) else None


def nik_check_panel(subject, _user) -> dict | None:
    """The NIK widget's registry status and household (`subject`: the widget's check, person, throttling);
    nothing is looked up while the user is throttled."""
    return None if subject.throttled else intake_context(subject.check, subject.person)


def region_name(code: str | None) -> str:
    from slrt.regions.operations import names_for
    return names_for([code]).get(code, code or "") if code else ""


def place_names(codes) -> dict[str, str]:
    """Region names for the codes a page shows, in one query (templates read them with `|name_in`)."""
    from slrt.regions.operations import names_for
    return names_for(codes)

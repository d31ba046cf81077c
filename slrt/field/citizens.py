"""A citizen registered on a device, checked on the server by the very form and checks of the counter
(NIK region, date and sex, KK, the district's lists), so the field cannot register what the window refuses."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField

from slrt.intake.forms import IntakeForm, IntakeValidation
from slrt.intake.queries import choice_lists
from slrt.intake.queries import village_parent
from slrt.regions import operations as regions
from slrt.regions.districts import current_district

_TEXT = ("nik", "name", "birth_place", "birth_date", "sex", "phone", "kk_number", "address", "rt", "rw",
         "visit_type", "note")


def _formdata(citizen: dict) -> MultiDict:
    data = MultiDict()
    for key in _TEXT:
        data[key] = str(citizen.get(key) or "")
    village = str(citizen.get("region_code") or "")
    data["desa"], data["kecamatan"], data["channel"] = village, village[:8], "home_visit"
    for i, complaint in enumerate((citizen.get("complaints") or [])[:10]):
        complaint = complaint if isinstance(complaint, dict) else {}
        data[f"complaints-{i}-category"] = str(complaint.get("category") or "")
        data[f"complaints-{i}-description"] = str(complaint.get("description") or "")
    for i, member in enumerate((citizen.get("members") or [])[:30]):
        member = member if isinstance(member, dict) else {}
        for key in ("name", "relation", "nik", "birth_date", "sex"):
            data[f"members-{i}-{key}"] = str(member.get(key) or "")
    for need in citizen.get("needs") or []:
        data.add("needs", str(need))
    for code in citizen.get("documents") or []:
        data.add("documents", str(code))
    data["confirm_warnings"] = "y"  # the device showed the same warnings, and the facilitator went on
    return data


def checked_visit(citizen) -> tuple[object | None, dict]:
    """(the intake VisitData, {}) for a valid registration; (None, {field: [messages]}) for one the counter
    would refuse."""
    form = IntakeForm(formdata=_formdata(citizen if isinstance(citizen, dict) else {}), meta={"csrf": False})
    categories, programmes, documents = choice_lists()
    form.fill_choices(categories, programmes, documents)
    validation = IntakeValidation(
        form, district_code=current_district(), regions=regions.region_index,
        category_ids={c.id for c in categories}, programme_ids={p.id for p in programmes},
        document_codes={d.code for d in documents}, village_parent=village_parent)
    if not validation.run():
        return None, field_errors(form)
    return validation.visit_data(), {}


def field_errors(form) -> dict[str, list[str]]:
    """Each field's errors under the name it posts (`phone`, `complaints-0-description`, `members-1-nik`): the
    device marks the field at fault by that name. Read from the fields themselves: the cross-field checks add
    theirs after validation, which `form.errors` (cached by WTForms at its first reading) can miss."""
    found: dict[str, list[str]] = {}
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found.update(field_errors(entry.form) if isinstance(entry, FormField) else
                             {entry.name: [str(e) for e in entry.errors]} if entry.errors else {})
        elif isinstance(field, FormField):
            found.update(field_errors(field.form))
        elif field.errors:
            found[field.name] = [str(e) for e in field.errors]
    if getattr(form, "form_errors", None):
        found[""] = [str(e) for e in form.form_errors]
    return found

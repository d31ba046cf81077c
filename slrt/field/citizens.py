"""A citizen registered on a device, checked on the server by the very form and checks of the counter
(NIK region, date and sex, KK, the district's lists), so the field cannot register what the window refuses."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

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
        return None, flat_errors(form.errors)
    return validation.visit_data(), {}


def flat_errors(errors: dict, prefix: str = "") -> dict[str, list[str]]:
    """A form's errors keyed by the names its fields post (`complaints-0-description`, `members-1-nik`): the
    device marks the field at fault by that name. A list of sub-forms nests a dict per row (empty when fine)."""
    flat: dict[str, list[str]] = {}
    for name, found in errors.items():
        key = f"{prefix}{name}" if name is not None else prefix.rstrip("-")  # None: the form's own errors
        for i, item in enumerate(found if isinstance(found, list) else [found]):
            if isinstance(item, dict):
                flat.update(flat_errors(item, f"{key}-{i}-"))
            else:
                flat.setdefault(key, []).append(str(item))
    return flat

"""A case from another channel goes through the counter's own form: the JSON is laid out as the intake
form's fields (codes of the district's lists turned into their ids), and IntakeForm with IntakeValidation
checks it exactly as at the window. Their messages come back as the problem's `errors`, by JSON name."""
from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from slrt.api.problems import ApiProblem
from slrt.intake.forms import IntakeForm, IntakeValidation
from slrt.intake.queries import choice_lists, village_parent
from slrt.regions import operations as regions
from slrt.regions.districts import current_district

_FORM_NAMES = {"kecamatan": "desa"}  # the counter picks the kecamatan first; the API names the desa alone


def _formdata(data: dict, categories, programmes) -> tuple[MultiDict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    category_ids = {c.code: c.id for c in categories}
    programme_ids = {p.code: p.id for p in programmes}
    fields = MultiDict()
    for name in ("nik", "name", "birth_place", "sex", "phone", "kk_number", "address", "rt", "rw", "channel",
                 "visit_type", "note"):
        fields[name] = data.get(name) or ""
    fields["birth_date"] = data["birth_date"].isoformat()
    fields["desa"], fields["kecamatan"] = data["desa"], data["desa"][:8]
    for index, complaint in enumerate(data["complaints"]):
        category = category_ids.get(complaint["category"])
        if category is None:
            errors[f"complaints.{index}.category"] = [_("Kode kategori tidak dikenal.")]
        fields[f"complaints-{index}-category"] = str(category or "")
        fields[f"complaints-{index}-description"] = complaint["description"]
    for index, member in enumerate(data["members"]):
        fields[f"members-{index}-name"] = member["name"]
        fields[f"members-{index}-relation"] = str(member["relation"])
        fields[f"members-{index}-nik"] = member["nik"]
        fields[f"members-{index}-birth_date"] = member["birth_date"].isoformat() if member["birth_date"] else ""
        fields[f"members-{index}-sex"] = member["sex"]
    for code in data["needs"]:
        if code not in programme_ids:
            errors.setdefault("needs", []).append(_("Kode program tidak dikenal: %(code)s", code=code))
        else:
            fields.add("needs", str(programme_ids[code]))
    for code in data["documents"]:
        fields.add("documents", code)
    return fields, errors


def _form_errors(form: IntakeForm) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, field in form._fields.items():
        if name in ("members", "complaints"):
            for index, entry in enumerate(field.entries):
                for sub, messages in entry.form.errors.items():
                    if messages:
                        out[f"{name}.{index}.{sub}"] = [str(m) for m in messages]
        elif field.errors:
            out.setdefault(_FORM_NAMES.get(name, name), []).extend(str(m) for m in field.errors)
    return out


def validate(data: dict) -> IntakeValidation:
    """The counter's validation of a case sent as JSON; a 422 problem with every message when it fails."""
    categories, programmes, documents = choice_lists()
    formdata, errors = _formdata(data, categories, programmes)
    form = IntakeForm(formdata=formdata, meta={"csrf": False})
    form.fill_choices(categories, programmes, documents)
    validation = IntakeValidation(
        form, district_code=current_district(), regions=regions.region_index,
        category_ids={c.id for c in categories}, programme_ids={p.id for p in programmes},
        document_codes={d.code for d in documents}, village_parent=village_parent)
    valid = validation.run()
    errors = {**_form_errors(form), **errors}
    if errors or not valid:
        raise ApiProblem(422, _("Periksa kembali isian yang ditandai."), errors=errors or None)
    if validation.warnings and not data["confirm_warnings"]:
        raise ApiProblem(422, _("Ada peringatan. Periksa datanya; bila sudah sesuai KTP, kirim lagi dengan "
                                "confirm_warnings=true."), warnings=list(validation.warnings))
    return validation

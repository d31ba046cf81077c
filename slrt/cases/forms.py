from flask_babel import lazy_gettext as _l
from wtforms import (DateField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from slrt.cases.models import VisitType
from slrt.core.forms import BaseForm, BaseSubForm
from slrt.core.labels import LABELS
from slrt.intake.forms import DATE_FORMATS, optional_int, phone_number, plausible_birth_date, rt_rw
from slrt.regions.districts import current_district


class CaseFilterForm(BaseForm):
    """The queue's filters. GET parameters: no personal identifiers other than a name or ticket."""

    class Meta:
        csrf = False

    # A GET form: a NIK or a phone number typed here would go in the URL; the browser refuses to send a run
    # of six digits and says to use the search box in the header, which posts.
    q = StringField(_l("Tiket atau nama"), validators=[Optional(), Length(max=80)],
                    render_kw={"pattern": r"(?![\s\S]*[0-9]{6})[\s\S]*",
                               "title": _l("NIK, No. KK atau nomor HP dicari lewat kotak Cari di bagian atas.")})
    status = SelectField(_l("Status"), validate_choice=False, validators=[Optional()])
    kecamatan = SelectField(_l("Kecamatan"), validate_choice=False, validators=[Optional()])
    desa = SelectField(_l("Desa/kelurahan"), validate_choice=False, validators=[Optional()])
    category = SelectField(_l("Kategori"), validate_choice=False, validators=[Optional()])
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])


class ComplaintEditForm(BaseSubForm):
    """One complaint of the case, by its id (the id is checked against the case's own complaints)."""
    complaint_id = HiddenField()
    category = SelectField(_l("Kategori"), coerce=optional_int, validate_choice=False)
    description = TextAreaField(_l("Uraian keluhan atau permintaan"),
                                validators=[DataRequired(_l("Tuliskan uraian keluhan atau permintaan.")),
                                            Length(max=4000)])


class CaseEditForm(BaseForm):
    """Ubah data kasus: the citizen's data as given at this visit, and (while registered) the visit type and
    the complaints, with a reason. `opened_with` carries the values the form showed when it was opened."""
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=120)])
    birth_place = StringField(_l("Tempat lahir"), validators=[Optional(), Length(max=80)])
    birth_date = DateField(_l("Tanggal lahir"), format=DATE_FORMATS,
                           validators=[InputRequired(_l("Tanggal lahir wajib diisi.")), plausible_birth_date])
    sex = RadioField(_l("Jenis kelamin"), choices=[("L", _l("Laki-laki")), ("P", _l("Perempuan"))],
                     validators=[InputRequired(_l("Pilih jenis kelamin."))])
    phone = StringField(_l("Nomor HP"), validators=[Optional(), phone_number],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    kk_number = StringField(_l("No. KK"), validators=[Optional(), Length(max=40)],
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    address = StringField(_l("Alamat (jalan, kampung, dusun)"), validators=[Optional(), Length(max=255)])
    rt = StringField(_l("RT"), validators=[Optional(), rt_rw], render_kw={"inputmode": "numeric"})
    rw = StringField(_l("RW"), validators=[Optional(), rt_rw], render_kw={"inputmode": "numeric"})
    kecamatan = SelectField(_l("Kecamatan"), validate_choice=False,
                            validators=[DataRequired(_l("Pilih kecamatan."))])
    desa = SelectField(_l("Desa/kelurahan"), validate_choice=False,
                       validators=[DataRequired(_l("Pilih desa/kelurahan."))])
    visit_type = SelectField(_l("Jenis layanan"), validate_choice=True)
    complaints = FieldList(FormField(ComplaintEditForm), min_entries=0, max_entries=50)
    reason = TextAreaField(_l("Alasan perubahan"), validators=[DataRequired(_l("Tuliskan alasan perubahan.")),
                                                               Length(max=1000)],
                           description=_l("Mis. \"salah ketik nama saat pendaftaran\", \"nomor HP baru\"."))
    opened_with = HiddenField()

    def fill_choices(self, categories) -> None:
        from flask_babel import gettext as _

        from slrt.regions import operations as regions
        district = current_district()
        self.kecamatan.choices = [("", _("— pilih kecamatan —"))] + [
            (r.code, r.name) for r in regions.children(district)]
        villages = regions.children(self.kecamatan.data) if self.kecamatan.data else []
        self.desa.choices = [("", _("— pilih desa/kelurahan —"))] + [(r.code, r.name) for r in villages]
        if self.visit_type is not None:  # taken off the form once the case is no longer registered
            self.visit_type.choices = LABELS.choices(VisitType)
        category_choices = [("", _("— pilih kategori —"))] + [(c.id, c.name) for c in categories]
        for row in self.complaints or []:
            row.form.category.choices = category_choices

    def prefill(self, values: dict[str, str], complaint_ids: list[int]) -> None:
        """The form as the case stands (`values` from cases.operations.edit_values)."""
        from datetime import date
        for name in ("name", "birth_place", "sex", "phone", "kk_number", "address", "rt", "rw"):
            getattr(self, name).data = values[name]
        self.birth_date.data = date.fromisoformat(values["birth_date"]) if values["birth_date"] else None
        self.kecamatan.data, self.desa.data = values["region_code"][:8], values["region_code"]
        if self.visit_type is None:
            return
        self.visit_type.data = values["visit_type"]
        for complaint_id in complaint_ids:
            self.complaints.append_entry({
                "complaint_id": str(complaint_id),
                "category": int(values[f"complaint.{complaint_id}.category"]),
                "description": values[f"complaint.{complaint_id}.description"]})

    def wanted(self) -> dict[str, str]:
        """The typed values as text, keyed as cases.operations.edit_values."""
        values = {name: (getattr(self, name).data or "").strip()
                  for name in ("name", "birth_place", "sex", "phone", "kk_number", "address")}
        values["rt"] = self.rt.data.strip().zfill(3) if (self.rt.data or "").strip() else ""
        values["rw"] = self.rw.data.strip().zfill(3) if (self.rw.data or "").strip() else ""
        values["birth_date"] = self.birth_date.data.isoformat() if self.birth_date.data else ""
        values["region_code"] = self.desa.data or ""
        if self.visit_type is None:
            return values
        values["visit_type"] = self.visit_type.data or ""
        for row in self.complaints:
            key = f"complaint.{row.form.complaint_id.data}"
            values[f"{key}.category"] = str(row.form.category.data)
            values[f"{key}.description"] = (row.form.description.data or "").strip()
        return values


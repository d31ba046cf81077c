from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, FieldList, FormField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from slrt.cases.models import Channel, ContactChannel, VisitType
from slrt.core.forms import BaseForm, BaseSubForm, MultiCheckboxField
from slrt.core.i18n import long_date
from slrt.core.labels import LABELS
from slrt.regions.districts import current_district

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")
DIGITS_UP_TO_3 = re.compile(r"^[0-9]{1,3}$")


def phone_number(form, field):
    value = re.sub(r"[\s\-()]", "", field.data or "")
    if value and not PHONE.match(value):
        raise ValidationError(_l("Nomor HP tidak sah. Contoh: 081234567890."))
    field.data = value


def rt_rw(form, field):
    if field.data and not DIGITS_UP_TO_3.match(field.data.strip()):
        raise ValidationError(_l("Isi dengan angka, contoh 003."))


def plausible_birth_date(form, field):
    """A birth date people can have: not in the future, not before 1900 (a typo like 0199 or 2099)."""
    from slrt.core.time import local_today
    if field.data and not (date(1900, 1, 1) <= field.data <= local_today()):
        raise ValidationError(_l("Tanggal lahir tidak mungkin. Periksa tahunnya."))


def optional_int(value):
    """Coerce a select's value to int; an empty choice becomes 0 (checked by the cross-field rules)."""
    if value in (None, ""):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


RELATIONS = range(1, 9)  # the registry's HUB_KRT codes: 1 head … 8 other


def relationship_choices():
    return [(value, text) for value, text in LABELS.choices("Relationship")]


class MemberForm(BaseSubForm):
    nik = StringField(_l("NIK"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Nama"), validators=[Optional(), Length(max=120)])
    # Starts unchosen: a member added at the counter is rarely the head, and a wrong "Kepala keluarga"
    # preselected would be saved unnoticed. Checked with the row (IntakeValidation._check_members).
    relation = SelectField(_l("Hubungan"), coerce=optional_int, validate_choice=False)
    birth_date = DateField(_l("Tanggal lahir"), format=DATE_FORMATS, validators=[Optional(), plausible_birth_date])
    sex = SelectField(_l("Jenis kelamin"), choices=[("", "-"), ("L", "L"), ("P", "P")],
                      validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relation.choices = [("", str(_l("— pilih hubungan —")))] + [(int(v), t) for v, t in relationship_choices()]


class ComplaintForm(BaseSubForm):
    category = SelectField(_l("Kategori"), coerce=optional_int, validate_choice=False)
    description = TextAreaField(_l("Uraian keluhan atau permintaan"),
                                validators=[Optional(), Length(max=4000)])


class IntakeForm(BaseForm):
    nik = StringField(_l("NIK"), validators=[Length(max=40)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "40"})
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=120)])
    birth_place = StringField(_l("Tempat lahir"), validators=[Optional(), Length(max=80)])
    birth_date = DateField(_l("Tanggal lahir"), format=DATE_FORMATS,
                           validators=[InputRequired(_l("Tanggal lahir wajib diisi.")), plausible_birth_date])
    sex = RadioField(_l("Jenis kelamin"), choices=[("L", _l("Laki-laki")), ("P", _l("Perempuan"))],
                     validators=[InputRequired(_l("Pilih jenis kelamin."))])
    phone = StringField(_l("Nomor HP"), validators=[Optional(), phone_number],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    # Left out of a post (an older form, a script): SMS, as before the choice existed.
    contact_channel = RadioField(_l("Kabar perkembangan lewat"), default=ContactChannel.SMS.value)
    kk_number = StringField(_l("No. KK"), validators=[Optional(), Length(max=40)],
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    address = StringField(_l("Alamat (jalan, kampung, dusun)"), validators=[Optional(), Length(max=255)])
    rt = StringField(_l("RT"), validators=[Optional(), rt_rw], render_kw={"inputmode": "numeric"})
    rw = StringField(_l("RW"), validators=[Optional(), rt_rw], render_kw={"inputmode": "numeric"})
    kecamatan = SelectField(_l("Kecamatan"), validate_choice=False,
                            validators=[DataRequired(_l("Pilih kecamatan."))])
    desa = SelectField(_l("Desa/kelurahan"), validate_choice=False,
                       validators=[DataRequired(_l("Pilih desa/kelurahan."))])
    members = FieldList(FormField(MemberForm), min_entries=0, max_entries=30)

    channel = SelectField(_l("Jalur layanan"), validate_choice=True)
    visit_type = SelectField(_l("Jenis layanan"), validate_choice=True,
                             validators=[DataRequired(_l("Pilih jenis layanan."))])
    complaints = FieldList(FormField(ComplaintForm), min_entries=1, max_entries=10)
    needs = MultiCheckboxField(_l("Kebutuhan program/layanan"), coerce=optional_int, validate_choice=False)
    documents = MultiCheckboxField(_l("Dokumen yang dibawa"), validate_choice=False)
    note = TextAreaField(_l("Catatan petugas"), validators=[Optional(), Length(max=4000)])
    confirm_warnings = BooleanField(_l("Data sudah saya cocokkan dengan KTP; tetap simpan."))
    # A returning citizen with an open case: the id of the open case the complaints are added to, or "new".
    open_case = StringField(_l("Kasus yang masih terbuka"), validators=[Optional(), Length(max=20)])
    new_case_reason = TextAreaField(_l("Alasan membuka kasus baru"), validators=[Optional(), Length(max=1000)],
                                    description=_l("Mis. \"keluhan lain yang ditangani instansi berbeda\"."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [(v, t) for v, t in LABELS.choices(Channel) if v != Channel.LAPOR]
        self.contact_channel.choices = LABELS.choices(ContactChannel)
        # No preselected type: a clerk who forgets to choose would otherwise file a request as a question.
        self.visit_type.choices = [("", str(_l("— pilih jenis layanan —")))] + LABELS.choices(VisitType)

    def fill_choices(self, categories, programmes, documents) -> None:
        """The district's kecamatan, the villages of the chosen one, and the active lists."""
        from flask_babel import gettext as _

        from slrt.regions import operations as regions
        district = current_district()
        self.kecamatan.choices = [("", _("— pilih kecamatan —"))] + [
            (r.code, r.name) for r in regions.children(district)]
        villages = regions.children(self.kecamatan.data) if self.kecamatan.data else []
        self.desa.choices = [("", _("— pilih desa/kelurahan —"))] + [(r.code, r.name) for r in villages]
        category_choices = [("", _("— pilih kategori —"))] + [(c.id, c.name) for c in categories]
        for row in self.complaints:
            row.form.category.choices = category_choices
        self.needs.choices = [(p.id, p.name) for p in programmes]
        self.documents.choices = [(d.code, d.name) for d in documents]

    def prefill(self, person: dict, members: list[dict]) -> None:
        """Fill the person's fields (keys as the form's, `region_code` the village) and one row per member."""
        for name in ("nik", "name", "birth_place", "birth_date", "sex", "phone", "kk_number", "address", "rt", "rw"):
            if name in person:
                getattr(self, name).data = person[name]
        self.kecamatan.data, self.desa.data = person["region_code"][:8], person["region_code"]
        for member in members:
            self.members.append_entry(member)


def prefilled_form(person: dict, members: list[dict]) -> IntakeForm:
    """A new intake form filled from what is known of a person (from earlier visits or the registry),
    with its choices."""
    from slrt.intake.queries import choice_lists
    form = IntakeForm(formdata=None)
    form.prefill(person, members)
    form.fill_choices(*choice_lists())
    return form


def _row_is_blank(row) -> bool:
    return not any([(row.nik.data or "").strip(), (row.name.data or "").strip(), row.birth_date.data])


class IntakeValidation:
    """Cross-field checks of the intake form that need the region list and the district's lists."""

    def __init__(self, form: IntakeForm, *, district_code: str, regions, category_ids: set[int],
                 programme_ids: set[int], document_codes: set[str], village_parent) -> None:
        self.form = form
        self.district_code = district_code
        self.regions = regions
        self.category_ids = category_ids
        self.programme_ids = programme_ids
        self.document_codes = document_codes
        self.village_parent = village_parent  # code -> parent kecamatan code, or None if unknown
        self.warnings: list[str] = []
        self.nik_check = None

    def run(self) -> bool:
        from slrt.core.nik import check_kk, check_nik
        form = self.form
        ok = form.validate()
        self.nik_check = check_nik(form.nik.data or "", self.regions)
        if not self.nik_check.valid:
            form.nik.errors = list(form.nik.errors) + [str(e) for e in self.nik_check.errors]
            ok = False
        else:
            form.nik.data = self.nik_check.nik
            self.warnings += [str(w) for w in self.nik_check.warnings]
            if form.sex.data in ("L", "P") and self.nik_check.sex and form.sex.data != self.nik_check.sex:
                self.warnings.append(str(gettext("Jenis kelamin yang dipilih tidak sesuai dengan NIK (NIK menunjukkan "
                                                 "%(sex)s).", sex=LABELS.label("Sex", self.nik_check.sex))))
            if form.birth_date.data and self.nik_check.birth_date and form.birth_date.data != self.nik_check.birth_date:
                self.warnings.append(str(gettext("Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan %(date)s).",
                                                 date=long_date(self.nik_check.birth_date))))
        if form.kk_number.data:
            kk = check_kk(form.kk_number.data, self.regions)
            if not kk.valid:
                form.kk_number.errors = list(form.kk_number.errors) + [str(e) for e in kk.errors]
                ok = False
            else:
                form.kk_number.data = kk.nik
        if form.desa.data:
            parent = self.village_parent(form.desa.data)
            district_prefix = self.district_code + "."
            if parent is None:
                form.desa.errors = list(form.desa.errors) + [str(_l("Desa/kelurahan tidak dikenal."))]
                ok = False
            elif not form.desa.data.startswith(district_prefix):
                form.desa.errors = list(form.desa.errors) + [
                    str(_l("Desa/kelurahan ini berada di luar kabupaten/kota layanan kantor ini."))]
                ok = False
            elif form.kecamatan.data and parent != form.kecamatan.data:
                form.desa.errors = list(form.desa.errors) + [
                    str(_l("Desa/kelurahan ini tidak berada di kecamatan yang dipilih."))]
                ok = False
        if form.contact_channel.data == ContactChannel.WHATSAPP and not form.phone.data:
            form.phone.errors = list(form.phone.errors) + [
                str(_l("Isi nomor HP yang dipakai untuk WhatsApp, atau pilih SMS."))]
            ok = False
        ok = self._check_members() and ok
        ok = self._check_complaints() and ok
        bad_needs = [n for n in (form.needs.data or []) if n not in self.programme_ids]
        if bad_needs:
            form.needs.errors = list(form.needs.errors) + [str(_l("Pilihan program tidak sah."))]
            ok = False
        bad_docs = [d for d in (form.documents.data or []) if d not in self.document_codes]
        if bad_docs:
            form.documents.errors = list(form.documents.errors) + [str(_l("Pilihan dokumen tidak sah."))]
            ok = False
        return ok

    def _check_members(self) -> bool:
        from slrt.core.nik import check_nik
        ok = True
        seen = {self.form.nik.data} if self.nik_check and self.nik_check.valid else set()
        for row in self.form.members:
            entry = row.form
            if _row_is_blank(entry):
                continue
            if not (entry.name.data or "").strip():
                entry.name.errors = list(entry.name.errors) + [str(_l("Nama anggota wajib diisi."))]
                ok = False
            if entry.relation.data not in RELATIONS:
                entry.relation.errors = list(entry.relation.errors) + [
                    str(_l("Pilih hubungan anggota ini dengan kepala keluarga."))]
                ok = False
            if (entry.nik.data or "").strip():
                check = check_nik(entry.nik.data, self.regions)
                if not check.valid:
                    entry.nik.errors = list(entry.nik.errors) + [str(e) for e in check.errors]
                    ok = False
                elif check.nik in seen:
                    entry.nik.errors = list(entry.nik.errors) + [str(_l("NIK ini sudah tercantum di atas."))]
                    ok = False
                else:
                    entry.nik.data = check.nik
                    seen.add(check.nik)
        return ok

    def _check_complaints(self) -> bool:
        ok = True
        filled = 0
        for row in self.form.complaints:
            entry = row.form
            description = (entry.description.data or "").strip()
            if not entry.category.data and not description:
                continue
            filled += 1
            if entry.category.data not in self.category_ids:
                entry.category.errors = list(entry.category.errors) + [str(_l("Pilih kategori."))]
                ok = False
            if not description:
                entry.description.errors = list(entry.description.errors) + [
                    str(_l("Tuliskan uraian keluhan atau permintaan."))]
                ok = False
        if filled == 0:
            first = self.form.complaints[0].form
            first.description.errors = list(first.description.errors) + [
                str(_l("Isi sedikitnya satu keluhan atau permintaan."))]
            ok = False
        return ok

    def visit_data(self, new_case_reason: str | None = None):
        """What the validated form registers (slrt.intake.operations.register_visit); `new_case_reason` from
        the counter's form (None for a channel with no clerk to ask)."""
        from slrt.intake.operations import MemberData, VisitData
        form = self.form
        members = [MemberData(name=m.name.data.strip(), relation=m.relation.data, nik=m.nik.data or "",
                              birth_date=m.birth_date.data, sex=m.sex.data or "") for m in self.member_rows()]
        return VisitData(
            nik=form.nik.data, name=form.name.data, birth_place=form.birth_place.data or "",
            birth_date=form.birth_date.data, sex=form.sex.data, phone=form.phone.data or "",
            kk_number=form.kk_number.data or "", address=form.address.data or "", rt=form.rt.data or "",
            rw=form.rw.data or "", region_code=form.desa.data, channel=form.channel.data,
            visit_type=form.visit_type.data, contact_channel=form.contact_channel.data,
            complaints=[(c.category.data, c.description.data) for c in self.complaint_rows()],
            members=members, needs=form.needs.data or [], documents=form.documents.data or [],
            note=form.note.data or "", new_case_reason=new_case_reason)

    def member_rows(self):
        return [row.form for row in self.form.members if not _row_is_blank(row.form)]

    def complaint_rows(self):
        return [row.form for row in self.form.complaints
                if row.form.category.data or (row.form.description.data or "").strip()]


class IdentityReviewForm(BaseForm):
    """The back office's decision on an identity given at a visit that differs from the stored one."""

    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(message=_l("Tuliskan alasannya.")),
                                                     Length(max=500)])
    accept = SubmitField(_l("Terima perubahan"))
    dismiss = SubmitField(_l("Tetap pakai data tersimpan"))

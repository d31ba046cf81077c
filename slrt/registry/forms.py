from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (DateField, FieldList, FormField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField, ValidationError)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from slrt.core.forms import BaseForm, BaseSubForm, MultiCheckboxField
from slrt.intake.forms import DATE_FORMATS, plausible_birth_date, rt_rw
from slrt.registry import regsosek as rs


class LookupForm(BaseForm):
    q = StringField(_l("NIK, No. KK, atau nama"), validators=[DataRequired(_l("Ketik NIK, No. KK, atau nama.")),
                                                            Length(max=120)],
                    render_kw={"autocomplete": "off"},
                    description=_l("16 angka dicari sebagai NIK lalu No. KK; selain itu dicari sebagai awal nama."))
    desa = SelectField(_l("Desa/kelurahan (untuk pencarian nama)"), validate_choice=False, validators=[Optional()])


class HouseholdForm(BaseForm):
    kk = HiddenField(validators=[DataRequired(), Length(min=16, max=16)])


class UploadForm(BaseForm):
    extract = FileField(_l("Berkas ekstrak (CSV atau XLSX)"), validators=[
        FileRequired(_l("Pilih berkas ekstrak."))])  # CSV or XLSX: judged by the content (slrt.core.uploads)
    extract_date = DateField(_l("Tanggal data ekstrak"), format=DATE_FORMATS, validators=[Optional()],
                             description=_l("Tanggal yang tertera pada data dari Kemensos/Pusdatin."))


class MappingForm(BaseForm):
    token = HiddenField(validators=[DataRequired()])
    extract_date = HiddenField()
    file_name = HiddenField()
    acknowledged = HiddenField()  # "1": the notices about the file were shown


class CancelImportForm(BaseForm):
    """Only the CSRF token: the "Batalkan" button of a running import."""


class ProposalForm(BaseForm):
    kind = RadioField(_l("Jenis"), choices=[("usulan", _l("Usulan baru (belum terdaftar)")),
                                            ("perbaikan", _l("Perbaikan data (sudah terdaftar)")),
                                            ("sanggah", _l("Sanggah (terhapus, desil atau bantuan salah)"))],
                      validators=[InputRequired(_l("Pilih jenis usulan."))])
    programme = SelectField(_l("Program yang diusulkan"), validators=[Optional()], choices=[
        ("", _l("— belum ditentukan —")), ("pkh", "PKH"), ("bpnt", _l("BPNT/Sembako")), ("pbi", "PBI-JKN"),
        ("pip", "PIP"), ("bst", "BST"), ("atensi", "ATENSI")])
    nik = StringField(_l("NIK"), validators=[DataRequired(_l("NIK wajib diisi.")), Length(max=40)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    kk_number = StringField(_l("No. KK"), validators=[Optional(), Length(max=40)],
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    name = StringField(_l("Nama kepala keluarga"), validators=[DataRequired(_l("Nama wajib diisi.")),
                                                              Length(max=120)])
    address = StringField(_l("Alamat"), validators=[Optional(), Length(max=255)])
    rt = StringField(_l("RT"), validators=[Optional(), rt_rw])
    rw = StringField(_l("RW"), validators=[Optional(), rt_rw])
    desa = SelectField(_l("Desa/kelurahan"), validate_choice=False,
                       validators=[DataRequired(_l("Pilih desa/kelurahan."))])
    reason = TextAreaField(_l("Alasan / data yang perlu diperbaiki"), validators=[Optional(), Length(max=4000)])
    case_id = HiddenField()


class VisitForm(BaseForm):
    visit_date = DateField(_l("Tanggal kunjungan rumah"), format=DATE_FORMATS,
                           validators=[InputRequired(_l("Isi tanggal kunjungan."))])
    notes = TextAreaField(_l("Hasil verifikasi"), validators=[DataRequired(_l("Tuliskan hasil verifikasi.")),
                                                             Length(max=4000)])


def attendance_lines(text: str) -> list[tuple[str, str]]:
    """The attendance list as typed, one person a line: "name, role" (or "name - role"; the role may be left out)."""
    people = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        for separator in (",", ";", " - ", "\t"):
            if separator in line:
                name, role = line.split(separator, 1)
                break
        else:
            name, role = line, ""
        people.append((name.strip(), role.strip()))
    return people


class AttendanceForm(BaseForm):
    place = StringField(_l("Tempat"), validators=[Optional(), Length(max=160)],
                        description=_l("Mis. Balai Desa."))
    chair = StringField(_l("Pimpinan musyawarah"), validators=[Optional(), Length(max=120)],
                        description=_l("Biasanya kepala desa/lurah."))
    attendees = TextAreaField(_l("Daftar hadir"), validators=[Optional(), Length(max=20000)],
                              description=_l("Satu orang per baris: nama, peran (mis. \"Siti Aminah, Ketua BPD\")."))
    attendance_count = IntegerField(_l("Jumlah yang hadir"), validators=[
        InputRequired(_l("Isi jumlah yang hadir.")), NumberRange(min=1, max=5000, message=_l("Isi angka 1 sampai 5000."))],
        description=_l("Semua yang hadir, termasuk yang tidak tercantum namanya."))

    def validate_attendees(self, field):
        people = attendance_lines(field.data)
        if len(people) > 500:
            raise ValidationError(_l("Daftar hadir paling banyak 500 nama."))
        for name, role in people:
            if not name:
                raise ValidationError(_l("Setiap baris daftar hadir harus berisi nama."))
            if len(name) > 120 or len(role) > 120:
                raise ValidationError(_l("Nama dan peran masing-masing paling panjang 120 huruf."))

    def validate_attendance_count(self, field):
        named = len(attendance_lines(self.attendees.data))
        if field.data is not None and field.data < named:
            raise ValidationError(gettext("Jumlah hadir tidak boleh kurang dari jumlah nama dalam daftar hadir "
                                          "(%(n)d).", n=named))


class MeetingForm(AttendanceForm):
    desa = SelectField(_l("Desa/kelurahan"), validate_choice=False,
                       validators=[DataRequired(_l("Pilih desa/kelurahan."))])
    meeting_date = DateField(_l("Tanggal musyawarah"), format=DATE_FORMATS,
                             validators=[InputRequired(_l("Isi tanggal musyawarah."))])


DECISIONS = [("", _l("— tidak dibahas —")), ("agreed", _l("Disetujui")), ("refused", _l("Ditolak")),
             ("postponed", _l("Ditunda"))]


class BatchItemForm(BaseSubForm):
    proposal_id = HiddenField()
    decision = SelectField(_l("Keputusan"), choices=DECISIONS, validators=[Optional()])
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=1000)])


class BatchForm(BaseForm):
    items = FieldList(FormField(BatchItemForm), min_entries=0, max_entries=500)


class SignMinutesForm(BaseForm):
    minutes = FileField(_l("Berita acara yang sudah ditandatangani (PDF, JPG, PNG)"),
                        validators=[FileRequired(_l("Unggah berita acara yang sudah ditandatangani."))])


class ApproveBatchForm(BaseForm):
    """Only the CSRF token: the district's "Setujui" button for a meeting's batch."""


class DecisionForm(BaseForm):
    decision = RadioField(_l("Keputusan"), choices=[("approve", _l("Setujui")), ("reject", _l("Tolak"))],
                          validators=[InputRequired(_l("Pilih keputusan."))])
    note = TextAreaField(_l("Catatan / alasan"), validators=[Optional(), Length(max=2000)])


YES_NO = [("1", _l("Ya")), ("0", _l("Tidak"))]


def nik_or_empty(form, field):
    if field.data and not (len(field.data.strip()) == 16 and field.data.strip().isdigit()):
        raise ValidationError(_l("NIK harus 16 angka (kosongkan bila belum punya)."))


class MemberForm(BaseSubForm):
    """One member of the household (Blok IV); a row whose name is empty is left out."""
    name = StringField(_l("Nama"), validators=[Optional(), Length(max=120)])
    nik = StringField(_l("NIK"), validators=[Optional(), nik_or_empty], render_kw={"inputmode": "numeric"})
    birth_place = StringField(_l("Tempat lahir"), validators=[Optional(), Length(max=80)])
    birth_date = DateField(_l("Tanggal lahir"), format=DATE_FORMATS, validators=[Optional(), plausible_birth_date])
    sex = SelectField(_l("Jenis kelamin"), choices=rs.choices(rs.SEX, ""), validators=[Optional()])
    relation = SelectField(_l("Hubungan dengan kepala keluarga"), choices=rs.choices(rs.RELATION, ""),
                           validators=[Optional()])
    schooling = SelectField(_l("Partisipasi sekolah"), choices=rs.choices(rs.SCHOOLING), validators=[Optional()])
    diploma = SelectField(_l("Ijazah tertinggi"), choices=rs.choices(rs.DIPLOMA), validators=[Optional()])
    working = SelectField(_l("Bekerja seminggu terakhir"), choices=YES_NO, default="0", validators=[Optional()])
    industry = SelectField(_l("Lapangan usaha"), choices=rs.choices(rs.INDUSTRY, "—"), validators=[Optional()])
    job_status = SelectField(_l("Status pekerjaan"), choices=rs.choices(rs.JOB_STATUS, "—"), validators=[Optional()])
    disability = SelectField(_l("Disabilitas"), choices=rs.choices(rs.DISABILITY), validators=[Optional()])
    chronic_illness = SelectField(_l("Penyakit kronis/menahun"), choices=rs.choices(rs.CHRONIC_ILLNESS),
                                  validators=[Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (self.name.data or "").strip():
            return ok  # an empty row: not a member
        for field, message in ((self.birth_date, _l("Isi tanggal lahir.")), (self.sex, _l("Pilih jenis kelamin.")),
                               (self.relation, _l("Pilih hubungan dengan kepala keluarga."))):
            if not field.data and not field.errors:
                field.errors.append(message)
                ok = False
        if self.working.data == "1":
            for field in (self.industry, self.job_status):
                if not field.data:
                    field.errors.append(_l("Isi untuk anggota yang bekerja."))
                    ok = False
        return ok


class SurveyForm(BaseForm):
    """The household's living conditions and members (slrt/registry/regsosek.py), Regsosek 2022 Blok III-V."""
    kk_number = StringField(_l("No. KK"), validators=[Optional(), Length(max=40)],
                            render_kw={"inputmode": "numeric", "autocomplete": "off"},
                            description=_l("Data sosial ekonomi disimpan per kartu keluarga."))
    ownership = SelectField(_l("Status kepemilikan rumah"), choices=rs.choices(rs.OWNERSHIP),
                            validators=[InputRequired(_l("Pilih status kepemilikan rumah."))])
    floor_area = IntegerField(_l("Luas lantai (m²)"), validators=[
        InputRequired(_l("Isi luas lantai rumah dalam meter persegi.")),
        NumberRange(min=1, max=5000, message=_l("Isi angka 1 sampai 5000 m²."))])
    floor = SelectField(_l("Jenis lantai terluas"), choices=rs.choices(rs.FLOOR, ""),
                        validators=[InputRequired(_l("Pilih jenis lantai terluas."))])
    wall = SelectField(_l("Jenis dinding terluas"), choices=rs.choices(rs.WALL, ""),
                       validators=[InputRequired(_l("Pilih jenis dinding terluas."))])
    roof = SelectField(_l("Jenis atap terluas"), choices=rs.choices(rs.ROOF, ""),
                       validators=[InputRequired(_l("Pilih jenis atap terluas."))])
    water = SelectField(_l("Sumber air minum utama"), choices=rs.choices(rs.WATER, ""),
                        validators=[InputRequired(_l("Pilih sumber air minum utama."))])
    lighting = SelectField(_l("Sumber penerangan utama"), choices=rs.choices(rs.LIGHTING),
                           validators=[InputRequired(_l("Pilih sumber penerangan utama."))])
    cooking_fuel = SelectField(_l("Bahan bakar utama memasak"), choices=rs.choices(rs.COOKING_FUEL),
                               validators=[InputRequired(_l("Pilih bahan bakar utama memasak."))])
    toilet = SelectField(_l("Fasilitas buang air besar"), choices=rs.choices(rs.TOILET),
                         validators=[InputRequired(_l("Pilih fasilitas buang air besar."))])
    sewage = SelectField(_l("Pembuangan akhir tinja"), choices=rs.choices(rs.SEWAGE, "—"),
                         description=_l("Kosongkan bila tidak ada fasilitas buang air besar."))
    assets = MultiCheckboxField(_l("Aset yang dimiliki"), choices=rs.choices(rs.ASSETS), validators=[Optional()])
    land_area = IntegerField(_l("Lahan selain rumah yang ditempati (m²)"), default=0, validators=[
        Optional(), NumberRange(min=0, max=10_000_000, message=_l("Isi angka 0 sampai 10.000.000 m²."))],
        description=_l("Isi 0 bila tidak punya."))
    other_house = SelectField(_l("Punya rumah di tempat lain"), choices=YES_NO, default="0", validators=[Optional()])
    members = FieldList(FormField(MemberForm), min_entries=1, max_entries=30)

    def validate_sewage(self, field):
        if self.toilet.data and self.toilet.data != "6" and not field.data:
            raise ValidationError(_l("Pilih tempat pembuangan akhir tinja."))

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (DateField, FieldList, Form, FormField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField, ValidationError)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from slrt.core.forms import BaseForm
from slrt.intake.forms import DATE_FORMATS, rt_rw


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
                                            ("sanggah", _l("Sanggah/perbaikan data (sudah terdaftar)"))],
                      validators=[InputRequired(_l("Pilih jenis usulan."))])
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


class BatchItemForm(Form):
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

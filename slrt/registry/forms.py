from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

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


class MusdesForm(BaseForm):
    meeting_date = DateField(_l("Tanggal musyawarah desa"), format=DATE_FORMATS,
                             validators=[InputRequired(_l("Isi tanggal musyawarah desa."))])
    minutes = FileField(_l("Notulen/berita acara (PDF, JPG, PNG)"),
                        validators=[FileRequired(_l("Unggah notulen musyawarah desa."))])


class DecisionForm(BaseForm):
    decision = RadioField(_l("Keputusan"), choices=[("approve", _l("Setujui")), ("reject", _l("Tolak"))],
                          validators=[InputRequired(_l("Pilih keputusan."))])
    note = TextAreaField(_l("Catatan / alasan"), validators=[Optional(), Length(max=2000)])

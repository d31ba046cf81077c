import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from slrt.core.forms import BaseForm

REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class UserForm(BaseForm):
    username = StringField(_l("Nama pengguna"), validators=[
        DataRequired(_l("Nama pengguna wajib diisi.")), Length(min=3, max=60),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Gunakan huruf, angka, titik, garis bawah atau tanda hubung."))])
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama lengkap wajib diisi.")),
                                                            Length(max=120)])
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=30)])
    role = SelectField(_l("Peran"), validate_choice=True)
    region_code = StringField(_l("Kode wilayah Kemendagri"), validators=[
        DataRequired(_l("Kode wilayah wajib diisi.")),
        Regexp(REGION_CODE, message=_l("Format kode wilayah: 32.04, 32.04.01 atau 32.04.01.2001."))],
        description=_l("Kabupaten (32.04), kecamatan (32.04.01) atau desa (32.04.01.2001). "
                       "Pengguna hanya melihat data dalam wilayah ini."))
    agency_id = SelectField(_l("Instansi (untuk petugas penghubung)"), validate_choice=False,
                            validators=[Optional()])


class ConfirmForm(BaseForm):
    """Only the CSRF token: a button that confirms an action."""


# District settings and the editable lists ---------------------------------------------------------------

from flask_wtf.file import FileField  # noqa: E402
from wtforms import BooleanField, IntegerField, TextAreaField, ValidationError  # noqa: E402
from wtforms.validators import InputRequired, NumberRange  # noqa: E402

from slrt.admin.letter_numbers import pattern_errors  # noqa: E402


def letter_pattern(form, field):
    errors = pattern_errors(field.data or "")
    if errors:
        raise ValidationError(" ".join(str(e) for e in errors))


def _days(label, description):
    return IntegerField(label, description=description, validators=[
        InputRequired(_l("Isi jumlah hari kerja.")),
        NumberRange(min=1, max=90, message=_l("Isi antara 1 dan 90 hari kerja."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": 90})


def _months(label, description):
    # Left empty: the period stays as it was (0 keeps the data for good).
    return IntegerField(label, description=description, validators=[
        Optional(), NumberRange(min=0, max=600, message=_l("Isi antara 0 dan 600 bulan (0 = disimpan terus)."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": 600})


OFFICE_HOURS_LENGTH = 120  # one line of the WhatsApp menu (spaces and line breaks typed in it become one space)


class SettingsForm(BaseForm):
    signoff_days = _days(_l("Batas penetapan layanan (hari kerja)"),
                         _l("Dihitung sejak pendaftaran sampai rujukan ditetapkan."))
    response_days = _days(_l("Batas jawaban instansi (hari kerja)"),
                          _l("Dihitung sejak tanggal surat rujukan."))
    autoclose_days = _days(_l("Penutupan otomatis (hari kerja)"),
                           _l("Kasus ditutup setelah hasil diterima, bila warga tidak berkeberatan."))
    objection_days = _days(_l("Masa keberatan warga (hari kerja)"),
                           _l("Selama masa ini keberatan warga membuka kembali kasus yang sudah selesai."))
    signoff_role = SelectField(_l("Peran yang menetapkan rujukan"), validate_choice=True)
    letter_pattern = StringField(_l("Pola nomor surat"), validators=[letter_pattern],
                                 description=_l("Penanda: {seq} nomor urut, {seq:04d} nomor urut 4 digit (0007), "
                                                "{year} tahun, {month} bulan (11), {month_roman} bulan Romawi "
                                                "(XI). Wajib memuat nomor urut dan tahun."),
                                 render_kw={"autocomplete": "off", "spellcheck": "false"})
    letter_signer_name = StringField(_l("Nama penanda tangan"), validators=[Optional(), Length(max=120)])
    letter_signer_nip = StringField(_l("NIP penanda tangan"), validators=[
        Optional(), Regexp(r"^\d{8} ?\d{6} ?\d ?\d{3}$",
                           message=_l("NIP terdiri atas 18 angka, contoh 19800101 200501 1 001."))],
        render_kw={"inputmode": "numeric"})
    letter_signer_title = StringField(_l("Jabatan penanda tangan"), validators=[Optional(), Length(max=120)])
    letter_place = StringField(_l("Tempat pada tanggal surat"), validators=[Optional(), Length(max=60)],
                               description=_l("Ibu kota kabupaten/kota, misalnya Soreang untuk Kabupaten Bandung."))
    letterhead_address = StringField(_l("Alamat kantor"), validators=[Optional(), Length(max=200)],
                                     description=_l("Dicetak di bawah kop surat, misalnya Jl. Raya Soreang No. 17, "
                                                    "Soreang 40911."))
    letterhead_phone = StringField(_l("Telepon kantor"), validators=[Optional(), Length(max=40), Regexp(
        r"^[0-9 ()+./-]*$", message=_l("Nomor telepon hanya berisi angka, spasi, tanda +, -, ( dan )."))],
        render_kw={"inputmode": "tel"})
    letterhead_lines = TextAreaField(_l("Kop surat"), validators=[Optional(), Length(max=600)],
                                     description=_l("Satu baris per baris kop: nama pemerintah daerah, nama dinas, "
                                                    "alamat, telepon."), render_kw={"rows": 5})
    logo = FileField(_l("Logo kop surat"),
                     description=_l("PNG, JPEG atau SVG, paling besar 512 KB."),
                     render_kw={"accept": "image/png,image/jpeg,image/svg+xml"})
    remove_logo = BooleanField(_l("Hapus logo"))
    retention_case_months = _months(_l("Kasus selesai (bulan)"),
                                    _l("Sesudahnya data pribadi di kasus, dan di usulan DTSEN yang sudah selesai, "
                                       "dianonimkan; jumlahnya tetap untuk laporan."))
    retention_attachment_months = _months(_l("Berkas lampiran (bulan)"),
                                          _l("Sesudahnya berkas lampiran dan berita acara musyawarah desa dihapus."))
    retention_audit_months = _months(_l("Jejak audit (bulan)"), _l("Sesudahnya baris jejak audit dihapus."))
    retention_registry_months = _months(_l("Ekstrak registri lama (bulan)"),
                                        _l("Ekstrak yang sudah diganti ekstrak baru dihapus sesudah masa ini."))
    # Left empty: stays as it was (like the retention periods).
    field_expire_days = IntegerField(
        _l("Data di perangkat lapangan tanpa sinkron (hari)"),
        description=_l("Sesudah sekian hari tanpa sinkron, perangkat lapangan menghapus semua data warga yang "
                       "dipegangnya."),
        validators=[Optional(), NumberRange(min=1, max=60, message=_l("Isi antara 1 dan 60 hari."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": 60})
    privacy_contact = StringField(_l("Tempat warga bertanya tentang datanya"), validators=[Optional(), Length(max=200)],
                                  description=_l("Dicetak di tanda terima, misalnya: Petugas Pelindungan Data, "
                                                 "Dinas Sosial, telp. 022-1234567."))
    office_hours = StringField(
        _l("Jam layanan kantor"),
        validators=[Optional(), Length(max=OFFICE_HOURS_LENGTH,
                                       message=_l("Jam layanan paling panjang 120 karakter. Singkatkan, misalnya "
                                                  "Senin-Jumat 08.00-15.00."))],
        description=_l("Disebut dalam balasan WhatsApp kepada warga yang menulis ke nomor kabupaten/kota ini, "
                       "misalnya Senin-Kamis 08.00-15.00, Jumat 08.00-11.00. Dikosongkan: jam layanan bawaan "
                       "server."), filters=[lambda value: " ".join(value.split()) if value else value])
    two_factor_required = BooleanField(
        _l("Wajib verifikasi dua langkah untuk administrator dan supervisor/manajer"),
        description=_l("Pengguna dengan peran ini yang belum memakai verifikasi dua langkah harus "
                       "mengaktifkannya sebelum dapat bekerja."))

    def validate_letterhead_lines(self, field):
        if len((field.data or "").splitlines()) > 6:
            raise ValidationError(_l("Kop surat paling banyak 6 baris."))


CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class ListItemForm(BaseForm):
    code = StringField(_l("Kode"), filters=[_upper], validators=[
        DataRequired(_l("Kode wajib diisi.")), Length(max=30),
        Regexp(CODE, message=_l("Gunakan huruf besar, angka, titik, garis bawah atau tanda hubung, tanpa spasi."))],
        description=_l("Kode tidak dapat diubah setelah disimpan."), render_kw={"autocomplete": "off"})
    name = StringField(_l("Nama"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=160)])
    sort_order = IntegerField(_l("Urutan"), default=0, validators=[Optional(), NumberRange(min=0, max=9999)],
                              description=_l("Angka kecil tampil lebih dulu."), render_kw={"inputmode": "numeric"})


class AgencyForm(ListItemForm):
    sort_order = None  # agencies are listed by name
    address = StringField(_l("Alamat"), validators=[Optional(), Length(max=255)])


class ProgrammeForm(ListItemForm):
    agency_id = SelectField(_l("Instansi yang biasanya menangani"), validate_choice=True)


class AuditFilterForm(BaseForm):
    """Filters of the audit trail. Sent by POST: the NIK of the person asked about travels in the body and is
    turned into the person's id before the filters go into the page's address."""
    user = SelectField(_l("Pengguna"), validate_choice=True, default="")
    action = SelectField(_l("Tindakan"), validate_choice=True, default="")
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])
    nik = StringField(_l("NIK warga"), validators=[Optional(), Regexp(r"^\s*\d{16}\s*$", message=_l(
        "NIK terdiri dari 16 angka."))], render_kw={"inputmode": "numeric", "autocomplete": "off"})

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))


# The districts hosted in this database (the provincial administrator) ---------------------------------------

class DistrictEditForm(BaseForm):
    name = StringField(_l("Nama kabupaten/kota"), validators=[DataRequired(_l("Nama kabupaten/kota wajib diisi.")),
                                                              Length(max=120)])
    office_name = StringField(_l("Nama kantor"), validators=[Optional(), Length(max=160)],
                              description=_l("Dikosongkan: \"SLRT Dinas Sosial\" dan nama kabupaten/kota."))
    public_host = StringField(_l("Alamat situs publik (nama host)"), validators=[Optional(), Length(max=253)],
                              description=_l("Misalnya slrt.bandungkab.go.id, tanpa http://."))
    whatsapp_number = StringField(_l("Nomor WhatsApp warga"), validators=[Optional(), Length(max=24)],
                                  description=_l("Dengan kode negara, misalnya 6281234567890."),
                                  render_kw={"inputmode": "tel"})
    whatsapp_number_id = StringField(
        _l("ID nomor WhatsApp (Phone number ID)"), validators=[Optional(), Length(max=32)],
        description=_l("Angka \"Phone number ID\" nomor di atas, dari WhatsApp Manager (API Setup). Pemberitahuan "
                       "kantor kepada warga kabupaten/kota ini (terdaftar, dirujuk, selesai) dikirim dari nomor itu. "
                       "Dikosongkan: dikirim dari nomor WhatsApp utama server."),
        render_kw={"inputmode": "numeric"})
    active = BooleanField(_l("Aktif"), default=True)


class DistrictForm(DistrictEditForm):
    code = StringField(_l("Kode kabupaten/kota (Kemendagri)"), validators=[
        DataRequired(_l("Kode kabupaten/kota wajib diisi.")),
        Regexp(r"^\s*\d{2}\.\d{2}\s*$", message=_l("Format kode kabupaten/kota: 32.73."))],
        render_kw={"inputmode": "decimal", "placeholder": "32.73"})
    admin_username = StringField(_l("Nama pengguna administrator pertama"), validators=[
        DataRequired(_l("Nama pengguna wajib diisi.")), Length(min=3, max=60),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Gunakan huruf, angka, titik, garis bawah atau tanda hubung."))])
    admin_name = StringField(_l("Nama lengkap administrator"), validators=[
        DataRequired(_l("Nama lengkap wajib diisi.")), Length(max=120)])


class ChooseDistrictForm(BaseForm):
    code = SelectField(_l("Bekerja di kabupaten/kota"), validate_choice=False)

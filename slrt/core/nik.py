"""NIK (Nomor Induk Kependudukan) validation.

A NIK is 16 digits: province (2) + kabupaten/kota (2) + kecamatan (2) of first registration, the birth
date as DDMMYY with 40 added to the day for women, and a serial 0001-9999. There is no check digit, so
validation checks structure: digits only, the length, real province and kabupaten codes, a real birth
date (never read as one in the future), and a serial that is not 0000. The kecamatan may no longer exist
(a NIK never changes after a split or a move): that gives a warning, never a refusal.

A NIK that a spreadsheet turned into a number (`3.27301E+15`) has lost digits and is rejected with its
own message: it must be retyped from the KTP, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from slrt.core.time import local_today

SCIENTIFIC = re.compile(r"^\s*\d+([.,]\d+)?\s*[eE]\s*[+-]?\s*\d+\s*$")
SEPARATORS = re.compile(r"[\s\-.]")


class RegionCodes(Protocol):
    def has_regency(self, code: str) -> bool: ...
    def has_district(self, code: str) -> bool: ...


@dataclass
class NikCheck:
    raw: str
    nik: str = ""
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None  # "L" or "P"
    province_code: str = ""
    regency_code: str = ""
    district_code: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors


def normalize(raw: str) -> str:
    """Drop the spaces and dashes people type between digit groups; keep everything else."""
    return SEPARATORS.sub("", raw or "")


def birth_date_from(digits: str, today: date) -> tuple[date | None, str | None]:
    """The birth date and sex coded in DDMMYY (day + 40 for women).

    The year has two digits: the most recent century that does not put the birth in the future, so a
    NIK with a date later this year in `..26` is a person born in 1926 (the elderly are served here
    too), never a birth in the future.
    """
    day, month, year2 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    for year in (2000 + year2, 1900 + year2):
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= today:
            return born, sex
    return None, None


def check_nik(raw: str, regions: RegionCodes | None, today: date | None = None) -> NikCheck:
    """Validate a typed NIK. `regions` answers which codes exist; None skips the region checks."""
    today = today or local_today()  # the district's day, not the server's
    result = NikCheck(raw=raw or "")
    text = (raw or "").strip()
    if not text:
        result.errors.append(_l("NIK wajib diisi."))
        return result
    if SCIENTIFIC.match(text):
        result.errors.append(gettext("NIK ini rusak oleh spreadsheet (ditulis sebagai angka %(value)s) dan "
                                     "sudah kehilangan digit. Ketik ulang NIK dari KTP.", value=text))
        return result
    digits = normalize(text)
    if not digits.isdigit() or not digits.isascii():
        result.errors.append(_l("NIK hanya boleh berisi angka."))
        return result
    if len(digits) != 16:
        result.errors.append(gettext("NIK harus 16 digit; yang diketik %(count)d digit.", count=len(digits)))
        return result
    result.nik = digits
    result.province_code = digits[0:2]
    result.regency_code = f"{digits[0:2]}.{digits[2:4]}"
    result.district_code = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    if regions is not None:
        if not regions.has_regency(result.regency_code):
            result.errors.append(gettext("Kode provinsi/kabupaten %(code)s pada NIK tidak dikenal.",
                                         code=result.regency_code))
        elif not regions.has_district(result.district_code):
            result.warnings.append(gettext("Kode kecamatan %(code)s pada NIK tidak ada lagi di daftar wilayah "
                                           "(mungkin sudah dimekarkan). Periksa KTP; NIK tetap dapat dipakai.",
                                           code=result.district_code))
    born, sex = birth_date_from(digits[6:12], today)
    if born is None:
        result.errors.append(_l("Tanggal lahir pada NIK (digit ke-7 sampai ke-12) bukan tanggal yang sah."))
    else:
        result.birth_date, result.sex = born, sex
    if digits[12:16] == "0000":
        result.errors.append(_l("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000."))
    return result


def check_kk(raw: str, regions: RegionCodes | None) -> NikCheck:
    """A No. KK is 16 digits with the same region prefix; its middle part is an issue date, not a birth date."""
    result = NikCheck(raw=raw or "")
    text = (raw or "").strip()
    if not text:
        return result
    if SCIENTIFIC.match(text):
        result.errors.append(gettext("No. KK ini rusak oleh spreadsheet (%(value)s). Ketik ulang dari Kartu Keluarga.",
                                     value=text))
        return result
    digits = normalize(text)
    if not digits.isdigit() or not digits.isascii() or len(digits) != 16:
        result.errors.append(_l("No. KK harus 16 digit angka."))
        return result
    result.nik = digits
    result.regency_code = f"{digits[0:2]}.{digits[2:4]}"
    if regions is not None and not regions.has_regency(result.regency_code):
        result.errors.append(gettext("Kode provinsi/kabupaten %(code)s pada No. KK tidak dikenal.",
                                     code=result.regency_code))
    return result


def mask_nik(nik: str) -> str:
    """Show a NIK on screen lists without giving it away whole: 3204**********0001."""
    if not nik or len(nik) < 8:
        return nik or ""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]

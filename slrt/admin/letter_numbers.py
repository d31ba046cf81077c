"""The district's letter-number pattern: validated once, filled in without str.format (a pattern typed by an
administrator must never reach Python's format machinery)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ALLOWED = ("{seq}", "{seq:04d}", "{year}", "{month}", "{month_roman}")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MAX_LENGTH = 60  # the letter number column holds 80 characters once filled in


def pattern_errors(pattern: str) -> list:
    """What is wrong with a pattern (empty list: it is valid)."""
    pattern = pattern or ""
    errors = []
    if not pattern.strip():
        return [_l("Pola nomor surat wajib diisi.")]
    if len(pattern) > MAX_LENGTH:
        errors.append(gettext("Pola nomor surat terlalu panjang (maksimal %(n)d karakter).", n=MAX_LENGTH))
    unknown = [f"{{{name}}}" for name in PLACEHOLDER.findall(pattern) if f"{{{name}}}" not in ALLOWED]
    if unknown:
        errors.append(gettext("Penanda %(names)s tidak dikenal. Gunakan hanya {seq}, {seq:04d}, {year}, {month}, "
                              "{month_roman}.", names=", ".join(dict.fromkeys(unknown))))
    if "{" in PLACEHOLDER.sub("", pattern) or "}" in PLACEHOLDER.sub("", pattern):
        errors.append(_l("Ada kurung kurawal yang tidak berpasangan."))
    if "{seq}" not in pattern and "{seq:04d}" not in pattern:
        errors.append(_l("Pola harus memuat nomor urut {seq} atau {seq:04d}."))
    if "{year}" not in pattern:
        errors.append(_l("Pola harus memuat {year}: nomor urut dimulai lagi setiap tahun, jadi tahun membuat "
                         "nomor surat tetap unik."))
    if any(c in pattern for c in "\r\n\t"):
        errors.append(_l("Pola tidak boleh memuat baris baru atau tab."))
    return errors


def format_letter_number(pattern: str, seq: int, day: date) -> str:
    """Fill a valid pattern: 460/{seq:04d}/SLRT/{month_roman}/{year} → 460/0007/SLRT/XI/2026."""
    values = {"{seq}": str(seq), "{seq:04d}": f"{seq:04d}", "{year}": str(day.year),
              "{month}": f"{day.month:02d}", "{month_roman}": ROMAN[day.month - 1]}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(0), m.group(0)), pattern)


def next_sequence(year: int, region_code: str) -> int:
    """The sequence number the next approved referral of this district and year would get (for the preview)."""
    from sqlalchemy import func, select

    from slrt.extensions import db
    from slrt.referrals.models import Referral
    highest = db.session.scalar(select(func.max(Referral.letter_seq))
                                .where(Referral.letter_year == year, Referral.district_code == region_code))
    return (highest or 0) + 1

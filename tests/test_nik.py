"""NIK and No. KK validation (slrt.core.nik), against the real Kemendagri region list."""
from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrt.core.nik import check_kk, check_nik, mask_nik, normalize
from slrt.regions.operations import DATA_DIR

TODAY = date(2026, 11, 22)


class CsvRegions:
    """A RegionCodes stub over the shipped dataset (no database needed)."""

    def __init__(self) -> None:
        with open(DATA_DIR / "regencies.csv", newline="", encoding="utf-8") as handle:
            self.regencies = sorted(row["code"] for row in csv.DictReader(handle))
        with open(DATA_DIR / "districts.csv", newline="", encoding="utf-8") as handle:
            self.districts = sorted(row["code"] for row in csv.DictReader(handle))
        self._regencies, self._districts = set(self.regencies), set(self.districts)

    def has_regency(self, code: str) -> bool:
        return code in self._regencies

    def has_district(self, code: str) -> bool:
        return code in self._districts


REGIONS = CsvRegions()


def nik(district="32.04.05", day=5, month=12, year=1990, serial=1, woman=False) -> str:
    return (district.replace(".", "") + f"{day + (40 if woman else 0):02d}{month:02d}{year % 100:02d}"
            + f"{serial:04d}")


def check(raw):
    return check_nik(raw, REGIONS, today=TODAY)


def messages(result) -> str:
    return " ".join(str(m) for m in result.errors + result.warnings)


# --- valid NIKs --------------------------------------------------------------------------------------------

def test_man_gives_birth_date_and_sex():
    result = check(nik(day=17, month=8, year=1975))
    assert result.valid, messages(result)
    assert (result.birth_date, result.sex) == (date(1975, 8, 17), "L")
    assert (result.province_code, result.regency_code, result.district_code) == ("32", "32.04", "32.04.05")


def test_woman_has_forty_added_to_the_day():
    result = check("3204054512900001")
    assert result.valid, messages(result)
    assert (result.birth_date, result.sex) == (date(1990, 12, 5), "P")
    assert check(nik(day=31, month=1, year=2001, woman=True)).birth_date == date(2001, 1, 31)  # day 71


@pytest.mark.parametrize("typed", ["3204 0545 1290 0001", "3204-0545-1290-0001", " 3204054512900001 ",
                                   "320405 451290 0001", "3204.0545.1290.0001", "3204\t054512900001"])
def test_spaces_and_dashes_between_digit_groups_are_accepted(typed):
    result = check(typed)
    assert result.valid, messages(result)
    assert result.nik == "3204054512900001"


def test_child_born_this_century_and_centenarian_both_read_right():
    assert check(nik(day=1, month=3, year=2024)).birth_date == date(2024, 3, 1)
    # A date later this year in "26" cannot be a birth in the future: it is someone born in 1926.
    old = check(nik(day=1, month=12, year=1926))
    assert old.valid, messages(old)
    assert old.birth_date == date(1926, 12, 1)


def test_leap_day_2000_is_a_real_date():
    assert check(nik(day=29, month=2, year=2000)).birth_date == date(2000, 2, 29)


# --- refused -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, words", [
    ("", "wajib"),
    ("   ", "wajib"),
    ("320405451290001", "15 digit"),
    ("32040545129000011", "17 digit"),
    ("32040545129O0001", "hanya boleh berisi angka"),   # letter O for zero
    ("3204o54512900001", "hanya boleh berisi angka"),
    ("NIK 3204054512900001", "hanya boleh berisi angka"),
    ("３２０４０５４５１２９０００１", "hanya boleh berisi angka"),  # full-width digits
    ("3204054512900001/", "hanya boleh berisi angka"),
])
def test_bad_shapes_are_refused_with_a_reason(typed, words):
    result = check(typed)
    assert not result.valid
    assert words in messages(result)
    assert result.birth_date is None and result.nik == ""


@pytest.mark.parametrize("typed", ["3.27301E+15", "3,27E+15", "3.27301e+15", "3.27301E15", "3.2730101E+015",
                                   " 3.27301E+15 ", "3E+15", "3,2730101019E+15"])
def test_spreadsheet_scientific_forms_are_refused_never_guessed(typed):
    result = check(typed)
    assert not result.valid
    assert "spreadsheet" in messages(result)
    assert result.nik == ""


@pytest.mark.parametrize("typed", ["3204053102900001",   # 31 February
                                   "3204057202900001",   # day 72 (32 for a woman)
                                   "3204054002900001",   # day 40: neither a man's nor a woman's day
                                   "3204050002900001",   # day 00
                                   "3204051513900001",   # month 13
                                   "3204051500900001",   # month 00
                                   "3204052902010001"])  # 29 February 2001/1901
def test_impossible_birth_dates_are_refused(typed):
    result = check(typed)
    assert not result.valid
    assert "Tanggal lahir pada NIK" in messages(result)


def test_birth_date_is_never_in_the_future():
    tomorrow = TODAY + timedelta(days=1)
    result = check(nik(day=tomorrow.day, month=tomorrow.month, year=tomorrow.year))
    assert result.birth_date is None or result.birth_date <= TODAY
    today_born = check(nik(day=TODAY.day, month=TODAY.month, year=TODAY.year))
    assert today_born.birth_date == TODAY


def test_serial_0000_is_refused():
    result = check(nik(serial=0))
    assert not result.valid
    assert "0000" in messages(result)


@pytest.mark.parametrize("district", ["00.00.01", "32.99.01", "99.01.01", "37.01.01"])
def test_unknown_province_or_kabupaten_is_refused(district):
    result = check(nik(district=district))
    assert not result.valid
    assert "tidak dikenal" in messages(result)


def test_retired_or_unknown_kecamatan_is_only_a_warning():
    result = check(nik(district="32.04.99"))
    assert result.valid
    assert result.errors == []
    assert "32.04.99" in messages(result)
    assert result.birth_date == date(1990, 12, 5)


def test_without_a_region_list_only_the_structure_is_checked():
    assert check_nik("9999054512900001", None, today=TODAY).valid


# --- No. KK ------------------------------------------------------------------------------------------------

def test_kk_number():
    assert check_kk("3204051234560007", REGIONS).valid
    assert check_kk("3204-0512-3456-0007", REGIONS).nik == "3204051234560007"
    assert check_kk("", REGIONS).valid  # optional on the form
    assert "spreadsheet" in messages(check_kk("3.20405E+15", REGIONS))
    assert not check_kk("320405123456000", REGIONS).valid
    assert not check_kk("32040512345600O7", REGIONS).valid
    assert not check_kk("9904051234560007", REGIONS).valid


def test_mask_keeps_only_the_ends():
    assert mask_nik("3204054512900001") == "3204********0001"


# --- properties --------------------------------------------------------------------------------------------

birth_dates = st.dates(min_value=TODAY.replace(year=TODAY.year - 99) + timedelta(days=1), max_value=TODAY)


@settings(max_examples=300, deadline=None)
@given(district=st.sampled_from(REGIONS.districts), born=birth_dates, serial=st.integers(1, 9999),
       woman=st.booleans())
def test_any_nik_from_a_real_kecamatan_date_and_serial_validates(district, born, serial, woman):
    typed = nik(district=district, day=born.day, month=born.month, year=born.year, serial=serial, woman=woman)
    result = check(typed)
    assert result.valid, (typed, messages(result))
    assert result.warnings == []
    assert result.birth_date == born
    assert result.sex == ("P" if woman else "L")
    assert result.nik == typed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -.\t"), max_size=30) | st.text(max_size=40))
def test_anything_not_16_digits_after_separators_is_refused(typed):
    digits = normalize(typed.strip())
    if digits.isascii() and digits.isdigit() and len(digits) == 16:
        return  # a well-formed NIK; its content is checked by the other tests
    result = check(typed)
    assert not result.valid
    assert result.nik == ""


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.from_regex(r"\A[0-9]{16}\Z") | st.from_regex(r"\A[0-9 .,eE+\-]{1,24}\Z"))
def test_never_raises_and_valid_means_a_real_date_in_the_past(typed):
    result = check(typed)
    kk = check_kk(typed, REGIONS)
    assert isinstance(result.valid, bool) and isinstance(kk.valid, bool)
    if result.valid:
        assert len(result.nik) == 16 and result.nik.isdigit()
        assert result.birth_date <= TODAY
        assert result.sex in ("L", "P")
        assert result.nik[12:] != "0000"

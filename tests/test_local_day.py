"""Dates come from the district's calendar day, not the server's: a NIK's century, a registry extract's birth
dates and date, and the ages behind the suggestions are judged on the day it is in the district."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from slrt.core.nik import check_nik
from slrt.core.time import local_today
from tests.registry_helpers import family, import_file, nik, person_row, write_csv


@pytest.fixture
def district_day(app):
    """Put the district in a time zone whose calendar day differs from the server's right now (one of the
    two is always a day ahead of or behind any server clock), and return the district's day."""
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):  # UTC+14, UTC-12
        app.config["SLRT_TIMEZONE"] = zone
        if local_today() != date.today():
            return local_today()
    pytest.skip("the server's day matches both zones' (a server clock far from UTC)")


def test_a_nik_born_on_the_district_day_is_of_this_century(app, places, district_day):
    tomorrow = district_day + timedelta(days=1)
    today_nik = check_nik(nik(places.kecamatan, district_day), None)
    assert today_nik.valid and today_nik.birth_date == district_day
    # A NIK dated the district's tomorrow cannot be a birth this century: it is read as a century earlier.
    tomorrow_nik = check_nik(nik(places.kecamatan, tomorrow), None)
    assert tomorrow_nik.birth_date == tomorrow.replace(year=tomorrow.year - 100)


def test_the_importer_judges_birth_dates_on_the_district_day(app, places, tmp_path, district_day):
    rows, _niks, number = family(places)
    tomorrow = district_day + timedelta(days=1)
    rows.append(person_row(places, nik_value=nik(places.kecamatan, district_day, serial=7), kk_value=number,
                           name="BAYI HARI INI", born=district_day, relation="3"))
    rows.append(person_row(places, nik_value=nik(places.kecamatan, date(2001, 1, 1), serial=8), kk_value=number,
                           name="SALAH KETIK", born=tomorrow, relation="3"))
    _import_id, progress = import_file(write_csv(tmp_path / "ekstrak.csv", rows))
    assert (progress.accepted, progress.rejected) == (4, 1)  # born today: yes; born tomorrow: impossible


def test_the_import_command_dates_the_extract_on_the_district_day(app, places, tmp_path, district_day):
    from slrt.extensions import db
    from slrt.registry.models import RegistryImport
    rows, _niks, _number = family(places)
    result = app.test_cli_runner().invoke(args=["registry", "import", str(write_csv(tmp_path / "e.csv", rows))])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(RegistryImport.extract_date)) == district_day


def test_ages_behind_the_suggestions_count_from_the_district_day(app, district_day):
    from slrt.registry.suggestions import profile_from_household, profile_not_registered

    def eighteen_on(day):
        if (day.month, day.day) == (2, 29):
            pytest.skip("no 29 February eighteen years ago")
        return day.replace(year=day.year - 18)

    people = [SimpleNamespace(name="A", birth_date=eighteen_on(district_day), relation=1, nik="1",
                              dukcapil_matched=True, disability=False, programmes=lambda: []),
              SimpleNamespace(name="B", birth_date=eighteen_on(district_day + timedelta(days=1)), relation=3,
                              nik="2", dukcapil_matched=True, disability=False, programmes=lambda: [])]
    household = SimpleNamespace(members=people, decile=2)
    assert [m.age for m in profile_from_household(household).members] == [18, 17]
    assert [m.age for m in profile_not_registered(people).members] == [18, 17]

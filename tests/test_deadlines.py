"""Working days around real 2026 dates, district days off, and the administrator's days-off page."""
from datetime import date

import pytest

from slrt.audit.models import AuditLog
from slrt.deadlines.calendar import (add_working_days, district_days_off, extend_for_pause, is_working_day,
                                     national_holidays, working_days_between)
from slrt.deadlines.models import DayOff
from slrt.extensions import db

D = date
NO_DAYS_OFF = frozenset()

# Cuti bersama (joint leave) and holidays of 2026 per SKB 3 Menteri, as the `holidays` package ships them.
NOT_WORKING_2026 = [
    D(2026, 1, 1),    # Tahun Baru
    D(2026, 1, 16),   # Isra Mikraj
    D(2026, 2, 16),   # cuti bersama Imlek
    D(2026, 2, 17),   # Imlek
    D(2026, 3, 18),   # cuti bersama Nyepi
    D(2026, 3, 19),   # Nyepi
    D(2026, 3, 20),   # cuti bersama Idul Fitri
    D(2026, 3, 23),   # cuti bersama Idul Fitri
    D(2026, 3, 24),   # cuti bersama Idul Fitri
    D(2026, 4, 3),    # Jumat Agung
    D(2026, 5, 1),    # Hari Buruh
    D(2026, 5, 14),   # Kenaikan Isa Almasih
    D(2026, 5, 15),   # cuti bersama Kenaikan
    D(2026, 5, 27),   # Idul Adha
    D(2026, 5, 28),   # cuti bersama Idul Adha
    D(2026, 6, 1),    # Hari Lahir Pancasila
    D(2026, 6, 16),   # Tahun Baru Islam
    D(2026, 8, 17),   # Hari Kemerdekaan
    D(2026, 8, 25),   # Maulid Nabi
    D(2026, 12, 24),  # cuti bersama Natal
    D(2026, 12, 25),  # Natal
    D(2026, 3, 21),   # Idul Fitri (Saturday)
    D(2026, 11, 22),  # an ordinary Sunday
]
WORKING_2026 = [D(2026, 3, 17), D(2026, 3, 25), D(2026, 12, 23), D(2026, 12, 28), D(2026, 11, 23), D(2026, 12, 31)]


@pytest.mark.parametrize("day", NOT_WORKING_2026)
def test_holidays_and_joint_leave_are_not_working_days(day):
    assert not is_working_day(day, NO_DAYS_OFF)


@pytest.mark.parametrize("day", WORKING_2026)
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day, NO_DAYS_OFF)


@pytest.mark.parametrize("start, count, expected", [
    # Idul Fitri 1447 H: Wed 18 March to Tue 24 March 2026 are all off (Nyepi, cuti bersama, the weekend).
    (D(2026, 3, 17), 1, D(2026, 3, 25)),
    (D(2026, 3, 16), 3, D(2026, 3, 26)),   # registered Monday: sign-off due (3 working days)
    (D(2026, 3, 13), 5, D(2026, 3, 27)),
    (D(2026, 3, 19), 1, D(2026, 3, 25)),   # starting on a holiday
    # Ascension + cuti bersama: letter on Wed 13 May, agency answer due (5 working days)
    (D(2026, 5, 13), 5, D(2026, 5, 22)),
    (D(2026, 5, 26), 1, D(2026, 5, 29)),   # Idul Adha and its cuti bersama
    # Christmas 2026: Thu 24 (cuti bersama) and Fri 25 December
    (D(2026, 12, 23), 1, D(2026, 12, 28)),
    (D(2026, 12, 22), 3, D(2026, 12, 29)),
    # Across the new year: 1 January 2027 (Fri) and Isra Mikraj 5 January 2027 (Tue)
    (D(2026, 12, 30), 2, D(2027, 1, 4)),
    (D(2026, 12, 30), 3, D(2027, 1, 6)),
    (D(2025, 12, 24), 1, D(2025, 12, 29)),  # Christmas 2025 with cuti bersama Fri 26
    # Weekends
    (D(2026, 11, 20), 1, D(2026, 11, 23)),
    (D(2026, 11, 21), 1, D(2026, 11, 23)),
    (D(2026, 11, 23), 10, D(2026, 12, 7)),  # auto-close: 10 working days, no holiday between
    (D(2026, 11, 23), 0, D(2026, 11, 23)),
    (D(2026, 3, 25), -1, D(2026, 3, 17)),   # backwards over Idul Fitri
])
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count, NO_DAYS_OFF) == expected


@pytest.mark.parametrize("start, end, expected", [
    (D(2026, 3, 17), D(2026, 3, 25), 1),
    (D(2026, 3, 16), D(2026, 3, 31), 6),
    (D(2026, 11, 20), D(2026, 11, 23), 1),
    (D(2026, 11, 23), D(2026, 11, 20), -1),
    (D(2026, 11, 23), D(2026, 11, 23), 0),
    (D(2026, 12, 23), D(2027, 1, 4), 5),    # 28, 29, 30, 31 December and 4 January
    (D(2026, 1, 1), D(2026, 12, 31), 240),  # 261 weekdays in 2026 minus 21 weekday holidays
])
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end, NO_DAYS_OFF) == expected


def test_working_days_between_is_the_inverse_of_add():
    for start in (D(2026, 3, 13), D(2026, 12, 21), D(2026, 5, 12)):
        for count in range(0, 15):
            assert working_days_between(start, add_working_days(start, count)) == count


def test_a_district_day_off_moves_the_deadline():
    anniversary = frozenset({D(2026, 3, 25)})
    assert add_working_days(D(2026, 3, 17), 1, anniversary) == D(2026, 3, 26)
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 26), anniversary) == 1
    assert not is_working_day(D(2026, 3, 25), anniversary)


@pytest.mark.parametrize("due, paused_from, resumed_on, expected", [
    # Due Thu 26 March; waiting on the citizen from Mon 16 to Fri 27 March: 4 working days lost.
    (D(2026, 3, 26), D(2026, 3, 16), D(2026, 3, 27), D(2026, 4, 1)),
    # Paused Friday, resumed Monday: one working day.
    (D(2026, 11, 25), D(2026, 11, 20), D(2026, 11, 23), D(2026, 11, 26)),
    # Paused and resumed on the same day: nothing lost.
    (D(2026, 11, 25), D(2026, 11, 23), D(2026, 11, 23), D(2026, 11, 25)),
    # Already late when paused: the pause does not make it on time.
    (D(2026, 11, 20), D(2026, 11, 23), D(2026, 11, 30), D(2026, 11, 20)),
    # Paused over Christmas: only the working days count.
    (D(2026, 12, 23), D(2026, 12, 22), D(2026, 12, 29), D(2026, 12, 30)),
])
def test_extend_for_pause(due, paused_from, resumed_on, expected):
    assert extend_for_pause(due, paused_from, resumed_on, NO_DAYS_OFF) == expected


def test_the_library_knows_the_joint_leave_days():
    names = dict(national_holidays(2026, "id"))
    assert D(2026, 3, 20) in names and D(2026, 12, 24) in names
    joint_2025 = {day for day, name in national_holidays(2025, "en") if "Joint" in name}
    assert {D(2025, 4, 2), D(2025, 4, 3), D(2025, 4, 4), D(2025, 4, 7), D(2025, 12, 26)} <= joint_2025


# The administrator's page ------------------------------------------------------------------------------

ROLES = ["front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator",
         "admin", "provincial_officer"]


def test_days_off_page_needs_login(client):
    assert client.get("/admin/hari-libur/").status_code == 302
    assert client.post("/admin/hari-libur/", data={"day": "2026-11-24", "name": "x"}).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_days_off_page_only_for_admin(client, login_as, role):
    login_as(role)
    expected = 200 if role == "admin" else 403
    assert client.get("/admin/hari-libur/?tahun=2026").status_code == expected
    response = client.post("/admin/hari-libur/", data={"day": "2026-11-24", "name": "Hari jadi kabupaten"})
    assert response.status_code == (303 if role == "admin" else 403)
    assert db.session.scalar(db.select(db.func.count()).select_from(DayOff)) == (1 if role == "admin" else 0)
    row = DayOff(region_code="32.04", day=D(2026, 12, 31), name="Tutup buku")
    db.session.add(row)
    db.session.commit()
    row_id = row.id  # the request deletes it in its own session
    assert client.post(f"/admin/hari-libur/{row_id}/hapus").status_code == (303 if role == "admin" else 403)
    db.session.rollback()
    assert (db.session.get(DayOff, row_id) is None) == (role == "admin")


def _add(client, day="2026-11-24", name="Hari jadi Kabupaten Bandung"):
    return client.post("/admin/hari-libur/", data={"day": day, "name": name})


def test_admin_adds_and_removes_a_day_off(client, login_as, app):
    admin = login_as("admin")
    page = client.get("/admin/hari-libur/?tahun=2026").get_data(as_text=True)
    assert "Hari Raya Idul Fitri" in page and "Cuti Bersama" in page  # the national calendar, in Indonesian
    response = _add(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("tahun=2026")
    row = db.session.scalar(db.select(DayOff))
    assert (row.region_code, row.day, row.name) == ("32.04", D(2026, 11, 24), "Hari jadi Kabupaten Bandung")
    assert district_days_off("32.04") == frozenset({D(2026, 11, 24)})
    assert add_working_days(D(2026, 11, 23), 1, district_days_off("32.04")) == D(2026, 11, 25)
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "day_off.create"))
    assert audit.user_id == admin.id and "2026-11-24" in audit.note
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "24 November 2026" in listing and "Hari jadi Kabupaten Bandung" in listing

    response = client.post(f"/admin/hari-libur/{row.id}/hapus")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(db.select(DayOff)) is None
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "day_off.delete")).user_id == admin.id


def test_duplicate_or_incomplete_day_off_rerenders_with_indonesian_messages(client, login_as):
    login_as("admin")
    _add(client)
    again = _add(client, name="Lagi")
    text = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "sudah ada di daftar hari libur daerah" in text and 'value="Lagi"' in text
    missing = client.post("/admin/hari-libur/", data={"day": "", "name": "Tanpa tanggal"})
    text = missing.get_data(as_text=True)
    assert "Isi tanggal hari libur." in text and 'value="Tanpa tanggal"' in text
    assert db.session.scalar(db.select(db.func.count()).select_from(DayOff)) == 1


def test_remove_unknown_day_off_is_404_and_other_roles_403(client, login_as, make_user, app):
    row = DayOff(region_code="32.04", day=D(2026, 11, 24), name="x")
    db.session.add(row)
    db.session.commit()
    login_as("supervisor")
    assert client.post(f"/admin/hari-libur/{row.id}/hapus").status_code == 403
    client.post("/keluar")
    login_as("admin")
    assert client.post("/admin/hari-libur/999999/hapus").status_code == 404

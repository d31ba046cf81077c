"""Exports: they open with openpyxl, hold the rows of the screen, honour filters and region scope, carry
personal data only for roles allowed to take it out, and are audited. Scoping of dashboards too."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.extensions import db
from tests import reports_helpers as h


@pytest.fixture
def ds(app, places, make_user):
    return h.build(places, make_user)


def sheet_rows(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.data))
    return workbook, workbook.worksheets[0]


def tickets_on_screen(html: str) -> set[str]:
    # The queue's rows link the ticket without a class (they are kept light for the htmx swap).
    return set(re.findall(r'<a [^>]*(?:class="ticket"|href="/kasus/\d+")[^>]*>(TST-\d{4})<', html))


def test_list_xlsx_holds_the_rows_of_the_screen_with_typed_cells(ds, client, login_as):
    login_as("supervisor")
    args = {**ds.range_args(), "status": "registered"}
    screen = tickets_on_screen(client.get("/laporan/daftar", query_string=args).get_data(as_text=True))
    assert screen == {"TST-0001", "TST-0004"}
    workbook, sheet = sheet_rows(client.get("/laporan/daftar.xlsx", query_string=args))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Tiket", "Tanggal daftar", "Kecamatan") and "NIK" in header and "Nama" in header
    assert sheet.freeze_panes == "A2"
    assert {r[0] for r in rows[1:]} == screen
    assert isinstance(rows[1][1], datetime)                      # a date, not text
    assert isinstance(rows[1][header.index("Jumlah keluhan")], int)
    nik = rows[1][header.index("NIK")]
    assert isinstance(nik, str) and len(nik) == 16              # kept as text: no 3.2E+15


def test_referral_list_export_matches_screen(ds, client, login_as):
    login_as("back_office")
    args = {**ds.range_args(), "kind": "referrals", "late": "any"}
    html = client.get("/laporan/daftar", query_string=args).get_data(as_text=True)
    assert 'data-total="2"' in html
    _, sheet = sheet_rows(client.get("/laporan/daftar.xlsx", query_string=args))
    rows = list(sheet.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["TST-0003", "TST-0004"]
    late_col = rows[0].index("Terlambat")
    assert {r[late_col] for r in rows[1:]} == {"Ya"}


def test_csv_is_utf8_with_bom_semicolons_and_same_rows(ds, client, login_as):
    login_as("supervisor")
    args = {**ds.range_args()}
    response = client.get("/laporan/daftar.csv", query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Tiket"
    assert {r[0] for r in rows[1:]} == {"TST-0001", "TST-0002", "TST-0003", "TST-0004"}
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", rows[1][1])


@pytest.mark.parametrize("role,personal", [("back_office", True), ("supervisor", True), ("admin", True),
                                           ("puskesos_operator", False)])
def test_personal_data_only_for_roles_allowed(ds, client, login_as, role, personal):
    login_as(role)
    _, sheet = sheet_rows(client.get("/laporan/daftar.xlsx", query_string=ds.range_args()))
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert ("NIK" in header) is personal and ("Nama" in header) is personal and ("Telepon" in header) is personal
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert ("3204054112900001" in text) is personal and ("Warga C1" in text) is personal


def test_provincial_officer_gets_aggregates_never_people(ds, client, login_as):
    login_as("provincial_officer")
    assert client.get("/laporan/daftar.xlsx", query_string=ds.range_args()).status_code == 403
    assert client.get("/laporan/antrean-kasus.xlsx").status_code == 403
    workbook, _ = sheet_rows(client.get("/laporan/dasbor.xlsx", query_string=ds.range_args()))
    text = " ".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "Warga" not in text and "3204054112900001" not in text and "TST-" not in text
    html = client.get("/laporan/", query_string=ds.range_args()).get_data(as_text=True)
    assert "figure-link" not in html and "Warga" not in html


def test_exports_are_audited(ds, client, login_as):
    user = login_as("supervisor")
    client.get("/laporan/daftar.xlsx", query_string={**ds.range_args(), "status": "registered"})
    client.get("/laporan/dasbor.csv", query_string=ds.range_args())
    client.get("/laporan/bulanan.pdf")
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "report.export").order_by(AuditLog.id)).all()
    assert [r.user_id for r in rows] == [user.id] * 3
    assert rows[0].note.startswith("list:cases personal xlsx rows=2") and "status=registered" in rows[0].note
    assert rows[1].note.startswith("dashboard csv rows=") and rows[2].note.startswith("monthly pdf")
    assert all(r.at for r in rows)
    assert not any("3204054112900001" in r.note for r in rows)


def test_case_queue_export_takes_the_queue_filters(ds, client, login_as, places):
    login_as("back_office")
    args = {"status": "registered", "kecamatan": places.other_kecamatan, "desa": ""}
    screen = tickets_on_screen(client.get("/kasus/", query_string=args).get_data(as_text=True))
    _, sheet = sheet_rows(client.get("/laporan/antrean-kasus.xlsx", query_string=args))
    assert {r[0] for r in list(sheet.iter_rows(values_only=True))[1:]} == screen == {"TST-0004", "TST-0005"}
    # Without filters, like the queue: the registered cases.
    _, sheet = sheet_rows(client.get("/laporan/antrean-kasus.xlsx"))
    assert {r[0] for r in list(sheet.iter_rows(values_only=True))[1:]} == {"TST-0001", "TST-0004", "TST-0005"}


def test_village_operator_never_sees_another_village(ds, client, login_as, places):
    login_as("puskesos_operator", region_code=places.desa)
    html = client.get("/laporan/", query_string=ds.range_args()).get_data(as_text=True)
    assert re.search(r'data-figure="total">.*?>2<', html)       # c1, c2 only
    listing = client.get("/laporan/daftar", query_string=ds.range_args()).get_data(as_text=True)
    assert tickets_on_screen(listing) == {"TST-0001", "TST-0002"}
    # Asking for another village's region falls back to the operator's own.
    other = client.get("/laporan/daftar", query_string={**ds.range_args(), "region": places.desa2})
    assert tickets_on_screen(other.get_data(as_text=True)) == {"TST-0001", "TST-0002"}
    _, sheet = sheet_rows(client.get("/laporan/antrean-kasus.xlsx", query_string={"status": ""}))
    assert {r[0] for r in list(sheet.iter_rows(values_only=True))[1:]} == {"TST-0001", "TST-0002"}
    _, sheet = sheet_rows(client.get("/laporan/dasbor.xlsx", query_string=ds.range_args()))
    assert list(sheet.iter_rows(values_only=True))[-1] == ("Jumlah", 2)


def test_a_district_never_sees_another_district(ds, client, login_as, places):
    login_as("supervisor", region_code=places.other_district)
    listing = client.get("/laporan/daftar", query_string=ds.range_args()).get_data(as_text=True)
    assert tickets_on_screen(listing) == {"TST-0006"}
    referrals = client.get("/laporan/daftar", query_string={**ds.range_args(), "kind": "referrals", "late": "any"})
    assert 'data-total="1"' in referrals.get_data(as_text=True)
    forced = client.get("/laporan/daftar", query_string={**ds.range_args(), "region": places.desa})
    assert tickets_on_screen(forced.get_data(as_text=True)) == {"TST-0006"}


def test_provincial_officer_sees_districts_side_by_side(ds, client, login_as, places):
    login_as("provincial_officer")
    html = client.get("/laporan/", query_string=ds.range_args()).get_data(as_text=True)
    table = html[html.index('id="by-region"'):]
    assert f"region={places.district}" in table and f"region={places.other_district}" in table
    assert re.search(r'data-figure="total">5<', html)             # c1–c4 and c6, the whole province


def test_another_province_sees_none_of_it(ds, client, login_as):
    login_as("provincial_officer", region_code="31")
    other = client.get("/laporan/", query_string=ds.range_args()).get_data(as_text=True)
    assert re.search(r'data-figure="total">0<', other) and re.search(r'data-figure="late">0<', other)


def test_monthly_pdf_holds_the_figures(ds, client, login_as):
    login_as("supervisor")
    month = f"{ds.today:%Y-%m}"
    response = client.get("/laporan/bulanan.pdf", query_string={"month": month})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "Laporan Bulanan SLRT" in text and "Kasus menurut status" in text and "Waktu layanan" in text
    # The same figures as the page: the month's totals per status and the service times.
    page = client.get("/laporan/bulanan", query_string={"month": month}).get_data(as_text=True)
    assert "Kasus menurut status" in page and "Persentil ke-90" in page
    assert "Persentil ke-90" in text and "Pendaftaran sampai penetapan" in text


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF's (zlib-compressed) content streams, enough to find words in it."""
    import zlib
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return " ".join(re.findall(r"\((.*?)\) ?Tj", " ".join(out)))

"""Exports that cannot run code: text from people is text in every XLSX and CSV the portal writes."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from slrt.core.spreadsheets import csv_line, csv_safe
from slrt.extensions import db
from slrt.reports.tables import Column, Table, to_csv, to_xlsx
from tests import reports_helpers as h

LINK = '=HYPERLINK("http://contoh.invalid/","Klik")'
DDE = "=cmd|' /C calc'!A0"
PHONE = "+6281234567890"


@pytest.mark.parametrize("text", [LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_csv_cell_that_a_spreadsheet_would_run_is_prefixed(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value, written", [("Ani Suryani", "Ani Suryani"), ("Jl. Merdeka 10", "Jl. Merdeka 10"),
                                            ("", ""), (None, ""), (-3, "-3"), (12, "12"), ("O'Neil", "O'Neil")])
def test_csv_leaves_everything_else_as_it_is(value, written):
    assert csv_safe(value) == written


def test_csv_line_quotes_and_neutralises_together():
    row = next(csv.reader(io.StringIO(csv_line([DDE, "a;b", 'x"y'])), delimiter=";"))
    assert row == ["'" + DDE, "a;b", 'x"y']


def test_table_writers_keep_portal_numbers_and_dates_unprefixed():
    table = Table("t", [Column("Nama"), Column("Median", "float"), Column("Tanggal", "date"), Column("N", "int")],
                  [[LINK, -2.5, date(2026, 11, 22), -4]])
    rows = list(csv.reader(io.StringIO(to_csv([table]).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'" + LINK, "-2,5", "2026-11-22", "-4"]
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).worksheets[0]
    assert sheet["A2"].value == LINK and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -2.5 and sheet["D2"].value == -4 and sheet["C2"].is_date


def test_xlsx_drops_control_characters_instead_of_failing():
    table = Table("t", [Column("Nama")], [["Ani\x07 Suryani\x00"]])
    assert load_workbook(io.BytesIO(to_xlsx([table]))).worksheets[0]["A2"].value == "Ani Suryani"


@pytest.fixture
def hostile(app, places, make_user):
    """The report data set, with a citizen whose name is a formula and whose phone starts with +62."""
    ds = h.build(places, make_user)
    person = ds.cases["c1"].person
    person.name, person.phone = LINK, PHONE
    db.session.commit()
    return ds


def test_list_xlsx_writes_a_formula_name_as_text(hostile, client, login_as):
    login_as("supervisor")
    response = client.get("/laporan/daftar.xlsx", query_string=hostile.range_args())
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the workbook
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "TST-0001")
    name, phone = row[header.index("Nama")], row[header.index("Telepon")]
    assert (name.value, name.data_type) == (LINK, "s")
    assert (phone.value, phone.data_type) == (PHONE, "s")


def test_list_csv_neutralises_the_formula_and_keeps_the_phone_readable(hostile, client, login_as):
    login_as("supervisor")
    response = client.get("/laporan/daftar.csv", query_string=hostile.range_args())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    record = dict(zip(rows[0], next(r for r in rows if r[0] == "TST-0001")))
    assert record["Nama"] == "'" + LINK
    assert record["Telepon"] == "'" + PHONE and record["Telepon"].lstrip("'") == PHONE
    other = dict(zip(rows[0], next(r for r in rows if r[0] == "TST-0002")))
    assert other["Nama"] == "Warga C2" and other["Telepon"] == "081234560002"  # ordinary values untouched

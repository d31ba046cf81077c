"""A table as data (typed columns, rows) and its XLSX and CSV forms.

CSV: UTF-8 with a BOM, `;` as separator and a decimal comma. An Indonesian Excel (and LibreOffice in the
id-ID locale) uses the comma as its decimal sign and so `;` as its list separator: such a file opens in
columns with a double click, and 2,5 reads as a number. Dates are written ISO (2026-11-22), which every
spreadsheet reads as a date.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from slrt.core.spreadsheets import Literal, csv_text, xlsx_cell

CSV_DELIMITER = ";"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
FORMATS = {"date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM", "float": "0.0"}


@dataclass
class Column:
    header: str
    type: str = "text"   # text | int | float | date | datetime
    width: int = 14


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    sheet: str = ""      # the worksheet's name (31 characters at most)
    chart: str = ""      # the chart drawn from this table in the monthly report (HTML and PDF), if any


def _sheet_name(text: str, used: set[str]) -> str:
    name = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def to_xlsx(tables: list[Table], subtitle: str = "") -> bytes:
    """One sheet per table: bold Indonesian headers on a frozen first row, typed cells; text always as text."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.sheet or table.title, used))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in table.columns:
            cell = xlsx_cell(sheet, column.header)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [FORMATS.get(c.type) for c in table.columns]
        for row in table.rows:
            sheet.append([xlsx_cell(sheet, value, number_format) for value, number_format in zip(row, formats)])
    if not tables:
        workbook.create_sheet("Kosong")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value, kind: str):
    """Numbers and dates as the portal writes them (not text from a person); text goes through csv_safe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return Literal(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, date):
        return Literal(value.isoformat())
    if isinstance(value, float):
        return Literal(f"{value:.1f}".replace(".", ","))
    return value


def to_csv(tables: list[Table]) -> bytes:
    """The tables one after the other; with more than one, each starts with its title and ends blank."""
    rows: list[list] = []
    for table in tables:
        if len(tables) > 1:
            rows.append([table.title])
        rows.append([c.header for c in table.columns])
        rows.extend([_csv_value(v, c.type) for v, c in zip(row, table.columns)] for row in table.rows)
        if len(tables) > 1:
            rows.append([])
    return csv_text(rows, CSV_DELIMITER).encode("utf-8")


def row_count(tables: list[Table]) -> int:
    return sum(len(t.rows) for t in tables)

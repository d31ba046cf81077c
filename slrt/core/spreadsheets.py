"""The one formula-safe writer behind every CSV and XLSX export.

Text in an export came from a person (a citizen's name, an address, a reason typed at the counter, a cell
of a registry extract), so it must never become a live formula in the spreadsheet that opens it:
`=HYPERLINK("http://…","Klik")` as a name would be a clickable link in a supervisor's workbook, and
`=cmd|' /C calc'!A0` a DDE call.

- XLSX: every text cell is written with the string type set explicitly (data_type "s"), so it is stored as
  text whatever it starts with and shows exactly as typed.
- CSV has no types: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed
  with `'` (OWASP's CSV-injection rule). Only those cells change, and the value stays readable: a phone
  `+6281234567890` becomes `'+6281234567890` rather than the number 6.28E+12 a spreadsheet would make of it.
  Numbers and dates written by the portal itself are not text from a person and are left alone.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
CSV_MIME = "text/csv; charset=utf-8"


class Literal(str):
    """Text the portal made itself from a number or a date (`-2,5`, `2026-11-22`): written as it is."""


def csv_safe(value) -> str:
    """A CSV cell's text: `'` in front of text a spreadsheet would read as a formula."""
    if value is None:
        return ""
    if not isinstance(value, str) or isinstance(value, Literal):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_line(cells: Iterable, delimiter: str = ";") -> str:
    """One CSV record (quoted as needed, CRLF-terminated), every text cell made formula-safe."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow([csv_safe(c) for c in cells])
    return buffer.getvalue()


def csv_lines(rows: Iterable[Iterable], delimiter: str = ";", bom: bool = True) -> Iterator[str]:
    """The records one by one (for streaming a long export), starting with the UTF-8 BOM that makes Excel
    read the file as UTF-8."""
    if bom:
        yield CSV_BOM
    for row in rows:
        yield csv_line(row, delimiter)


def csv_text(rows: Iterable[Iterable], delimiter: str = ";", bom: bool = True) -> str:
    return "".join(csv_lines(rows, delimiter, bom))


def xlsx_cell(sheet, value, number_format: str | None = None):
    """A write-only cell: text always as a string cell (never a formula), other values as they are."""
    if isinstance(value, str):
        # openpyxl refuses control characters (a 500 on one stray byte in a name); they show nothing anyway
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell

"""Reading extracts as rows of text, whatever the spreadsheet did to them.

CSV: the encoding (UTF-8 with or without BOM, else Windows-1252) and the delimiter (comma, semicolon,
tab) are detected. XLSX: read in openpyxl's read-only mode, streaming; numbers that a spreadsheet made of
a NIK come out in the scientific form Excel shows, so validation rejects them rather than guessing.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

BLOCK = 1 << 20


@dataclass
class Extract:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)
    total: int  # data rows, counted up front (for the progress bar)
    encoding: str = ""
    delimiter: str = ""
    close: object = None


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := handle.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def open_csv(path: Path, count: bool = True) -> Extract:
    encoding = detect_encoding(path)
    handle = open(path, newline="", encoding=encoding)
    first = handle.readline()
    delimiter = detect_delimiter(first)
    headers = next(csv.reader([first], delimiter=delimiter))
    reader = csv.reader(handle, delimiter=delimiter)

    def rows():
        line = 1
        for cells in reader:
            line += 1
            if cells and any(cells):
                yield line, cells
        handle.close()
    total = max(0, count_lines(path) - 1) if count else 0
    return Extract(headers, rows(), total, encoding, delimiter, handle.close)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            # Excel keeps 15 significant digits: a 16-digit number has lost its last digit. Show it the way
            # the spreadsheet does, so the NIK check refuses it.
            return f"{value:.5E}" if abs(value) >= 1e15 else str(int(value))
        return repr(value)
    if isinstance(value, int):
        return f"{float(value):.5E}" if value >= 10 ** 15 else str(value)
    return str(value)


def open_xlsx(path: Path) -> Extract:
    from openpyxl import load_workbook
    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    headers = [_text(v) for v in next(iterator, ())]
    total = max(0, (sheet.max_row or 1) - 1)

    def rows():
        line = 1
        for values in iterator:
            line += 1
            cells = [_text(v) for v in values]
            if any(cells):
                yield line, cells
        workbook.close()
    return Extract(headers, rows(), total, "xlsx", "", workbook.close)


def open_extract(path: str | Path, count: bool = True) -> Extract:
    """The file's headers and rows; `count`: count a CSV's lines up front (for the progress bar)."""
    path = Path(path)
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return open_xlsx(path)
    return open_csv(path, count)

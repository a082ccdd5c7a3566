"""Reading spreadsheets: CSV and XLSX files to tables of cell text, and which sheet is which."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable

from aims_graph.orgdata.sheet_specs import SHEETS

Table = list[list[str]]


def header_key(text: str) -> str:
    """Normalise a header cell: case, surrounding space, inner spaces/dashes as '_'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def split_list(text: str) -> list[str]:
    """Split a list cell on ';' or new lines (',' is not a separator: notations contain it)."""
    return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]


def cell_text(value: object) -> str:
    """Text of a spreadsheet cell as a person would read it (dates ISO, whole floats as ints)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_csv(data: bytes) -> Table:
    """Rows of a UTF-8 CSV file (a BOM is allowed).

    Raises UnicodeDecodeError on other encodings and csv.Error on text the CSV reader refuses.
    """
    text = data.decode("utf-8-sig")
    # newline="" hands line ends to the CSV reader, which knows \r\n, \n and \r inside quotes.
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""))]


def read_xlsx(data: bytes) -> dict[str, Table]:
    """Every worksheet of an XLSX workbook, by sheet name."""
    from openpyxl import load_workbook  # imported late: only spreadsheet imports need it

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {
            ws.title: [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets
        }
    finally:
        wb.close()


def sheet_kind_for(name: str) -> str | None:
    """The sheet kind a file stem or worksheet name stands for (``northwind-soa`` → ``soa``)."""
    key = header_key(name)
    if key in SHEETS:
        return key
    for kind in SHEETS:
        if key.endswith(("_" + kind, "." + kind)):
            return kind
    return None


def sheet_kinds() -> Iterable[str]:
    """Every sheet kind, in template order."""
    return SHEETS.keys()

"""Blank import templates whose columns document themselves.

XLSX: the data sheet (named after its kind, header row with a note on every column cell) plus a
``README`` sheet listing each column, whether it is required, its meaning, allowed values and an
example. CSV has no place for notes: the CSV template is the bare header row, and its column guide
is served as a second CSV (``<kind>-columns.csv``, the same table as the README sheet).
"""

from __future__ import annotations

import csv
import io
from typing import Final

from aims_graph.orgdata.sheet_specs import SHEETS, SheetSpec
from aims_graph.xlsx import XLSX_MEDIA_TYPE, workbook_bytes

TEMPLATE_FORMATS: Final = ("csv", "xlsx")
GUIDE_HEADER: Final = ("column", "required", "meaning", "allowed values", "example")


def spec(kind: str) -> SheetSpec:
    """The sheet spec of a kind; KeyError lists the kinds."""
    try:
        return SHEETS[kind]
    except KeyError:
        raise KeyError(f"unknown template {kind!r}; choose from: {', '.join(SHEETS)}") from None


def guide_rows(kind: str) -> list[tuple[str, str, str, str, str]]:
    """One row per column: name, required, meaning, allowed values, example."""
    return [
        (c.name, "yes" if c.required else "no", c.meaning, c.allowed, c.example)
        for c in spec(kind).columns
    ]


def template_csv(kind: str) -> bytes:
    """The blank CSV template: the header row only."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([c.name for c in spec(kind).columns])
    return buf.getvalue().encode("utf-8")


def guide_csv(kind: str) -> bytes:
    """The column guide of a template as CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(GUIDE_HEADER)
    w.writerows(guide_rows(kind))
    return buf.getvalue().encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """The blank XLSX template: data sheet with header notes, and a README sheet."""
    return workbook_xlsx({kind: []})


def workbook_xlsx(sheets: dict[str, list[list[str]]]) -> bytes:
    """An XLSX workbook with one documented sheet per kind holding the given data rows."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    first = True
    for kind, rows in sheets.items():
        s = spec(kind)
        ws = wb.active if first and wb.active is not None else wb.create_sheet()
        first = False
        ws.title = kind
        for col, c in enumerate(s.columns, start=1):
            cell = ws.cell(row=1, column=col, value=c.name)
            cell.font = Font(bold=True)
            need = "required" if c.required else "optional"
            note = f"{c.meaning} ({need}).\nAllowed: {c.allowed}."
            if c.example:
                note += f"\nExample: {c.example}"
            cell.comment = Comment(note, "aims-graph", width=320, height=140)
            ws.column_dimensions[cell.column_letter].width = max(14, len(c.name) + 4)
        for r, row in enumerate(rows, start=2):
            for col, value in enumerate(row, start=1):
                if value != "":
                    ws.cell(row=r, column=col, value=value)
        ws.freeze_panes = "A2"
    readme = wb.create_sheet("README")
    readme.append(
        [
            "aims-graph import template. One row per "
            + "; ".join(f"{k}: {spec(k).row_is}" for k in sheets)
            + ". Lists: separate values with ';'. Dates: YYYY-MM-DD. See docs/org-model.md."
        ]
    )
    for kind in sheets:
        readme.append([])
        readme.append([f"sheet {kind}"])
        readme.append(list(GUIDE_HEADER))
        for cell in readme[readme.max_row]:
            cell.font = Font(bold=True)
        for guide in guide_rows(kind):
            readme.append(list(guide))
    for letter, width in zip("ABCDE", (22, 10, 60, 60, 36), strict=True):
        readme.column_dimensions[letter].width = width
    return workbook_bytes(wb)


def template(kind: str, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """A template as (bytes, file name, media type), for the CLI and the API."""
    if fmt == "csv":
        return template_csv(kind), f"{kind}.csv", "text/csv"
    if fmt == "xlsx":
        return template_xlsx(kind), f"{kind}.xlsx", XLSX_MEDIA_TYPE
    raise ValueError(f"unknown template format {fmt!r}; choose csv or xlsx")

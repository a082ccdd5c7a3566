"""A coverage answer as table rows (CSV) and as an XLSX workbook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aims_graph.coverage.model import VERDICTS
from aims_graph.xlsx import workbook_bytes


def coverage_rows(data: dict[str, Any], verdicts: Sequence[str] = VERDICTS) -> list[dict[str, str]]:
    """One flat row per target item of a report's JSON form, for CSV and spreadsheets."""
    return [
        {
            "item": i["item"],
            "title": i["title"],
            "section": i["section"],
            "verdict": i["verdict"],
            "applies_from": i.get("applies_from") or "",
            "by": "; ".join(
                [
                    f"{e['control']} {e['relation']}{' (derived)' if e['derived'] else ''}"
                    for e in i["explanation"]
                ]
                + [
                    f"no counterpart in {a['framework']}: {a['reason']}"
                    for a in i.get("no_counterpart", ())
                ]
            ),
        }
        for i in data["items"]
        if i["verdict"] in verdicts
    ]


def coverage_xlsx(data: dict[str, Any], verdicts: Sequence[str] = VERDICTS) -> bytes:
    """A report as a workbook: items, totals by section, the controls that serve the most."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets: list[tuple[str, list[dict[str, Any]]]] = [
        ("items", list(coverage_rows(data, verdicts))),
        (
            "by section",
            [{"section": name, **counts} for name, counts in sorted(data["by_section"].items())]
            + [{"section": "total", **data["totals"]}],
        ),
        ("controls", list(data["reverse"])),
    ]
    for n, (title, rows) in enumerate(sheets):
        ws = wb.active if n == 0 and wb.active is not None else wb.create_sheet()
        ws.title = title
        if not rows:
            continue
        header = list(rows[0])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(row.get(k)) for k in header])
        ws.freeze_panes = "A2"
    info = wb.create_sheet("about")
    for key in ("target", "as_of", "law_mode", "min_confidence", "min_strength"):
        info.append([key, _cell(data.get(key))])
    return workbook_bytes(wb)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)

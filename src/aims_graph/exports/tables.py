"""Crosswalk tables (framework A → framework B, or one mapping set) as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Final

from aims_graph import __version__
from aims_graph.catalog.frameworks import BY_SLUG
from aims_graph.exports.data import (
    SetInfo,
    crosswalk_mappings,
    edition_title,
    mapping_sets,
    stated_edges_by_iri,
    stated_mappings,
)
from aims_graph.mappings.model import Edge
from aims_graph.namespaces import SEMAPV
from aims_graph.service import Graph
from aims_graph.xlsx import workbook_bytes

COLUMNS: Final = (
    "subject",
    "subject_notation",
    "subject_title",
    "relation",
    "object",
    "object_notation",
    "object_title",
    "confidence",
    "justification",
    "comment",
    "source",
    "set",
    "set_title",
    "direction",
    "mapping",
)
#: Widest a column grows in the spreadsheet (characters); long text wraps instead.
_MAX_WIDTH: Final = {"subject_title": 45, "object_title": 45, "comment": 80, "set_title": 40}
_DEFAULT_MAX: Final = 30
ISO_NOTE: Final = (
    "ISO/IEC text is not reproduced: items carry identifiers, short titles and our own summaries."
)


@dataclass(frozen=True)
class CrosswalkTable:
    """Rows of a crosswalk table and what the second sheet says about them."""

    title: str
    rows: list[dict[str, object]]
    sets: list[SetInfo]
    about: list[tuple[str, str]]


def _short(iri: str) -> str:
    return "semapv:" + iri[len(str(SEMAPV)) :] if iri.startswith(str(SEMAPV)) else iri


def _rows(graph: Graph, edges: list[Edge], sets: dict[str, SetInfo]) -> list[dict[str, object]]:
    items = graph.mappings.items
    by_iri = {s.iri: s for s in sets.values()}
    stated = stated_edges_by_iri(graph)
    out: list[dict[str, object]] = []
    for e in edges:
        s, o = items.get(e.subject), items.get(e.object)
        # An inverse shows the reason of the mapping it mirrors; its direction column says so.
        origin = stated.get(e.inverse_of or "", e)
        info = by_iri.get(e.mapping_set)
        out.append(
            {
                "subject": s.curie if s else e.subject,
                "subject_notation": s.notation if s else "",
                "subject_title": s.label if s else "",
                "relation": e.relation.value,
                "object": o.curie if o else e.object,
                "object_notation": o.notation if o else "",
                "object_title": o.label if o else "",
                "confidence": e.confidence,
                "justification": _short(origin.justification),
                "comment": e.comment,
                "source": e.source,
                "set": info.set_id if info else e.mapping_set,
                "set_title": info.title if info else e.set_title,
                "direction": "inverse" if e.inverse_of else "stated",
                "mapping": origin.mapping,
            }
        )
    return out


def _set_about(info: SetInfo) -> list[tuple[str, str]]:
    pairs = [
        ("Mapping set", info.set_id),
        ("Set title", info.title),
        ("Set IRI", info.iri),
        ("Description", info.description),
        ("Licence", info.license),
        ("Version", info.version),
        ("Mapping date", info.date),
        ("Sources", "; ".join(info.sources)),
        ("Creators", "; ".join(info.creators)),
    ]
    return [(k, v) for k, v in pairs if v]


def _common_about(rows: int) -> list[tuple[str, str]]:
    return [
        ("Rows", str(rows)),
        ("Generator", f"aims-graph {__version__}"),
        ("Note", ISO_NOTE),
    ]


def set_table(graph: Graph, info: SetInfo) -> CrosswalkTable:
    """The crosswalk table of one mapping set: its stated mappings."""
    rows = _rows(graph, stated_mappings(graph, info), {info.set_id: info})
    about = [("Table", f"Mappings stated in set {info.set_id}"), *_set_about(info)]
    return CrosswalkTable(info.title or info.set_id, rows, [info], about + _common_about(len(rows)))


def framework_table(graph: Graph, first: str, second: str) -> CrosswalkTable:
    """Every stated mapping between two editions, from ``first`` to ``second``, all sets."""
    sets = mapping_sets(graph.store)
    rows = _rows(graph, crosswalk_mappings(graph, first, second), sets)
    used = sorted({str(r["set"]) for r in rows})
    title = f"{edition_title(first)} → {edition_title(second)}"
    about: list[tuple[str, str]] = [
        ("Table", f"Crosswalk {title}: every stated mapping, read from {first} to {second}"),
        ("From", f"{BY_SLUG[first].title} ({first})"),
        ("To", f"{BY_SLUG[second].title} ({second})"),
        ("Direction", "'inverse' rows are stated the other way round in their set"),
    ]
    for set_id in used:
        about.append(("", ""))
        about.extend(_set_about(sets[set_id]))
    return CrosswalkTable(title, rows, [sets[s] for s in used], about + _common_about(len(rows)))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") or "0"
    return str(value)


def to_csv(table: CrosswalkTable) -> bytes:
    """The table as CSV (UTF-8, header row, RFC 4180 quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in table.rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return buf.getvalue().encode()


def to_xlsx(table: CrosswalkTable) -> bytes:
    """The table as an Excel workbook: a filterable crosswalk sheet and an 'About' sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = "Crosswalk"
    ws.append(list(COLUMNS))
    for row in table.rows:
        ws.append([row[c] for c in COLUMNS])
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E78")
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    conf_col = COLUMNS.index("confidence") + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        longest = max([len(name), *(len(_cell(r[name])) for r in table.rows)])
        ws.column_dimensions[letter].width = min(longest + 2, _MAX_WIDTH.get(name, _DEFAULT_MAX))
        if name in _MAX_WIDTH:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = wrap
    for (cell,) in ws.iter_rows(min_row=2, min_col=conf_col, max_col=conf_col):
        cell.number_format = "0.00"

    about = wb.create_sheet("About")
    about.append(["Crosswalk", table.title])
    about["A1"].font = Font(bold=True)
    for key, value in table.about:
        about.append([key, value])
        if key:
            about.cell(about.max_row, 1).font = Font(bold=True)
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 110
    for (cell,) in about.iter_rows(min_col=2, max_col=2):
        cell.alignment = wrap
    return workbook_bytes(wb)

"""The project's own framework sheet: CSV or XLSX with notation, parent, kind, title, summary, link.

``notation`` is the item's id and notation (e.g. ``P-7``), ``parent`` the notation of the item it
sits under (empty at the top), ``kind`` one of the catalog kinds (control, control_category,
clause, …), ``title`` a short title, ``summary`` and ``link`` optional. The first row is the
header; an XLSX workbook is read from its first sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from aims_graph.catalog.frameworks import FrameworkEdition
from aims_graph.importers.draft import Draft, Row
from aims_graph.orgdata.sheet_files import Table, header_key, read_csv, read_xlsx

COLUMNS: Final = ("notation", "parent", "kind", "title", "summary", "link")
_SAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


def _ref(notation: str) -> str:
    return _SAFE.sub("-", notation.strip()).strip("-.")


def read_framework_sheet(
    data: bytes, file: str, slug: str, title: str, publisher: str = "our organisation"
) -> Draft:
    """Read a framework sheet; problems (with their line and column) are left on the draft."""
    draft = Draft(file, _edition(slug, title, publisher))
    try:
        table: Table = (
            next(iter(read_xlsx(data).values()), [])
            if file.lower().endswith(".xlsx")
            else read_csv(data)
        )
    except Exception as exc:  # openpyxl, csv and codecs raise many kinds; all mean "unreadable"
        draft.problem("file", f"cannot read it: {exc}", "save it as UTF-8 CSV or XLSX")
        return draft
    if not table:
        draft.problem("line 1", "the sheet is empty", "add the header " + ", ".join(COLUMNS))
        return draft
    header = [header_key(h) for h in table[0]]
    missing = [c for c in ("notation", "kind", "title") if c not in header]
    if missing:
        draft.problem(
            "line 1",
            "missing column(s) " + ", ".join(missing),
            "use the header " + ", ".join(COLUMNS),
        )
        return draft
    for number, cells in enumerate(table[1:], start=2):
        values = dict(zip(header, cells, strict=False))
        if not any(v.strip() for v in values.values()):
            continue
        notation = values.get("notation", "").strip()
        parent = values.get("parent", "").strip()
        draft.rows.append(
            Row(
                ref=_ref(notation),
                kind=values.get("kind", "").strip().lower().replace(" ", "_"),
                parent=_ref(parent) if parent else "",
                notation=notation,
                title=values.get("title", ""),
                summary=values.get("summary", ""),
                source=values.get("link", "").strip(),
                where=f"line {number}",
            )
        )
        link = values.get("link", "").strip()
        if link and not link.startswith(("http://", "https://")):
            draft.problem(
                f"line {number}, column link",
                f"{link!r} is not a web address",
                "write a full https:// link or leave it empty",
            )
        if not notation:
            draft.problem(
                f"line {number}, column notation", "empty", "give the item's id, e.g. P-7"
            )
    return draft


def _edition(slug: str, title: str, publisher: str) -> FrameworkEdition:
    return FrameworkEdition(
        slug=slug,
        title=title,
        family=title,
        edition="",
        kind="framework",
        publisher=publisher,
        issued=dt.date.today().isoformat(),
        source="https://w3id.org/aims-graph/",
        text_licence="the organisation's own",
        prefixes=(slug,),
    )

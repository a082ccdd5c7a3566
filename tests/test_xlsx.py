"""Workbooks are saved deterministically, so the same content keeps the same ETag."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook

from aims_graph.xlsx import workbook_bytes


def _book() -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["subject", "object"])
    ws.append(["iso42001:A.6.2.4", "iso27001:A.8.29"])
    return wb


def test_no_save_time_in_the_bytes() -> None:
    data = workbook_bytes(_book())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core
    assert workbook_bytes(_book()) == data


def test_content_survives() -> None:
    ws = load_workbook(io.BytesIO(workbook_bytes(_book()))).active
    assert ws is not None
    assert [c.value for c in ws[2]] == ["iso42001:A.6.2.4", "iso27001:A.8.29"]

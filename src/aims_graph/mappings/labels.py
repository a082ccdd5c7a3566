"""Keep the subject_label / object_label cells of mapping files equal to the catalogs' titles.

A label cell is a convenience for readers of the TSV; the catalog is the source of truth. The
expected label of an item is its short title (``skos:prefLabel``), or its notation where it has
none, the form the SSSOM export writes. ``sync_labels`` rewrites only those cells, leaving every
other byte of the file as it was, so it can be re-run after a merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aims_graph.catalog.items import Item, ItemIndex
from aims_graph.mappings.review import is_no_term
from aims_graph.mappings.sssom_io import expand_curie, read_sssom

_SIDES = (("subject_id", "subject_label"), ("object_id", "object_label"))


def catalog_label(item: Item) -> str:
    """The label a mapping file should show for an item."""
    return item.label or item.notation


@dataclass(frozen=True, slots=True)
class LabelMismatch:
    """A label cell that differs from the catalog."""

    line: int
    column: str
    curie: str
    found: str
    expected: str

    def __str__(self) -> str:
        return (
            f"line {self.line} {self.column} of {self.curie}: {self.found!r} != {self.expected!r}"
        )


def _walk(path: Path, items: ItemIndex) -> tuple[list[str], list[tuple[int, int, str, str, str]]]:
    """The file's lines, and per label cell: line index, column index, column, CURIE, expected."""
    cmap = read_sssom(path).curie_map  # also validates the file before anything is rewritten
    lines = path.read_text(encoding="utf-8").split("\n")
    cells: list[tuple[int, int, str, str, str]] = []
    header: list[str] | None = None
    for n, line in enumerate(lines):
        if line.startswith("#") and header is None:
            continue
        if header is None:
            header = line.split("\t")
            continue
        if not line.strip():
            continue
        values = line.split("\t")
        for id_col, label_col in _SIDES:
            if id_col not in header or label_col not in header:
                continue
            curie = values[header.index(id_col)].strip()
            if is_no_term(curie, cmap):
                expected = ""
            else:
                item = items.get(expand_curie(curie, cmap) or "")
                if item is None:
                    continue  # the reader against the catalogs reports unknown items
                expected = catalog_label(item)
            cells.append((n, header.index(label_col), label_col, curie, expected))
    return lines, cells


def label_mismatches(path: Path, items: ItemIndex) -> list[LabelMismatch]:
    """Every label cell of a mapping file that is not the catalog's title of its item."""
    lines, cells = _walk(path, items)
    out: list[LabelMismatch] = []
    for n, col, column, curie, expected in cells:
        values = lines[n].split("\t")
        found = values[col] if col < len(values) else ""
        if found != expected:
            out.append(LabelMismatch(n + 1, column, curie, found, expected))
    return out


def sync_labels(path: Path, items: ItemIndex) -> int:
    """Rewrite the label cells that differ from the catalog; return how many changed."""
    lines, cells = _walk(path, items)
    changed = 0
    for n, col, _, _, expected in cells:
        values = lines[n].split("\t")
        while len(values) <= col:
            values.append("")
        if values[col] != expected:
            values[col] = expected
            lines[n] = "\t".join(values)
            changed += 1
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed

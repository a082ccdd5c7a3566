"""SSSOM/TSV mapping sets of your own, checked against the catalogs before they are shipped.

The file is read by :func:`~aims_graph.mappings.sssom_io.read_sssom` (its format checks are the
build's); each subject and object must then be an item of a known catalog, or the row is reported
with its line, like a CISO Assistant row.
"""

from __future__ import annotations

from pathlib import Path

from aims_graph.importers.mapping_draft import CatalogItems, MappingDraft
from aims_graph.importers.mappings_ciso import SKIP_FLAG
from aims_graph.mappings.sssom_io import MappingFileError, read_sssom


def read_sssom_mappings(path: Path, items: CatalogItems) -> MappingDraft:
    """Read an SSSOM/TSV set; rows naming no known item are left on the draft as failed."""
    draft = MappingDraft(path.name)
    try:
        msf = read_sssom(path)
    except MappingFileError as exc:
        for issue in exc.issues:
            draft.problem(f"line {issue.line}", issue.reason, "fix the row (docs/sssom-format.md)")
        return draft
    draft.set_id = msf.set_id
    draft.metadata = dict(msf.metadata)
    known = items.iris()
    for row in msf.rows:
        missing = [
            (column, curie)
            for column, curie, iri in (
                ("subject_id", row.subject_id, row.subject),
                ("object_id", row.object_id, row.object),
            )
            if iri not in known
        ]
        for column, curie in missing:
            draft.fail(
                f"line {row.line}, column {column}",
                f"{curie!r} is not a known item",
                f"correct the CURIE, add the item to its catalog, or pass {SKIP_FLAG}",
            )
        if not missing:
            draft.rows.append(row)
    for absent in msf.no_counterparts:
        if absent.item in known:
            draft.no_counterparts.append(absent)
        else:
            draft.fail(
                f"line {absent.line}",
                f"{absent.item_id!r} is not a known item",
                f"correct the CURIE, or pass {SKIP_FLAG}",
            )
    return draft

"""The public imports folder as the build reads it: imported catalogs and mapping sets.

``<imports>/frameworks/<slug>.ttl`` is a catalog written by ``aims-graph import framework``, with
``<slug>.json`` beside it holding the edition's publication facts (so they are known without
parsing the catalog); ``<imports>/mappings/<set>.sssom.tsv`` is a mapping set in the project's
SSSOM layout. Each becomes a managed graph like a shipped one (``catalog/<slug>``,
``mappings/<set>``), rebuilt when its file changes and dropped when its file goes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from aims_graph.catalog.frameworks import FrameworkEdition, is_shipped, register
from aims_graph.config import Settings
from aims_graph.mappings.loading import mapping_files

FRAMEWORKS_DIR: Final = "frameworks"
MAPPINGS_DIR: Final = "mappings"


@dataclass(frozen=True, slots=True)
class ImportedEdition:
    """An imported edition: its facts, its catalog file and what its record says of it."""

    edition: FrameworkEdition
    catalog: Path
    record: dict[str, Any]


def edition_record(edition: FrameworkEdition, **extra: Any) -> str:
    """The JSON record written beside an imported catalog."""
    facts = asdict(edition)
    facts["prefixes"] = list(edition.prefixes)
    return json.dumps({"edition": facts, **extra}, indent=2, sort_keys=True) + "\n"


def _edition(data: dict[str, Any]) -> FrameworkEdition:
    facts = dict(data["edition"])
    facts["prefixes"] = tuple(facts["prefixes"])
    return FrameworkEdition(**facts)


def imported_editions(folder: Path | None) -> list[ImportedEdition]:
    """Every imported edition of the folder whose record and catalog are both there, by slug."""
    if folder is None or not (folder / FRAMEWORKS_DIR).is_dir():
        return []
    out = []
    for record in sorted((folder / FRAMEWORKS_DIR).glob("*.json")):
        catalog = record.with_suffix(".ttl")
        if not catalog.is_file():
            continue  # a half-written import: the writer puts the catalog in place first
        data = json.loads(record.read_text(encoding="utf-8"))
        out.append(ImportedEdition(_edition(data), catalog, data))
    return out


def imported_mapping_files(folder: Path | None) -> list[Path]:
    """The imported mapping set files, sorted by name."""
    return mapping_files(folder / MAPPINGS_DIR) if folder is not None else []


def register_imports(settings: Settings) -> list[FrameworkEdition]:
    """Make the imported editions known to every lookup; returns them."""
    eds = [
        i.edition
        for i in imported_editions(settings.imports_path())
        if not is_shipped(i.edition.slug)
    ]
    register(*eds)
    return eds

#!/usr/bin/env python3
"""Set the subject_label / object_label cells of mapping files to the catalogs' titles.

Usage: sync_mapping_labels.py [FILE ...]   (default: every mappings/*.sssom.tsv)

Only label cells change; every other cell and line stays as it is, so the script can be run
again after a merge that took one side's rows. tests/test_mapping_labels.py fails while a label
differs from its catalog title.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from aims_graph.build import loader
from aims_graph.build.sources import base_sources
from aims_graph.catalog.items import ItemIndex
from aims_graph.mappings.labels import sync_labels
from aims_graph.mappings.loading import mapping_files
from aims_graph.mappings.sssom_io import MappingFileError
from aims_graph.store import OxigraphStore


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the label cells of the given (or all shipped) mapping files."""
    args = list(sys.argv[1:] if argv is None else argv)
    paths = [Path(a) for a in args] or mapping_files()
    store = OxigraphStore()
    loader.build(store, base_sources())  # the catalogs are enough
    items = ItemIndex.from_store(store)
    status = 0
    for path in paths:
        try:
            changed = sync_labels(path, items)
        except MappingFileError as exc:
            print(f"{path}: not changed, the file does not read:\n{exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{path.name}: {changed} label(s) set to the catalog title")
    return status


if __name__ == "__main__":
    raise SystemExit(main())

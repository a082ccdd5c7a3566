#!/usr/bin/env python3
"""Regenerate the NIST CSF 2.0 and SP 800-53 Rev. 5 editions and NIST's mapping sets.

Usage: import_nist.py

Reads only the files vendored in ontology/standards/src/nist/ (no network): writes the two edition
TSVs, rebuilds the catalog Turtle (as `aims-graph build-catalogs` does), then imports NIST's
informative references to ISO/IEC 27001:2022 as SSSOM sets in mappings/. The output is
deterministic. Exit status 2 when any mapping names an item no catalog has.
"""

from __future__ import annotations

import sys

from aims_graph import resources
from aims_graph.catalog.build import build_all
from aims_graph.importers.mapping_draft import MappingImportError
from aims_graph.importers.nist import write_nist_mapping_sets, write_sources


def main() -> int:
    """Write the sources, the catalogs and the mapping sets; print what was written."""
    for path in write_sources():
        print(f"wrote {path}")
    for fw, path, n in build_all(resources.catalog_sources_dir(), resources.standards_dir()):
        print(f"{fw.slug:18} {n:7} triples -> {path}")
    try:
        for path, rows in write_nist_mapping_sets():
            print(f"wrote {path} ({rows} rows)")
    except MappingImportError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

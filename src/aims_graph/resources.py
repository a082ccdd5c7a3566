"""The only code that knows where ontology/, mappings/ and queries/ live."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """Return the project home: $AIMS_GRAPH_HOME, else the nearest parent holding ontology/."""
    env = os.environ.get("AIMS_GRAPH_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "ontology" / "aims.ttl").exists() or (parent / "ontology").is_dir():
            return parent
    raise FileNotFoundError(
        "cannot find the aims-graph data folders (ontology/, mappings/); "
        "set AIMS_GRAPH_HOME to the checkout that holds them"
    )


def ontology_dir() -> Path:
    """Folder of the vocabulary, alignments, catalogs and shapes."""
    return repo_root() / "ontology"


def standards_dir() -> Path:
    """Folder of the generated catalog Turtle files."""
    return ontology_dir() / "standards"


def catalog_sources_dir() -> Path:
    """Folder of the editable catalog source TSVs."""
    return standards_dir() / "src"


def shapes_dir() -> Path:
    """Folder of the SHACL shapes."""
    return ontology_dir() / "shapes"


def mappings_dir() -> Path:
    """Folder of the SSSOM mapping sets."""
    return repo_root() / "mappings"


def queries_dir() -> Path:
    """Folder of the named SPARQL queries."""
    return repo_root() / "queries"


def examples_dir() -> Path:
    """Folder of the sample organisation data."""
    return repo_root() / "examples"

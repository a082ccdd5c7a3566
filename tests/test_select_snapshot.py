"""The snapshot of the index SELECTs beside an on-disk store (aims_graph.store.select_snapshot).

A restart's indexes are built from it (the real-graph golden of tests/test_hot_routes_golden.py
serves from such an index); here: it answers exactly what the store answers, only for the build
it was written for, and a file it cannot use costs speed, never an answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aims_graph.build import loader
from aims_graph.catalog.items import _ITEMS_QUERY
from aims_graph.catalog.stats import COUNTS_QUERY
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store, Term
from aims_graph.store.graphs import META_GRAPH
from aims_graph.store.select_snapshot import SelectSnapshot, snapshot_path

BOUND = "SELECT ?label WHERE { ?i <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
ITEM = Term.iri("https://w3id.org/aims-graph/id/iso42001-2023/A.6.2.4")
#: Literals with a language, a datatype, and plain; IRIs; blank nodes (the ontology has some).
MIXED = """SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3000"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the snapshot is written."""
    return tmp_path / "store.index-snapshot"


def test_replayed_rows_are_the_store_rows(built_store: Store, path: Path) -> None:
    first = SelectSnapshot(built_store, path, "build-1")
    asked = {
        "items": first.select(_ITEMS_QUERY),
        "counts": first.select(COUNTS_QUERY),
        "mixed": first.select(MIXED),
        "bound": first.select(BOUND, {"i": ITEM}),
    }
    assert all(asked.values())
    kinds = {t.kind for row in asked["mixed"] for t in row.values()}
    assert kinds == {"uri", "literal", "bnode"}
    first.save()
    again = SelectSnapshot(built_store, path, "build-1")
    assert again.answered == 4
    assert again.select(_ITEMS_QUERY) == asked["items"] == built_store.select(_ITEMS_QUERY)
    assert again.select(COUNTS_QUERY) == asked["counts"]
    assert again.select(MIXED) == asked["mixed"]
    # Bindings are part of what is kept: another binding is asked of the store.
    assert again.select(BOUND, {"i": ITEM}) == asked["bound"]
    other = Term.iri("https://w3id.org/aims-graph/id/iso42001-2023/A.2.2")
    assert again.select(BOUND, {"i": other}) == built_store.select(BOUND, {"i": other})
    assert again.answered == 5


def test_another_build_or_a_damaged_file_is_not_read(built_store: Store, path: Path) -> None:
    kept = SelectSnapshot(built_store, path, "build-1")
    kept.select(COUNTS_QUERY)
    kept.save()
    assert SelectSnapshot(built_store, path, "build-2").answered == 0
    for damage in (b"", b"not marshal at all", path.read_bytes()[:-40]):
        path.write_bytes(damage)
        fresh = SelectSnapshot(built_store, path, "build-1")
        assert fresh.answered == 0
        assert fresh.select(COUNTS_QUERY) == built_store.select(COUNTS_QUERY)
        fresh.save()  # replaces what could not be read
        assert SelectSnapshot(built_store, path, "build-1").answered == 1


def test_a_snapshot_that_cannot_be_written_costs_only_speed(
    built_store: Store, tmp_path: Path
) -> None:
    nowhere = SelectSnapshot(built_store, tmp_path / "missing-dir" / "snap", "k")
    assert nowhere.select(COUNTS_QUERY)
    nowhere.save()
    assert not (tmp_path / "missing-dir").exists()


def test_writes_go_to_the_store_itself(built_store: Store, path: Path) -> None:
    snap = SelectSnapshot(built_store, path, "k")
    with pytest.raises(TypeError, match="store itself"):
        snap.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(TypeError, match="store itself"):
        snap.drop_graph("urn:g")


def test_a_new_build_key_leaves_the_old_snapshot_unread(built_store: Store, tmp_path: Path) -> None:
    """On an on-disk store: a restart reads the snapshot; a changed build digest does not."""
    assert isinstance(built_store, OxigraphStore)
    store = OxigraphStore(tmp_path / "store")
    store.native.bulk_extend(built_store.native)
    settings = Settings(store=f"oxigraph:{tmp_path / 'store'}")
    assert snapshot_path(store) == tmp_path / "store.index-snapshot"
    assert snapshot_path(built_store) is None  # in memory: nothing beside it
    first = Graph(store, settings, loader.BuildReport())
    items = first.mappings.items.items
    restart = Graph(store, settings, loader.BuildReport())
    reads = restart.index_reads()
    assert isinstance(reads, SelectSnapshot) and reads.answered == 2  # items and mappings
    assert restart.mappings.items.items == items
    # A build that changes one graph's digest is another build: nothing of the old one is used.
    graph, digest = min(loader.stored_digests(store).items())
    store.update(
        f'DELETE DATA {{ GRAPH <{META_GRAPH}> {{ <{graph}> <{AIMS.sourceDigest}> "{digest}" }} }};'
        f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{graph}> <{AIMS.sourceDigest}> "{digest}0" }} }}'
    )
    assert loader.stored_digests(store)[graph] == digest + "0"
    rebuilt = Graph(store, settings, loader.BuildReport())
    stale = rebuilt.index_reads()
    assert isinstance(stale, SelectSnapshot) and stale.answered == 0
    store.close()

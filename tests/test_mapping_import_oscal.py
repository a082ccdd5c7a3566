"""OSCAL 1.2 mapping collections as mapping sets: every shipped set, exported by our OSCAL
exporter and read back, gives the same mappings; malformed collections are refused with their
JSON path, and unknown controls are reported, never dropped."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from tests.sampling import spread

from aims_graph.build.loader import BuildReport
from aims_graph.config import Settings
from aims_graph.exports.service import run_export
from aims_graph.importers.mapping_draft import CatalogItems, MappingImportError, finish
from aims_graph.importers.reading import read_mappings
from aims_graph.mappings.loading import mapping_files
from aims_graph.mappings.sssom_io import read_sssom, set_id_of
from aims_graph.service import Graph
from aims_graph.store import Store

SETS = sorted(set_id_of(p) for p in mapping_files())


@pytest.fixture(scope="module")
def graph(built_store: Store) -> Graph:
    return Graph(built_store, Settings(store="memory:"), BuildReport())


@pytest.fixture(scope="module")
def items(built_store: Store) -> CatalogItems:
    return CatalogItems.from_store(built_store)


def _exported(graph: Graph, set_id: str) -> dict[str, Any]:
    return json.loads(run_export(graph, "set", "oscal", id=set_id).data)


@pytest.mark.parametrize("set_id", spread(SETS))
def test_our_oscal_export_reads_back_as_the_same_set(
    graph: Graph, items: CatalogItems, set_id: str
) -> None:
    data = run_export(graph, "set", "oscal", id=set_id).data
    draft = read_mappings(data, f"{set_id}.oscal.json", items)
    assert not draft.problems and not draft.failed, draft.problems or draft.failed
    assert draft.set_id == set_id
    path = next(p for p in mapping_files() if set_id_of(p) == set_id)
    shipped = read_sssom(path, items.iris())

    def key(r: Any) -> tuple[str, str, str, str, float, str]:
        return (r.subject, r.object, r.relation.value, r.justification, r.confidence, r.comment)

    assert sorted(map(key, draft.rows)) == sorted(map(key, shipped.rows))
    finish(draft, items)  # and it writes as a set the build loads


def test_a_broken_collection_is_refused_with_its_place(graph: Graph, items: CatalogItems) -> None:
    draft = read_mappings(b'{"mapping-collection": {"mappings": [', "x.json", items)
    [p] = draft.problems
    assert p.where.startswith("line 1") and "JSON" in p.reason

    doc = _exported(graph, "eu-ai-act--iso42001-2023")
    no_edition = copy.deepcopy(doc)
    no_edition["mapping-collection"]["mappings"][0]["source-resource"]["props"] = []
    draft = read_mappings(json.dumps(no_edition).encode(), "x.json", items)
    [p] = draft.problems
    assert p.where == "mapping-collection.mappings[0].source-resource"
    assert "--source-edition" in p.fix


def test_unknown_controls_and_relationships_are_each_reported(
    graph: Graph, items: CatalogItems
) -> None:
    doc = _exported(graph, "eu-ai-act--iso42001-2023")
    maps = doc["mapping-collection"]["mappings"][0]["maps"]
    maps[0]["targets"][0]["id-ref"] = "A.99.99"
    maps[1]["relationship"] = "kind-of-like"
    draft = read_mappings(json.dumps(doc).encode(), "x.json", items)
    wheres = sorted(p.where for p in draft.failed)
    assert wheres == [
        "mapping-collection.mappings[0].maps[0].targets[0].id-ref",
        "mapping-collection.mappings[0].maps[1].relationship",
    ]
    assert len(draft.rows) == len(maps) - 2
    with pytest.raises(MappingImportError):
        finish(draft, items)
    assert finish(draft, items, keep_rest=True)

"""NIST CSF 2.0 and SP 800-53 Rev. 5 as shipped editions, and NIST's mapping sets (issue 16 item 4).

Counts are read from NIST's files themselves (the vendored copies), never written down here, and
compared with what the built graph reports through the stats function ``aims-graph stats`` calls.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from functools import cache
from typing import Any

import pytest
import yaml
from tests.test_mapping_justifications import CURATED

from aims_graph import resources
from aims_graph.catalog.stats import framework_stats
from aims_graph.importers import nist
from aims_graph.importers.mappings_ciso import RELATIONSHIPS
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.mappings.sssom_io import MappingSetFile, read_sssom
from aims_graph.namespaces import SEMAPV
from aims_graph.store import Store

SOURCE = nist.nist_dir()


def _load(name: str) -> bytes:
    return gzip.decompress((SOURCE / name).read_bytes())


@cache
def csf_counts() -> dict[str, int]:
    """Functions, categories and subcategories by the depth of CSF's requirement nodes."""
    nodes = yaml.safe_load(_load(nist.CSF_FILE))["objects"]["framework"]["requirement_nodes"]
    depth = Counter(n["depth"] for n in nodes)
    return {"Function": depth[1], "Category": depth[2], "Subcategory": depth[3]}


@cache
def oscal_counts() -> dict[str, int]:
    """Families, controls and enhancements in force, and the withdrawn ones, from OSCAL."""
    catalog = json.loads(_load(nist.SP800_53_FILE))["catalog"]
    out = Counter[str]()

    def withdrawn(c: dict[str, Any]) -> bool:
        return any(p["name"] == "status" and p["value"] == "withdrawn" for p in c.get("props", []))

    def walk(c: dict[str, Any], depth: int) -> None:
        kind = "control" if depth == 0 else "enhancement"
        out[f"{kind}-withdrawn" if withdrawn(c) else kind] += 1
        for sub in c.get("controls", []):
            walk(sub, depth + 1)

    for g in catalog["groups"]:
        out["family"] += 1
        for c in g.get("controls", []):
            walk(c, 0)
    return dict(out)


@pytest.fixture(scope="module")
def stats(built_store: Store) -> dict[str, dict[str, int]]:
    return {s.edition: s.counts for s in framework_stats(built_store)}


def test_csf_counts_are_nists(stats: dict[str, dict[str, int]]) -> None:
    assert csf_counts() == {"Function": 6, "Category": 22, "Subcategory": 106}
    assert stats["nist-csf-2.0"] == csf_counts()


def test_sp800_53_counts_are_nists(stats: dict[str, dict[str, int]]) -> None:
    n = oscal_counts()
    assert n["family"] == 20 and n["control"] > 250 and n["enhancement"] > 600
    assert stats["nist-sp800-53-r5"] == {
        "ControlCategory": n["family"],
        "Control": n["control"] + n["enhancement"],
    }
    # Withdrawn controls and enhancements are left out, and there are some to leave out.
    assert n["control-withdrawn"] > 0 and n["enhancement-withdrawn"] > 0


@pytest.mark.parametrize("edition", nist.editions(), ids=lambda e: e.slug)
def test_shipped_tsv_is_what_the_importers_make(edition: nist.Edition) -> None:
    shipped = resources.catalog_sources_dir() / f"{edition.slug}.tsv"
    assert shipped.read_text(encoding="utf-8") == nist.tsv_text(edition), "run `make nist`"


@cache
def _set(set_id: str) -> MappingSetFile:
    return read_sssom(resources.mappings_dir() / f"{set_id}.sssom.tsv")


@pytest.mark.parametrize("set_id", sorted(nist.MAPPING_FILES))
def test_nist_sets_hold_every_mapping_of_the_source(set_id: str) -> None:
    doc = yaml.safe_load(_load(nist.MAPPING_FILES[set_id]))
    forward = doc["objects"]["requirement_mapping_sets"][0]["requirement_mappings"]
    distinct = {
        (m["source_requirement_urn"].rsplit(":", 1)[-1].lower(),
         m["target_requirement_urn"].rsplit(":", 1)[-1].lower()): m["relationship"]
        for m in forward
    }  # fmt: skip
    drafts = {d.set_id: d for d in nist.nist_mapping_drafts()}
    assert drafts[set_id].failed == []  # no unknown item in NIST's files
    msf = _set(set_id)
    assert len(msf.rows) == len(distinct)
    got = {}
    for r in msf.rows:
        # CISO writes an SP 800-53 enhancement ac-2(1); its OSCAL id (our ref) is ac-2.1.
        s = re.sub(r"^([a-z]+-\d+)\.(\d+)$", r"\1(\2)", r.subject_id.split(":", 1)[1].lower())
        key = (s, r.object_id.split(":", 1)[1].lower())
        assert key in distinct, key
        got[key] = r.relation
    assert got == {k: RELATIONSHIPS[v] for k, v in distinct.items()}


@pytest.mark.parametrize("set_id", sorted(nist.MAPPING_FILES))
def test_nist_sets_are_imported_with_source_and_justification(set_id: str) -> None:
    msf = _set(set_id)
    assert set_id not in CURATED
    assert msf.meta("author_label") == "NIST" and "NIST" in msf.meta("mapping_set_title")
    for r in msf.rows:
        assert r.justification == str(SEMAPV.ManualMappingCuration)
        assert r.source_document.startswith("https://")
        assert r.comment.startswith("NIST maps ") and "not reviewed by us" in r.comment


@pytest.mark.slow  # a few seconds; CI runs it with the slow suite
def test_shipped_nist_sets_are_what_the_importer_makes() -> None:
    from aims_graph.importers.mapping_draft import CatalogItems, finish

    items = CatalogItems.shipped()
    for draft in nist.nist_mapping_drafts(items):
        path = resources.mappings_dir() / f"{draft.set_id}.sssom.tsv"
        assert path.read_text(encoding="utf-8") == finish(draft, items), "run `make nist`"


def test_csf_reaches_iso42001_through_iso27001(built_store: Store) -> None:
    service = MappingService.from_store(built_store)
    rows = service.crosswalk("nist-csf:GV.OC-01", "iso42001-2023", derived=True)
    derived = [r for r in rows if r["derived"]]
    assert derived, rows
    row = next(r for r in derived if r["object"] == "iso42001:4.1")
    hops = row["chain"]
    assert hops[0]["set"] == "nist-csf-2.0--iso27001-2022"
    assert hops[0]["object"] == "iso27001:4.1"
    assert row["relation"] == "intersects-with"

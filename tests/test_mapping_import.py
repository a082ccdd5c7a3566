"""Importing mapping sets (issue 15 item 2): CISO Assistant mapping libraries and SSSOM/TSV files.

Every test reads the real CISO Assistant libraries of NIST's informative references (fixtures in
tests/fixtures/ciso-assistant/, see NOTICE.md); edits are made to their text, never mocked.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aims_graph.cli import app
from aims_graph.importers.mapping_draft import CatalogItems, MappingImportError, finish
from aims_graph.importers.mappings_ciso import RELATIONSHIPS, Options, read_ciso_mappings
from aims_graph.importers.mappings_sssom import read_sssom_mappings
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.sssom_io import read_sssom
from aims_graph.namespaces import item_iri

FIXTURES = Path(__file__).parent / "fixtures" / "ciso-assistant"
CSF_MAP = FIXTURES / "mapping-nist-csf-2.0-to-iso27001-2022.yaml.gz"
SP_MAP = FIXTURES / "mapping-nist-sp-800-53-rev5-to-iso27001-2022.yaml.gz"


@cache
def items() -> CatalogItems:
    return CatalogItems.shipped(["nist-csf-2.0", "nist-sp800-53-r5", "iso27001-2022"])


def text_of(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def forward_pairs(text: str) -> list[tuple[str, str, str]]:
    """The first set's mappings as (source urn, target urn, relationship), in file order."""
    doc = yaml.safe_load(text)
    first = doc["objects"]["requirement_mapping_sets"][0]
    return [
        (m["source_requirement_urn"], m["target_requirement_urn"], m["relationship"])
        for m in first["requirement_mappings"]
    ]


@pytest.mark.parametrize("path", [CSF_MAP, SP_MAP], ids=["csf", "sp800-53"])
def test_every_distinct_mapping_of_the_file_becomes_a_row(path: Path) -> None:
    text = text_of(path)
    draft = read_ciso_mappings(text.encode(), path.name, items())
    assert draft.problems == [] and draft.failed == []
    distinct = list(dict.fromkeys((a, b) for a, b, _ in forward_pairs(text)))
    assert len(draft.rows) == len(distinct)
    repeats = len(forward_pairs(text)) - len(distinct)
    assert sum("written once" in n for n in draft.notes) == repeats
    assert any("-revert" in n and "reverse" in n for n in draft.notes)
    out = finish(draft, items())
    assert out.count("\n") > len(draft.rows)  # metadata and header too
    assert all(r.source_document.startswith("http") and "NIST" in r.comment for r in draft.rows)


def test_relationships_map_to_the_set_relations() -> None:
    text = text_of(CSF_MAP)
    # The published file says intersect throughout; give five rows each of the other kinds.
    kinds = ["equal", "subset", "superset", "not_related"]
    lines = text.splitlines()
    done = 0
    for i, line in enumerate(lines):
        if line.strip() == "relationship: intersect" and done < len(kinds):
            lines[i] = line.replace("intersect", kinds[done])
            done += 1
        if done == len(kinds):
            break
    # Only the forward set changed: it is no longer the reverse set's mirror, so choose it.
    draft = read_ciso_mappings(
        "\n".join(lines).encode(),
        "edited.yaml",
        items(),
        options=Options(set_ref="mapping-nist-csf-2.0-to-iso27001-2022"),
    )
    assert draft.failed == [] and draft.problems == []
    relations = [r.relation for r in draft.rows[:5]]
    assert (
        relations[:4]
        == [RELATIONSHIPS[k] for k in kinds]
        == [
            Relation.EQUAL,
            Relation.SUBSET_OF,
            Relation.SUPERSET_OF,
            Relation.NOT_RELATED,
        ]
    )
    assert relations[4] is Relation.INTERSECTS_WITH
    finish(draft, items())  # every relation writes a set the reader accepts


def _with_unknown(text: str) -> str:
    # Rename one subcategory in both sets, so the reverse set still mirrors the forward one.
    return text.replace("nist-csf-2.0:gv.oc-02\n", "nist-csf-2.0:gv.oc-99\n")


def test_unknown_items_are_reported_and_nothing_is_written() -> None:
    text = _with_unknown(text_of(CSF_MAP))
    expected = sum(1 for a, _, _ in forward_pairs(text) if a.endswith("gv.oc-99"))
    assert expected > 0
    draft = read_ciso_mappings(text.encode(), "edited.yaml", items())
    assert len(draft.failed) == expected
    first = draft.failed[0]
    assert first.file == "edited.yaml"
    assert first.where.startswith("objects.requirement_mapping_sets[0].requirement_mappings[")
    assert first.where.endswith(".source_requirement_urn")
    assert "gv.oc-99" in first.reason and "--skip-failing" in first.fix
    with pytest.raises(MappingImportError) as caught:
        finish(draft, items())
    assert len(caught.value.problems) == expected
    kept = finish(draft, items(), keep_rest=True)
    assert "GV.OC-02" not in kept and "GV.OC-01" in kept
    distinct = len(dict.fromkeys((a, b) for a, b, _ in forward_pairs(text)))
    assert len(draft.rows) == distinct - expected


def test_an_unknown_relationship_fails_its_row() -> None:
    text = text_of(SP_MAP).replace("relationship: intersect", "relationship: overlaps", 1)
    draft = read_ciso_mappings(
        text.encode(),
        "edited.yaml",
        items(),
        Options(set_ref="mapping-nist-sp-800-53-rev5-and-iso27001-2022"),
    )
    assert [p.where for p in draft.failed] == [
        "objects.requirement_mapping_sets[0].requirement_mappings[0].relationship"
    ]


def test_two_unrelated_sets_need_a_choice() -> None:
    text = text_of(SP_MAP).replace("relationship: intersect", "relationship: equal", 1)
    draft = read_ciso_mappings(text.encode(), "edited.yaml", items())
    assert draft.problems and "--set" in draft.problems[0].fix


def test_cli_refuses_then_keeps_the_rest_when_asked(tmp_path: Path) -> None:
    src = tmp_path / "edited.yaml"
    src.write_text(_with_unknown(text_of(CSF_MAP)), encoding="utf-8")
    out = tmp_path / "nist-csf-2.0--iso27001-2022.sssom.tsv"
    runner = CliRunner()
    refused = runner.invoke(app, ["import", "mappings", str(src), "-o", str(out)])
    assert refused.exit_code == 2 and not out.exists()
    assert "gv.oc-99" in refused.stderr and "nothing was written" in refused.stderr
    kept = runner.invoke(app, ["import", "mappings", str(src), "-o", str(out), "--skip-failing"])
    assert kept.exit_code == 0, kept.stderr
    assert "skipped" in kept.stderr and "gv.oc-99" in kept.stderr
    msf = read_sssom(out, items().iris())
    assert msf.rows and item_iri("nist-csf-2.0", "GV.OC-02") not in {r.subject for r in msf.rows}


def test_sssom_files_are_checked_against_the_catalogs(tmp_path: Path) -> None:
    draft = read_ciso_mappings(text_of(SP_MAP).encode(), SP_MAP.name, items())
    text = finish(draft, items()).replace("nist-sp800-53:ac-1\t", "nist-sp800-53:ac-999\t")
    path = tmp_path / "nist-sp800-53-r5--iso27001-2022.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    again = read_sssom_mappings(path, items())
    bad = [p for p in again.failed if "ac-999" in p.reason]
    assert bad and all(p.where.startswith("line ") and "subject_id" in p.where for p in bad)
    assert len(again.rows) + len(again.failed) == len(draft.rows)

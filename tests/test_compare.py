"""Comparing two mapping sets: on a hand-made graph whose answer is known, then on the real graph."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

import httpx
import pytest
from tests.servers import uvicorn_server
from typer.testing import CliRunner

from aims_graph import resources
from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.cli import app as cli_app
from aims_graph.config import Settings
from aims_graph.mappings.compare import CompareInputError, compare
from aims_graph.mappings.graph import MappingGraph
from aims_graph.mappings.loading import MAPPING_SET_BASE
from aims_graph.mappings.model import Edge
from aims_graph.mappings.relations import Relation
from aims_graph.namespaces import ID
from aims_graph.service import Graph
from aims_graph.store import Store

A, X, C = "iso42001-2023", "iso27701-2025", "iso27001-2022"
EQ, SUB, SUP, INT = (
    Relation.EQUAL,
    Relation.SUBSET_OF,
    Relation.SUPERSET_OF,
    Relation.INTERSECTS_WITH,
)


def iri(edition: str, ref: str) -> str:
    return f"{ID}{edition}/{ref}"


def edges(set_id: str, rows: list[tuple[str, str, Relation]]) -> list[Edge]:
    """Stated edges and their inverses, as the loader writes them."""
    out = []
    for s, o, rel in rows:
        m = f"{MAPPING_SET_BASE}{set_id}/{len(out)}"
        out.append(Edge(m, s, o, rel, 0.9, "manual", MAPPING_SET_BASE + set_id, comment=f"{s}>{o}"))
        out.append(
            Edge(m + "i", o, s, rel.inverse, 0.9, "inv", MAPPING_SET_BASE + set_id, inverse_of=m)
        )
    return out


@pytest.fixture(scope="module")
def toy() -> MappingGraph:
    a1, a2, a3 = iri(A, "4.1"), iri(A, "5.1"), iri(A, "6.1")
    x1, x2 = iri(X, "4.1"), iri(X, "5.1")
    c1, c2, c3 = iri(C, "4.1"), iri(C, "5.1"), iri(C, "6.2")
    curated = [(a1, c1, EQ), (a2, c2, SUB), (a3, c3, INT)]
    # Written from C's side: read through its inverses when compared from A.
    via = [(a1, x1, EQ), (a2, x2, EQ)]
    onward = [(c1, x1, EQ), (c2, x2, SUB), (c3, x1, SUP)]
    return MappingGraph(edges("a--c", curated) + edges("a--x", via) + edges("c--x", onward))


def test_a_curated_set_against_the_chains_through_a_third_edition(toy: MappingGraph) -> None:
    out = compare(toy, "a--c", f"derived:{A}>{C}@{X}")
    # Chains: a1=x1=c1 (equal), a2=x2⊃c2 (superset), a1=x1⊂... c3⊃x1 gives a1 ⊂ c3 (subset).
    assert out["editions"] == [A, C]
    assert (out["first"]["pairs"], out["second"]["pairs"]) == (3, 3)
    assert (out["both"], out["first_only"], out["second_only"]) == (2, 1, 1)
    assert out["jaccard"] == round(2 / 4, 4)
    # a1→c1 equal on both sides; a2→c2 subset-of (curated) vs superset-of (chain): conflicting.
    assert out["relations"] == {"same": 1, "compatible": 0, "conflicting": 1}
    kinds = {(d["subject"][-3:], d["object"][-3:]): d["kind"] for d in out["disagreements"]}
    assert kinds == {
        ("5.1", "5.1"): "conflicting",
        ("6.1", "6.2"): "first-only",
        ("4.1", "6.2"): "second-only",
    }
    conflict = next(d for d in out["disagreements"] if d["kind"] == "conflicting")
    assert conflict["first"]["comment"] == f"{iri(A, '5.1')}>{iri(C, '5.1')}"
    assert conflict["second"]["relation"] == "superset-of" and len(conflict["second"]["via"]) == 2
    per = {r["subject"][-3:]: r["jaccard"] for r in out["per_item"]}
    assert per == {"4.1": 0.5, "5.1": 1.0, "6.1": 0.0}


def test_sides_are_read_in_the_first_sides_direction(toy: MappingGraph) -> None:
    forward = compare(toy, f"stated:{A}>{C}", "a--c")
    backward = compare(toy, f"stated:{A}>{C}", f"stated:{C}>{A}")
    assert (
        forward["relations"]
        == backward["relations"]
        == {"same": 3, "compatible": 0, "conflicting": 0}
    )
    assert backward["second"]["pairs"] == 3 and backward["jaccard"] == 1.0


def test_a_derived_intersects_is_compatible_with_what_it_implies() -> None:
    a1, x1, c1 = iri(A, "4.1"), iri(X, "4.1"), iri(C, "4.1")
    g = MappingGraph(
        edges("a--c", [(a1, c1, SUB)])
        + edges("a--x", [(a1, x1, SUP)])
        + edges("x--c", [(x1, c1, SUB)])
    )
    out = compare(g, "a--c", f"derived:{A}>{C}@{X}")
    # superset∘subset derives intersects (an overlap): it agrees with the stated subset-of.
    assert out["relations"] == {"same": 0, "compatible": 1, "conflicting": 0}


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("no-such-set", "a--c", "no mapping set 'no-such-set'"),
        ("derived:iso42001-2023", "a--c", "write the editions as A>C"),
        ("derived:iso42001-2023>nowhere", "a--c", "unknown framework 'nowhere'"),
        ("stated:iso42001-2023>iso27001-2022@iso27701-2025", "a--c", "'@X' is for derived"),
        ("a--c", "a--x", "compare sets of the same two editions"),
    ],
)
def test_bad_sides_are_refused_with_the_fix(
    toy: MappingGraph, first: str, second: str, message: str
) -> None:
    with pytest.raises(CompareInputError, match=message):
        compare(toy, first, second)


# ---- the real graph ------------------------------------------------------------------------


def _rows(set_id: str) -> list[dict[str, str]]:
    path = resources.mappings_dir() / f"{set_id}.sssom.tsv"
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if not x.startswith("#")]
    return [
        r for r in csv.DictReader(lines, delimiter="\t") if r["object_id"] != "sssom:NoTermFound"
    ]


@pytest.fixture(scope="module")
def client(built_store: Store) -> Iterator[httpx.Client]:
    graph = Graph(built_store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


def test_compare_route_on_the_real_curated_clause_set(client: httpx.Client) -> None:
    r = client.get(
        "/compare",
        params={
            "first": "iso42001-2023--iso27001-2022-clauses",
            "second": f"derived:{A}>{C}@{X}",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    rows = _rows("iso42001-2023--iso27001-2022-clauses")
    assert body["first"]["pairs"] == len({(x["subject_id"], x["object_id"]) for x in rows})
    assert body["both"] + body["first_only"] == body["first"]["pairs"]
    assert body["both"] + body["second_only"] == body["second"]["pairs"]
    assert sum(body["relations"].values()) == body["both"]
    assert all(d["subject"].startswith("iso42001:") for d in body["disagreements"])
    first_only = {
        (d["subject"], d["object"]) for d in body["disagreements"] if d["kind"] == "first-only"
    }
    assert len(first_only) == body["first_only"]


def test_compare_route_answers_an_unknown_side_with_404(client: httpx.Client) -> None:
    r = client.get("/compare", params={"first": "nope", "second": f"derived:{A}>{C}"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "no mapping set 'nope'" in r.json()["detail"]
    r = client.get("/compare", params={"first": f"stated:{A}>nowhere-1", "second": "x"})
    assert r.status_code == 404 and "nowhere-1" in r.json()["detail"]


def test_compare_route_refuses_a_malformed_or_mismatched_side(client: httpx.Client) -> None:
    r = client.get("/compare", params={"first": f"stated:{A}", "second": f"derived:{A}>{C}"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "first" in r.text
    r = client.get("/compare", params={"first": f"stated:{A}>{C}", "second": f"stated:{A}>{X}"})
    assert r.status_code == 400
    assert "compare sets of the same two editions" in r.json()["detail"]


@pytest.mark.slow  # builds the whole graph in-process through the CLI
def test_compare_command(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("AIMS_GRAPH_STORE", "memory:")
    result = CliRunner().invoke(
        cli_app,
        [
            "compare",
            "eu-ai-act--iso42001-2023",
            "derived:eu-ai-act>iso42001-2023@nist-ai-rmf-1.0",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["first"]["pairs"] == len(
        {(x["subject_id"], x["object_id"]) for x in _rows("eu-ai-act--iso42001-2023")}
    )
    bad = CliRunner().invoke(cli_app, ["compare", "nope", "eu-ai-act--iso42001-2023"])
    assert bad.exit_code == 2 and "no mapping set 'nope'" in bad.output

"""The Store contract: every backend must pass these."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.servers import oxigraph_server
from tests.virtuoso_server import Virtuoso, virtuoso_server

from aims_graph.config import Settings
from aims_graph.orgdata.model import org_framework_graph_iri, org_graph_iri
from aims_graph.orgdata.registry import OrgRegistry
from aims_graph.store import OxigraphStore, QuerySyntaxError, Store, StoreError, Term, open_store
from aims_graph.store.graphs import ORG_GRAPHS, ORG_REGISTRY_GRAPH, refresh_standards_view
from aims_graph.store.remote import RemoteSparqlStore

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
G1 = "https://example.org/g1"
G2 = "https://example.org/g2"
TTL = b"""@prefix ex: <https://example.org/> .
ex:a ex:p "x" ; ex:q ex:b .
ex:b ex:p "y"@en .
"""


@pytest.fixture(scope="module")
def oxigraph_url() -> Iterator[str]:
    """One real `oxigraph serve` for the module; each test gets an emptied store."""
    with oxigraph_server() as base:
        yield base


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[Virtuoso]:
    """One real Virtuoso 7 on a throw-away database for the module."""
    with virtuoso_server() as server:
        yield server


def emptied(store: RemoteSparqlStore) -> RemoteSparqlStore:
    """The remote store with every graph of ours dropped (DROP ALL would take Virtuoso's own)."""
    for graph in store.graphs():
        store.drop_graph(graph)
    store.update("CLEAR SILENT DEFAULT")
    return store


# Virtuoso starts a server of its own per test (about 6 s): its cases run with the slow tests.
@pytest.fixture(
    params=["memory", "disk", "remote", pytest.param("virtuoso", marks=pytest.mark.slow)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store
    if request.param == "memory":
        s = OxigraphStore()
    elif request.param == "disk":
        s = OxigraphStore(tmp_path / "db")
    elif request.param == "remote":
        s = emptied(RemoteSparqlStore(request.getfixturevalue("oxigraph_url"), Settings()))
    else:
        server: Virtuoso = request.getfixturevalue("virtuoso")
        s = emptied(RemoteSparqlStore(server.base, server.settings()))
        assert s.dialect.name == "virtuoso"
    yield s
    s.close()


@pytest.mark.parametrize("atomic", [False, True])
def test_put_graph_replaces_content(store: Store, atomic: bool) -> None:
    store.put_graph(G1, TTL, "text/turtle", atomic=atomic)
    assert store.triple_count(G1) == 3
    # Quotes, a newline and a non-ASCII letter survive the atomic path's SPARQL update text.
    tricky = 'é "q" }\n'
    data = r'<https://example.org/z> <https://example.org/p> "\u00e9 \"q\" }\n"@fr .'
    store.put_graph(G1, data.encode(), "text/turtle", atomic=atomic)
    assert store.triple_count(G1) == 1
    assert store.graphs() == [G1]
    rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert rows[0]["o"] == Term.literal(tricky, lang="fr")


def test_add_triples_adds_all_or_nothing(store: Store) -> None:
    store.put_graph(G1, TTL, "text/turtle")
    more = b"<https://example.org/n> <https://example.org/p> 'new' ."
    store.add_triples(G1, more, "text/turtle")
    store.add_triples(G1, more, "text/turtle")  # a triple already there is not doubled
    assert store.triple_count(G1) == 4
    with pytest.raises(StoreError):
        store.add_triples(G1, more + b" <https://example.org/m> oops", "text/turtle")
    assert store.triple_count(G1) == 4


@pytest.mark.parametrize("atomic", [False, True])
def test_bad_data_keeps_old_content(store: Store, atomic: bool) -> None:
    store.put_graph(G1, TTL, "text/turtle")
    with pytest.raises(StoreError, match="cannot parse"):
        store.put_graph(G1, b"this is not turtle", "text/turtle", atomic=atomic)
    assert store.triple_count(G1) == 3


def test_select_binds_terms_without_pasting(store: Store) -> None:
    store.put_graph(G1, TTL, "text/turtle")
    refresh_standards_view(store)
    rows = store.select(
        "SELECT ?o WHERE { ?s <https://example.org/p> ?o }",
        {"s": Term.iri("https://example.org/b")},
    )
    assert rows == [{"o": Term.literal("y", lang="en")}]
    # A hostile value is bound as a literal and matches nothing; it cannot change the query.
    rows = store.select(
        "SELECT ?s WHERE { ?s <https://example.org/p> ?o }",
        {"o": Term.literal('x" } ; DROP ALL ; SELECT * { "')},
    )
    assert rows == []


def test_binding_restricts_aggregates_filters_and_construct(store: Store) -> None:
    """A bound variable the query does not return still restricts it (not a trailing join)."""
    store.put_graph(G1, TTL, "text/turtle")
    refresh_standards_view(store)
    a = {"s": Term.iri("https://example.org/a")}
    # '{' in a string, an IRI and a comment must not be taken for the WHERE group.
    grouped = """# a comment with { braces
        SELECT (COUNT(?p) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "{") } GROUP BY ?s"""
    assert store.select(grouped, a) == [{"n": Term.literal("2", XSD_INTEGER)}]
    filtered = "SELECT ?o WHERE { ?x <https://example.org/p> ?o FILTER(?x = ?s) }"
    assert [r["o"].value for r in store.select(filtered, a)] == ["x"]
    nt = store.construct("CONSTRUCT { ?s <https://example.org/seen> true } { ?s ?p ?o }", a)
    assert nt.count(b"\n") == 1
    assert store.ask(
        "ASK { FILTER NOT EXISTS { ?s <https://example.org/q> ?o } }",
        {"s": Term.iri("https://example.org/b")},
    )


def test_standards_view_and_graph_scoping(store: Store) -> None:
    store.put_graph(G1, TTL, "text/turtle")
    store.put_graph(G2, b"<https://example.org/c> <https://example.org/p> 'z' .", "text/turtle")
    private = ORG_GRAPHS + "acme"
    store.put_graph(
        private, b"<https://example.org/x> <https://example.org/p> 's' .", "text/turtle"
    )
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/p> ?o }"
    assert store.select(q)[0]["n"].value == "0"  # the view is written by the loader
    refresh_standards_view(store)
    assert store.select(q)[0]["n"].value == "3"  # public graphs only, each triple once
    assert store.triple_count() == 4  # G1 has 3 triples, G2 one; the private one is out
    assert store.ask("ASK { GRAPH ?g { ?s ?p 's' } }", {"g": Term.iri(private)})
    assert store.ask("ASK { GRAPH ?g { ?s ?p 'z' } }", {"g": Term.iri(G2)})
    assert not store.ask("ASK { GRAPH ?g { ?s ?p 'z' } }", {"g": Term.iri(G1)})


def test_construct_and_dump(store: Store) -> None:
    store.put_graph(G1, TTL, "text/turtle")
    refresh_standards_view(store)
    nt = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert nt.count(b"\n") == 3
    assert b"https://example.org/a" in store.dump_graph(G1, "application/n-triples")


def test_drop_graph(store: Store) -> None:
    store.put_graph(G1, TTL, "text/turtle")
    store.drop_graph(G1)
    store.drop_graph(G1)  # dropping an absent graph is not an error
    assert store.graphs() == []
    assert store.triple_count() == 0


def test_syntax_error_is_reported(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        store.select("SELEC ?x WHERE {}")


def test_update(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <https://e.org/s> <https://e.org/p> 1 }} }}")
    assert store.triple_count(G1) == 1


def test_disk_store_persists(tmp_path: Path) -> None:
    s = OxigraphStore(tmp_path / "db")
    s.put_graph(G1, TTL, "text/turtle")
    s.close()
    del s
    again = OxigraphStore(tmp_path / "db")
    assert again.triple_count(G1) == 3


def test_open_store_selectors(tmp_path: Path) -> None:
    assert isinstance(open_store("memory:"), OxigraphStore)
    assert isinstance(open_store(f"oxigraph:{tmp_path / 'x'}"), OxigraphStore)
    with pytest.raises(StoreError, match="unknown store selector"):
        open_store("redis://nope")
    with pytest.raises(StoreError, match="needs a path"):
        open_store("oxigraph:")


def test_term_n3_rejects_bad_iri() -> None:
    with pytest.raises(StoreError):
        Term.iri("https://x> } DROP ALL {").n3()
    assert Term.literal('a"b\nc').n3() == '"a\\"b\\nc"'


def test_remote_store_errors_name_the_url() -> None:
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}"
    s = RemoteSparqlStore(url, Settings(query_timeout_s=2))
    with pytest.raises(StoreError, match=f"cannot reach the SPARQL server at {url}/query"):
        s.select("SELECT * WHERE { ?s ?p ?o }")
    s.close()
    with pytest.raises(StoreError, match="needs an http"):
        RemoteSparqlStore("ftp://x")


def test_remote_store_url_overrides_and_selector(oxigraph_url: str) -> None:
    s = RemoteSparqlStore(
        "http://unused.invalid",
        Settings(
            remote_query_url=f"{oxigraph_url}/query",
            remote_update_url=f"{oxigraph_url}/update",
            remote_store_url=f"{oxigraph_url}/store",
        ),
    )
    s.update("DROP ALL")
    s.put_graph(G1, TTL, "text/turtle")
    assert s.graphs() == [G1]
    s.close()
    opened = open_store(f"sparql:{oxigraph_url}")
    assert isinstance(opened, RemoteSparqlStore)
    assert opened.triple_count(G1) == 3
    with pytest.raises(StoreError, match="answered 404"):
        opened._send("GET", f"{oxigraph_url}/nothing-here", what="probe")
    opened.close()


def test_an_organisation_goes_with_all_its_graphs_in_one_update(store: Store) -> None:
    """The registry's delete is one SPARQL update of several operations, on every store."""
    registry = OrgRegistry(store)
    registry.create("delme", "Delete Me")
    registry.create("keepme", "Keep Me")
    own = org_framework_graph_iri("delme", "controls")
    for g in (org_graph_iri("delme"), own, org_graph_iri("keepme")):
        store.put_graph(g, TTL, "text/turtle")
    registry.delete("delme", [own])
    assert registry.get("delme") is None and registry.get("keepme") is not None
    left = set(store.graphs())
    assert org_graph_iri("delme") not in left and own not in left
    assert {org_graph_iri("keepme"), ORG_REGISTRY_GRAPH} <= left

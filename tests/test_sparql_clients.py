"""Real SPARQL clients against the service's /sparql on 127.0.0.1, over the real graph.

SPARQLWrapper (JSON, XML and CSV results), rdflib's SPARQLStore and Jena's `arq.rsparql` (Debian's
libapache-jena-java, which ships jars but no launcher: the classpath is built from /usr/share/java)
each run a SELECT, an ASK, a CONSTRUCT and a DESCRIBE naming ISO/IEC 42001 control A.6.2.4.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.namespaces import ID
from aims_graph.service import Graph
from aims_graph.store import Store

ISO = f"{ID}iso42001-2023"
CONTROL = f"{ISO}/A.6.2.4"
LABEL = "AI system verification and validation"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SELECT = f"""PREFIX skos: <{SKOS}>
SELECT ?c ?label WHERE {{
  ?c skos:notation "A.6.2.4" ; skos:inScheme <{ISO}> ; skos:prefLabel ?label }}"""
UNKNOWN = "http://example.org/unknown"
SELECT_FROM_UNKNOWN = SELECT.replace("WHERE", f"FROM <{UNKNOWN}> WHERE")
ASK_TRUE = f"ASK {{ <{CONTROL}> <{SKOS}broader> <{ISO}/A.6.2> }}"
ASK_FALSE = f"ASK {{ <{CONTROL}> <{SKOS}broader> <{ISO}/A.5> }}"
CONSTRUCT = f"""CONSTRUCT {{ ?c <{SKOS}notation> ?n }}
WHERE {{ ?c <{SKOS}broader> <{ISO}/A.6.2> ; <{SKOS}notation> ?n }}"""
DESCRIBE = f"DESCRIBE <{CONTROL}>"


@pytest.fixture(scope="module")
def endpoint(built_store: Store) -> Iterator[str]:
    """The service on a real uvicorn server; yields its /sparql URL."""
    graph = Graph(built_store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as base:
        yield f"{base}/sparql"


def notations(graph: rdflib.Graph) -> set[str]:
    return {str(o) for o in graph.objects(None, rdflib.URIRef(SKOS + "notation"))}


def check_construct(graph: rdflib.Graph) -> None:
    found = notations(graph)
    assert "A.6.2.4" in found and "A.6.2.2" in found
    assert all(n.startswith("A.6.2.") for n in found)


def check_describe(graph: rdflib.Graph) -> None:
    label = rdflib.Literal(LABEL, lang="en")
    assert (rdflib.URIRef(CONTROL), rdflib.URIRef(SKOS + "prefLabel"), label) in graph


# -- SPARQLWrapper ---------------------------------------------------------------------------


def wrapper(endpoint: str, query: str, fmt: str) -> Any:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client.query().convert()


def test_sparqlwrapper_select_in_json_xml_and_csv(endpoint: str) -> None:
    rows = wrapper(endpoint, SELECT, JSON)["results"]["bindings"]
    assert [(r["c"]["value"], r["label"]["value"]) for r in rows] == [(CONTROL, LABEL)]
    doc = wrapper(endpoint, SELECT, XML)
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert (uris, literals) == ([CONTROL], [LABEL])
    table = list(csv.DictReader(io.StringIO(wrapper(endpoint, SELECT, CSV).decode())))
    assert table == [{"c": CONTROL, "label": LABEL}]


def test_sparqlwrapper_ask_construct_describe(endpoint: str) -> None:
    assert wrapper(endpoint, ASK_TRUE, JSON)["boolean"] is True
    assert wrapper(endpoint, ASK_FALSE, JSON)["boolean"] is False
    for query, check in ((CONSTRUCT, check_construct), (DESCRIBE, check_describe)):
        turtle = wrapper(endpoint, query, TURTLE)
        check(rdflib.Graph().parse(data=turtle, format="turtle"))


def test_sparqlwrapper_unknown_default_graph_is_empty(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(SELECT)
    client.addDefaultGraph(UNKNOWN)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"] == []
    assert wrapper(endpoint, SELECT_FROM_UNKNOWN, JSON)["results"]["bindings"] == []


# -- rdflib's SPARQLStore --------------------------------------------------------------------


def remote_graph(endpoint: str) -> rdflib.Graph:
    # The default result format, XML: its Accept names RDF/XML too, which CONSTRUCT needs (with
    # returnFormat="json" the store asks for SPARQL JSON only, and /sparql rightly answers 406).
    return rdflib.Graph(SPARQLStore(endpoint))


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = remote_graph(endpoint)
    rows = [(str(r[0]), str(r[1])) for r in graph.query(SELECT)]  # type: ignore[index]
    assert rows == [(CONTROL, LABEL)]
    assert graph.query(ASK_TRUE).askAnswer is True
    assert graph.query(ASK_FALSE).askAnswer is False
    constructed = graph.query(CONSTRUCT).graph
    described = graph.query(DESCRIBE).graph
    assert constructed is not None and described is not None
    check_construct(constructed)
    check_describe(described)


def test_rdflib_sparqlstore_unknown_default_graph_is_empty(endpoint: str) -> None:
    assert list(remote_graph(endpoint).query(SELECT_FROM_UNKNOWN)) == []


# -- Jena's arq.rsparql ----------------------------------------------------------------------

JAVA_DIR = Path("/usr/share/java")
VERSIONED = re.compile(r"-\d[\d.]*\.jar$")
# Jena's jars and what they load (Debian's unversioned names); Jena 4 talks HTTP through the JDK.
JENA_CLASSPATH = [
    *sorted(p.name for p in JAVA_DIR.glob("jena-*.jar") if not VERSIONED.search(p.name)),
    *[
        "commons-cli.jar",
        "commons-codec.jar",
        "commons-compress.jar",
        "commons-csv.jar",
        "commons-io.jar",
        "commons-lang3.jar",
        "slf4j-api.jar",
        "slf4j-nop.jar",
        "jackson-core.jar",
        "jackson-databind.jar",
        "jackson-annotations.jar",
        "guava.jar",
        "gson.jar",
        "dexx.collection.jar",
        "jsonld-java.jar",
        "httpclient.jar",
        "httpcore.jar",
        "titanium-json-ld.jar",
        "jakarta.json-api.jar",
        "protobuf.jar",
        "thrift.jar",
    ],
]


@pytest.fixture(scope="module")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Debian's Jena jars, plus the one resource bundle their repackaged Xerces lacks.

    Debian's jena-core 4.5.0 moved Xerces' regex classes to the ``xerces`` package but not their
    messages, so Jena fails at start-up ("Couldn't load messages"); an empty bundle of ours
    (the messages are only read to word a regex syntax error) lets it start.
    """
    if shutil.which("java") is None or not (JAVA_DIR / "jena-arq.jar").exists():
        pytest.skip("needs java and libapache-jena-java: `make java jena` installs them")
    fix = tmp_path_factory.mktemp("jena-fix")
    bundle = fix / "xerces/impl/xpath/regex/message.properties"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("# intentionally empty: see tests/test_sparql_clients.py\n")
    return ":".join([str(fix), *(str(JAVA_DIR / name) for name in JENA_CLASSPATH)])


def rsparql(classpath: str, endpoint: str, query: str, results: str) -> str:
    """Run `arq.rsparql --service ENDPOINT --results FORMAT QUERY` (the query as an argument)."""
    java = shutil.which("java") or "java"
    run = subprocess.run(
        [java, "-cp", classpath, "arq.rsparql", "--service", endpoint, "--results", results, query],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.slow  # four JVM starts; the FROM-unknown case stays in the default suite
def test_jena_rsparql(endpoint: str, jena_classpath: str) -> None:
    def run(query: str, results: str) -> str:
        return rsparql(jena_classpath, endpoint, query, results)

    rows = json.loads(run(SELECT, "json"))["results"]["bindings"]
    assert [(r["c"]["value"], r["label"]["value"]) for r in rows] == [(CONTROL, LABEL)]
    assert json.loads(run(ASK_TRUE, "json"))["boolean"] is True
    assert json.loads(run(ASK_FALSE, "json"))["boolean"] is False
    for query, check in ((CONSTRUCT, check_construct), (DESCRIBE, check_describe)):
        check(rdflib.Graph().parse(data=run(query, "ttl"), format="turtle"))


def test_jena_rsparql_unknown_default_graph_is_empty(endpoint: str, jena_classpath: str) -> None:
    out = rsparql(jena_classpath, endpoint, SELECT_FROM_UNKNOWN, "json")
    rows = json.loads(out)["results"]["bindings"]
    assert rows == []

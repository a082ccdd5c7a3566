"""The general SHACL validator: ``aims-graph shacl`` and ``POST /shacl/validate`` on a real server."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import SH
from tests.servers import uvicorn_server
from typer.testing import CliRunner

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.cli.app import app
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS
from aims_graph.service import Graph as AimsGraph
from aims_graph.store import OxigraphStore

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ( ex:knows ex:name ) ; sh:maxCount 1 ; sh:severity sh:Warning ] .
"""
DATA = """
@prefix ex: <http://example.org/> .
ex:ann a ex:Person ; ex:name "Ann" ; ex:knows ex:bob .
ex:bob a ex:Person ; ex:name 3 .
ex:cy a ex:Person .
"""
GOOD = '@prefix ex: <http://example.org/> . ex:ann a ex:Person ; ex:name "Ann" .'
#: xsd:byte, which the store keeps as xsd:integer: the compiler leaves this shape to pyshacl.
FALLBACK_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:PropertyShape ; sh:targetClass ex:Person ; sh:path ex:knows ;
  sh:property [ sh:path ex:name ; sh:datatype <http://www.w3.org/2001/XMLSchema#byte> ] .
"""


def _write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def _cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["shacl", *args])
    return r.exit_code, r.stdout, r.stderr


def test_cli_reports_results_as_a_w3c_graph_with_exit_1(tmp_path: Path) -> None:
    shapes, data = _write(tmp_path, "s.ttl", SHAPES), _write(tmp_path, "d.ttl", DATA)
    code, out, err = _cli("--shapes", str(shapes), "--data", str(data), "--format", "turtle")
    assert code == 1, err
    g = Graph().parse(data=out, format="turtle")
    assert [o.toPython() for o in g.objects(None, SH.conforms)] == [False]
    components = sorted(
        str(o).rsplit("#")[-1] for o in g.objects(None, SH.sourceConstraintComponent)
    )
    assert components == ["DatatypeConstraintComponent", "MinCountConstraintComponent"]


def test_cli_exit_0_when_the_data_conforms_and_a_table_by_default(tmp_path: Path) -> None:
    shapes, data = _write(tmp_path, "s.ttl", SHAPES), _write(tmp_path, "d.ttl", GOOD)
    code, out, _ = _cli("--shapes", str(shapes), "--data", str(data))
    assert code == 0
    assert "conforms" in out


def test_cli_bad_input_exit_2_says_where(tmp_path: Path) -> None:
    shapes, data = _write(tmp_path, "s.ttl", "ex:broken {"), _write(tmp_path, "d.ttl", GOOD)
    code, _, err = _cli("--shapes", str(shapes), "--data", str(data))
    assert code == 2
    assert "s.ttl" in err and "turtle" in err
    code, _, err = _cli("--shapes", str(tmp_path / "missing.ttl"), "--data", str(data))
    assert code == 2 and "cannot be read" in err
    code, _, err = _cli("--shapes", str(shapes), "--data", str(data), "--format", "xml")
    assert code == 2 and "--format" in err


def test_cli_json_names_the_shape_that_fell_back(tmp_path: Path) -> None:
    shapes = _write(tmp_path, "s.ttl", FALLBACK_SHAPES)
    data = _write(tmp_path, "d.ttl", DATA)
    code, out, _ = _cli("--shapes", str(shapes), "--data", str(data), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert [f["shape"] for f in doc["fallback"]] == ["http://example.org/S"]
    assert {r["focus"] for r in doc["results"]} == {"http://example.org/bob"}


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {}}')

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def trap() -> Iterator[str]:
    """A local server that counts every request: no validation may reach it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    settings = Settings(store="memory:", max_upload_bytes=20_000, max_upload_triples=60)
    graph = AimsGraph(OxigraphStore(), settings, loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url:
        yield url


def _post(
    base: str,
    data: str,
    shapes: str,
    accept: str = "application/json",
    names: tuple[str, str] = ("d.ttl", "s.ttl"),
) -> httpx.Response:
    files = {"data": (names[0], data.encode()), "shapes": (names[1], shapes.encode())}
    return httpx.post(f"{base}/shacl/validate", files=files, headers={"Accept": accept}, timeout=60)


def test_route_answers_json_turtle_and_json_ld_by_accept(base: str) -> None:
    r = _post(base, DATA, SHAPES)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["conforms"] is False and doc["fallback"] == []
    assert {(x["focus"], x["severity"]) for x in doc["results"]} == {
        ("http://example.org/bob", "Violation"),
        ("http://example.org/cy", "Violation"),
    }
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        r = _post(base, DATA, SHAPES, accept)
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        g = Graph().parse(data=r.text, format=fmt)
        assert len(set(g.objects(None, SH.result))) == 2
    assert _post(base, GOOD, SHAPES).json()["conforms"] is True


def test_route_names_fallback_shapes_in_the_report_graph(base: str) -> None:
    r = _post(base, DATA, FALLBACK_SHAPES, "text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    shapes = {str(g.value(fb, AIMS.shape)) for fb in g.objects(None, AIMS.fallback)}
    assert shapes == {"http://example.org/S"}


def test_route_refuses_bad_input_with_problems(base: str) -> None:
    r = _post(base, "ex:broken {", SHAPES)
    assert r.status_code == 400 and "d.ttl" in r.json()["detail"]
    r = httpx.post(f"{base}/shacl/validate", files={"data": ("d.ttl", b"")}, timeout=30)
    assert r.status_code == 400 and "shapes" in r.json()["detail"]
    r = httpx.post(f"{base}/shacl/validate", content=DATA, headers={"Content-Type": "text/turtle"})
    assert r.status_code == 415
    assert _post(base, DATA, SHAPES, "application/xml").status_code == 406
    many = "@prefix ex: <http://example.org/> .\n" + "\n".join(
        f"ex:n{i} a ex:Person ." for i in range(100)
    )
    r = _post(base, many, SHAPES)
    assert r.status_code == 413 and "60" in r.json()["detail"]
    assert _post(base, "#" * 30_000, SHAPES).status_code == 413


def test_route_fetches_nothing(base: str, trap: str) -> None:
    imports = f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<urn:x> owl:imports <{trap}/x> .\n"
    assert _post(base, DATA, imports + SHAPES).status_code == 200
    remote = json.dumps({"@context": f"{trap}/ctx", "@id": "urn:a", "name": "x"})
    r = _post(base, remote, SHAPES, names=("d.jsonld", "s.ttl"))
    assert r.status_code == 400
    assert _Counter.hits == 0

"""``aims-graph org shapes put|get|delete`` on an on-disk store holding the built graph."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from tests.orgdata_support import cli_run, disk_copy_with_org
from typer.testing import CliRunner

from aims_graph.cli import app
from aims_graph.orgdata.model import org_shapes_graph_iri
from aims_graph.store import OxigraphStore, Store

POLICY = Path(__file__).resolve().parents[1] / "examples" / "org" / "policy-shapes.ttl"


@pytest.fixture(scope="module")
def store_path(built_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-shapes") / "store"
    return disk_copy_with_org(built_store, path, "northwind", "Northwind Lending")


@pytest.fixture
def runner(store_path: Path) -> Iterator[CliRunner]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMS_GRAPH_STORE", f"oxigraph:{store_path}")
        yield CliRunner()


def cli(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    return cli_run(runner, "org", "shapes", *args)


def shapes_in(store_path: Path) -> bool:
    disk = OxigraphStore(store_path)
    try:
        return org_shapes_graph_iri("northwind") in disk.graphs()
    finally:
        disk.close()
        del disk
        gc.collect()


def test_put_get_delete(runner: CliRunner, store_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://example.org/R> a sh:NodeShape ; sh:targetClass <https://example.org/C> .\n"
    )
    code, _, err = cli(runner, "put", "northwind", str(bad))
    assert code == 2
    assert "https://example.org/R" in err and "enforces" in err
    assert not shapes_in(store_path)

    code, out, err = cli(runner, "put", "northwind", str(POLICY))
    assert code == 0, err
    assert '"rules": 3' in out
    assert shapes_in(store_path)

    code, out, err = cli(runner, "get", "northwind", "--format", "nt")
    assert code == 0, err
    assert isomorphic(Graph().parse(data=out, format="nt"), Graph().parse(POLICY))

    assert cli(runner, "delete", "northwind")[0] == 0
    assert not shapes_in(store_path)
    code, _, err = cli(runner, "get", "nosuchorg")
    assert code == 2 and "no organisation" in err


def test_validate_with_own_shapes(tmp_path: Path) -> None:
    import json

    from tests.test_org_policy_shapes import AS_OF, NORTHWIND, expected

    args = ["validate", str(NORTHWIND), "--as-of", AS_OF.isoformat(), "--format", "json"]
    result = CliRunner().invoke(app, [*args, "--shapes", str(POLICY)])
    assert result.exit_code == 1, result.stderr  # the example has violations
    report = json.loads(result.stdout)
    got = {(f["rule"], f["node"]) for f in report["findings"] if f["origin"] == "organisation"}
    assert got == expected(Graph().parse(NORTHWIND), AS_OF)
    assert report["policy_rules"] == 3
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:R> a sh:NodeShape .\n")
    result = CliRunner().invoke(app, [*args, "--shapes", str(bad)])
    assert result.exit_code == 2 and "urn:x:R" in result.stderr

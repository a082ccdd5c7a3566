"""``aims-graph import framework|mappings … --org|--add``, ``import list`` and ``import remove``
on an on-disk store holding the built graph."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.orgdata_support import cli_run, disk_copy_with_org
from typer.testing import CliRunner

from aims_graph.build.imports import FRAMEWORKS_DIR
from aims_graph.orgdata.model import org_catalog_graphs_prefix
from aims_graph.store import OxigraphStore, Store

FIXTURES = Path(__file__).parent / "fixtures" / "org-controls"
CONTROLS = FIXTURES / "acme-controls.csv"
MAPPINGS = FIXTURES / "acme-controls--iso42001-2023.sssom.tsv"


@pytest.fixture(scope="module")
def store_path(built_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-import") / "store"
    return disk_copy_with_org(built_store, path, "acme", "Acme Test Organisation")


@pytest.fixture
def runner(store_path: Path) -> Iterator[CliRunner]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMS_GRAPH_STORE", f"oxigraph:{store_path}")
        yield CliRunner()


def cli(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    return cli_run(runner, "import", *args)


def own_graphs(store_path: Path) -> list[str]:
    disk = OxigraphStore(store_path)
    try:
        prefix = org_catalog_graphs_prefix("acme")
        return sorted(g for g in disk.graphs() if g.startswith(prefix))
    finally:
        disk.close()
        del disk
        gc.collect()


def test_own_controls_through_the_cli(runner: CliRunner, store_path: Path, tmp_path: Path) -> None:
    code, out, err = cli(runner, "framework", str(CONTROLS), "--id", "controls", "--org", "acme")
    assert code == 0, err
    result = json.loads(out)
    assert result["id"] == "org.acme.controls" and result["counts"]["items"] == 7
    assert len(own_graphs(store_path)) == 1

    # Again without --replace: refused, nothing changed.
    code, _, err = cli(runner, "framework", str(CONTROLS), "--id", "controls", "--org", "acme")
    assert code == 2 and "--replace" in err

    # A mapping file naming an item the control set lacks: its row and line are named.
    broken = tmp_path / MAPPINGS.name
    broken.write_text(MAPPINGS.read_text().replace("acme:AC-GOV-1\t", "acme:AC-NOPE-9\t", 1))
    code, _, err = cli(runner, "mappings", str(broken), "--id", "iso42001", "--org", "acme")
    assert code == 2, err
    assert "AC-NOPE-9" in err and "line" in err and "nothing was stored" in err
    assert len(own_graphs(store_path)) == 1

    code, out, err = cli(runner, "mappings", str(MAPPINGS), "--id", "iso42001", "--org", "acme")
    assert code == 0, err
    assert json.loads(out)["counts"] == {"mappings": 4, "no_counterparts": 1}

    code, out, err = cli(runner, "list", "--org", "acme")
    assert code == 0, err
    listing = json.loads(out)
    assert [f["id"] for f in listing["frameworks"]] == ["org.acme.controls"]
    assert listing["mapping_sets"][0]["name"] == "iso42001"

    # The framework cannot go while the set needs it; the set can, then the framework.
    code, _, err = cli(runner, "remove", "framework", "controls", "--org", "acme")
    assert code == 2 and "nothing was removed" in err
    assert cli(runner, "remove", "mappings", "iso42001", "--org", "acme")[0] == 0
    assert cli(runner, "remove", "framework", "controls", "--org", "acme")[0] == 0
    assert own_graphs(store_path) == []
    code, _, err = cli(runner, "remove", "framework", "controls", "--org", "acme")
    assert code == 2 and "no framework" in err


def test_unknown_organisation_is_refused(runner: CliRunner) -> None:
    code, _, err = cli(runner, "framework", str(CONTROLS), "--id", "controls", "--org", "nobody")
    assert code == 2 and "no organisation 'nobody'" in err


@pytest.mark.slow
def test_public_import_add_list_remove(runner: CliRunner, store_path: Path) -> None:
    code, out, err = cli(runner, "framework", str(CONTROLS), "--id", "acme-open-2026", "--add")
    assert code == 0, err
    assert json.loads(out)["counts"]["items"] == 7
    catalog = store_path.parent / "imports" / FRAMEWORKS_DIR / "acme-open-2026.ttl"
    assert catalog.is_file()
    code, out, _ = cli(runner, "list")
    assert [f["id"] for f in json.loads(out)["frameworks"]] == ["acme-open-2026"]
    code, _, err = cli(runner, "framework", str(CONTROLS), "--id", "acme-open-2026", "--add")
    assert code == 2 and "imported already" in err
    code, _, err = cli(runner, "remove", "framework", "acme-open-2026")
    assert code == 0, err
    code, out, _ = cli(runner, "list")
    assert json.loads(out)["frameworks"] == []
    assert not catalog.exists()

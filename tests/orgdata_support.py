"""Helpers for the organisation-data tests: a catalog item index and the example's regeneration.

Run ``python -m tests.orgdata_support`` from the repository root to rebuild examples/northwind.xlsx
and examples/northwind.ttl from the CSV sheets in examples/northwind/.
"""

from __future__ import annotations

import csv
import gc
from pathlib import Path

from rdflib import Graph
from typer.testing import CliRunner

from aims_graph import resources
from aims_graph.catalog.build import build_catalog
from aims_graph.catalog.frameworks import FRAMEWORKS
from aims_graph.catalog.items import Item, ItemIndex
from aims_graph.cli import app
from aims_graph.orgdata import import_files
from aims_graph.orgdata.registry import OrgRegistry
from aims_graph.orgdata.templates import workbook_xlsx
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.graphs import refresh_standards_view

ROOT = resources.repo_root()
EXAMPLE_DIR = ROOT / "examples" / "northwind"
EXAMPLE_XLSX = ROOT / "examples" / "northwind.xlsx"
EXAMPLE_TTL = ROOT / "examples" / "northwind.ttl"
EXAMPLE_ORG = "northwind"
SHEET_ORDER = ("organisation", "systems", "soa", "evidence", "risks", "assessments", "incidents")

# Used only while the ISO/IEC 42001 catalog is not built yet in this tree: the Annex A control refs
# and the few clauses the example cites, so the importer can be tested on its own.
_ISO42001_CONTROLS = [
    "A.2.2",
    "A.2.3",
    "A.2.4",
    "A.3.2",
    "A.3.3",
    "A.4.2",
    "A.4.3",
    "A.4.4",
    "A.4.5",
    "A.4.6",
    "A.5.2",
    "A.5.3",
    "A.5.4",
    "A.5.5",
    "A.6.1.2",
    "A.6.1.3",
    "A.6.2.2",
    "A.6.2.3",
    "A.6.2.4",
    "A.6.2.5",
    "A.6.2.6",
    "A.6.2.7",
    "A.6.2.8",
    "A.7.2",
    "A.7.3",
    "A.7.4",
    "A.7.5",
    "A.7.6",
    "A.8.2",
    "A.8.3",
    "A.8.4",
    "A.8.5",
    "A.9.2",
    "A.9.3",
    "A.9.4",
    "A.10.2",
    "A.10.3",
    "A.10.4",
]
_ISO42001_CLAUSES = ["5.2", "6.1.2", "6.1.3", "6.1.4", "7.2", "8.2", "8.4", "9.2", "9.3"]


def catalog_index() -> ItemIndex:
    """An item index over the built catalogs, or their TSV sources when no TTL is built yet."""
    store = OxigraphStore()
    std = resources.standards_dir()
    for fw in FRAMEWORKS:
        ttl = std / f"{fw.slug}.ttl"
        if ttl.exists():
            store.put_graph(f"urn:catalog:{fw.slug}", ttl.read_bytes(), "text/turtle")
        elif (std / "src" / f"{fw.slug}.tsv").exists():
            g = build_catalog(fw, std / "src")
            data = g.serialize(format="nt", encoding="utf-8")
            store.put_graph(f"urn:catalog:{fw.slug}", data, "application/n-triples")
    refresh_standards_view(store)
    index = ItemIndex.from_store(store)
    store.close()
    if not index.in_edition("iso42001-2023"):
        base = "https://w3id.org/aims-graph/id/iso42001-2023/"
        for ref in _ISO42001_CONTROLS:
            index.add(Item(base + ref, "iso42001-2023", ref, ref, "", "Control"))
        for ref in _ISO42001_CLAUSES:
            index.add(Item(base + ref, "iso42001-2023", ref, ref, "", "Subclause"))
    return index


def example_csvs() -> list[Path]:
    """The example's CSV sheets."""
    return [EXAMPLE_DIR / f"{kind}.csv" for kind in SHEET_ORDER]


def import_example(paths: list[Path], index: ItemIndex) -> Graph:
    """Import the example, failing loudly on any problem."""
    result = import_files(paths, EXAMPLE_ORG, index)
    assert result.ok, "\n".join(str(p) for p in result.problems)
    return result.graph


def regenerate(index: ItemIndex | None = None) -> None:
    """Rewrite the example workbook and Turtle from the CSV sheets."""
    index = index or catalog_index()
    sheets: dict[str, list[list[str]]] = {}
    for path in example_csvs():
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        sheets[path.stem] = rows[1:]
    EXAMPLE_XLSX.write_bytes(workbook_xlsx(sheets))
    g = import_example(example_csvs(), index)
    g.bind("aims", "https://w3id.org/aims-graph/ontology#")
    g.bind("nw", f"https://w3id.org/aims-graph/org/{EXAMPLE_ORG}/")
    for fw in FRAMEWORKS:
        g.bind(fw.slug.replace(".", "_"), fw.namespace)
    header = (
        "# Northwind Lending: the example organisation's data in the aims-graph org model.\n"
        "# Generated from examples/northwind/*.csv by `python -m tests.orgdata_support`;"
        " edit the sheets, not this.\n"
    )
    EXAMPLE_TTL.write_text(header + g.serialize(format="turtle"), encoding="utf-8")


if __name__ == "__main__":
    regenerate()
    print(f"wrote {EXAMPLE_XLSX} and {EXAMPLE_TTL}")


def copy_of(store: Store) -> OxigraphStore:
    """A writable in-memory copy of a built store, for tests that write organisations into it."""
    assert isinstance(store, OxigraphStore)
    copy = OxigraphStore()
    copy.native.bulk_extend(store.native)
    return copy


def disk_copy_with_org(store: Store, path: Path, org_id: str, name: str) -> Path:
    """An on-disk copy of a built store at ``path`` with one organisation registered (for the
    CLI's tests, which open the store themselves); returns ``path``."""
    assert isinstance(store, OxigraphStore)
    disk = OxigraphStore(path)
    disk.native.bulk_extend(store.native)
    OrgRegistry(disk).create(org_id, name)
    disk.close()
    return path


def cli_run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """``aims-graph ARGS`` in-process: exit code, stdout, stderr."""
    result = runner.invoke(app, list(args))
    out = (result.exit_code, result.stdout, result.stderr)
    # The store closes when its last reference goes, and a failed run's traceback holds one.
    del result
    gc.collect()
    return out

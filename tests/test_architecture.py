"""The package layout is the architecture: imports run downward only, and nothing imports in a loop.

Layers, lowest first (docs/architecture.md draws them). A module may import its own package and
any package of a lower or the same layer, never one above:

    0  config, namespaces, resources, runtime,  settings, IRIs, packaged files, the GC
       xlsx
    1  store                                    the RDF store behind one interface
    2  catalog                                  editions, items, catalog building
    3  mappings, queries, validation            mapping sets and relations, named queries, SHACL
    4  coverage                                 coverage and gaps over mappings
    5  build                                    what the graph is built from, and the build
    6  service, checks                          an opened graph; quality and reasoner checks
    7  orgdata, exports, importers              organisation data; exports; framework imports
    8  views                                    the JSON API's answers, as plain dicts
    9  api, cli                                 the interfaces: HTTP (FastAPI) and command line

Only api/ and cli/ may import a web or command-line framework.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

import aims_graph

PACKAGE_ROOT = Path(aims_graph.__file__).parent

LAYERS: dict[str, int] = {
    "config": 0,
    "namespaces": 0,
    "resources": 0,
    "runtime": 0,
    "xlsx": 0,
    "store": 1,
    "catalog": 2,
    "mappings": 3,
    "queries": 3,
    "validation": 3,
    "coverage": 4,
    "build": 5,
    "service": 6,
    "checks": 6,
    "importers": 7,
    "orgdata": 7,
    "exports": 7,
    "views": 8,
    "api": 9,
    "cli": 9,
}
INTERFACE_FRAMEWORKS = ("fastapi", "starlette", "typer", "uvicorn", "rich", "click")
INTERFACES = ("api", "cli")


@dataclass(frozen=True)
class Import:
    """One import statement of a module: what it names and where it stands."""

    module: str
    target: str
    line: int


def module_name(root: Path, path: Path) -> str:
    """Dotted module name of a file under the package root."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(root: Path) -> list[Import]:
    """Every import in the package, module-level or inside a function (not TYPE_CHECKING ones)."""
    modules = {module_name(root, p): p for p in root.rglob("*.py")}
    out: list[Import] = []
    for name, path in sorted(modules.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if _under_type_checking(node, parents):
                continue
            if isinstance(node, ast.Import):
                out.extend(Import(name, a.name, node.lineno) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    # `from pkg import mod` imports the module pkg.mod, not just pkg.
                    sub = f"{node.module}.{a.name}"
                    out.append(Import(name, sub if sub in modules else node.module, node.lineno))
    return out


def package_of(module: str) -> str | None:
    """The top-level package (or top-level module) of aims_graph a module belongs to."""
    parts = module.split(".")
    if parts[0] != "aims_graph":
        return None
    return parts[1] if len(parts) > 1 else ""


def layer_violations(imports: list[Import]) -> list[str]:
    """Imports that run upward, or of an interface framework outside api/ and cli/."""
    bad = []
    for imp in imports:
        src = package_of(imp.module)
        if src is None or src == "":
            continue
        dst = package_of(imp.target)
        where = f"{imp.module} (line {imp.line}) imports {imp.target}"
        if dst is None:
            if imp.target.split(".")[0] in INTERFACE_FRAMEWORKS and src not in INTERFACES:
                bad.append(f"{where}: only api/ and cli/ may use an interface framework")
            continue
        if dst in ("", src):
            continue
        if src not in LAYERS or dst not in LAYERS:
            bad.append(f"{where}: add the package to LAYERS (and to docs/architecture.md)")
        elif LAYERS[dst] > LAYERS[src]:
            bad.append(f"{where}: layer {LAYERS[src]} may not import layer {LAYERS[dst]}")
    return bad


def import_cycles(imports: list[Import]) -> list[list[str]]:
    """Module-level import loops (each cycle once, as the list of its modules)."""
    graph = nx.DiGraph()
    graph.add_edges_from(
        (i.module, i.target) for i in imports if package_of(i.target) not in (None, "")
    )
    return [sorted(c) for c in nx.simple_cycles(graph)]


# ---- the real package ------------------------------------------------------------------------


def test_every_package_has_a_layer() -> None:
    tops = {p.stem for p in PACKAGE_ROOT.glob("*.py") if p.stem != "__init__"}
    tops |= {p.name for p in PACKAGE_ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(tops - set(LAYERS)) == []
    assert sorted(set(LAYERS) - tops) == []


def test_imports_run_downward_only() -> None:
    assert layer_violations(imports_of(PACKAGE_ROOT)) == []


def test_no_import_loops() -> None:
    assert import_cycles(imports_of(PACKAGE_ROOT)) == []


def test_no_private_names_imported_across_modules() -> None:
    crossing = []
    for path in PACKAGE_ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aims_graph"):
                names = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.endswith("__")
                ]
                crossing += [f"{path.relative_to(PACKAGE_ROOT)}: {n}" for n in names]
    assert crossing == []


def test_the_scan_sees_the_known_edges() -> None:
    """Guards the scanner itself: a few imports the code is known to make are found."""
    edges = {(i.module, i.target) for i in imports_of(PACKAGE_ROOT)}
    assert ("aims_graph.build.loader", "aims_graph.build.sources") in edges
    assert ("aims_graph.api.app", "fastapi") in edges
    assert any(m == "aims_graph.views.index" and t == "aims_graph.service" for m, t in edges)


# ---- the checks can fail ---------------------------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "aims_graph"
    for rel, text in {"__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"store/__init__.py": "", "store/base.py": "from aims_graph.catalog import items\n"},
            "aims_graph.store.base (line 1) imports aims_graph.catalog: layer 1 may not import 2",
        ),
        (
            {"mappings/__init__.py": "def f():\n    from aims_graph.api import app\n"},
            "aims_graph.mappings (line 2) imports aims_graph.api: layer 3 may not import layer 9",
        ),
        (
            {"coverage.py": "import fastapi\n"},
            "aims_graph.coverage (line 1) imports fastapi: only api/ and cli/ may use",
        ),
        (
            {"gadgets.py": "import aims_graph.store\n"},
            "aims_graph.gadgets (line 1) imports aims_graph.store: add the package to LAYERS",
        ),
    ],
)
def test_an_upward_import_is_reported(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    found = layer_violations(imports_of(_package(tmp_path, files)))
    assert len(found) == 1
    assert found[0].startswith(expected.replace("may not import 2", "may not import layer 2"))


def test_an_import_loop_is_reported(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "cli/__init__.py": "",
            "cli/app.py": "from aims_graph.cli.query import register\n",
            "cli/query.py": "def f():\n    from aims_graph.cli.app import graph_session\n",
        },
    )
    assert import_cycles(imports_of(root)) == [["aims_graph.cli.app", "aims_graph.cli.query"]]


def test_a_type_checking_import_is_not_an_edge(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {"store.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import fastapi\n"},
    )
    assert layer_violations(imports_of(root)) == []

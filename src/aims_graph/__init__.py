"""aims-graph: an open knowledge graph crosswalk for AI governance.

The public Python API is small and imported on first use, so ``import aims_graph`` stays cheap:

>>> from aims_graph import Settings, open_graph
>>> graph = open_graph(Settings(store="memory:"))          # doctest: +SKIP
>>> graph.mappings.crosswalk("https://w3id.org/aims-graph/id/iso42001-2023/A.6.2.4", None)
... # doctest: +SKIP

Modules that moved into packages in 0.2 (see CHANGELOG.md) still import under their old names,
with a DeprecationWarning, until 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType
from typing import Any, Final

__version__ = "0.1.0"

#: Public name → the module that defines it.
_PUBLIC: Final = {
    "Settings": "aims_graph.config",
    "Graph": "aims_graph.service",
    "open_graph": "aims_graph.service",
    "MappingService": "aims_graph.mappings.crosswalk",
    "Relation": "aims_graph.mappings.relations",
    "ItemIndex": "aims_graph.catalog.items",
    "CoverageEngine": "aims_graph.coverage",
}

#: Old module path → where it lives now.
MOVED_MODULES: Final = {
    "aims_graph.crosswalk": "aims_graph.mappings.crosswalk",
    "aims_graph.items": "aims_graph.catalog.items",
    "aims_graph.frameworks": "aims_graph.catalog.frameworks",
    "aims_graph.catalog_build": "aims_graph.catalog.build",
    "aims_graph.stats": "aims_graph.catalog.stats",
    "aims_graph.describe": "aims_graph.exports.describe",
    "aims_graph.jsonld_context": "aims_graph.exports.jsonld_context",
    "aims_graph.ontology_docs": "aims_graph.exports.ontology_docs",
    "aims_graph.loader": "aims_graph.build.loader",
    "aims_graph.graphs": "aims_graph.store.graphs",
    "aims_graph.cli_progress": "aims_graph.cli.progress",
    "aims_graph.cli_query": "aims_graph.cli.query",
    "aims_graph.cli_org": "aims_graph.cli.org",
    "aims_graph.cli_validate": "aims_graph.cli.validate",
    "aims_graph.cli_exports": "aims_graph.cli.exports",
    "aims_graph.cli_mappings": "aims_graph.cli.mappings",
    "aims_graph.explorer_views": "aims_graph.views.explorer",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    where = _PUBLIC.get(name)
    if where is None:
        raise AttributeError(f"module 'aims_graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves an old module path with the module at its new place (one object, not a copy)."""

    def __init__(self) -> None:
        self._specs: dict[str, Any] = {}

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for an old module path; None for every other name."""
        if fullname not in MOVED_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """The module at the new path, imported now."""
        new = MOVED_MODULES[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new}; import it from there", DeprecationWarning, stacklevel=2
        )
        module = importlib.import_module(new)
        # The import system stamps the alias spec on the module it gets; keep the real one.
        self._specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run (the new module ran when imported); put its own spec back."""
        module.__spec__ = self._specs.pop(module.__name__, module.__spec__)


if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedModuleFinder())

"""Bring your own framework: OSCAL catalogs, CISO Assistant libraries and our sheet layout.

Each reader turns a file into a :class:`~aims_graph.importers.draft.Draft` (an edition and its
rows, the same rows the shipped catalogs are built from); :func:`~aims_graph.importers.draft.
catalog_graph` checks every row and builds the SKOS catalog in the project's vocabulary.
Problems carry the file and the place in it (line, or JSON/YAML path) and how to fix them; a
draft with any problem builds nothing.
"""

from aims_graph.importers.draft import Draft, FrameworkImportError, catalog_graph

__all__ = ["Draft", "FrameworkImportError", "catalog_graph"]

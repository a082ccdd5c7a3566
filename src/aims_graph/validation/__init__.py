"""SHACL validation of organisation data, each finding tied to the clause or article it enforces.

Two engines: ``pyshacl`` (the reference for what is right) and ``fast`` (the same shapes compiled to
SPARQL and run on an in-memory Oxigraph store holding the catalogs and the organisation graph).
:class:`OrgValidator` re-checks an append in proportion to what it adds.
"""

from aims_graph.validation.engine import (
    ENGINES,
    EnforcedItem,
    Finding,
    RawResult,
    ValidationContext,
    ValidationReport,
    validate,
)
from aims_graph.validation.incremental import OrgValidator, merge_reports
from aims_graph.validation.shapes import LAW_MODES, ShapeInfo, load_shapes, shape_info

__all__ = [
    "ENGINES",
    "LAW_MODES",
    "EnforcedItem",
    "Finding",
    "OrgValidator",
    "RawResult",
    "ShapeInfo",
    "ValidationContext",
    "ValidationReport",
    "load_shapes",
    "merge_reports",
    "shape_info",
    "validate",
]

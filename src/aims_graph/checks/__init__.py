"""Quality checks: SHACL shapes over catalogs and mappings, OWL consistency with HermiT."""

from aims_graph.checks.reasoner import (
    ConsistencyReport,
    JavaNotFoundError,
    ReasonerError,
    check_consistency,
)
from aims_graph.checks.shacl import Finding, ShaclReport, validate_shapes

__all__ = [
    "ConsistencyReport",
    "Finding",
    "JavaNotFoundError",
    "ReasonerError",
    "ShaclReport",
    "check_consistency",
    "validate_shapes",
]

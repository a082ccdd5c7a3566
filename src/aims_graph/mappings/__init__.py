"""The mapping layer: SSSOM sets, the set-relation algebra, derived mappings, explanations."""

from aims_graph.mappings.relations import Relation, compose, compose_chain
from aims_graph.mappings.sssom_io import MappingFileError, MappingRow, MappingSetFile, read_sssom

__all__ = [
    "MappingFileError",
    "MappingRow",
    "MappingSetFile",
    "Relation",
    "compose",
    "compose_chain",
    "read_sssom",
]

"""Exports of the graph: RDF, SSSOM, crosswalk tables (CSV/XLSX) and OSCAL.

Core code only: the CLI (``cli_exports``) and the API (``api/exports``) call ``run_export``.
"""

from aims_graph.exports.data import ExportInputError
from aims_graph.exports.service import (
    ALLOWED,
    EXTENSIONS,
    MEDIA_TYPES,
    ExportResult,
    Format,
    What,
    run_export,
)

__all__ = [
    "ALLOWED",
    "EXTENSIONS",
    "MEDIA_TYPES",
    "ExportInputError",
    "ExportResult",
    "Format",
    "What",
    "run_export",
]

"""Coverage and gaps: how far an organisation's implemented controls reach a target framework.

``engine`` judges each target item (see its docstring for the rules); ``controls`` reads the
organisation's controls; ``absence`` gives the "no counterpart in this framework" status;
``tables`` turns an answer into CSV rows and XLSX.
"""

from aims_graph.coverage.absence import NO_COUNTERPART
from aims_graph.coverage.controls import org_controls
from aims_graph.coverage.engine import CoverageEngine
from aims_graph.coverage.model import (
    VERDICTS,
    CoverageInputError,
    CoverageReport,
    ItemVerdict,
    OrgControl,
    Support,
)
from aims_graph.coverage.tables import coverage_rows, coverage_xlsx

__all__ = [
    "NO_COUNTERPART",
    "VERDICTS",
    "CoverageEngine",
    "CoverageInputError",
    "CoverageReport",
    "ItemVerdict",
    "OrgControl",
    "Support",
    "coverage_rows",
    "coverage_xlsx",
    "org_controls",
]

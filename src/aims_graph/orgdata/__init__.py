"""Organisation data: the model (docs/org-model.md), importers, templates and storing."""

from aims_graph.orgdata.importer import (
    ImportResult,
    check_org_graph,
    import_files,
    import_sources,
    load_org_graph,
    store_org_data,
)
from aims_graph.orgdata.model import org_graph_iri, organisation_iri, record_iri
from aims_graph.orgdata.problems import ImportProblem, OrgDataError
from aims_graph.orgdata.templates import template

__all__ = [
    "ImportProblem",
    "ImportResult",
    "OrgDataError",
    "check_org_graph",
    "import_files",
    "import_sources",
    "load_org_graph",
    "org_graph_iri",
    "organisation_iri",
    "record_iri",
    "store_org_data",
    "template",
]

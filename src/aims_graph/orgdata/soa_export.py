"""A statement of applicability generated from an organisation's data, in the SoA sheet's layout.

The rows use the import template's columns, so the download can be edited and uploaded again.
Every control the organisation must decide on appears: all ISO/IEC 42001 Annex A controls, and
those of each framework it claims; a control without a decision has an empty ``applicable`` cell
(uploading it unchanged is refused until someone decides).
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from aims_graph.catalog.frameworks import BY_SLUG
from aims_graph.catalog.items import Item, ItemIndex, natural_key
from aims_graph.namespaces import AIMS, ID
from aims_graph.orgdata.model import STATUSES
from aims_graph.orgdata.templates import spec, workbook_xlsx

ALWAYS: tuple[str, ...] = ("iso42001-2023",)
_STATUS_NAMES = {iri: name for name, iri in STATUSES.items()}


def required_editions(org: Graph) -> list[str]:
    """Editions whose controls the SoA must cover: 42001 plus the frameworks claimed."""
    editions = list(ALWAYS)
    for claimed in sorted(str(o) for o in org.objects(None, AIMS.claimsFramework)):
        ed = claimed.removeprefix(ID)
        if ed in BY_SLUG and ed not in editions:
            editions.append(ed)
    return editions


def _local(node: Node) -> str:
    return str(node).rsplit("/", 1)[-1]


def _join(values: list[str]) -> str:
    return "; ".join(sorted(values))


def soa_rows(org: Graph, index: ItemIndex) -> list[list[str]]:
    """The SoA sheet rows: one per control to decide, then any other control the SoA names."""
    entries: dict[str, Node] = {}
    for entry in org.subjects(RDF.type, AIMS.SoAEntry):
        control = org.value(entry, AIMS.control)
        if control is not None:
            entries[str(control)] = entry
    controls: list[Item] = []
    for ed in required_editions(org):
        controls += sorted(
            (i for i in index.in_edition(ed) if i.kind == "Control"),
            key=lambda i: natural_key(i.ref),
        )
    seen = {c.iri for c in controls}
    extra = [index.get(iri) for iri in entries if iri not in seen]
    controls += sorted(
        (i for i in extra if i is not None), key=lambda i: (i.edition, natural_key(i.ref))
    )
    columns = [c.name for c in spec("soa").columns]
    rows: list[list[str]] = []
    for item in controls:
        values = {"control": item.curie}
        found = entries.get(item.iri)
        if found is not None:
            values.update(_entry_values(org, found))
        rows.append([values.get(name, "") for name in columns])
    return rows


def _entry_values(org: Graph, entry: Node) -> dict[str, str]:
    applicable = org.value(entry, AIMS.applicable)
    status = org.value(entry, AIMS.implementationStatus)
    return {
        "applicable": ""
        if applicable is None
        else ("yes" if str(applicable) in ("true", "1") else "no"),
        "justification": str(org.value(entry, AIMS.rationale) or ""),
        "status": _STATUS_NAMES.get(URIRef(str(status)), "") if status is not None else "",
        "owner": str(org.value(entry, AIMS.owner) or ""),
        "evidence": _join([_local(e) for e in org.objects(entry, AIMS.evidence)]),
        "systems": _join([_local(s) for s in org.objects(entry, AIMS.forSystem)]),
        "notes": str(org.value(entry, RDFS.comment) or ""),
    }


def soa_xlsx(org: Graph, index: ItemIndex) -> bytes:
    """The generated SoA as an XLSX workbook in the import template's layout."""
    return workbook_xlsx({"soa": soa_rows(org, index)})

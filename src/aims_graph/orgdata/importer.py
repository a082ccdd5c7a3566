"""Import organisation data from Turtle, JSON-LD, CSV and XLSX, all or nothing, and store it."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from typing import Literal as Lit

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node

from aims_graph.catalog.items import ItemIndex
from aims_graph.namespaces import ID
from aims_graph.orgdata.model import (
    FUNCTIONAL,
    ORG_BASE,
    ORG_CLASSES,
    ORG_PROPERTIES,
    org_graph_iri,
    valid_local_id,
)
from aims_graph.orgdata.problems import ImportProblem, OrgDataError
from aims_graph.orgdata.sheets import SheetImporter, read_csv, read_xlsx, sheet_kind_for
from aims_graph.store import Store
from aims_graph.store.parsing import parse_rdf

RDF_FORMATS: Final = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
SHEET_SUFFIXES: Final = (".csv", ".xlsx")
MAX_PROBLEMS: Final = 500


@dataclass
class ImportResult:
    """The graph read (only when there are no problems) and every problem found."""

    graph: Graph = field(default_factory=Graph)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the import may be stored."""
        return not self.problems


def check_org_id(org_id: str) -> None:
    """Raise ValueError unless ``org_id`` is usable in IRIs."""
    if not valid_local_id(org_id):
        raise ValueError(f"organisation id {org_id!r}: use letters, digits, '.', '-' or '_' only")


def import_sources(
    sources: Sequence[tuple[str, bytes]],
    org_id: str,
    index: ItemIndex,
    *,
    existing: Graph | None = None,
    sheet_kind: str | None = None,
) -> ImportResult:
    """Read named files (name decides the format) into one org graph; refuse it all on any problem.

    ``existing`` is the organisation's stored graph, against which id references may also resolve
    (append). ``sheet_kind`` forces the kind of a single CSV whose name does not tell it.
    """
    check_org_id(org_id)
    sheets = SheetImporter(org_id, index)
    rdf_parts: list[Graph] = []
    problems = sheets.problems
    for name, data in sources:
        suffix = Path(name).suffix.lower()
        if suffix in RDF_FORMATS:
            g, found = read_rdf(name, data, org_id, RDF_FORMATS[suffix])
            problems.extend(found)
            rdf_parts.append(g)
        elif suffix == ".csv":
            kind = sheet_kind or sheet_kind_for(Path(name).stem)
            if kind is None:
                problems.append(_unknown_kind(name, Path(name).stem))
                continue
            try:
                table = read_csv(data)
            except UnicodeDecodeError:
                problems.append(ImportProblem(name, "not UTF-8 text", "save the CSV as UTF-8"))
                continue
            except csv.Error as exc:
                problems.append(
                    ImportProblem(
                        name,
                        f"not a readable CSV file: {exc}",
                        "export the sheet again as CSV (UTF-8), or upload the XLSX",
                    )
                )
                continue
            sheets.add_table(name, kind, kind, table)
        elif suffix == ".xlsx":
            _add_workbook(sheets, name, data)
        else:
            problems.append(
                ImportProblem(
                    name,
                    f"cannot import {suffix or 'files without a suffix'}",
                    "use .csv, .xlsx, .ttl, .jsonld or .nt",
                )
            )
    sheets.finish(_union(existing, *rdf_parts))
    graph = sheets.graph
    for part in rdf_parts:
        graph += part
    if not problems:
        problems.extend(check_org_graph(graph, org_id, "(combined import)"))
    if problems:
        return ImportResult(Graph(), problems[:MAX_PROBLEMS])
    return ImportResult(graph, [])


def import_files(
    paths: Sequence[Path],
    org_id: str,
    index: ItemIndex,
    *,
    existing: Graph | None = None,
    sheet_kind: str | None = None,
) -> ImportResult:
    """Read files from disk; see :func:`import_sources`."""
    sources = [(str(p), p.read_bytes()) for p in paths]
    return import_sources(sources, org_id, index, existing=existing, sheet_kind=sheet_kind)


def _union(*graphs: Graph | None) -> Graph | None:
    present = [g for g in graphs if g is not None]
    if not present:
        return None
    out = Graph()
    for g in present:
        out += g
    return out


def _unknown_kind(name: str, sheet: str) -> ImportProblem:
    from aims_graph.orgdata.sheet_specs import SHEETS

    return ImportProblem(
        name,
        f"cannot tell which sheet {sheet!r} is",
        "name it after its kind (" + ", ".join(SHEETS) + "), e.g. northwind-soa.csv",
        sheet,
    )


def _add_workbook(sheets: SheetImporter, name: str, data: bytes) -> None:
    try:
        book = read_xlsx(data)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-XLSX file
        sheets.problems.append(
            ImportProblem(name, f"not a readable XLSX workbook ({exc})", "save it again as .xlsx")
        )
        return
    used = 0
    for title, table in book.items():
        if title.strip().lower() == "readme":
            continue
        kind = sheet_kind_for(title)
        if kind is None:
            sheets.problems.append(_unknown_kind(name, title))
            continue
        used += 1
        sheets.add_table(name, title, kind, table)
    if not used:
        sheets.problems.append(
            ImportProblem(name, "no worksheet named after a sheet kind", "rename a sheet, e.g. soa")
        )


def read_rdf(name: str, data: bytes, org_id: str, fmt: str) -> tuple[Graph, list[ImportProblem]]:
    """Parse Turtle / JSON-LD / N-Triples, skolemise blank nodes, check it is org data only."""
    try:
        raw = parse_rdf(data, fmt)
    except ValueError as exc:
        return Graph(), [ImportProblem(name, str(exc), "fix the file at that place")]
    graph = _skolemise(raw, org_id)
    return graph, check_org_graph(graph, org_id, name)


def _skolemise(g: Graph, org_id: str) -> Graph:
    # Blank nodes become IRIs inside the organisation's own space, so they stay its data and can
    # be referred to after storing.
    base = f"{ORG_BASE}{org_id}/node/"
    names: dict[BNode, URIRef] = {}

    def term(t: Node) -> Node:
        if isinstance(t, BNode):
            return names.setdefault(t, URIRef(f"{base}b{len(names) + 1}"))
        return t

    out = Graph()
    for s, p, o in g:
        out.add((term(s), p, term(o)))
    return out


def check_org_graph(g: Graph, org_id: str, file: str) -> list[ImportProblem]:
    """Org data only: own subjects, allowed terms, at most one value per functional property."""
    own = f"{ORG_BASE}{org_id}/"
    problems: list[ImportProblem] = []

    def bad(reason: str, fix: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(ImportProblem(file, reason, fix))

    values: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for s, p, o in g:
        triple = f"<{s}> <{p}> {o.n3() if hasattr(o, 'n3') else o}"
        if str(s).startswith(ID):
            bad(
                f"a triple about a catalog item: {triple}",
                "describe only your own records; refer to catalog items as objects",
            )
            continue
        if not str(s).startswith(own):
            bad(
                f"subject outside the organisation's space: {triple}",
                f"name your records <{own}<kind>/<id>> (see docs/org-model.md)",
            )
            continue
        if p not in ORG_PROPERTIES:
            bad(
                f"property not in the organisation data model: {triple}",
                "use the aims: properties listed in docs/org-model.md",
            )
            continue
        if p == RDF.type and o not in ORG_CLASSES:
            bad(
                f"class not in the organisation data model: {triple}",
                "use the aims: classes listed in docs/org-model.md",
            )
            continue
        if p in FUNCTIONAL:
            values[(s, p)].add(o)
    for (s, p), objs in sorted(values.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        if len(objs) > 1:
            shown = ", ".join(sorted(str(o) for o in objs))
            bad(
                f"<{s}> has {len(objs)} values for <{p}>, which takes one: {shown}",
                "keep one value (an append may have given a record a second one)",
            )
    return problems


def store_org_data(
    store: Store,
    org_id: str,
    graph: Graph,
    mode: Lit["replace", "append"] = "replace",
    *,
    existing: Graph | None = None,
) -> int:
    """Put an imported graph into the organisation's named graph; returns the triples stored.

    ``replace`` swaps the whole graph; ``append`` adds the new triples to what is stored
    (``existing``, read from the store when not given), checking the result first. Either is
    one transaction. Raises :class:`OrgDataError` (nothing stored) when the result is not valid.
    """
    check_org_id(org_id)
    target = org_graph_iri(org_id)
    if mode == "append":
        before = load_org_graph(store, org_id) if existing is None else existing
        combined = before + graph
    elif mode == "replace":
        combined = graph
    else:
        raise ValueError(f"mode must be 'replace' or 'append', not {mode!r}")
    problems = check_org_graph(combined, org_id, f"<{target}>")
    if problems:
        raise OrgDataError(problems)
    if mode == "append":
        # Only the new triples are written, so an append costs what the upload holds.
        added = graph - before
        if len(added):
            nt = added.serialize(format="nt", encoding="utf-8")
            store.add_triples(target, nt, "application/n-triples")
        return len(combined)
    store.put_graph(
        target,
        combined.serialize(format="nt", encoding="utf-8"),
        "application/n-triples",
        atomic=True,
    )
    return len(combined)


def load_org_graph(store: Store, org_id: str) -> Graph:
    """The organisation's stored graph (empty when it has none)."""
    target = org_graph_iri(org_id)
    g = Graph()
    if target in store.graphs():
        g.parse(data=store.dump_graph(target, "application/n-triples"), format="nt")
    return g

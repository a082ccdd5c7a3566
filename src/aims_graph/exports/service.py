"""One entry point for every export, shared by ``aims-graph export`` and ``/export/...``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from aims_graph.exports.data import ExportInputError, edition, mapping_set
from aims_graph.exports.oscal import oscal_catalog, oscal_mapping_collection
from aims_graph.exports.rdf import RDF_SYNTAXES, ProgressFn, exported_graphs, serialise_graphs
from aims_graph.exports.sssom import export_sssom
from aims_graph.exports.tables import framework_table, set_table, to_csv, to_xlsx
from aims_graph.namespaces import graph_iri
from aims_graph.service import Graph
from aims_graph.xlsx import XLSX_MEDIA_TYPE


class What(StrEnum):
    """What to export."""

    graph = "graph"
    framework = "framework"
    set = "set"
    crosswalk = "crosswalk"


class Format(StrEnum):
    """Export formats."""

    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"
    nquads = "nquads"
    trig = "trig"
    sssom = "sssom"
    csv = "csv"
    xlsx = "xlsx"
    oscal = "oscal"


_RDF: Final = (Format.turtle, Format.nt, Format.jsonld, Format.nquads, Format.trig)
#: The formats each kind of export can be written in; the first is the default.
ALLOWED: Final[dict[What, tuple[Format, ...]]] = {
    What.graph: _RDF,
    What.framework: (*_RDF, Format.oscal),
    What.set: (*_RDF, Format.sssom, Format.csv, Format.xlsx, Format.oscal),
    What.crosswalk: (Format.csv, Format.xlsx),
}
MEDIA_TYPES: Final[dict[Format, str]] = {
    **{Format(name): s.media_type for name, s in RDF_SYNTAXES.items()},
    Format.sssom: "text/tab-separated-values",
    Format.csv: "text/csv",
    Format.xlsx: XLSX_MEDIA_TYPE,
    Format.oscal: "application/json",
}
EXTENSIONS: Final[dict[Format, str]] = {
    **{Format(name): s.extension for name, s in RDF_SYNTAXES.items()},
    Format.sssom: "sssom.tsv",
    Format.csv: "csv",
    Format.xlsx: "xlsx",
    Format.oscal: "oscal.json",
}
BINARY: Final = frozenset({MEDIA_TYPES[Format.xlsx]})


@dataclass(frozen=True)
class ExportResult:
    """An export's bytes with the media type and file name to serve or save them under."""

    data: bytes
    media_type: str
    filename: str

    @property
    def binary(self) -> bool:
        """True for formats that are not text (XLSX)."""
        return self.media_type in BINARY


def _need(value: str | None, option: str, what: What) -> str:
    if not value:
        raise ExportInputError(f"exporting a {what.value} needs {option}")
    return value


def run_export(
    graph: Graph,
    what: What | str,
    fmt: Format | str | None = None,
    *,
    id: str | None = None,
    to: str | None = None,
    progress: ProgressFn | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Run one export; raise ExportInputError for an unknown id, target or format."""
    try:
        what = What(what)
    except ValueError:
        known = ", ".join(w.value for w in What)
        raise ExportInputError(f"unknown export {what!r}; use one of {known}") from None
    allowed = ALLOWED[what]
    try:
        fmt = Format(fmt) if fmt is not None else allowed[0]
    except ValueError:
        known = ", ".join(f.value for f in Format)
        raise ExportInputError(
            f"unknown format {fmt!r}; use one of {known}", kind="unknown-format"
        ) from None
    if fmt not in allowed:
        raise ExportInputError(
            f"a {what.value} cannot be exported as {fmt.value}; "
            f"use one of {', '.join(f.value for f in allowed)}",
            kind="unknown-format",
        )
    if to and what is not What.crosswalk:
        raise ExportInputError("--to is only for a crosswalk export")
    media = MEDIA_TYPES[fmt]
    ext = EXTENSIONS[fmt]

    if what is What.graph:
        if id:
            raise ExportInputError("a whole-graph export takes no id")
        syntax = RDF_SYNTAXES[fmt.value]
        data = serialise_graphs(graph.store, exported_graphs(graph.store), syntax, progress)
        return ExportResult(data, media, f"aims-graph.{ext}")

    if what is What.framework:
        fw = edition(_need(id, "--id FRAMEWORK", what))
        if fmt is Format.oscal:
            doc = oscal_catalog(graph.store, fw, now=now)
            return ExportResult(_json(doc), media, f"{fw.slug}.{ext}")
        g = graph_iri(f"catalog/{fw.slug}")
        data = serialise_graphs(graph.store, [g], RDF_SYNTAXES[fmt.value], progress)
        return ExportResult(data, media, f"{fw.slug}.{ext}")

    if what is What.set:
        info = mapping_set(graph.store, _need(id, "--id SET", what))
        if fmt is Format.sssom:
            return ExportResult(export_sssom(graph, info), media, f"{info.set_id}.{ext}")
        if fmt is Format.csv:
            return ExportResult(to_csv(set_table(graph, info)), media, f"{info.set_id}.{ext}")
        if fmt is Format.xlsx:
            return ExportResult(to_xlsx(set_table(graph, info)), media, f"{info.set_id}.{ext}")
        if fmt is Format.oscal:
            doc = oscal_mapping_collection(graph, info, now=now)
            return ExportResult(_json(doc), media, f"{info.set_id}.{ext}")
        data = serialise_graphs(graph.store, [info.graph], RDF_SYNTAXES[fmt.value], progress)
        return ExportResult(data, media, f"{info.set_id}.{ext}")

    first = edition(_need(id, "--id FRAMEWORK (the 'from' side)", what)).slug
    second = edition(_need(to, "--to FRAMEWORK", what)).slug
    if first == second:
        raise ExportInputError("a crosswalk needs two different frameworks")
    table = framework_table(graph, first, second)
    data = to_csv(table) if fmt is Format.csv else to_xlsx(table)
    return ExportResult(data, media, f"{first}--{second}.{ext}")


def _json(doc: object) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()

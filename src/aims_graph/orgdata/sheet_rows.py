"""One row of an import sheet: typed getters that record a located problem on a bad cell."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from rdflib import RDFS, XSD, Graph, Literal, URIRef

from aims_graph.catalog.items import ItemIndex, ItemResolutionError
from aims_graph.orgdata.model import record_iri, valid_local_id
from aims_graph.orgdata.problems import ImportProblem
from aims_graph.orgdata.sheet_files import split_list

DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID_FIX: Final = "use letters, digits, '.', '-' or '_' only, e.g. EV-07"
_TRUE: Final = {"yes", "y", "true", "1"}
_FALSE: Final = {"no", "n", "false", "0"}


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A link to a record of the organisation by id, checked once the whole import is read."""

    target: URIRef
    cls: URIRef
    what: str
    local_id: str
    where: ImportProblem


@dataclass
class SheetState:
    """What the rows of one import write to: its graph, problems and pending record links."""

    org_id: str
    index: ItemIndex
    graph: Graph = field(default_factory=Graph)
    problems: list[ImportProblem] = field(default_factory=list)
    refs: list[RecordRef] = field(default_factory=list)


@dataclass
class SheetRow:
    """One data row: typed getters that record a located problem on a bad value."""

    imp: SheetState
    file: str
    sheet: str
    number: int
    values: Mapping[str, str]

    def problem(self, column: str, reason: str, fix: str) -> None:
        """Record a problem in this row."""
        self.imp.problems.append(
            ImportProblem(self.file, reason, fix, self.sheet, self.number, column)
        )

    def text(self, column: str, required: bool = False) -> str | None:
        """The cell's text, or None when empty (a problem when required)."""
        value = self.values.get(column, "").strip()
        if value:
            return value
        if required:
            self.problem(column, "a value is required", "fill in the cell")
        return None

    def literal(self, node: URIRef, prop: URIRef, column: str) -> None:
        """Add the cell as a plain string literal when filled."""
        value = self.text(column)
        if value is not None:
            self.imp.graph.add((node, prop, Literal(value)))

    def comment(self, node: URIRef, column: str) -> None:
        """Add the cell as rdfs:comment when filled."""
        self.literal(node, RDFS.comment, column)

    def items_list(self, column: str) -> list[str]:
        """The cell as a list."""
        value = self.text(column)
        return split_list(value) if value else []

    def date(self, column: str, required: bool = False) -> Literal | None:
        """The cell as an xsd:date."""
        value = self.text(column, required)
        if value is None:
            return None
        if DATE.match(value):
            try:
                return Literal(dt.date.fromisoformat(value), datatype=XSD.date)
            except ValueError:
                pass
        self.problem(column, f"{value!r} is not a date", "write the date as YYYY-MM-DD")
        return None

    def boolean(self, column: str, required: bool = False) -> bool | None:
        """The cell as a boolean."""
        value = self.text(column, required)
        if value is None:
            return None
        key = value.lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        self.problem(column, f"{value!r} is not yes or no", "write yes, no, true or false")
        return None

    def choice(
        self, column: str, table: Mapping[str, URIRef], required: bool = False
    ) -> URIRef | None:
        """The cell as one of a table's short names."""
        value = self.text(column, required)
        if value is None:
            return None
        return self._pick(column, value, table)

    def choices(self, column: str, table: Mapping[str, URIRef]) -> list[URIRef]:
        """The cell as a list of a table's short names."""
        picked = (self._pick(column, v, table) for v in self.items_list(column))
        return [p for p in picked if p is not None]

    def _pick(self, column: str, value: str, table: Mapping[str, URIRef]) -> URIRef | None:
        key = re.sub(r"[\s_]+", "-", value.strip().lower())
        if key in table:
            return table[key]
        self.problem(column, f"{value!r} is not allowed here", "use one of: " + ", ".join(table))
        return None

    def item(
        self, column: str, required: bool, kinds: set[str] | None, hint: str | None
    ) -> tuple[str, str] | None:
        """The cell resolved to one catalog item (edition, ref)."""
        value = self.text(column, required)
        return None if value is None else self.resolve(value, column, kinds, hint)

    def resolve(
        self, value: str, column: str, kinds: set[str] | None, hint: str | None
    ) -> tuple[str, str] | None:
        """Resolve text to a catalog item (edition, ref), recording a problem when it fails."""
        try:
            item = self.imp.index.resolve(value, hint)
        except ItemResolutionError as exc:
            self.problem(
                column, str(exc), "use a CURIE such as iso42001:A.6.2.4 or eu-ai-act:art-12"
            )
            return None
        if kinds is not None and item.kind not in kinds:
            what = " or ".join(sorted(kinds))
            self.problem(
                column,
                f"{value!r} is {item.curie}, a {item.kind or 'item'}, not a {what}",
                f"name a {what} here",
            )
            return None
        return item.edition, item.ref

    def refs(self, node: URIRef, prop: URIRef, column: str, kind: str, cls: URIRef) -> None:
        """Link to records of this organisation named by id; checked once the import is read."""
        for local in self.items_list(column):
            if not valid_local_id(local):
                self.problem(column, f"{local!r} is not a usable id", ID_FIX)
                continue
            target = record_iri(self.imp.org_id, kind, local)
            self.imp.graph.add((node, prop, target))
            where = ImportProblem(self.file, "", "", self.sheet, self.number, column)
            self.imp.refs.append(RecordRef(target, cls, kind, local, where))

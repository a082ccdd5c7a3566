"""Spreadsheets (CSV, XLSX) to an organisation graph; every bad cell becomes a located problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from aims_graph.catalog.frameworks import edition_facts, framework
from aims_graph.namespaces import AIMS, scheme_iri
from aims_graph.orgdata.model import (
    ACTORS,
    ASSESSMENT_TYPES,
    EVIDENCE_KINDS,
    INCIDENT_KINDS,
    LIFECYCLE_STAGES,
    PATHWAYS,
    RISK_TIERS,
    STATUSES,
    TREATMENT_OPTIONS,
    organisation_iri,
    record_iri,
    valid_local_id,
)
from aims_graph.orgdata.problems import ImportProblem
from aims_graph.orgdata.sheet_files import Table, header_key, read_csv, read_xlsx, sheet_kind_for
from aims_graph.orgdata.sheet_rows import ID_FIX, SheetRow, SheetState
from aims_graph.orgdata.sheet_specs import SHEETS, SheetSpec

_LINK: Final = re.compile(r"^(?:https?://|file:|urn:)\S+$")


@dataclass
class SheetImporter(SheetState):
    """Collects the triples and problems of one import made of several sheets."""

    defined: dict[URIRef, str] = field(default_factory=dict)
    org_sheet_rows: int = 0

    @property
    def org(self) -> URIRef:
        """The organisation node."""
        return organisation_iri(self.org_id)

    def add_table(self, file: str, sheet: str, kind: str, rows: Table) -> None:
        """Read one sheet of the given kind."""
        spec = SHEETS[kind]
        while rows and not any(rows[-1]):
            rows = rows[:-1]
        if not rows:
            self.problems.append(
                ImportProblem(file, "the sheet is empty", "keep the header row", sheet, 1)
            )
            return
        header = [header_key(h) for h in rows[0]]
        ok = self._check_header(file, sheet, spec, header)
        if not ok:
            return
        handler = self._handlers()[kind]
        for number, raw in enumerate(rows[1:], start=2):
            values = {h: (raw[i] if i < len(raw) else "") for i, h in enumerate(header) if h}
            if not any(values.values()):
                continue
            handler(SheetRow(self, file, sheet, number, values))

    def _check_header(self, file: str, sheet: str, spec: SheetSpec, header: list[str]) -> bool:
        known = [c.name for c in spec.columns]
        ok = True
        seen: set[str] = set()
        for h in header:
            if not h:
                continue
            if h in seen:
                self.problems.append(
                    ImportProblem(file, f"column {h!r} appears twice", "keep one", sheet, 1, h)
                )
                ok = False
            seen.add(h)
            if h not in known:
                self.problems.append(
                    ImportProblem(
                        file,
                        f"unknown column {h!r} in a {spec.kind} sheet",
                        "rename or remove it; columns are: " + ", ".join(known),
                        sheet,
                        1,
                        h,
                    )
                )
                ok = False
        for col in spec.columns:
            if col.required and col.name not in seen:
                self.problems.append(
                    ImportProblem(
                        file,
                        f"required column {col.name!r} is missing",
                        f"add a column {col.name!r} ({col.meaning}) to the header row",
                        sheet,
                        1,
                        col.name,
                    )
                )
                ok = False
        return ok

    def _handlers(self) -> dict[str, Callable[[SheetRow], None]]:
        return {
            "organisation": self._organisation,
            "soa": self._soa,
            "systems": self._system,
            "evidence": self._evidence,
            "risks": self._risk,
            "assessments": self._assessment,
            "incidents": self._incident,
        }

    # --- one handler per sheet kind -------------------------------------------------------------

    def _record(
        self, row: SheetRow, kind: str, cls: URIRef, id_column: str = "id"
    ) -> URIRef | None:
        local = row.text(id_column, required=True)
        if local is None:
            return None
        if not valid_local_id(local):
            row.problem(id_column, f"{local!r} is not a usable id", ID_FIX)
            return None
        node = record_iri(self.org_id, kind, local)
        if not self._define(row, id_column, node, f"id {local!r}"):
            return None
        self.graph.add((node, RDF.type, cls))
        self.graph.add((node, AIMS.organisation, self.org))
        return node

    def _define(self, row: SheetRow, column: str, node: URIRef, what: str) -> bool:
        first = self.defined.get(node)
        if first is not None:
            row.problem(column, f"{what} is already used at {first}", "give each row its own id")
            return False
        self.defined[node] = f"{row.file}, row {row.number}"
        return True

    def _organisation(self, row: SheetRow) -> None:
        self.org_sheet_rows += 1
        if self.org_sheet_rows > 1:
            row.problem("name", "an organisation sheet has exactly one row", "delete extra rows")
            return
        g, org = self.graph, self.org
        name = row.text("name", required=True)
        if name:
            g.add((org, AIMS.name, Literal(name)))
            g.add((org, RDFS.label, Literal(name)))
        for actor in row.choices("ai_act_roles", ACTORS):
            g.add((org, AIMS.aiActRole, actor))
        for text in row.items_list("frameworks"):
            try:
                g.add((org, AIMS.claimsFramework, URIRef(scheme_iri(framework(text).slug))))
            except KeyError as exc:
                row.problem("frameworks", str(exc.args[0]), "use e.g. iso42001 or iso27001-2022")
        row.comment(org, "description")

    def _soa(self, row: SheetRow) -> None:
        hint = row.text("framework")
        item = row.item("control", required=True, kinds={"Control"}, hint=hint)
        applicable = row.boolean("applicable", required=True)
        status = row.choice("status", STATUSES)
        if item is None:
            return
        ed, ref = item
        node = record_iri(self.org_id, "soa", f"{ed}-{ref}")
        if not self._define(row, "control", node, f"control {ed}:{ref}"):
            return
        g = self.graph
        g.add((node, RDF.type, AIMS.SoAEntry))
        g.add((node, AIMS.organisation, self.org))
        g.add((node, AIMS.control, self._item_iri(ed, ref)))
        # The label names the control by CURIE only, so it does not change when catalog titles do.
        g.add((node, RDFS.label, Literal(f"SoA entry {edition_facts(ed).prefixes[0]}:{ref}")))
        if applicable is not None:
            g.add((node, AIMS.applicable, Literal(applicable)))
        row.literal(node, AIMS.rationale, "justification")
        if status is not None:
            g.add((node, AIMS.implementationStatus, status))
        row.literal(node, AIMS.owner, "owner")
        row.refs(node, AIMS.evidence, "evidence", "evidence", AIMS.Evidence)
        row.refs(node, AIMS.forSystem, "systems", "system", AIMS.AISystem)
        row.comment(node, "notes")

    def _system(self, row: SheetRow) -> None:
        node = self._record(row, "system", AIMS.AISystem)
        name = row.text("name", required=True)
        roles = row.choices("role", ACTORS)
        tiers = row.choices("risk_tier", RISK_TIERS)
        cases = [
            c
            for c in (
                row.resolve(t, "annex_iii_use_case", {"AnnexIIIUseCase"}, "eu-ai-act")
                for t in row.items_list("annex_iii_use_case")
            )
            if c is not None
        ]
        pathway = row.choice("high_risk_pathway", PATHWAYS)
        stage = row.choice("lifecycle_stage", LIFECYCLE_STAGES)
        placed = row.date("placed_on_market")
        if node is None:
            return
        g = self.graph
        if name:
            g.add((node, AIMS.name, Literal(name)))
            g.add((node, RDFS.label, Literal(name)))
        row.literal(node, AIMS.purpose, "purpose")
        for actor in roles:
            g.add((node, AIMS.systemRole, actor))
        for tier in tiers:
            g.add((node, AIMS.riskTier, tier))
        for ed, ref in cases:
            g.add((node, AIMS.annexIIIUseCase, self._item_iri(ed, ref)))
        if pathway is not None:
            g.add((node, AIMS.highRiskPathway, pathway))
        if cases:
            g.add((node, AIMS.highRiskPathway, PATHWAYS["annex-iii"]))
        if stage is not None:
            g.add((node, AIMS.lifecycleStage, stage))
        row.literal(node, AIMS.owner, "owner")
        row.literal(node, AIMS.usesGPAIModel, "gpai_model")
        if placed is not None:
            g.add((node, AIMS.placedOnMarket, placed))
        row.comment(node, "notes")

    def _evidence(self, row: SheetRow) -> None:
        node = self._record(row, "evidence", AIMS.Evidence)
        title = row.text("title", required=True)
        kind = row.choice("kind", EVIDENCE_KINDS, required=True)
        supports = [
            s
            for s in (row.resolve(t, "supports", None, None) for t in row.items_list("supports"))
            if s is not None
        ]
        date = row.date("date", required=True)
        until = row.date("valid_until")
        link = row.text("link")
        if link and not _LINK.match(link):
            row.problem(
                "link",
                f"{link!r} is not an address",
                "give a full address starting with https://, file: or urn:",
            )
            link = None
        if node is None:
            return
        g = self.graph
        if title:
            g.add((node, RDFS.label, Literal(title)))
        if kind is not None:
            g.add((node, AIMS.evidenceKind, kind))
        for ed, ref in supports:
            g.add((node, AIMS.evidenceFor, self._item_iri(ed, ref)))
        row.refs(node, AIMS.forSystem, "systems", "system", AIMS.AISystem)
        if date is not None:
            g.add((node, AIMS.evidenceDate, date))
        if until is not None:
            g.add((node, AIMS.validUntil, until))
            if date is not None and until.toPython() < date.toPython():
                row.problem("valid_until", "is before the evidence date", "check both dates")
        if link:
            g.add((node, AIMS.evidenceLink, URIRef(link)))
        row.literal(node, AIMS.owner, "owner")

    def _risk(self, row: SheetRow) -> None:
        node = self._record(row, "risk", AIMS.Risk)
        title = row.text("title", required=True)
        option = row.text("treatment")
        if option and option.lower() not in TREATMENT_OPTIONS:
            row.problem(
                "treatment",
                f"{option!r} is not a treatment option",
                "use one of: " + ", ".join(TREATMENT_OPTIONS),
            )
        controls = [
            c
            for c in (
                row.resolve(t, "treatment_controls", {"Control"}, None)
                for t in row.items_list("treatment_controls")
            )
            if c is not None
        ]
        status = row.choice("treatment_status", STATUSES)
        if node is None:
            return
        g = self.graph
        if title:
            g.add((node, RDFS.label, Literal(title)))
        row.refs(node, AIMS.forSystem, "systems", "system", AIMS.AISystem)
        row.literal(node, AIMS.riskLevel, "level")
        row.literal(node, AIMS.owner, "owner")
        row.refs(node, AIMS.identifiedIn, "assessment", "assessment", AIMS.RiskAssessment)
        if option or controls or status is not None:
            local = str(node).rsplit("/", 1)[1]
            treat = record_iri(self.org_id, "treatment", local)
            g.add((treat, RDF.type, AIMS.RiskTreatment))
            g.add((treat, AIMS.organisation, self.org))
            g.add((treat, AIMS.treats, node))
            g.add((treat, RDFS.label, Literal(f"Treatment of {local}")))
            if option and option.lower() in TREATMENT_OPTIONS:
                g.add((treat, AIMS.treatmentOption, Literal(option.lower())))
            for ed, ref in controls:
                g.add((treat, AIMS.treatmentControl, self._item_iri(ed, ref)))
            if status is not None:
                g.add((treat, AIMS.implementationStatus, status))

    def _assessment(self, row: SheetRow) -> None:
        typ = row.text("type", required=True)
        spec = ASSESSMENT_TYPES.get(typ.lower()) if typ else None
        if typ and spec is None:
            row.problem(
                "type",
                f"{typ!r} is not an assessment type",
                "use one of: " + ", ".join(ASSESSMENT_TYPES),
            )
        title = row.text("title", required=True)
        date = row.date("date", required=True)
        if spec is None:
            row.text("id", required=True)
            return
        cls, kind, date_prop = spec
        node = self._record(row, kind, cls)
        if node is None:
            return
        g = self.graph
        if title:
            g.add((node, RDFS.label, Literal(title)))
        row.refs(node, AIMS.forSystem, "systems", "system", AIMS.AISystem)
        if date is not None:
            g.add((node, date_prop, date))
        row.literal(node, AIMS.owner, "owner")
        row.refs(node, AIMS.evidence, "evidence", "evidence", AIMS.Evidence)
        row.comment(node, "notes")

    def _incident(self, row: SheetRow) -> None:
        node = self._record(row, "incident", AIMS.Incident)
        title = row.text("title", required=True)
        dates = {
            prop: row.date(col, required=col == "occurred_on")
            for col, prop in (
                ("occurred_on", AIMS.occurredOn),
                ("detected_on", AIMS.detectedOn),
                ("reported_on", AIMS.reportedOn),
            )
        }
        serious = row.boolean("serious", required=True)
        kind = row.choice("kind", INCIDENT_KINDS)
        if kind is not None and serious is False:
            row.problem(
                "kind",
                "a kind is given for an incident that is not serious",
                "set serious to yes or clear the kind",
            )
        if node is None:
            return
        g = self.graph
        if title:
            g.add((node, RDFS.label, Literal(title)))
        row.refs(node, AIMS.forSystem, "systems", "system", AIMS.AISystem)
        for prop, value in dates.items():
            if value is not None:
                g.add((node, prop, value))
        if serious is not None:
            g.add((node, AIMS.seriousIncident, Literal(serious)))
        if kind is not None:
            g.add((node, AIMS.incidentKind, kind))
        row.comment(node, "notes")

    # --- finishing ------------------------------------------------------------------------------

    @staticmethod
    def _item_iri(edition: str, ref: str) -> URIRef:
        return URIRef(f"https://w3id.org/aims-graph/id/{edition}/{ref}")

    def finish(self, existing: Graph | None = None) -> None:
        """Add the organisation node and derived roles; check every id reference resolves."""
        g, org = self.graph, self.org
        if len(g) or self.org_sheet_rows:
            g.add((org, RDF.type, AIMS.Organisation))
            named = (org, AIMS.name, None) in g or (
                existing is not None and (org, AIMS.name, None) in existing
            )
            if not named and (org, RDFS.label, None) not in g:
                g.add((org, RDFS.label, Literal(self.org_id)))
        for role in set(g.objects(None, AIMS.systemRole)):
            g.add((org, AIMS.aiActRole, role))
        for ref in self.refs:
            here = (ref.target, RDF.type, ref.cls) in g or _typed_as(g, ref.target, ref.cls)
            there = existing is not None and _typed_as(existing, ref.target, ref.cls)
            if not (here or there):
                w = ref.where
                self.problems.append(
                    ImportProblem(
                        w.file,
                        f"no {ref.what} with id {ref.local_id!r} in this import "
                        "or in the organisation's stored data",
                        f"add it to the {_SHEET_OF[ref.what]} sheet or correct the id",
                        w.sheet,
                        w.row,
                        w.column,
                    )
                )


_SHEET_OF: Final = {
    "evidence": "evidence",
    "system": "systems",
    "assessment": "assessments",
}


def _typed_as(g: Graph, node: URIRef, cls: URIRef) -> bool:
    if (node, RDF.type, cls) in g:
        return True
    # A FRIA is an impact assessment; one level of subclassing is all the org model has.
    return (
        cls == AIMS.ImpactAssessment
        and (
            node,
            RDF.type,
            AIMS.FundamentalRightsImpactAssessment,
        )
        in g
    )


__all__ = ["SheetImporter", "Table", "read_csv", "read_xlsx", "sheet_kind_for"]

"""Coverage and gaps: how far an organisation's implemented controls reach a target framework.

For each target item the verdict is ``covered``, ``partly``, ``gap`` or ``no-counterpart``, judged
from the controls of
the organisation's statement of applicability (and control implementations) through direct and
derived mappings (the in-memory :class:`MappingGraph`; no per-item SPARQL):

- a control counts at FULL strength when its status is implemented and it has evidence that is dated
  on or before the as-of date and not expired; at PARTIAL strength when it is implemented without
  current evidence, or partially implemented; planned and not-implemented controls do not count;
- a full-strength control that is the target item itself, or maps to it as ``equal`` or
  ``superset-of`` (the control asks at least what the item asks), covers it;
- a full-strength control mapping as ``subset-of`` or ``intersects-with``, or a partial-strength
  control mapping in any of the four ways, partly covers it;
- mappings below the confidence threshold are ignored: ``min_confidence`` reads a mapping's
  ``confidence``, how sure its author is that it is right; the optional ``min_strength`` reads its
  ``strength``, how much of the duty the object carries, and ignores only graded mappings below it
  (sets that do not grade strength are not filtered by it);
- a gap whose item the mapping sets record as having no counterpart in every framework the
  organisation's controls come from is ``no-counterpart`` instead (``coverage.absence``).

Targets: a framework edition (its leaf requirements: clauses/subclauses, controls, subcategories,
suggested actions), or ``eu-ai-act``: the obligations of the organisation's roles for the tiers
of its systems (plus the duties of any tier) that apply on the as-of date under the chosen version
of the law.
Totals are given by section: the item's top-level parent (below an annex: the annex's first level).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from aims_graph.catalog.items import Item
from aims_graph.coverage.absence import (
    NO_COUNTERPART,
    Absences,
    absence_json,
    control_editions,
)
from aims_graph.coverage.controls import org_controls
from aims_graph.coverage.model import (
    EU,
    LEAF_KINDS,
    CoverageInputError,
    CoverageReport,
    ItemVerdict,
    OrgControl,
    Support,
)
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.mappings.model import CrosswalkRow
from aims_graph.mappings.relations import Relation
from aims_graph.namespaces import AIMS
from aims_graph.store import Store

_COVERS: Final = frozenset({Relation.EQUAL, Relation.SUPERSET_OF})
_PARTLY: Final = frozenset({Relation.SUBSET_OF, Relation.INTERSECTS_WITH})

_STRUCTURE_QUERY: Final = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?i ?parent WHERE { ?i skos:inScheme ?s ; skos:broader ?parent . }
"""
_OBLIGATIONS_QUERY: Final = f"""
PREFIX aims: <{AIMS}>
SELECT ?o ?actor ?tier ?rec ?scope ?valid ?applies ?status WHERE {{
  ?o a aims:Obligation ; aims:actor ?actor ; aims:riskTier ?tier ; aims:applicability ?rec .
  ?rec aims:scope ?scope ; aims:recordValidFrom ?valid ; aims:appliesFrom ?applies ;
       aims:applicabilityStatus ?status .
}}
"""


@dataclass(frozen=True, slots=True)
class _Reach:
    """A mapping from a control into a target edition, with all a Support takes from it."""

    object_iri: str
    relation: str
    covers: bool  # the relation covers the object when the control counts at full strength
    confidence: float  # what ``min_confidence`` reads
    strength: float | None  # what ``min_strength`` reads
    shown: float  # the confidence as reports show it
    derived: bool
    chain: tuple[dict[str, Any], ...]  # shared between reports: read, never changed


def _support_order(s: Support) -> tuple[bool, bool, float]:
    return (s.contributes != "covers", s.derived, -s.confidence)


class CoverageEngine:
    """Item index, mapping graph and catalog structure held in memory for coverage questions.

    What depends only on the standards (an edition's leaf targets and their sections, each
    control's mappings into an edition with its hops as JSON) is computed on first use and kept,
    so a coverage question only filters and counts.
    """

    def __init__(self, mappings: MappingService, store: Store) -> None:
        self.mappings = mappings
        self.parent: dict[str, str] = {}
        self.children: dict[str, set[str]] = defaultdict(set)
        for row in store.select(_STRUCTURE_QUERY):
            i, p = row["i"].value, row["parent"].value
            self.parent[i] = p
            self.children[p].add(i)
        self.records: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in store.select(_OBLIGATIONS_QUERY):
            self.records[row["o"].value].append({k: v.value for k, v in row.items()})
        self.absences = Absences.from_store(store)
        self._sections: dict[str, str] = {}
        self._targets: dict[str, tuple[tuple[Item, str], ...]] = {}
        self._reach: dict[tuple[str, str], tuple[_Reach, ...]] = {}

    def section(self, iri: str) -> str:
        """Notation of the item's top-level parent (below an annex: its first level)."""
        found = self._sections.get(iri)
        if found is None:
            found = self._sections[iri] = self._section(iri)
        return found

    def _section(self, iri: str) -> str:
        chain = [iri]
        while chain[-1] in self.parent and len(chain) < 12:
            chain.append(self.parent[chain[-1]])
        top = chain[-1]
        item = self.mappings.items.get(top)
        if item is not None and item.kind == "Annex" and len(chain) >= 2:
            top = chain[-2]
        item = self.mappings.items.get(top)
        return item.title if item else top

    # ---- targets ---------------------------------------------------------------------------

    def framework_targets(self, edition: str) -> list[Item]:
        """Leaf requirements of a framework edition."""
        return [item for item, _ in self._framework_plan(edition)]

    def _framework_plan(self, edition: str) -> tuple[tuple[Item, str], ...]:
        """The edition's leaf requirements with their sections (computed once per edition)."""
        plan = self._targets.get(edition)
        if plan is None:
            plan = self._targets[edition] = tuple(
                (item, self.section(item.iri)) for item in self._leaves(edition)
            )
        return plan

    def _leaves(self, edition: str) -> list[Item]:
        return sorted(
            (
                i
                for i in self.mappings.items.in_edition(edition)
                if i.kind in LEAF_KINDS
                and not any(
                    (c := self.mappings.items.get(ch)) is not None and c.kind in LEAF_KINDS
                    for ch in self.children.get(i.iri, ())
                )
            ),
            key=lambda i: i.iri,
        )

    def ai_act_targets(
        self, org: Graph, as_of: date, law_mode: str
    ) -> tuple[list[Item], dict[str, str]]:
        """Obligations for the org's (role, tier) pairs that apply on the date, with their dates."""
        pairs: set[tuple[str, str]] = set()
        scopes = {"all"}
        for system in org.subjects(RDF.type, AIMS.AISystem):
            tiers = {str(t) for t in org.objects(system, AIMS.riskTier)} | {f"{EU}tier-any"}
            roles = {str(r) for r in org.objects(system, AIMS.systemRole)}
            if f"{EU}tier-gpai-systemic" in tiers:
                tiers.add(f"{EU}tier-gpai")
            if f"{EU}actor-gpai-systemic-provider" in roles:
                roles.add(f"{EU}actor-gpai-provider")
            pairs |= {(r, t) for r in roles for t in tiers}
            if f"{EU}tier-high-risk" in tiers:
                annex_i = (system, AIMS.highRiskPathway, URIRef(f"{EU}pathway-annex-I")) in org
                scopes.add("Annex I products" if annex_i else "Annex III systems")
        for o in org.subjects(RDF.type, AIMS.Organisation):
            pairs |= {(str(r), f"{EU}tier-any") for r in org.objects(o, AIMS.aiActRole)}
        out: list[Item] = []
        dates: dict[str, str] = {}
        for obl, recs in self.records.items():
            if not any((r["actor"], r["tier"]) in pairs for r in recs):
                continue
            applies = _applies(recs, scopes, as_of, law_mode)
            if applies is not None and applies <= as_of:
                item = self.mappings.items.get(obl)
                if item is not None:
                    out.append(item)
                    dates[obl] = applies.isoformat()
        return sorted(out, key=lambda i: i.iri), dates

    # ---- verdicts --------------------------------------------------------------------------

    def coverage(
        self,
        org: Graph,
        target: str,
        *,
        as_of: date,
        min_confidence: float = 0.0,
        law_mode: str = "in-force",
        controls: list[OrgControl] | None = None,
        min_strength: float | None = None,
    ) -> CoverageReport:
        """Verdict on every target item, with the chains behind it.

        ``min_confidence`` reads confidence (certainty); ``min_strength`` reads strength (how much
        of the duty a mapping's object carries). ``controls`` (from :func:`org_controls`) saves
        reading them again when one organisation is judged against several targets.
        """
        if not 0.0 <= min_confidence <= 1.0:
            raise CoverageInputError(f"min confidence {min_confidence} is outside 0..1")
        if min_strength is not None and not 0.0 <= min_strength <= 1.0:
            raise CoverageInputError(f"min strength {min_strength} is outside 0..1")
        try:
            edition = self.mappings.edition(target)
        except ValueError as exc:
            raise CoverageInputError(str(exc)) from None
        dates: dict[str, str] = {}
        if edition == "eu-ai-act":
            targets, dates = self.ai_act_targets(org, as_of, law_mode)
            plan: tuple[tuple[Item, str], ...] = tuple((t, self.section(t.iri)) for t in targets)
        else:
            plan = self._framework_plan(edition)
        if controls is None:
            controls = org_controls(org, as_of)
        verdicts = {
            t.iri: ItemVerdict(t, section, applies_from=dates.get(t.iri)) for t, section in plan
        }
        for c in controls:
            full = c.strength == "full"
            same = verdicts.get(c.iri)
            if same is not None:
                # The control itself counts as an equal mapping to the item.
                same.support.append(
                    Support(c, "same item", 1.0, False, "covers" if full else "partly", ())
                )
            for r in self._reaching(c.iri, edition):
                v = verdicts.get(r.object_iri)
                if v is None or r.confidence < min_confidence:
                    continue
                if (
                    min_strength is not None
                    and r.strength is not None
                    and r.strength < min_strength
                ):
                    continue  # graded below the floor (ungraded mappings pass)
                contributes = "covers" if full and r.covers else "partly"
                v.support.append(Support(c, r.relation, r.shown, r.derived, contributes, r.chain))
        editions = control_editions((c.iri for c in controls), edition)
        for v in verdicts.values():
            if v.support:
                covers = any(s.contributes == "covers" for s in v.support)
                v.verdict = "covered" if covers else "partly"
                v.support.sort(key=_support_order)
            else:
                v.no_counterpart = self.absences.explaining(v.item.iri, editions)
                v.verdict = NO_COUNTERPART if v.no_counterpart else "gap"
        return CoverageReport(
            target=edition,
            as_of=as_of,
            min_confidence=min_confidence,
            law_mode=law_mode,
            items=[verdicts[t.iri] for t, _ in plan],
            controls=controls,
            min_strength=min_strength,
        )

    def _reaching(self, iri: str, edition: str) -> tuple[_Reach, ...]:
        """The control's covering and partly covering mappings into the edition, unfiltered.

        In the crosswalk's order, so that filtering them per question keeps the order the
        crosswalk with those filters would give.
        """
        key = (iri, edition)
        found = self._reach.get(key)
        if found is None:
            found = self._reach[key] = tuple(
                self._reach_of(row)
                for row in self.mappings.graph.crosswalk(iri, edition, derived=True)
                if row.relation in _COVERS or row.relation in _PARTLY
            )
        return found

    def _reach_of(self, row: CrosswalkRow) -> _Reach:
        return _Reach(
            row.object_iri,
            row.relation.value,
            row.relation in _COVERS,
            row.confidence,
            row.strength,
            round(row.confidence, 6),
            row.derived,
            tuple(self.mappings.hop(h) for h in row.chain),
        )

    def as_dict(self, report: CoverageReport) -> dict[str, Any]:
        """JSON-ready form of a report, with CURIEs and titles."""
        m = self.mappings
        return {
            "target": report.target,
            "as_of": report.as_of.isoformat(),
            "law_mode": report.law_mode,
            "min_confidence": report.min_confidence,
            "min_strength": report.min_strength,
            "totals": report.totals(),
            "by_section": report.by_section(),
            "controls_counted": [
                {"control": m.curie(c.iri), "title": m.title(c.iri), "strength": c.strength}
                for c in report.controls
            ],
            "items": [
                {
                    "item": v.item.curie,
                    "title": v.item.title,
                    "section": v.section,
                    "verdict": v.verdict,
                    "applies_from": v.applies_from,
                    "no_counterpart": absence_json(v.no_counterpart),
                    "explanation": [
                        {
                            "control": m.curie(s.control.iri),
                            "control_title": m.title(s.control.iri),
                            "control_strength": s.control.strength,
                            "relation": s.relation,
                            "confidence": s.confidence,
                            "derived": s.derived,
                            "contributes": s.contributes,
                            # copies: the hops are shared with other reports
                            "chain": [dict(h) for h in s.chain],
                        }
                        for s in v.support
                    ],
                }
                for v in report.items
            ],
            "reverse": [
                {**r, "control": m.curie(r["control"]), "title": m.title(r["control"])}
                for r in report.reverse()
            ],
        }


def _applies(
    recs: list[dict[str, Any]], scopes: set[str], as_of: date, law_mode: str
) -> date | None:
    """Earliest start date among the records chosen per scope (same rule as the shapes)."""
    best: date | None = None
    for scope in scopes:
        rs = [r for r in recs if r["scope"] == scope]
        if law_mode == "original":
            rs = [r for r in rs if r["status"].endswith("#Original")]
        elif law_mode == "in-force":
            rs = [r for r in rs if date.fromisoformat(r["valid"]) <= as_of]
        if not rs:
            continue
        chosen = max(rs, key=lambda r: r["valid"])
        day = date.fromisoformat(chosen["applies"])
        best = day if best is None or day < best else best
    return best

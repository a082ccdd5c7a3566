"""What the JSON API answers, as plain dicts: frameworks, item trees, items, search, obligations.

No web framework here: the routers in ``api/`` only parse the request and render these results.
Everything is answered from in-memory indexes built once per MappingService (one query each).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from aims_graph import queries
from aims_graph.catalog.frameworks import BY_SLUG, FRAMEWORKS, FrameworkEdition, framework
from aims_graph.catalog.items import Item, ItemResolutionError, normalise
from aims_graph.mappings.crosswalk import CrosswalkInputError, MappingService
from aims_graph.mappings.graph import Edge
from aims_graph.mappings.loading import MAPPING_SET_BASE
from aims_graph.namespaces import AIMS, SEMAPV, XSD, item_iri, scheme_iri
from aims_graph.service import Graph
from aims_graph.store import Row, Term

__all__ = ["ApiInputError", "ApiViews", "CatalogError", "NotFoundError"]

_DETAILS_QUERY: Final = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX aims: <{AIMS}>
SELECT ?i ?summary ?source ?parent ?alt WHERE {{
  ?i skos:inScheme ?scheme .
  {{ ?i aims:summary ?summary }} UNION {{ ?i dcterms:source ?source }}
  UNION {{ ?i skos:broader ?parent }} UNION {{ ?i skos:altLabel ?alt }}
}}
"""

_OBLIGATIONS_QUERY: Final = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX aims: <{AIMS}>
SELECT ?o ?actor ?tier ?ref ?prov ?r ?valid ?from ?scope ?status ?basis ?inferred ?amendedBy
       ?note WHERE {{
  ?o a aims:Obligation ; aims:actor ?actor ; aims:riskTier ?tier ; aims:applicability ?r .
  OPTIONAL {{ ?o aims:provisionReference ?ref }}
  OPTIONAL {{ ?o aims:sourceProvision ?prov }}
  ?r aims:recordValidFrom ?valid ; aims:appliesFrom ?from ; aims:scope ?scope ;
     aims:applicabilityStatus ?status ; aims:legalBasis ?basis .
  OPTIONAL {{ ?r aims:inferred ?inferred }}
  OPTIONAL {{ ?r aims:amendedBy ?amendedBy }}
  OPTIONAL {{ ?r rdfs:comment ?note }}
}}
"""

_CHUNK: Final = re.compile(r"(\d+)")
_WORD: Final = re.compile(r"[\w']+")
_EU = "eu-ai-act"
MATCH_RANKS: Final = ("notation", "notation-prefix", "label", "summary")


class ApiInputError(ValueError):
    """A request parameter is invalid (400); the message says how to fix it."""


class AmbiguousItemError(LookupError):
    """A reference that fits several items (300 Multiple Choices, with the candidates)."""

    def __init__(self, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.choices = choices


class CatalogError(RuntimeError):
    """A file in queries/ is broken: a fault of the deployment, not of the request."""


class NotFoundError(LookupError):
    """A framework, item or named query does not exist (404)."""

    def __init__(self, message: str, kind: str, close_matches: list[str] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.close_matches = close_matches or []


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders '4.10' after '4.9' and 'A.10' after 'A.9'."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in _CHUNK.split(text)
        if part
    )


def item_ref(item: Item) -> dict[str, Any]:
    """The short form of an item used wherever one item points to another."""
    return {
        "iri": item.iri,
        "curie": item.curie,
        "notation": item.notation,
        "label": item.label,
        "kind": item.kind,
        "framework": item.edition,
    }


def _short(iri: str) -> str:
    return "semapv:" + iri[len(str(SEMAPV)) :] if iri.startswith(str(SEMAPV)) else iri


def _set_id(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class _Details:
    """Per-item facts the ItemIndex does not keep: summary, source, parents, children."""

    summary: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    alt_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    order: dict[str, list[str]] = field(default_factory=dict)  # edition → items in tree order
    depth: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _SearchEntry:
    item: Item
    notation: str
    ref: str
    label_words: frozenset[str]
    label: str
    summary: str
    summary_words: frozenset[str]


@dataclass(frozen=True, slots=True)
class ObligationRecord:
    """One applicability record of an obligation (one scope, one version of the law)."""

    iri: str
    scope: str
    valid_from: dt.date
    applies_from: dt.date
    status: str
    legal_basis: str
    inferred: bool
    amended_by: str | None
    note: str


class ApiViews:
    """The API's questions over one opened Graph; indexes follow ``graph.mappings``."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._built_for: MappingService | None = None
        self._details = _Details()
        self._search: list[_SearchEntry] = []
        self._stats: dict[str, dict[str, int]] = {}
        self._catalog: dict[str, queries.NamedQuery] | None = None
        self._obligation_rows: list[Row] | None = None
        self._matrix: dict[str, Any] | None = None

    # ---- indexes ---------------------------------------------------------------------------

    @property
    def svc(self) -> MappingService:
        """The mapping service, with this view's own indexes rebuilt when it changed."""
        svc = self.graph.mappings
        if svc is not self._built_for:
            self._build(svc)
            self._built_for = svc
        return svc

    def _build(self, svc: MappingService) -> None:
        d = _Details()
        items = svc.items.items
        for row in self.graph.store.select(_DETAILS_QUERY):
            iri = row["i"].value
            if iri not in items:
                continue
            if "summary" in row:
                d.summary.setdefault(iri, row["summary"].value)
            if "source" in row:
                d.source.setdefault(iri, row["source"].value)
            if "parent" in row and row["parent"].value in items:
                parent = row["parent"].value
                if parent not in d.parents[iri]:
                    d.parents[iri].append(parent)
                    d.children[parent].append(iri)
            if "alt" in row and row["alt"].value not in d.alt_labels[iri]:
                d.alt_labels[iri].append(row["alt"].value)
        for iri in d.children:
            d.children[iri].sort(key=lambda c: natural_key(items[c].ref))
        for fw in FRAMEWORKS:
            in_ed = svc.items.in_edition(fw.slug)
            roots = sorted(
                (i.iri for i in in_ed if not d.parents.get(i.iri)),
                key=lambda c: natural_key(items[c].ref),
            )
            order: list[str] = []
            stack = [(r, 0) for r in reversed(roots)]
            seen: set[str] = set()
            while stack:
                node, depth = stack.pop()
                if node in seen:
                    continue
                seen.add(node)
                order.append(node)
                d.depth[node] = depth
                kids = [c for c in d.children.get(node, []) if items[c].edition == fw.slug]
                stack.extend((c, depth + 1) for c in reversed(kids))
            d.order[fw.slug] = order
        self._details = d
        self._obligation_rows = None
        self._matrix = None
        self._search = [
            _SearchEntry(
                item=i,
                notation=normalise(i.notation),
                ref=normalise(i.ref),
                label_words=frozenset(w.lower() for w in _WORD.findall(i.label)),
                label=i.label.lower(),
                summary=d.summary.get(i.iri, "").lower(),
                summary_words=frozenset(_WORD.findall(d.summary.get(i.iri, "").lower())),
            )
            for fw in FRAMEWORKS
            for i in (items[o] for o in d.order[fw.slug])
        ]
        self._stats = {s.edition: s.counts for s in self.graph.stats()}

    def _framework(self, text: str) -> FrameworkEdition:
        try:
            return framework(text)
        except KeyError:
            close = [f.slug for f in FRAMEWORKS if text.lower() in f.slug or f.slug in text]
            raise NotFoundError(
                f"no framework {text!r}; known: {', '.join(BY_SLUG)}", "framework", close
            ) from None

    def resolve(self, text: str, framework_hint: str | None = None) -> Item:
        """Resolve a CURIE, IRI or notation; unknown → NotFoundError, ambiguous → 300 choices."""
        try:
            return self.svc.resolve(text, framework_hint)
        except ItemResolutionError as exc:
            message = str(exc)
            if " is ambiguous: " in message:
                listed = message.split(" is ambiguous: ", 1)[1].split(";", 1)[0]
                raise AmbiguousItemError(message, listed.split(", ")) from None
            close: list[str] = []
            if "close matches: " in message:
                close = message.split("close matches: ", 1)[1].split(", ")
            raise NotFoundError(message, "item", close) from None

    # ---- frameworks ------------------------------------------------------------------------

    def _framework_dict(self, fw: FrameworkEdition) -> dict[str, Any]:
        counts = self._stats.get(fw.slug, {})
        return {
            "iri": scheme_iri(fw.slug),
            "id": fw.slug,
            "kind": "Framework",
            "title": fw.title,
            "family": fw.family,
            "edition": fw.edition,
            "framework_kind": fw.kind,
            "publisher": fw.publisher,
            "issued": fw.issued,
            "source": fw.source,
            "licence": fw.text_licence,
            "prefixes": list(fw.prefixes),
            "total": sum(counts.values()),
        }

    def frameworks(self) -> list[dict[str, Any]]:
        """Every framework edition with its item total."""
        _ = self.svc
        return [self._framework_dict(fw) for fw in FRAMEWORKS]

    def framework(self, text: str) -> dict[str, Any]:
        """One framework edition with its counts by kind and its top-level items."""
        svc = self.svc
        fw = self._framework(text)
        out = self._framework_dict(fw)
        out["counts"] = dict(self._stats.get(fw.slug, {}))
        out["top_concepts"] = [
            item_ref(svc.items.items[i])
            for i in self._details.order.get(fw.slug, [])
            if self._details.depth.get(i) == 0 and svc.items.items[i].kind != "Framework"
        ]
        return out

    def framework_items(
        self,
        text: str,
        *,
        kind: str | None = None,
        parent: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> dict[str, Any]:
        """A page of a framework's tree, in document order, optionally one kind or one parent."""
        svc = self.svc
        fw = self._framework(text)
        d = self._details
        iris = d.order.get(fw.slug, [])
        if parent is not None:
            p = self.resolve(parent, fw.slug)
            iris = [c for c in d.children.get(p.iri, []) if svc.items.items[c].edition == fw.slug]
        if kind is not None:
            wanted = normalise(kind)
            known = sorted({svc.items.items[i].kind for i in d.order.get(fw.slug, [])})
            match = [k for k in known if normalise(k) == wanted.replace("-", "")]
            match = match or [k for k in known if normalise(k) == wanted]
            if not match:
                # No such part of this framework: a 404 with the kinds it has.
                raise NotFoundError(
                    f"kind={kind!r} does not occur in {fw.slug}; its kinds: {', '.join(known)}",
                    "kind",
                    known,
                )
            iris = [i for i in iris if svc.items.items[i].kind in match]
        page = iris[offset : offset + limit]
        rows = []
        for iri in page:
            item = svc.items.items[iri]
            parents = d.parents.get(iri, [])
            row = item_ref(item)
            row["parent"] = svc.items.items[parents[0]].curie if parents else None
            row["children_count"] = len(d.children.get(iri, []))
            row["depth"] = d.depth.get(iri, 0)
            rows.append(row)
        return {
            "framework": fw.slug,
            "total": len(iris),
            "limit": limit,
            "offset": offset,
            "items": rows,
        }

    # ---- items -----------------------------------------------------------------------------

    def hop(self, e: Edge) -> dict[str, Any]:
        """One mapping (stated or inverse) as the API shows it."""
        return _api_mapping(self.svc.hop(e))

    def _crosswalk_row(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _api_mapping(row)
        out["chain"] = [_api_mapping(h) for h in row["chain"]]
        return out

    def item(self, text: str) -> dict[str, Any]:
        """An item with labels, summary, source, parents, children and its mappings."""
        svc = self.svc
        item = self.resolve(text)
        d = self._details
        items = svc.items.items
        out = item_ref(item)
        out.update(
            {
                "scheme": scheme_iri(item.edition),
                "alt_labels": list(d.alt_labels.get(item.iri, [])),
                "summary": d.summary.get(item.iri),
                "source": d.source.get(item.iri),
                "parents": [item_ref(items[p]) for p in d.parents.get(item.iri, [])],
                "children": [item_ref(items[c]) for c in d.children.get(item.iri, [])],
            }
        )
        g = svc.graph
        out["mappings_out"] = [
            {**self.hop(e), "derived": False, "chain": []}
            for e in g.out(item.iri)
            if e.inverse_of is None
        ]
        incoming: list[Edge] = []
        if item.iri in g.g:
            for _, _, data in g.g.in_edges(item.iri, data=True):
                e: Edge = data["edge"]
                if e.inverse_of is None:
                    incoming.append(e)
        incoming.sort(key=lambda e: (e.subject, e.mapping))
        out["mappings_in"] = [{**self.hop(e), "derived": False, "chain": []} for e in incoming]
        derived = [
            self._crosswalk_row(r)
            for r in svc.crosswalk(item.iri, None, derived=True)
            if r["derived"]
        ]
        out["derived_mappings"] = derived
        return out

    def crosswalk(
        self, text: str, to: str | None, *, derived: bool, min_confidence: float
    ) -> dict[str, Any]:
        """Mappings from an item into one framework (or all), optionally with derived ones."""
        svc = self.svc
        item = self.resolve(text)
        target = self._framework(to).slug if to else None
        try:
            rows = svc.crosswalk(item.iri, target, derived=derived, min_confidence=min_confidence)
        except CrosswalkInputError as exc:
            raise ApiInputError(str(exc)) from None
        out = item_ref(item)
        out.update(
            {
                "target": target,
                "derived_included": derived,
                "min_confidence": min_confidence,
                "count": len(rows),
                "mappings": [self._crosswalk_row(r) for r in rows],
            }
        )
        return out

    def explain(self, a: str, b: str, max_hops: int | None = None) -> dict[str, Any]:
        """Every mapping path between two items with the composed relation."""
        svc = self.svc
        ia, ib = self.resolve(a), self.resolve(b)
        try:
            out = svc.explain(ia.iri, ib.iri, max_hops)
        except CrosswalkInputError as exc:
            raise ApiInputError(str(exc)) from None
        for path in out["paths"]:
            path["hops"] = [_api_mapping(h) for h in path["hops"]]
        out["subject_iri"], out["object_iri"] = ia.iri, ib.iri
        return out

    # ---- search ----------------------------------------------------------------------------

    def search(self, q: str, *, framework: str | None = None, limit: int = 20) -> dict[str, Any]:
        """Items ranked: exact notation > notation prefix > label words > summary."""
        _ = self.svc
        text = q.strip()
        if not text:
            raise ApiInputError("q must not be empty")
        edition = self._framework(framework).slug if framework else None
        local = text
        prefix, sep, rest = text.partition(":")
        if sep and not rest.startswith("//"):
            try:
                edition = edition or framework_slug(prefix)
                local = rest
            except KeyError:
                pass
        key = normalise(local)
        words = [w.lower() for w in _WORD.findall(text)]
        phrase = text.lower()
        hits: list[tuple[int, int, dict[str, Any]]] = []
        for pos, e in enumerate(self._search):
            if edition and e.item.edition != edition:
                continue
            rank: int | None = None
            if key and key in (e.notation, e.ref):
                rank = 0
            elif key and (e.notation.startswith(key) or e.ref.startswith(key)):
                rank = 1
            elif words and (
                all(w in e.label_words for w in words) or (len(phrase) > 2 and phrase in e.label)
            ):
                rank = 2
            elif words and (
                all(w in e.summary_words for w in words)
                or (len(phrase) > 2 and phrase in e.summary)
            ):
                rank = 3
            if rank is None:
                continue
            hit = item_ref(e.item)
            hit["summary"] = self._details.summary.get(e.item.iri)
            hit["match"] = MATCH_RANKS[rank]
            hits.append((rank, pos, hit))
        hits.sort(key=lambda h: (h[0], h[1]))
        return {
            "q": q,
            "framework": edition,
            "total": len(hits),
            "hits": [h for _, _, h in hits[:limit]],
        }

    # ---- matrix ----------------------------------------------------------------------------

    def matrix(self) -> dict[str, Any]:
        """Framework × framework: stated mappings by relation, derived count, share mapped."""
        svc = self.svc
        if self._matrix is None:
            self._matrix = {"frameworks": [f.slug for f in FRAMEWORKS], "pairs": svc.summary()}
        return self._matrix

    # ---- obligations -----------------------------------------------------------------------

    def _eu_term(self, text: str, prefix: str, what: str, known: list[str]) -> str:
        raw = text.strip()
        if raw.startswith(("http://", "https://")):
            iri = raw
        else:
            local = raw.split(":", 1)[1] if raw.lower().startswith(_EU + ":") else raw
            local = local.strip().lower().replace(" ", "-").replace("_", "-")
            iri = item_iri(_EU, local if local.startswith(prefix) else prefix + local)
        if iri not in known:
            names = [k.rsplit("/", 1)[-1].removeprefix(prefix) for k in sorted(known)]
            # Like an unknown item: the reference names nothing there is (404).
            raise NotFoundError(
                f"unknown {what} {text!r}; known: {', '.join(names)}",
                what.replace(" ", "-"),
                names,
            )
        return iri

    def obligations(
        self,
        *,
        actor: str | None,
        tier: str | None,
        as_of: dt.date,
        include_pending: bool = False,
        include_any_tier: bool = True,
    ) -> dict[str, Any]:
        """EU AI Act obligations of an actor/tier on a date, by the record in force per scope."""
        svc = self.svc
        if self._obligation_rows is None:
            self._obligation_rows = self.graph.store.select(_OBLIGATIONS_QUERY)
        rows = self._obligation_rows
        actors = sorted({r["actor"].value for r in rows})
        tiers = sorted({r["tier"].value for r in rows})
        actor_iri = self._eu_term(actor, "actor-", "actor", actors) if actor else None
        tier_iri = self._eu_term(tier, "tier-", "risk tier", tiers) if tier else None
        tier_ok = {tier_iri} if tier_iri else set(tiers)
        if tier_iri and include_any_tier:
            tier_ok.add(item_iri(_EU, "tier-any"))
        by_ob: dict[str, dict[str, Any]] = {}
        records: dict[str, dict[str, ObligationRecord]] = defaultdict(dict)
        for r in rows:
            o = r["o"].value
            if actor_iri and r["actor"].value != actor_iri:
                continue
            if r["tier"].value not in tier_ok:
                continue
            by_ob.setdefault(
                o,
                {
                    "actor": r["actor"].value,
                    "tier": r["tier"].value,
                    "provision_reference": r["ref"].value if "ref" in r else None,
                    "provision": r["prov"].value if "prov" in r else None,
                },
            )
            records[o][r["r"].value] = ObligationRecord(
                iri=r["r"].value,
                scope=r["scope"].value,
                valid_from=dt.date.fromisoformat(r["valid"].value),
                applies_from=dt.date.fromisoformat(r["from"].value),
                status=r["status"].value.removeprefix(str(AIMS)).lower(),
                legal_basis=r["basis"].value,
                inferred=r["inferred"].value == "true" if "inferred" in r else False,
                amended_by=r["amendedBy"].value if "amendedBy" in r else None,
                note=r["note"].value if "note" in r else "",
            )
        out: list[dict[str, Any]] = []
        for o, facts in by_ob.items():
            scopes = in_force(records[o].values(), as_of)
            if not scopes:
                continue  # no record is law yet on that date (a provision added by the amendment)
            entries = []
            for rec, original in scopes:
                entries.append(
                    {
                        "scope": rec.scope,
                        "applies": rec.applies_from <= as_of,
                        "applies_from": rec.applies_from.isoformat(),
                        "status": rec.status,
                        "record_valid_from": rec.valid_from.isoformat(),
                        "legal_basis": rec.legal_basis,
                        "inferred": rec.inferred,
                        "amended_by": eu_curie(rec.amended_by) if rec.amended_by else None,
                        "note": rec.note,
                        "original_applies_from": (
                            original.applies_from.isoformat()
                            if original is not None and original is not rec
                            else None
                        ),
                    }
                )
            applies = any(e["applies"] for e in entries)
            if not applies and not include_pending:
                continue
            item = svc.items.get(o)
            row: dict[str, Any] = item_ref(item) if item else {"iri": o, "curie": o}
            row.update(
                {
                    "actor": facts["actor"].rsplit("/", 1)[-1].removeprefix("actor-"),
                    "tier": facts["tier"].rsplit("/", 1)[-1].removeprefix("tier-"),
                    "provision_reference": facts["provision_reference"],
                    "provision": svc.curie(facts["provision"]) if facts["provision"] else None,
                    "applies": applies,
                    "scopes": entries,
                }
            )
            out.append(row)
        out.sort(key=lambda r: (not r["applies"], natural_key(str(r.get("notation", r["iri"])))))
        return {
            "actor": actor_iri.rsplit("/", 1)[-1].removeprefix("actor-") if actor_iri else None,
            "tier": tier_iri.rsplit("/", 1)[-1].removeprefix("tier-") if tier_iri else None,
            "as_of": as_of.isoformat(),
            "total": len(out),
            "applicable": sum(1 for r in out if r["applies"]),
            "obligations": out,
        }

    # ---- named queries ---------------------------------------------------------------------

    @property
    def catalog(self) -> dict[str, queries.NamedQuery]:
        """The named queries, read once."""
        if self._catalog is None:
            try:
                self._catalog = queries.load_catalog()
            except queries.QueryError as exc:
                raise CatalogError(str(exc)) from exc
        return self._catalog

    def named_query(self, name: str) -> queries.NamedQuery:
        """One named query by name."""
        found = self.catalog.get(name)
        if found is None:
            import difflib

            close = difflib.get_close_matches(name, list(self.catalog), n=4)
            raise NotFoundError(
                f"no named query {name!r}; see /queries for the list", "query", close
            )
        return found

    def run_query(
        self, name: str, args: Mapping[str, str | list[str]]
    ) -> tuple[list[str], list[Row]]:
        """Run a named query with bound arguments; return its columns and rows."""
        query = self.named_query(name)

        def resolve(text: str) -> str:
            return self.resolve(text).iri

        try:
            rows = queries.run(self.graph.store, query, args, resolve)
        except queries.QueryError as exc:
            raise ApiInputError(str(exc)) from None
        return projection(query.sparql, rows), rows


def _api_mapping(row: dict[str, Any]) -> dict[str, Any]:
    """A MappingService mapping dict with the API's keys: ``iri`` and ``set_iri``."""
    out = dict(row)
    out["iri"] = out.pop("mapping")
    out["set_iri"] = MAPPING_SET_BASE + out["set"]
    # Empty strings would read as the document's own IRI in JSON-LD; absent is absent.
    for key in ("source", "comment"):
        out[key] = out.get(key) or None
    return out


def eu_curie(iri: str) -> str:
    """CURIE of an IRI in the EU AI Act namespace (actors, tiers, acts); else the IRI."""
    ns = item_iri(_EU, "")
    return f"{_EU}:{iri[len(ns) :]}" if iri.startswith(ns) else iri


def framework_slug(text: str) -> str:
    """Edition slug of a framework slug or CURIE prefix (KeyError when unknown)."""
    return framework(text).slug


def in_force(
    records: Iterable[ObligationRecord], as_of: dt.date
) -> list[tuple[ObligationRecord, ObligationRecord | None]]:
    """Per scope, the record in force on a date and the original record it replaced (if any).

    The record in force is the one with the latest ``recordValidFrom`` on or before the date.
    """
    by_scope: dict[str, list[ObligationRecord]] = defaultdict(list)
    for rec in records:
        by_scope[rec.scope].append(rec)
    out = []
    for scope in sorted(by_scope):
        recs = sorted(by_scope[scope], key=lambda r: r.valid_from)
        valid = [r for r in recs if r.valid_from <= as_of]
        if not valid:
            continue
        current = valid[-1]
        original = next((r for r in recs if r.status == "original"), None)
        out.append((current, original))
    return out


_PROJECTION_END: Final = re.compile(r"\bWHERE\b|\{", re.IGNORECASE)


def projection(sparql: str, rows: list[Row]) -> list[str]:
    """The SELECT variables in order (from the text), else the keys seen in the rows."""
    body = "\n".join(
        line.split("#", 1)[0] if line.lstrip().startswith("#") else line
        for line in sparql.splitlines()
    )
    match = re.search(r"\bSELECT\b(\s+(?:DISTINCT|REDUCED)\b)?", body, re.IGNORECASE)
    names: list[str] = []
    if match:
        rest = body[match.end() :]
        end = _PROJECTION_END.search(rest)
        clause = rest[: end.start()] if end else rest
        if clause.strip() != "*":
            depth = 0
            for tok in re.finditer(r"\(|\)|\bAS\s+[?$](\w+)|[?$](\w+)", clause, re.IGNORECASE):
                if tok.group(0) == "(":
                    depth += 1
                elif tok.group(0) == ")":
                    depth -= 1
                elif tok.group(1):
                    names.append(tok.group(1))
                elif depth == 0 and tok.group(2):
                    names.append(tok.group(2))
    for row in rows:
        for k in row:
            if k not in names:
                names.append(k)
    return names


_NUMERIC: Final = {
    str(XSD.integer): int,
    str(XSD.int): int,
    str(XSD.long): int,
    str(XSD.nonNegativeInteger): int,
    str(XSD.decimal): float,
    str(XSD.double): float,
    str(XSD.float): float,
}


def json_value(term: Term) -> Any:
    """A term as a JSON value: numbers and booleans native, everything else its string."""
    if term.kind == "literal" and term.datatype:
        cast = _NUMERIC.get(term.datatype)
        if cast is not None:
            try:
                return cast(term.value)
            except ValueError:
                return term.value
        if term.datatype == str(XSD.boolean):
            return term.value in ("true", "1")
    return term.value


def as_date(text: str | None) -> dt.date:
    """Parse an ISO date (today when empty); ApiInputError when malformed."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiInputError(f"as_of={text!r} is not a date (YYYY-MM-DD)") from None

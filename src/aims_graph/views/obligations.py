"""EU AI Act obligations of an actor and risk tier on a date, by the record in force per scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from aims_graph.catalog.items import natural_key
from aims_graph.namespaces import AIMS, item_iri
from aims_graph.store import Row
from aims_graph.views.errors import NotFoundError
from aims_graph.views.index import ViewIndex, item_ref

_EU: Final = "eu-ai-act"

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


def eu_curie(iri: str) -> str:
    """CURIE of an IRI in the EU AI Act namespace (actors, tiers, acts); else the IRI."""
    ns = item_iri(_EU, "")
    return f"{_EU}:{iri[len(ns) :]}" if iri.startswith(ns) else iri


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


def _term(text: str, prefix: str, what: str, known: list[str]) -> str:
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
            f"unknown {what} {text!r}; known: {', '.join(names)}", what.replace(" ", "-"), names
        )
    return iri


def _record(r: Row) -> ObligationRecord:
    return ObligationRecord(
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


def _scope_entry(
    rec: ObligationRecord, original: ObligationRecord | None, as_of: dt.date
) -> dict[str, Any]:
    return {
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


def _local(iri: str, prefix: str) -> str:
    return iri.rsplit("/", 1)[-1].removeprefix(prefix)


def obligations(
    index: ViewIndex,
    *,
    actor: str | None,
    tier: str | None,
    as_of: dt.date,
    include_pending: bool = False,
    include_any_tier: bool = True,
) -> dict[str, Any]:
    """EU AI Act obligations of an actor/tier on a date, by the record in force per scope."""
    svc = index.svc
    rows = index.cached("obligation-rows", lambda: index.graph.store.select(_OBLIGATIONS_QUERY))
    actors = sorted({r["actor"].value for r in rows})
    tiers = sorted({r["tier"].value for r in rows})
    actor_iri = _term(actor, "actor-", "actor", actors) if actor else None
    tier_iri = _term(tier, "tier-", "risk tier", tiers) if tier else None
    tier_ok = {tier_iri} if tier_iri else set(tiers)
    if tier_iri and include_any_tier:
        tier_ok.add(item_iri(_EU, "tier-any"))
    facts: dict[str, Row] = {}
    records: dict[str, dict[str, ObligationRecord]] = defaultdict(dict)
    for r in rows:
        if (actor_iri and r["actor"].value != actor_iri) or r["tier"].value not in tier_ok:
            continue
        o = r["o"].value
        facts.setdefault(o, r)
        records[o][r["r"].value] = _record(r)
    out: list[dict[str, Any]] = []
    for o, first in facts.items():
        scopes = in_force(records[o].values(), as_of)
        if not scopes:
            continue  # no record is law yet on that date (a provision added by the amendment)
        entries = [_scope_entry(rec, original, as_of) for rec, original in scopes]
        applies = any(e["applies"] for e in entries)
        if not applies and not include_pending:
            continue
        item = svc.items.get(o)
        row: dict[str, Any] = item_ref(item) if item else {"iri": o, "curie": o}
        row.update(
            {
                "actor": _local(first["actor"].value, "actor-"),
                "tier": _local(first["tier"].value, "tier-"),
                "provision_reference": first["ref"].value if "ref" in first else None,
                "provision": svc.curie(first["prov"].value) if "prov" in first else None,
                "applies": applies,
                "scopes": entries,
            }
        )
        out.append(row)
    out.sort(key=lambda r: (not r["applies"], natural_key(str(r.get("notation", r["iri"])))))
    return {
        "actor": _local(actor_iri, "actor-") if actor_iri else None,
        "tier": _local(tier_iri, "tier-") if tier_iri else None,
        "as_of": as_of.isoformat(),
        "total": len(out),
        "applicable": sum(1 for r in out if r["applies"]),
        "obligations": out,
    }

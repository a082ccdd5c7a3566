"""A synthetic organisation for the validation benchmark (issue 7, no. 3), written as N-Triples.

Systems, statement-of-applicability entries and evidence, 18 triples a system, with the gaps real
data has: a quarter of the systems lack an owner, a fifth of the evidence has expired, nobody has
assessed risks or impacts. Written as text rather than through rdflib, so that a graph of a million
triples takes a second to make, not half a minute; :func:`synthetic_org` parses it for rdflib users.
"""

from __future__ import annotations

from datetime import date

from rdflib import Graph

from aims_graph.namespaces import AIMS

ORG_NS = "https://w3id.org/aims-graph/org/bench/"
EU = "https://w3id.org/aims-graph/id/eu-ai-act/"
ISO = "https://w3id.org/aims-graph/id/iso42001-2023/"
AS_OF = date(2026, 11, 28)
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_DATE = "<http://www.w3.org/2001/XMLSchema#date>"
_BOOLEAN = "<http://www.w3.org/2001/XMLSchema#boolean>"
_TIERS = (f"<{EU}tier-high-risk>", f"<{EU}tier-transparency>", f"<{EU}tier-any>")
_ROLES = (f"<{EU}actor-provider>", f"<{EU}actor-deployer>")
_KINDS = tuple(
    f"<{AIMS}{k}>"
    for k in ("EvRiskManagement", "EvLogging", "EvTechnicalDocumentation", "EvPolicy")
)


def _a(name: str) -> str:
    return f"<{AIMS}{name}>"


def _system_lines(i: int, org: str) -> list[str]:
    """The 17 or 18 triples of system ``i``: the system, one evidence record, one SoA entry."""
    s, e, soa = f"<{ORG_NS}system/s{i}>", f"<{ORG_NS}evidence/e{i}>", f"<{ORG_NS}soa/x{i}>"
    tier = _TIERS[i % 3]
    lines = [
        f"{s} {_RDF_TYPE} {_a('AISystem')} .",
        f"{s} {_a('organisation')} {org} .",
        f'{s} {_LABEL} "System {i}" .',
        f"{s} {_a('riskTier')} {tier} .",
        f"{s} {_a('systemRole')} {_ROLES[i % 2]} .",
    ]
    if i % 4:
        lines.append(f'{s} {_a("owner")} "Team {i % 17}" .')
    if tier == _TIERS[0]:
        lines.append(f"{s} {_a('annexIIIUseCase')} <{EU}annex-III-5-b> .")
    until = "2026-06-30" if i % 5 == 0 else "2027-06-30"
    lines += [
        f"{e} {_RDF_TYPE} {_a('Evidence')} .",
        f"{e} {_a('organisation')} {org} .",
        f"{e} {_a('evidenceKind')} {_KINDS[i % len(_KINDS)]} .",
        f"{e} {_a('forSystem')} {s} .",
        f'{e} {_a("evidenceDate")} "2026-01-01"^^{_DATE} .',
        f'{e} {_a("validUntil")} "{until}"^^{_DATE} .',
        f"{soa} {_RDF_TYPE} {_a('SoAEntry')} .",
        f"{soa} {_a('organisation')} {org} .",
        f"{soa} {_a('control')} <{ISO}A.2.2> .",
        f'{soa} {_a("applicable")} "true"^^{_BOOLEAN} .',
        f"{soa} {_a('implementationStatus')} {_a('StatusImplemented')} .",
        f"{soa} {_a('evidence')} {e} .",
    ]
    return lines


def synthetic_org_nt(triples: int) -> bytes:
    """An organisation of at least ``triples`` triples (whole systems), as N-Triples."""
    org = f"<{ORG_NS}organisation/bench>"
    lines = [f"{org} {_RDF_TYPE} {_a('Organisation')} .", f'{org} {_LABEL} "Bench Org" .']
    i = 0
    while len(lines) < triples:
        lines += _system_lines(i, org)
        i += 1
    return ("\n".join(lines) + "\n").encode("utf-8")


def synthetic_upload(first: int, systems: int = 1) -> bytes:
    """``systems`` more systems (with evidence and SoA entries) from number ``first`` on."""
    org = f"<{ORG_NS}organisation/bench>"
    lines = [line for i in range(first, first + systems) for line in _system_lines(i, org)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def synthetic_org(triples: int) -> Graph:
    """The same organisation as an rdflib graph (for pyshacl and the tests)."""
    g = Graph()
    g.parse(data=synthetic_org_nt(triples), format="nt")
    return g


def triple_count(nt: bytes) -> int:
    """Triples in N-Triples written by :func:`synthetic_org_nt` (one a line, no repeats)."""
    return nt.count(b"\n")


__all__ = ["AS_OF", "synthetic_org", "synthetic_org_nt", "synthetic_upload", "triple_count"]

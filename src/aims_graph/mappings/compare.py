"""Compare two mapping sets that link the same two framework editions: where they agree.

A side of the comparison is one of:

- ``SET_ID``: a shipped or imported mapping set (e.g. ``iso42001-2023--iso27001-2022-clauses``);
- ``stated:A>C``: every stated mapping from edition A to edition C, whatever its set;
- ``derived:A>C`` or ``derived:A>C@X``: the relations that chains of stated mappings give from A
  to C (through edition X only, with ``@X``). Unlike the derived-mappings graph, which skips pairs
  that a set already states, these chains are computed for every pair, so a curated set can be
  put next to what the other sets imply about the same pairs.

Both sides are read from A to C (a set stated from C to A is read through its inverses). Two
relations of a pair are the *same*, *compatible* (one claims what the other implies: a derived
``intersects-with`` only claims an overlap, so it agrees with any relation but ``not-related``),
or *conflicting*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from aims_graph.catalog.frameworks import framework
from aims_graph.catalog.items import edition_of
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.mappings.graph import MappingGraph, chain_rank
from aims_graph.mappings.loading import MAPPING_SET_BASE
from aims_graph.mappings.relations import Relation, implies

#: How many hops a derived side may take (the service's own derivation uses the same default).
MAX_HOPS: Final = 2


class CompareInputError(ValueError):
    """A side is malformed, or the two sides do not link the same editions."""


class UnknownSideError(CompareInputError):
    """A side names a mapping set or an edition that does not exist."""


@dataclass(frozen=True, slots=True)
class Link:
    """One pair of a side, read from A to C, with what the side says of it."""

    subject: str
    object: str
    relation: Relation
    confidence: float
    comment: str
    via: tuple[str, ...] = ()  # the stated mappings of a derived pair's chain

    def as_dict(self) -> dict[str, Any]:
        """The link as JSON."""
        return {
            "relation": self.relation.value,
            "confidence": self.confidence,
            "comment": self.comment or None,
            "via": list(self.via),
        }


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its spec, its two editions and its pairs."""

    spec: str
    label: str
    first: str
    second: str
    links: dict[tuple[str, str], Link]


def _editions(text: str, spec: str) -> tuple[str, str, str | None]:
    pair, _, via = text.partition("@")
    a, sep, c = pair.partition(">")
    if not sep or not a or not c:
        raise CompareInputError(
            f"{spec!r}: write the editions as A>C (e.g. derived:iso42001-2023>iso27001-2022)"
        )
    try:
        return framework(a).slug, framework(c).slug, framework(via).slug if via else None
    except KeyError as exc:
        raise UnknownSideError(f"{spec!r}: {exc.args[0]}") from None


def _stated(graph: MappingGraph, spec: str, mapping_set: str | None, a: str, c: str) -> Side:
    links = {
        (e.subject, e.object): Link(e.subject, e.object, e.relation, e.confidence, e.comment)
        for e in graph.edges()
        if edition_of(e.subject) == a
        and edition_of(e.object) == c
        and (mapping_set is None or e.mapping_set == mapping_set)
    }
    label = f"mapping set {spec}" if mapping_set else f"all stated mappings {a} → {c}"
    return Side(spec, label, a, c, links)


def _derived(graph: MappingGraph, spec: str, a: str, c: str, via: str | None) -> Side:
    best: dict[tuple[str, str], Any] = {}
    starts = sorted({e.subject for e in graph.edges() if edition_of(e.subject) == a})
    for start in starts:
        for chain in graph.chains_from(start, MAX_HOPS):
            inner = [h.object for h in chain.hops[:-1]]
            if len(chain.hops) < 2 or edition_of(chain.object) != c:
                continue
            if via is not None and any(edition_of(i) != via for i in inner):
                continue
            key = (start, chain.object)
            if key not in best or chain_rank(chain) < chain_rank(best[key]):
                best[key] = chain
    links = {
        key: Link(
            key[0],
            key[1],
            chain.relation,
            round(chain.confidence, 6),
            "",
            tuple(h.stated for h in chain.hops),
        )
        for key, chain in best.items()
    }
    through = f" through {via}" if via else ""
    return Side(spec, f"chains {a} → {c}{through}", a, c, links)


def side(graph: MappingGraph, spec: str, orient: tuple[str, str] | None = None) -> Side:
    """Read one side from its spec, oriented from ``orient[0]`` to ``orient[1]`` when given."""
    text = spec.strip()
    if text.startswith(("derived:", "stated:")):
        kind, _, rest = text.partition(":")
        a, c, via = _editions(rest, spec)
        if orient is not None and (c, a) == orient:
            a, c = orient
        if kind == "stated":
            if via:
                raise CompareInputError(f"{spec!r}: '@X' is for derived sides only")
            return _stated(graph, text, None, a, c)
        return _derived(graph, text, a, c, via)
    set_iri = MAPPING_SET_BASE + text
    pairs: set[tuple[str, str]] = set()
    for e in graph.edges():
        ends = edition_of(e.subject), edition_of(e.object)
        if e.mapping_set == set_iri and e.inverse_of is None and ends[0] and ends[1]:
            pairs.add((ends[0], ends[1]))
    if not pairs:
        raise UnknownSideError(
            f"no mapping set {text!r}; use a set id (see /mappings), stated:A>C or derived:A>C[@X]"
        )
    a, c = sorted(pairs)[0]
    if orient is not None and (c, a) == orient:
        a, c = orient  # read a set stated from C to A through its inverses
    return _stated(graph, text, set_iri, a, c)


def _agreement(r1: Relation, r2: Relation) -> str:
    if r1 is r2:
        return "same"
    if implies(r1, r2) or implies(r2, r1):
        return "compatible"
    return "conflicting"


def compare(graph: MappingGraph, first_spec: str, second_spec: str) -> dict[str, Any]:
    """Agreement of two sides: shared pairs, pairs of one only, relations, Jaccard per item."""
    first = side(graph, first_spec)
    second = side(graph, second_spec, (first.first, first.second))
    if {first.first, first.second} != {second.first, second.second}:
        raise CompareInputError(
            f"{first_spec!r} links {first.first} and {first.second}, {second_spec!r} links "
            f"{second.first} and {second.second}: compare sets of the same two editions"
        )
    ones, twos = set(first.links), set(second.links)
    both = ones & twos
    agreement = {"same": 0, "compatible": 0, "conflicting": 0}
    disagreements: list[dict[str, Any]] = []
    for key in sorted(ones | twos):
        one, two = first.links.get(key), second.links.get(key)
        if one and two:
            kind = _agreement(one.relation, two.relation)
            agreement[kind] += 1
            if kind != "conflicting":
                continue
        else:
            kind = "first-only" if one else "second-only"
        disagreements.append(
            {
                "subject": key[0],
                "object": key[1],
                "kind": kind,
                "first": one.as_dict() if one else None,
                "second": two.as_dict() if two else None,
            }
        )
    return {
        "first": _side_json(first),
        "second": _side_json(second),
        "editions": [first.first, first.second],
        "both": len(both),
        "first_only": len(ones - twos),
        "second_only": len(twos - ones),
        "jaccard": round(len(both) / len(ones | twos), 4) if ones | twos else None,
        "relations": agreement,
        "per_item": _per_item(first, second),
        "disagreements": disagreements,
    }


def _side_json(s: Side) -> dict[str, Any]:
    return {"spec": s.spec, "label": s.label, "pairs": len(s.links)}


def _per_item(first: Side, second: Side) -> list[dict[str, Any]]:
    """For each subject item either side maps: its objects on both sides and their Jaccard."""
    objects: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for s, o in first.links:
        objects[s][0].add(o)
    for s, o in second.links:
        objects[s][1].add(o)
    out = []
    for subject in sorted(objects):
        one, two = objects[subject]
        out.append(
            {
                "subject": subject,
                "first": sorted(one),
                "second": sorted(two),
                "jaccard": round(len(one & two) / len(one | two), 4),
            }
        )
    return out


def compare_sets(svc: MappingService, first: str, second: str) -> dict[str, Any]:
    """:func:`compare` over the service's graph, items named by CURIE beside their IRIs."""
    out = compare(svc.graph, first, second)
    for row in out["disagreements"]:
        row["subject_iri"], row["object_iri"] = row["subject"], row["object"]
        row["subject"], row["object"] = svc.curie(row["subject"]), svc.curie(row["object"])
        row["subject_title"], row["object_title"] = (
            svc.title(row["subject_iri"]),
            svc.title(row["object_iri"]),
        )
    for row in out["per_item"]:
        row["subject_iri"] = row["subject"]
        row["subject"] = svc.curie(row["subject"])
        row["first"] = [svc.curie(o) for o in row["first"]]
        row["second"] = [svc.curie(o) for o in row["second"]]
    return out

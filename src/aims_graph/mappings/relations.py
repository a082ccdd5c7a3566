"""NIST IR 8477 set relations, their inverses, the composition table and the SKOS bridge.

Semantics. Each item is read as the set of things it requires (never empty). For items A and B:

- ``equal``: A = B
- ``subset-of``: A ⊂ B (proper)
- ``superset-of``: A ⊃ B (proper)
- ``intersects-with``: as STATED in a mapping file, A and B overlap and neither contains the other
- ``not-related``: A ∩ B = ∅

A DERIVED relation is a weaker claim for ``intersects-with``: composing ``superset-of`` with
``subset-of`` (A ⊃ B ⊂ C) only proves that A and C share B, not that neither contains the other.
So a derived ``intersects-with`` claims "A ∩ C ≠ ∅" (they overlap; the exact relation may be any of
equal, subset, superset or proper intersection). Derived ``equal``, ``subset-of`` and
``superset-of`` keep their exact meaning. ``tests/test_relations.py`` checks this on random set
models. Chains are composed left to right; composition is not associative, so a longer chain may be
left underived where another grouping would have given a result — sound, not complete.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from aims_graph.namespaces import AIMS, SKOS


class Relation(StrEnum):
    """A NIST IR 8477 set relation, as written in the ``set_relation`` column."""

    EQUAL = "equal"
    SUBSET_OF = "subset-of"
    SUPERSET_OF = "superset-of"
    INTERSECTS_WITH = "intersects-with"
    NOT_RELATED = "not-related"

    @property
    def iri(self) -> str:
        """The ``aims:SetRelation`` individual naming this relation."""
        return RELATION_IRI[self]

    @property
    def inverse(self) -> Relation:
        """The relation read from the object's side."""
        return INVERSE[self]

    @property
    def skos_predicate(self) -> str:
        """The SKOS bridge predicate (for not-related: skos:relatedMatch, negated by a modifier)."""
        return SKOS_BRIDGE[self]


RELATION_IRI: Final[dict[Relation, str]] = {
    Relation.EQUAL: str(AIMS.equal),
    Relation.SUBSET_OF: str(AIMS.subsetOf),
    Relation.SUPERSET_OF: str(AIMS.supersetOf),
    Relation.INTERSECTS_WITH: str(AIMS.intersectsWith),
    Relation.NOT_RELATED: str(AIMS.notRelated),
}
RELATION_BY_IRI: Final[dict[str, Relation]] = {v: k for k, v in RELATION_IRI.items()}

INVERSE: Final[dict[Relation, Relation]] = {
    Relation.EQUAL: Relation.EQUAL,
    Relation.SUBSET_OF: Relation.SUPERSET_OF,
    Relation.SUPERSET_OF: Relation.SUBSET_OF,
    Relation.INTERSECTS_WITH: Relation.INTERSECTS_WITH,
    Relation.NOT_RELATED: Relation.NOT_RELATED,
}

#: SKOS bridge: subject subset-of object means the object is the broader concept.
SKOS_BRIDGE: Final[dict[Relation, str]] = {
    Relation.EQUAL: str(SKOS.exactMatch),
    Relation.SUBSET_OF: str(SKOS.broadMatch),
    Relation.SUPERSET_OF: str(SKOS.narrowMatch),
    Relation.INTERSECTS_WITH: str(AIMS.intersects),
    Relation.NOT_RELATED: str(SKOS.relatedMatch),
}
#: The ``predicate_modifier`` each relation needs in a file ("" for none).
MODIFIER: Final[dict[Relation, str]] = {
    r: ("Not" if r is Relation.NOT_RELATED else "") for r in Relation
}

#: DESIGN §4: R∘equal = equal∘R = R, subset∘subset = subset, superset∘superset = superset,
#: superset∘subset = intersects. Beyond DESIGN §4, two more pairs prove an overlap, which is all a
#: derived intersects claims: A ∩ B ≠ ∅ and B ⊂ C give A ∩ C ⊇ A ∩ B ≠ ∅ (intersects∘subset), and
#: A ⊃ B with B ∩ C ≠ ∅ gives A ∩ C ⊇ B ∩ C ≠ ∅ (superset∘intersects). Without them, a stated
#: subset-of (more precise than intersects-with) would cut chains that an intersects-with let
#: through. Every other pair is unknown and not derived.
_TABLE: Final[dict[tuple[Relation, Relation], Relation]] = {
    (Relation.SUBSET_OF, Relation.SUBSET_OF): Relation.SUBSET_OF,
    (Relation.SUPERSET_OF, Relation.SUPERSET_OF): Relation.SUPERSET_OF,
    (Relation.SUPERSET_OF, Relation.SUBSET_OF): Relation.INTERSECTS_WITH,
    (Relation.INTERSECTS_WITH, Relation.SUBSET_OF): Relation.INTERSECTS_WITH,
    (Relation.SUPERSET_OF, Relation.INTERSECTS_WITH): Relation.INTERSECTS_WITH,
}


def compose(first: Relation, second: Relation) -> Relation | None:
    """Relation of A to C given A ``first`` B and B ``second`` C; None when nothing follows."""
    if Relation.NOT_RELATED in (first, second):
        return None
    if first is Relation.EQUAL:
        return second
    if second is Relation.EQUAL:
        return first
    return _TABLE.get((first, second))


def compose_chain(relations: list[Relation]) -> Relation | None:
    """Compose a chain of relations left to right; None as soon as nothing follows."""
    if not relations:
        return None
    acc: Relation | None = relations[0]
    if acc is Relation.NOT_RELATED:
        return None
    for rel in relations[1:]:
        if acc is None:
            return None
        acc = compose(acc, rel)
    return acc


def implies(derived: Relation, actual: Relation) -> bool:
    """True when a derived relation's claim holds given the actual relation of the two sets."""
    if derived is Relation.INTERSECTS_WITH:
        # A derived intersects only claims overlap (see the module docstring).
        return actual is not Relation.NOT_RELATED
    return derived is actual


def parse_relation(text: str) -> Relation:
    """Read a relation from its file form; raise ValueError listing the known ones."""
    try:
        return Relation(text.strip())
    except ValueError:
        known = ", ".join(r.value for r in Relation)
        raise ValueError(f"unknown relation {text!r}; use one of {known}") from None

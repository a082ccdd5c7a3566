"""The set-relation algebra: inverses, the composition table, and soundness on random set models."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aims_graph.mappings.relations import (
    INVERSE,
    MODIFIER,
    Relation,
    compose,
    compose_chain,
    implies,
    parse_relation,
)
from aims_graph.namespaces import AIMS, SKOS

EQ, SUB, SUP, INT, NOT = (
    Relation.EQUAL,
    Relation.SUBSET_OF,
    Relation.SUPERSET_OF,
    Relation.INTERSECTS_WITH,
    Relation.NOT_RELATED,
)


def true_relation(a: frozenset[int], b: frozenset[int]) -> Relation:
    """The NIST IR 8477 relation of two non-empty sets."""
    if a == b:
        return EQ
    if a < b:
        return SUB
    if a > b:
        return SUP
    if a & b:
        return INT
    return NOT


def test_inverse_is_an_involution() -> None:
    assert INVERSE[SUB] is SUP and INVERSE[SUP] is SUB
    assert INVERSE[EQ] is EQ and INVERSE[INT] is INT and INVERSE[NOT] is NOT
    for r in Relation:
        assert r.inverse.inverse is r


def test_skos_bridge() -> None:
    assert EQ.skos_predicate == str(SKOS.exactMatch)
    assert SUB.skos_predicate == str(SKOS.broadMatch)
    assert SUP.skos_predicate == str(SKOS.narrowMatch)
    assert INT.skos_predicate == str(AIMS.intersects)
    assert NOT.skos_predicate == str(SKOS.relatedMatch) and MODIFIER[NOT] == "Not"
    assert EQ.iri == str(AIMS.equal) and NOT.iri == str(AIMS.notRelated)


# The whole composition table, every one of the 25 cells.
TABLE = {
    (EQ, EQ): EQ,
    (EQ, SUB): SUB,
    (EQ, SUP): SUP,
    (EQ, INT): INT,
    (SUB, EQ): SUB,
    (SUP, EQ): SUP,
    (INT, EQ): INT,
    (SUB, SUB): SUB,
    (SUP, SUP): SUP,
    (SUP, SUB): INT,
    # Overlap-preserving pairs (beyond DESIGN §4; sound, see mappings/relations.py).
    (INT, SUB): INT,
    (SUP, INT): INT,
}


@pytest.mark.parametrize("first", list(Relation))
@pytest.mark.parametrize("second", list(Relation))
def test_composition_table(first: Relation, second: Relation) -> None:
    assert compose(first, second) == TABLE.get((first, second))


def test_never_through_not_related() -> None:
    for r in Relation:
        assert compose(NOT, r) is None and compose(r, NOT) is None
    assert compose_chain([EQ, NOT, EQ]) is None


def test_chain_folds_left() -> None:
    assert compose_chain([SUB, EQ, SUB]) is SUB
    assert compose_chain([SUP, SUP, SUB]) is INT
    assert compose_chain([SUB, SUP]) is None
    assert compose_chain([]) is None


def test_parse_relation() -> None:
    assert parse_relation(" subset-of ") is SUB
    with pytest.raises(ValueError, match="unknown relation 'overlaps'"):
        parse_relation("overlaps")


def test_implies_encodes_the_documented_semantics() -> None:
    # A derived intersects-with claims only overlap; the exact relations claim themselves.
    assert implies(INT, EQ) and implies(INT, SUB) and implies(INT, SUP) and implies(INT, INT)
    assert not implies(INT, NOT)
    assert implies(SUB, SUB) and not implies(SUB, EQ) and not implies(EQ, SUB)


nonempty = st.frozensets(st.integers(0, 5), min_size=1)


@settings(max_examples=400, deadline=None)
@given(nonempty, nonempty, nonempty)
def test_two_hop_derivation_is_sound(
    a: frozenset[int], b: frozenset[int], c: frozenset[int]
) -> None:
    derived = compose(true_relation(a, b), true_relation(b, c))
    assert derived is None or implies(derived, true_relation(a, c))


@settings(max_examples=400, deadline=None)
@given(st.lists(nonempty, min_size=2, max_size=5))
def test_chain_derivation_is_sound(sets: list[frozenset[int]]) -> None:
    rels = [true_relation(x, y) for x, y in itertools.pairwise(sets)]
    derived = compose_chain(rels)
    assert derived is None or implies(derived, true_relation(sets[0], sets[-1]))


def test_the_soundness_check_can_fail() -> None:
    """An unsound table entry (subset∘superset = intersects) has a counterexample."""
    a, b, c = frozenset({1}), frozenset({1, 2}), frozenset({2})
    assert true_relation(a, b) is SUB and true_relation(b, c) is SUP
    assert not implies(INT, true_relation(a, c))
    # and a stated-style intersects (proper overlap) would be unsound for superset∘subset:
    a, b, c = frozenset({1, 2}), frozenset({1}), frozenset({1, 3})
    assert compose(true_relation(a, b), true_relation(b, c)) is INT
    a2, c2 = frozenset({1, 2}), frozenset({1, 2, 3})
    assert true_relation(a2, c2) is SUB  # so "derived intersects" cannot mean proper overlap

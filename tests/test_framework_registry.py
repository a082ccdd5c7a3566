"""Registering framework editions beyond the shipped ones (the benchmarks' synthetic graphs)."""

from __future__ import annotations

import dataclasses

import pytest

from aims_graph.catalog import frameworks
from aims_graph.catalog.frameworks import (
    BY_PREFIX,
    BY_SLUG,
    FRAMEWORKS,
    FrameworkEdition,
    curie_prefix_map,
    edition_rank,
    framework,
    register,
    registered,
    unregister,
)
from aims_graph.catalog.items import Item, ItemIndex, edition_of
from aims_graph.namespaces import item_iri

EXTRA = FrameworkEdition(
    "test-fw-1",
    "A test framework",
    "Test FW",
    "1",
    "standard",
    "Tests",
    "2026-01-01",
    "https://example.org/test-fw",
    "test data",
    ("test-fw", "test-fw-1"),
)


def test_shipped_registry_is_unchanged_by_default() -> None:
    assert list(BY_SLUG) == [f.slug for f in FRAMEWORKS]
    assert [edition_rank(f.slug) for f in FRAMEWORKS] == list(range(len(FRAMEWORKS)))
    assert edition_of(item_iri("test-fw-1", "A.1")) is None
    with pytest.raises(KeyError):
        framework("test-fw")


def test_registered_edition_is_known_to_every_lookup_then_forgotten() -> None:
    iri = item_iri("test-fw-1", "A.1")
    with registered([EXTRA]):
        assert framework("test-fw") is EXTRA and framework("TEST-FW-1") is EXTRA
        assert edition_of(iri) == "test-fw-1"
        assert edition_rank("test-fw-1") == len(FRAMEWORKS)  # after the shipped ones
        assert curie_prefix_map()["test-fw"] == EXTRA.namespace
        index = ItemIndex()
        index.add(Item(iri, "test-fw-1", "A.1", "A.1", "First control", "Control"))
        assert index.resolve("test-fw:A.1").iri == iri and index.get(iri) is not None
        assert index.get(iri).curie == "test-fw:A.1"  # type: ignore[union-attr]
        assert (
            FRAMEWORKS[-1].slug == "nist-sp800-53-r5"
        )  # what the loader builds stays the shipped set
    assert edition_of(iri) is None
    assert "test-fw" not in BY_PREFIX and "test-fw-1" not in BY_SLUG
    assert "test-fw-1" not in frameworks._RANK


def test_registering_twice_is_a_no_op_and_nesting_keeps_outer_editions() -> None:
    with registered([EXTRA]):
        register(EXTRA)
        with registered([EXTRA]):
            pass
        assert framework("test-fw") is EXTRA  # the inner block did not add it, so kept it
    assert "test-fw-1" not in BY_SLUG


@pytest.mark.parametrize(
    "clash",
    [
        dataclasses.replace(EXTRA, slug="iso42001-2023"),  # a shipped slug
        dataclasses.replace(EXTRA, prefixes=("iso42001",)),  # a shipped prefix
        dataclasses.replace(EXTRA, slug="Upper"),  # lookups lowercase what they are given
        dataclasses.replace(EXTRA, prefixes=("a/b",)),  # item IRIs split at '/'
    ],
)
def test_clashes_and_bad_names_are_refused_without_any_change(clash: FrameworkEdition) -> None:
    before = (dict(BY_SLUG), dict(BY_PREFIX))
    with pytest.raises(ValueError):
        register(clash)
    assert (dict(BY_SLUG), dict(BY_PREFIX)) == before


def test_two_new_editions_may_not_share_a_prefix() -> None:
    other = dataclasses.replace(EXTRA, slug="test-fw-2", prefixes=("test-fw",))
    with pytest.raises(ValueError, match="already names"):
        register(EXTRA, other)
    assert "test-fw-1" not in BY_SLUG


def test_shipped_editions_cannot_be_unregistered() -> None:
    with pytest.raises(ValueError):
        unregister("iso42001-2023")
    unregister("no-such-edition")  # unknown ones are ignored
    assert "iso42001-2023" in BY_SLUG

"""Shared fixtures: the real graph built once per test session in an in-memory store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aims_graph.build import loader
from aims_graph.store import OxigraphStore, Store


@pytest.fixture(scope="session")
def built_store() -> Iterator[Store]:
    """The whole graph (vocabulary, catalogs, mapping sets, derived mappings) in memory."""
    store = OxigraphStore()
    loader.build(store)
    yield store
    store.close()

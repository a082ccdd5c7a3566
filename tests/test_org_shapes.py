"""The organisation shapes: each rule is documented, tied to real catalog items, and has samples.

Every rule shape in ontology/shapes/org-*.ttl must have ``tests/data/org/<Shape>.ok.ttl`` (no finding
of that rule) and ``<Shape>.bad.ttl`` (at least one finding of that rule), judged on 2026-11-28 with
the law in force. A new shape without samples fails ``test_every_shape_has_samples``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph

from aims_graph.validation import ValidationContext, load_shapes, shape_info, validate

SAMPLES = Path(__file__).parent / "data" / "org"
AS_OF = date(2026, 11, 28)
INFO = shape_info(load_shapes())
NAMES = sorted(i.name for i in INFO.values())


@pytest.fixture(scope="module")
def ctx() -> ValidationContext:
    return ValidationContext.from_files()


def test_at_least_twenty_rules() -> None:
    assert len(INFO) >= 20


def test_every_shape_has_samples() -> None:
    missing = [
        f"{n}.{kind}.ttl"
        for n in NAMES
        for kind in ("ok", "bad")
        if not (SAMPLES / f"{n}.{kind}.ttl").exists()
    ]
    assert not missing, f"shapes without samples: {missing}"
    orphans = {p.name.split(".")[0] for p in SAMPLES.glob("*.ttl")} - set(NAMES)
    assert not orphans, f"samples for shapes that do not exist: {orphans}"


@pytest.mark.parametrize("name", NAMES)
def test_rule_is_documented_and_tied_to_catalog_items(name: str, ctx: ValidationContext) -> None:
    info = next(i for i in INFO.values() if i.name == name)
    assert info.message and info.fix and info.label
    assert info.enforces, f"{name} names no clause or article"
    for iri in info.enforces:
        assert iri in ctx.items, f"{name} enforces {iri}, which is in no catalog"


@pytest.mark.parametrize("name", NAMES)
def test_conforming_sample(name: str, ctx: ValidationContext) -> None:
    org = Graph().parse(SAMPLES / f"{name}.ok.ttl")
    report = validate(org, as_of=AS_OF, catalogs=ctx)
    assert [f for f in report.findings if f.rule == name] == []


@pytest.mark.parametrize("name", NAMES)
def test_violating_sample(name: str, ctx: ValidationContext) -> None:
    org = Graph().parse(SAMPLES / f"{name}.bad.ttl")
    report = validate(org, as_of=AS_OF, catalogs=ctx)
    found = [f for f in report.findings if f.rule == name]
    assert found, f"{name}.bad.ttl raised no finding of {name}"
    for f in found:
        assert f.message and f.fix and f.enforces

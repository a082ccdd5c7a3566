"""The benchmarks' synthetic graph generator: seeded, real-shaped, and answered alike three ways."""

from __future__ import annotations

from bench.synthetic_bench import questions
from bench.synthetic_frameworks import framework_pairs, generate
from bench.timing import AS_OF

from aims_graph.catalog.frameworks import BY_SLUG
from aims_graph.catalog.items import edition_of
from aims_graph.coverage import CoverageEngine
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.queries import bind, load_catalog


def test_generation_is_deterministic_and_sizes_nest() -> None:
    a, b = generate(5), generate(5)
    assert [s.rows for s in a.sets] == [s.rows for s in b.sets]
    assert a.org.isomorphic(b.org)
    assert framework_pairs(5) == [(i, j) for i in range(5) for j in range(i + 1, 5)]
    # Framework i, and the set between two frameworks, are the same in every graph size.
    big = generate(50)
    assert big.items["synth-003"] == a.items["synth-003"]
    assert {s.set_id: s.rows for s in big.sets}["synth-000--synth-001"] == a.sets[0].rows
    assert len(framework_pairs(200)) == 1000


def test_built_graph_answers_alike_through_engine_and_named_queries() -> None:
    g = generate(5)
    with g.registered():
        store = g.build()
        svc = MappingService.from_store(store)
        assert edition_of(g.leaves("synth-001")[0]) == "synth-001"
        assert len(svc.items.items) == sum(len(v) for v in g.items.values())
        assert sum(1 for e in svc.graph.edges() if e.inverse_of is None) == g.stated
        assert g.materialisation is not None and g.materialisation.derived > 0
        q = questions(g, svc)
        assert q.implemented and q.partial  # the organisation counts at both strengths
        report = CoverageEngine(svc, store).coverage(g.org, q.target, as_of=AS_OF)
        want = {v.item.iri: v.verdict for v in report.items}
        assert {"covered", "partly", "gap"} <= set(want.values())
        catalog = load_catalog()
        args: dict[str, str | list[str]] = {
            "target": q.target,
            "implemented": q.implemented,
            "partial": q.partial,
        }
        text, bindings = bind(catalog["coverage"], args, lambda t: svc.resolve(t).iri)
        got = {r["item"].value: r["verdict"].value for r in store.select(text, bindings)}
        assert got == want
        store.close()
    assert "synth-001" not in BY_SLUG  # the registry is left as it was

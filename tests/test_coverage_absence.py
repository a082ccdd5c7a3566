"""Coverage with no-counterpart records and the strength filter, on a store of our own fixture set.

The store holds the real catalogs and ONE mapping set written here: the example organisation
(examples/northwind.ttl) counts 42001 controls A.2.2, A.2.4 (full), A.4.6 and A.6.2.8 (partial).
- obl-AIA-4-PRV → 42001 A.4.6, strength 0.4: partly covered; a min_strength of 0.6 drops the row,
  leaving a gap.
- obl-AIA-50-5-DEP has a NoTermFound row for 42001: no control reaches it and every framework of
  the organisation's controls (only 42001) records no counterpart, so its status is no-counterpart.
- obl-AIA-4-DEP has neither: a plain gap.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from rdflib import Graph

from aims_graph import resources
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.coverage import VERDICTS, CoverageEngine, CoverageInputError, coverage_rows
from aims_graph.coverage_absence import Absences, control_editions
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.mappings.loading import mapping_sources
from aims_graph.mappings.review import NoCounterpart
from aims_graph.store import OxigraphStore, Store

AS_OF = date(2026, 11, 28)
EU = "https://w3id.org/aims-graph/id/eu-ai-act/"
ISO = "https://w3id.org/aims-graph/id/iso42001-2023/"
SET_ID = "eu-ai-act--iso42001-2023-coverage-fixture"
SRC = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
REASON = "No 42001 item asks for notices to people exposed to AI-generated content."
FIXTURE = f"""#curie_map:
#  eu-ai-act: {EU}
#  iso42001: {ISO}
#  aims: https://w3id.org/aims-graph/ontology#
#  semapv: https://w3id.org/semapv/vocab/
#  skos: http://www.w3.org/2004/02/skos/core#
#  sssom: https://w3id.org/sssom/
#mapping_set_id: https://w3id.org/aims-graph/mappings/{SET_ID}
#mapping_set_title: Coverage fixture
#license: https://creativecommons.org/licenses/by/4.0/
#see_also:
#  - {SRC}
#subject_source: https://w3id.org/aims-graph/id/eu-ai-act
#object_source: https://w3id.org/aims-graph/id/iso42001-2023
subject_id\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tconfidence\tset_relation\tsource_document\tcomment\tstrength
eu-ai-act:obl-AIA-4-PRV\taims:intersects\tiso42001:A.4.6\tHuman resources\tsemapv:ManualMappingCuration\t0.9\tintersects-with\t{SRC}\tA.4.6 Human resources covers staff competence, a small part of AI literacy.\t0.4
eu-ai-act:obl-AIA-50-5-DEP\tskos:relatedMatch\tsssom:NoTermFound\t\tsemapv:ManualMappingCuration\t0.7\tno-relationship\t{SRC}\t{REASON}\t
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("mappings")
    (folder / f"{SET_ID}.sssom.tsv").write_text(FIXTURE, encoding="utf-8")
    s = OxigraphStore()
    loader.build(s, loader.base_sources() + mapping_sources(Settings(), folder))
    yield s
    s.close()


@pytest.fixture(scope="module")
def engine(store: Store) -> CoverageEngine:
    return CoverageEngine(MappingService.from_store(store), store)


@pytest.fixture(scope="module")
def org() -> Graph:
    return Graph().parse(resources.examples_dir() / "northwind.ttl")


def _items(engine: CoverageEngine, org: Graph, **kw: Any) -> dict[str, dict[str, Any]]:
    data = engine.as_dict(engine.coverage(org, "eu-ai-act", as_of=AS_OF, **kw))
    return {i["item"]: i for i in data["items"]} | {"": data}


def test_no_counterpart_record_is_its_own_status_not_a_gap(
    engine: CoverageEngine, org: Graph
) -> None:
    items = _items(engine, org)
    none = items["eu-ai-act:obl-AIA-50-5-DEP"]
    assert none["verdict"] == "no-counterpart"
    assert none["explanation"] == []
    assert none["no_counterpart"] == [
        {"framework": "iso42001-2023", "reason": REASON, "confidence": 0.7, "set": SET_ID}
    ]
    assert items["eu-ai-act:obl-AIA-4-DEP"]["verdict"] == "gap"
    assert items["eu-ai-act:obl-AIA-4-DEP"]["no_counterpart"] == []
    assert items["eu-ai-act:obl-AIA-4-PRV"]["verdict"] == "partly"
    totals = items[""]["totals"]
    assert set(totals) == {"items", *VERDICTS}
    assert totals["no-counterpart"] == 1
    assert totals["items"] == sum(totals[v] for v in VERDICTS)
    assert all(set(s) == {"items", *VERDICTS} for s in items[""]["by_section"].values())


def test_report_rows_say_why_there_is_no_counterpart(engine: CoverageEngine, org: Graph) -> None:
    data = _items(engine, org)[""]
    rows = {r["item"]: r for r in coverage_rows(data)}
    assert rows["eu-ai-act:obl-AIA-50-5-DEP"]["verdict"] == "no-counterpart"
    assert REASON in rows["eu-ai-act:obl-AIA-50-5-DEP"]["by"]
    gaps_only = coverage_rows(data, ("gap",))
    assert "eu-ai-act:obl-AIA-50-5-DEP" not in {r["item"] for r in gaps_only}
    buf = io.StringIO()
    csv.writer(buf).writerows([list(r.values()) for r in rows.values()])
    assert "no counterpart in iso42001-2023" in buf.getvalue()


def test_min_strength_reads_strength_and_min_confidence_reads_confidence(
    engine: CoverageEngine, org: Graph
) -> None:
    literacy = "eu-ai-act:obl-AIA-4-PRV"
    assert _items(engine, org, min_strength=0.4)[literacy]["verdict"] == "partly"
    assert _items(engine, org, min_strength=0.6)[literacy]["verdict"] == "gap"
    # the row's confidence is 0.9: a confidence threshold below it keeps it whatever its strength
    assert _items(engine, org, min_confidence=0.9)[literacy]["verdict"] == "partly"
    assert _items(engine, org, min_confidence=0.95)[literacy]["verdict"] == "gap"
    assert _items(engine, org, min_strength=0.6)[""]["min_strength"] == 0.6
    with pytest.raises(CoverageInputError, match=r"min strength 1\.5 is outside 0\.\.1"):
        engine.coverage(org, "eu-ai-act", as_of=AS_OF, min_strength=1.5)


def _record(item: str, edition: str) -> NoCounterpart:
    return NoCounterpart("n", item, edition, "why", 0.7, "j", "s")


def test_only_a_record_for_every_framework_of_the_controls_counts() -> None:
    scheme = "https://w3id.org/aims-graph/id/"
    absences = Absences(
        [_record("x", scheme + "iso42001-2023"), _record("y", scheme + "iso27001-2022")]
    )
    assert [r.item for r in absences.explaining("x", {"iso42001-2023"})] == ["x"]
    assert absences.explaining("x", {"iso42001-2023", "iso27001-2022"}) == []
    assert absences.explaining("x", set()) == []  # an organisation without controls: a gap
    assert absences.explaining("z", {"iso42001-2023"}) == []
    controls = [ISO + "A.2.2", EU + "obl-AIA-4-PRV", "https://example.org/own"]
    assert control_editions(controls, "eu-ai-act") == {"iso42001-2023"}


def test_crosswalk_never_shows_the_no_counterpart_record(engine: CoverageEngine) -> None:
    rows = engine.mappings.crosswalk(EU + "obl-AIA-50-5-DEP", None, derived=True)
    assert rows == []


def test_cli_table_has_a_no_counterpart_column(
    engine: CoverageEngine, org: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    from aims_graph.cli import validate

    data = engine.as_dict(engine.coverage(org, "eu-ai-act", as_of=AS_OF))
    validate.out.width = 200
    validate._print_coverage(data)
    text = capsys.readouterr().out
    assert "no-counterpart" in text
    assert "none in iso42001-2023" in text

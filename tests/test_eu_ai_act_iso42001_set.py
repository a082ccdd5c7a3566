"""The reviewed EU AI Act -> ISO/IEC 42001 set: every duty has a row, every row says why (issue 16)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from aims_graph import resources
from aims_graph.mappings.sssom_io import MappingSetFile, read_sssom

SET = resources.mappings_dir() / "eu-ai-act--iso42001-2023.sssom.tsv"
LOG = resources.mappings_dir() / "review" / "eu-ai-act--iso42001-2023.review-2026-12.tsv"
OBL = "https://w3id.org/aims-graph/id/eu-ai-act/obl-"
ISO = "https://w3id.org/aims-graph/id/iso42001-2023/"


@pytest.fixture(scope="module")
def msf() -> MappingSetFile:
    return read_sssom(SET)


def _obligations() -> list[str]:
    path = resources.catalog_sources_dir() / "eu-ai-act-obligations.tsv"
    with path.open(encoding="utf-8") as handle:
        return [r["id"] for r in csv.DictReader(handle, delimiter="\t")]


def test_every_obligation_has_a_mapping_or_a_no_counterpart_record(msf: MappingSetFile) -> None:
    covered = {r.subject.removeprefix(OBL) for r in msf.rows}
    recorded = {r.item.removeprefix(OBL) for r in msf.no_counterparts}
    missing = [o for o in _obligations() if o not in covered | recorded]
    assert not missing, f"obligations with no row in {SET.name}: {missing}"
    # A record means "nothing fits"; it must not sit beside a mapping for the same duty.
    assert not covered & recorded


def test_every_comment_names_what_in_the_target_carries_the_duty(msf: MappingSetFile) -> None:
    vague = []
    for r in msf.rows:
        notation = r.object.removeprefix(ISO)
        # The item's notation as a word of its own: "A.8.5" must not match inside "A.8.5.1".
        named = re.search(rf"(?<![\w.]){re.escape(notation)}(?![\w]|\.\d)", r.comment)
        article = re.search(r"Art\. \d+", r.comment)
        if not (named and article) or len(r.comment) < 80:
            vague.append(f"line {r.line}: {r.comment[:60]!r}")
    assert not vague, f"comments that do not name the target and the article: {vague}"


def test_no_counterpart_records_give_a_reason_and_grades_keep_their_scales(
    msf: MappingSetFile,
) -> None:
    assert all(len(r.comment) >= 80 and "42001" in r.comment for r in msf.no_counterparts)
    assert {r.review.strength for r in msf.rows} <= {0.4, 0.6, 0.8}
    certainty = {r.confidence for r in msf.rows} | {r.confidence for r in msf.no_counterparts}
    assert certainty <= {0.5, 0.7, 0.9}
    assert all(
        r.review.reviewer_ids == ("https://w3id.org/aims-graph/review-2026-12",) for r in msf.rows
    )


def test_review_log_accounts_for_every_row_of_the_set(msf: MappingSetFile) -> None:
    with Path(LOG).open(encoding="utf-8") as handle:
        log = list(csv.DictReader(handle, delimiter="\t"))
    after = sorted((r["subject_id"], r["object_after"]) for r in log if r["object_after"])
    now = sorted(
        [(r.subject.removeprefix(OBL), r.object.removeprefix(ISO)) for r in msf.rows]
        + [(r.item.removeprefix(OBL), "sssom:NoTermFound") for r in msf.no_counterparts]
    )
    assert after == now
    before = [r for r in log if r["object_before"]]
    assert len(before) == 355  # the set's size before the December 2026 review

"""Every curated row justifies itself by naming what in the target carries the duty (issue 16).

For each row of the curated sets that is a mapping, the comment must
- name the object: its notation (``A.6.2.6``; NIST ``GOVERN 1.1`` or ``GOVERN-1.1``), its title, or
  for an EU AI Act obligation its provision (``Art. 10(2)`` / ``Article 10(2)``);
- not be the formula that pastes the subject's title in brackets, e.g. "(Ensure AI literacy)";
- be at least 60 characters: a reason, not a label.
A ``sssom:NoTermFound`` row must give its reason (at least 40 characters). Every row records its
review (reviewer_id and mapping_date).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from aims_graph import resources
from aims_graph.catalog.items import Item
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.mappings.sssom_io import MappingSetFile, read_sssom
from aims_graph.namespaces import AIMS
from aims_graph.store import Store

# Every curated set has been reviewed (issue 16): each must pass.
CURATED = (
    "eu-ai-act--iso42001-2023",
    "eu-ai-act--nist-ai-rmf-1.0",
    "iso42001-2023--iso27001-2022-annex-a",
    "iso42001-2023--iso27001-2022-clauses",
    "iso42001-2023--iso27701-2025-clauses",
    "iso27701-2025--eu-ai-act",
    "iso27001-2022--iso27701-2025-clauses",
)
MIN_COMMENT = 60
MIN_REASON = 40


@cache
def _set(set_id: str) -> MappingSetFile:
    return read_sssom(resources.mappings_dir() / f"{set_id}.sssom.tsv")


@pytest.fixture(scope="module")
def items(built_store: Store) -> dict[str, Item]:
    return dict(MappingService.from_store(built_store).items.items)


@pytest.fixture(scope="module")
def provisions(built_store: Store) -> dict[str, str]:
    rows = built_store.select(f"SELECT ?o ?ref WHERE {{ ?o <{AIMS.provisionReference}> ?ref }}")
    return {r["o"].value: r["ref"].value for r in rows}


def names_of(item: Item, provision: str | None) -> list[str]:
    """The ways a comment may name an item (distinct, in order)."""
    names = [item.notation, item.notation.replace("-", " "), item.notation.replace(" ", "-")]
    if item.label:
        names.append(item.label)
    for ref in (provision, item.notation):
        if ref and ref.startswith("Article "):
            short = ref.replace("Article ", "Art. ")
            names += [ref, short, short.replace("Art. ", "Art ")]
    return list(dict.fromkeys(n for n in names if n))


def mentions(comment: str, name: str) -> bool:
    """Whole-token, case-insensitive: '4.1' is not named by '14.1' or '4.1.2'."""
    pattern = rf"(?<![\w.]){re.escape(name)}(?!\w|\.\d)"
    return re.search(pattern, comment, re.IGNORECASE) is not None


def problems(msf: MappingSetFile, items: dict[str, Item], provisions: dict[str, str]) -> list[str]:
    """What is wrong with each row's justification, one line per problem."""
    out: list[str] = []
    for r in msf.rows:
        where = f"line {r.line} {r.subject_id} -> {r.object_id}"
        comment = r.comment
        obj = items.get(r.object)
        if obj is None:
            out.append(f"{where}: object is in no catalog")
            continue
        names = names_of(obj, provisions.get(r.object))
        if not any(mentions(comment, n) for n in names):
            out.append(f"{where}: comment names none of {names[:3]} (what carries the duty?)")
        subject = items.get(r.subject)
        label = subject.label if subject is not None else r.subject_label
        if label and f"({label.lower()})" in comment.lower():
            out.append(f"{where}: comment pastes the subject's title in brackets")
        if len(comment) < MIN_COMMENT:
            out.append(f"{where}: comment has {len(comment)} characters (< {MIN_COMMENT})")
    for a in msf.no_counterparts:
        if len(a.comment) < MIN_REASON:
            out.append(f"line {a.line} {a.item_id}: NoTermFound reason under {MIN_REASON} chars")
    return out


@pytest.mark.parametrize("set_id", CURATED)
def test_every_curated_row_names_what_in_the_target_carries_the_duty(
    set_id: str, items: dict[str, Item], provisions: dict[str, str]
) -> None:
    found = problems(_set(set_id), items, provisions)
    assert found == [], f"{set_id}: {len(found)} problem(s):\n" + "\n".join(found[:40])


@pytest.mark.parametrize("set_id", CURATED)
def test_every_curated_row_records_its_review(set_id: str) -> None:
    msf = _set(set_id)
    rows = [(r.line, r.review) for r in msf.rows] + [
        (a.line, a.review) for a in msf.no_counterparts
    ]
    missing = [line for line, rev in rows if not rev.reviewer_ids or not rev.mapping_date]
    assert missing == [], f"{set_id}: rows without reviewer_id or mapping_date: {missing[:20]}"


# ---- the check itself can fail (not under review: these always run) ---------------------------


def _item(notation: str, label: str) -> Item:
    return Item("https://x/o", "x", notation, notation, label, "Control")


def test_the_check_catches_each_kind_of_bad_comment(tmp_path: Path) -> None:
    iso = "https://w3id.org/aims-graph/id/iso42001-2023/"
    eu = "https://w3id.org/aims-graph/id/eu-ai-act/"
    header = (
        f"#curie_map:\n#  iso42001: {iso}\n#  eu-ai-act: {eu}\n"
        "#  aims: https://w3id.org/aims-graph/ontology#\n#  semapv: https://w3id.org/semapv/vocab/\n"
        "#mapping_set_id: https://w3id.org/aims-graph/mappings/t\n#mapping_set_title: t\n"
        "#license: https://creativecommons.org/licenses/by/4.0/\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tset_relation\tcomment\n"
    )
    good = "A.6.2.6 has the provider monitor the system in operation, which carries this duty."
    rows = [
        f"eu-ai-act:a\taims:intersects\tiso42001:A.6.2.6\tsemapv:ManualMappingCuration\t0.9\t"
        f"intersects-with\t{good}",
        "eu-ai-act:b\taims:intersects\tiso42001:A.6.2.6\tsemapv:ManualMappingCuration\t0.9\t"
        "intersects-with\tA.6.2.6 is short.",
        "eu-ai-act:c\taims:intersects\tiso42001:A.6.2.6\tsemapv:ManualMappingCuration\t0.9\t"
        "intersects-with\tMonitoring in operation helps with the Art. 72 duty (Keep records) a lot.",
        "eu-ai-act:a\taims:intersects\tiso42001:8.1\tsemapv:ManualMappingCuration\t0.9\t"
        "intersects-with\tA.6.2.6 operation monitoring is named but the object is another item.",
    ]
    path = tmp_path / "t.sssom.tsv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    msf = read_sssom(path)
    items = {
        iso + "A.6.2.6": _item("A.6.2.6", "AI system operation and monitoring"),
        iso + "8.1": _item("8.1", "Operational planning and control"),
        eu + "a": _item("AIA-a", "Monitor"),
        eu + "b": _item("AIA-b", "Short"),
        eu + "c": _item("AIA-c", "Keep records"),
    }
    found = problems(msf, items, {})
    assert not any(p.startswith("line 10 ") for p in found), found
    assert any(p.startswith("line 11 ") and "characters" in p for p in found), found
    assert any(p.startswith("line 12 ") and "names none" in p for p in found), found
    assert any(p.startswith("line 12 ") and "brackets" in p for p in found), found
    assert any(p.startswith("line 13 ") and "names none" in p for p in found), found


def test_names_include_nist_and_article_forms() -> None:
    nist = _item("GOVERN 1.1", "Legal and regulatory requirements understood")
    assert mentions("GOVERN-1.1 has legal duties understood", "GOVERN-1.1")
    assert "GOVERN-1.1" in names_of(nist, None)
    obligation = _item("AIA-10-2-PRV", "Apply data governance")
    assert "Art. 10(2)" in names_of(obligation, "Article 10(2)")
    assert "Art. 27(4)" in names_of(_item("Article 27(4)", "FRIA notification"), None)
    assert mentions("as Art. 10(2)(f) asks", "Art. 10(2)")
    assert not mentions("clause 14.1 asks", "4.1") and not mentions("see 4.1.2", "4.1")
    assert mentions("clause 4.1.", "4.1")

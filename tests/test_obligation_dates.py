"""Every EU AI Act obligation's applicability records follow from its pathway (issue 16).

The rule table below states, for each kind of duty, the records it must have: scope, status, date
and legal basis, under the 2024 text (original) and as amended by Regulation (EU) 2026/1744.
- High-risk duties: Annex III systems 2026-08-02 (Art. 113, second paragraph) → 2027-12-02;
  Annex I products 2027-08-02 (Art. 113(c)) → 2028-08-02; a duty on one pathway has only its
  records, a duty on both has all four. Every deferral cites one legal basis, written one way.
- Registration (Art. 49, and the duties pointing to it: 16(i), 22(3)(e), 26(8)) concerns Annex III
  systems only (Art. 49(1) to (3)).
- Real-world testing outside sandboxes (Arts. 60-61) is Annex III only and not deferred, except
  60(7), whose incident reports go through Art. 73 and so cannot apply before Art. 73 does.
- Prohibitions 2025-02-02 (Art. 113(a)); the two added by the amending act 2026-12-02; GPAI duties
  2025-08-02 (Art. 113(b)) with legacy models 2027-08-02 (Art. 111(3)); Art. 50, Art. 79(4) and
  Chapter IX Section 5 on the general date 2026-08-02; Art. 4 2025-02-02 in both versions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

import pytest

from aims_graph.namespaces import AIMS
from aims_graph.store import Store

EU: Final = "https://w3id.org/aims-graph/id/eu-ai-act/"
REG_2024: Final = "Regulation (EU) 2024/1689"
GENERAL: Final = f"Art. 113, second paragraph, {REG_2024}"
ANNEX_I_2024: Final = f"Art. 113(c) {REG_2024}"
DEFERRAL: Final = "Art. 113 as amended by Regulation (EU) 2026/1744"
LEGACY_GPAI: Final = "legacy models (placed on the market before 2025-08-02)"
LEGACY_50_2: Final = "legacy systems (placed on the market before 2026-08-02)"

Record = tuple[str, str, str, str]  # status, scope, applies from, legal basis

ANNEX_III: Final[frozenset[Record]] = frozenset(
    {
        ("Original", "Annex III systems", "2026-08-02", GENERAL),
        ("Amended", "Annex III systems", "2027-12-02", DEFERRAL),
    }
)
ANNEX_I: Final[frozenset[Record]] = frozenset(
    {
        ("Original", "Annex I products", "2027-08-02", ANNEX_I_2024),
        ("Amended", "Annex I products", "2028-08-02", DEFERRAL),
    }
)
TESTING: Final[frozenset[Record]] = frozenset(
    {("Original", "Annex III systems", "2026-08-02", GENERAL)}
)
ON_GENERAL_DATE: Final[frozenset[Record]] = frozenset({("Original", "all", "2026-08-02", GENERAL)})
PROHIBITION: Final[frozenset[Record]] = frozenset(
    {("Original", "all", "2025-02-02", f"Art. 113(a) {REG_2024}")}
)
ADDED_PROHIBITION: Final[frozenset[Record]] = frozenset(
    {
        (
            "Amended",
            "all",
            "2026-12-02",
            "Art. 5(1)(ba)/(bb) inserted by Art. 1(7) Regulation (EU) 2026/1744",
        )
    }
)
GPAI: Final[frozenset[Record]] = frozenset(
    {
        ("Original", "all", "2025-08-02", f"Art. 113(b) {REG_2024}"),
        ("Original", LEGACY_GPAI, "2027-08-02", f"Art. 111(3) {REG_2024}"),
    }
)
LITERACY: Final[frozenset[Record]] = PROHIBITION | {
    ("Amended", "all", "2025-02-02", "Art. 4 as amended by Art. 1(5) Regulation (EU) 2026/1744")
}
MARKING: Final[frozenset[Record]] = ON_GENERAL_DATE | {
    ("Original", LEGACY_50_2, "2026-08-02", GENERAL),
    ("Amended", LEGACY_50_2, "2026-12-02", "Art. 111(4) inserted by Regulation (EU) 2026/1744"),
}

#: Duties whose records are not those of their tier and pathway, by the article that says so.
EXCEPTIONS: Final[dict[str, frozenset[Record]]] = {
    "AIA-4-PRV": LITERACY,
    "AIA-4-DEP": LITERACY,
    "AIA-50-2-PRV": MARKING,
    "AIA-60-4-PRV": TESTING,
    "AIA-60-8-PRV": TESTING,
    "AIA-61-1-PRV": TESTING,
    "AIA-91-5-GPAI": ON_GENERAL_DATE,  # Chapter IX Section 5: general date (Art. 113)
    "AIA-92-5-GPAI": ON_GENERAL_DATE,
    "AIA-93-1-GPAI": ON_GENERAL_DATE,
    **{f"AIA-5-1{p}-{a}": ADDED_PROHIBITION for p in ("ba", "bb") for a in ("PRV", "DEP")},
}
#: Registration in the EU database concerns Annex III systems (Art. 49(1)-(3)).
REGISTRATION: Final = ("AIA-16-i-PRV", "AIA-22-3e-AR", "AIA-26-8-DEP", "AIA-49-")
#: Duties to report through Art. 73, and the Art. 73 duty whose date they cannot precede.
REPORTS_VIA_73: Final = {"AIA-60-7-PRV": "AIA-73-1-PRV"}

_QUERY: Final = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?id ?tier ?pathway ?status ?scope ?applies ?basis WHERE {{
  ?o a aims:Obligation ; skos:notation ?id ; aims:riskTier ?tier ; aims:applicability ?r .
  OPTIONAL {{ ?o aims:highRiskPathway ?pathway }}
  ?r aims:applicabilityStatus ?status ; aims:scope ?scope ; aims:appliesFrom ?applies ;
     aims:legalBasis ?basis .
}}
"""


def expected(notation: str, tier: str, pathways: set[str]) -> frozenset[Record]:
    """The records the rule table gives a duty."""
    if notation in EXCEPTIONS:
        return EXCEPTIONS[notation]
    if tier == "high-risk":
        if pathways == {"annex-III"}:
            return ANNEX_III
        if pathways == {"annex-I"}:
            return ANNEX_I
        return ANNEX_III | ANNEX_I
    return {
        "prohibited": PROHIBITION,
        "gpai": GPAI,
        "gpai-systemic": GPAI,
        "transparency": ON_GENERAL_DATE,
        "any": ON_GENERAL_DATE,
    }[tier]


@pytest.fixture(scope="module")
def obligations(built_store: Store) -> dict[str, tuple[str, set[str], set[Record]]]:
    out: dict[str, tuple[str, set[str], set[Record]]] = {}
    paths: dict[str, set[str]] = defaultdict(set)
    for row in built_store.select(_QUERY):
        notation = row["id"].value
        tier = row["tier"].value.removeprefix(f"{EU}tier-")
        if "pathway" in row:
            paths[notation].add(row["pathway"].value.removeprefix(f"{EU}pathway-"))
        rec = (
            row["status"].value.rsplit("#", 1)[-1],
            row["scope"].value,
            row["applies"].value,
            row["basis"].value,
        )
        out.setdefault(notation, (tier, paths[notation], set()))[2].add(rec)
    return out


def test_every_obligation_is_checked(
    obligations: dict[str, tuple[str, set[str], set[Record]]],
) -> None:
    assert len(obligations) == 180
    assert set(EXCEPTIONS) | set(REPORTS_VIA_73) <= set(obligations)


def test_every_obligation_has_the_dates_of_its_pathway(
    obligations: dict[str, tuple[str, set[str], set[Record]]],
) -> None:
    wrong = {}
    for notation, (tier, pathways, records) in sorted(obligations.items()):
        if notation in REPORTS_VIA_73:
            continue  # checked against Art. 73 below
        want = expected(notation, tier, pathways)
        if records != want:
            wrong[notation] = {"extra": sorted(records - want), "missing": sorted(want - records)}
    assert wrong == {}


def test_registration_duties_concern_annex_iii_systems_only(
    obligations: dict[str, tuple[str, set[str], set[Record]]],
) -> None:
    found = [n for n in obligations if n.startswith(REGISTRATION)]
    assert len(found) >= 9
    for notation in found:
        _, pathways, records = obligations[notation]
        assert pathways == {"annex-III"}, notation
        assert {scope for _, scope, _, _ in records} == {"Annex III systems"}, notation


def test_the_deferral_cites_one_legal_basis(
    obligations: dict[str, tuple[str, set[str], set[Record]]],
) -> None:
    bases = {
        basis
        for _, _, records in obligations.values()
        for status, scope, day, basis in records
        if status == "Amended" and day in ("2027-12-02", "2028-08-02")
    }
    assert bases == {DEFERRAL}


def effective(records: set[Record]) -> dict[tuple[str, str], str]:
    """Start date per (law version, scope): under the amended law an unamended record holds."""
    out: dict[tuple[str, str], str] = {}
    for status, scope, day, _ in records:
        if status == "Original":
            out[("Original", scope)] = day
            out.setdefault(("Amended", scope), day)
    for status, scope, day, _ in records:
        if status == "Amended":
            out[("Amended", scope)] = day
    return out


def test_reports_through_art_73_do_not_apply_before_art_73(
    obligations: dict[str, tuple[str, set[str], set[Record]]],
) -> None:
    for duty, reporting in REPORTS_VIA_73.items():
        mine = effective(obligations[duty][2])
        art73 = effective(obligations[reporting][2])
        assert mine, duty
        for key, day in mine.items():
            assert key in art73, (duty, key)
            assert day >= art73[key], (duty, key, day, art73[key])


def test_effective_dates_keep_an_unamended_record_under_the_amended_law() -> None:
    records = {("Original", "Annex III systems", "2026-08-02", GENERAL)}
    assert effective(records) == {
        ("Original", "Annex III systems"): "2026-08-02",
        ("Amended", "Annex III systems"): "2026-08-02",
    }
    assert effective(set(ANNEX_III))[("Amended", "Annex III systems")] == "2027-12-02"


def test_the_rule_table_rejects_annex_i_dates_on_a_registration_duty() -> None:
    wrong = ANNEX_III | ANNEX_I
    assert expected("AIA-49-1-PRV", "high-risk", {"annex-III"}) != wrong
    assert expected("AIA-9-1-PRV", "high-risk", set()) == wrong

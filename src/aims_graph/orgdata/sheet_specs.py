"""The columns of every import sheet, documented for templates, checks and error messages.

docs/org-model.md is the contract; tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rdflib import URIRef

from aims_graph.orgdata.model import (
    ACTORS,
    ASSESSMENT_TYPES,
    EVIDENCE_KINDS,
    INCIDENT_KINDS,
    LIFECYCLE_STAGES,
    PATHWAYS,
    RISK_TIERS,
    STATUSES,
    TREATMENT_OPTIONS,
)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet, documented for templates and error messages."""

    name: str
    required: bool
    meaning: str
    allowed: str
    example: str


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One kind of sheet: its name, what a row is, and its columns."""

    kind: str
    row_is: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        """The column with this name, if the sheet has it."""
        return next((c for c in self.columns if c.name == name), None)


def _names(table: dict[str, URIRef] | tuple[str, ...]) -> str:
    return ", ".join(table)


_LIST = "several values separated by ';'"
SHEETS: Final[dict[str, SheetSpec]] = {
    s.kind: s
    for s in (
        SheetSpec(
            "organisation",
            "the organisation (one row)",
            (
                Column("name", True, "Organisation name", "text", "Northwind Lending B.V."),
                Column(
                    "ai_act_roles",
                    False,
                    "AI Act roles held (roles of the systems are added automatically)",
                    f"{_names(ACTORS)}; {_LIST}",
                    "provider; deployer",
                ),
                Column(
                    "frameworks",
                    False,
                    "Frameworks the organisation claims to conform to",
                    f"edition slug or CURIE prefix, e.g. iso42001, iso27001-2022; {_LIST}",
                    "iso42001",
                ),
                Column("description", False, "Free text", "text", "Consumer lender, 900 staff"),
            ),
        ),
        SheetSpec(
            "soa",
            "one control of the statement of applicability",
            (
                Column(
                    "control",
                    True,
                    "The control decided on",
                    "CURIE (iso42001:A.6.2.4) or, with 'framework', the control's notation",
                    "iso42001:A.6.2.4",
                ),
                Column(
                    "framework",
                    False,
                    "Framework of 'control' when it is a bare notation",
                    "edition slug or CURIE prefix",
                    "iso42001",
                ),
                Column(
                    "applicable",
                    True,
                    "Is the control included (yes) or excluded (no)",
                    "yes, no, true, false",
                    "yes",
                ),
                Column(
                    "justification",
                    False,
                    "Why the control is included or excluded (needed for every control)",
                    "text",
                    "Models are validated before each release.",
                ),
                Column("status", False, "How far it is in place", _names(STATUSES), "implemented"),
                Column("owner", False, "Accountable person or team", "text", "Head of Model Risk"),
                Column(
                    "evidence", False, "Evidence ids (evidence register)", _LIST, "EV-03; EV-04"
                ),
                Column(
                    "systems",
                    False,
                    "System ids it is scoped to (empty = whole organisation)",
                    _LIST,
                    "credit-score",
                ),
                Column("notes", False, "Free text", "text", ""),
            ),
        ),
        SheetSpec(
            "systems",
            "one AI system of the inventory",
            (
                Column("id", True, "Stable system id", "letters, digits, . - _", "credit-score"),
                Column("name", True, "System name", "text", "Northwind Credit Score"),
                Column(
                    "purpose", False, "Intended purpose, one sentence", "text", "Scores applicants"
                ),
                Column(
                    "role",
                    False,
                    "The organisation's AI Act role for this system",
                    f"{_names(ACTORS)}; {_LIST}",
                    "provider; deployer",
                ),
                Column(
                    "risk_tier",
                    False,
                    "AI Act risk tier(s)",
                    f"{_names(RISK_TIERS)}; {_LIST}",
                    "high-risk",
                ),
                Column(
                    "annex_iii_use_case",
                    False,
                    "Annex III use case(s)",
                    f"annex-III-5-b or 'Annex III, point 5(b)'; {_LIST}",
                    "annex-III-5-b",
                ),
                Column(
                    "high_risk_pathway",
                    False,
                    "Route into high-risk (annex-iii is implied by a use case)",
                    _names(PATHWAYS),
                    "annex-iii",
                ),
                Column(
                    "lifecycle_stage",
                    False,
                    "Current lifecycle stage",
                    _names(LIFECYCLE_STAGES),
                    "operation-monitoring",
                ),
                Column("owner", False, "Accountable person or team", "text", "Head of Credit Risk"),
                Column(
                    "gpai_model",
                    False,
                    "General-purpose AI model it is built on",
                    "text (empty = none)",
                    "",
                ),
                Column(
                    "placed_on_market",
                    False,
                    "Day first placed on the market or put into service",
                    "date YYYY-MM-DD",
                    "2025-03-03",
                ),
                Column("notes", False, "Free text", "text", ""),
            ),
        ),
        SheetSpec(
            "evidence",
            "one item of the evidence register",
            (
                Column("id", True, "Stable evidence id", "letters, digits, . - _", "EV-07"),
                Column("title", True, "What the record is", "text", "Scoring event log design"),
                Column("kind", True, "Sort of record", _names(EVIDENCE_KINDS), "logging"),
                Column(
                    "supports",
                    False,
                    "Requirements it is offered against",
                    f"CURIEs of controls, articles, obligations; {_LIST}",
                    "iso42001:A.6.2.8; eu-ai-act:art-12",
                ),
                Column("systems", False, "System ids it concerns", _LIST, "credit-score"),
                Column("date", True, "Produced or last reviewed", "date YYYY-MM-DD", "2025-06-30"),
                Column(
                    "valid_until",
                    False,
                    "Last day it may be relied on (empty = no expiry)",
                    "date YYYY-MM-DD",
                    "2026-06-30",
                ),
                Column(
                    "link",
                    False,
                    "Where it is kept",
                    "http(s)://, file: or urn: address",
                    "https://docs.example.com/ev-07",
                ),
                Column("owner", False, "Keeper", "text", "ML Platform team"),
            ),
        ),
        SheetSpec(
            "risks",
            "one AI risk and its treatment",
            (
                Column("id", True, "Stable risk id", "letters, digits, . - _", "R-01"),
                Column("title", True, "The risk", "text", "Bias against thin-file applicants"),
                Column("systems", False, "System ids it concerns", _LIST, "credit-score"),
                Column("level", False, "Level on the organisation's scale", "text", "high"),
                Column("owner", False, "Risk owner", "text", "Head of Credit Risk"),
                Column(
                    "assessment", False, "Id of the risk assessment that found it", "id", "RA-2026"
                ),
                Column("treatment", False, "Treatment option", _names(TREATMENT_OPTIONS), "modify"),
                Column(
                    "treatment_controls",
                    False,
                    "Controls chosen to treat it",
                    f"control CURIEs; {_LIST}",
                    "iso42001:A.7.4",
                ),
                Column(
                    "treatment_status",
                    False,
                    "How far the treatment is in place",
                    _names(STATUSES),
                    "implemented",
                ),
            ),
        ),
        SheetSpec(
            "assessments",
            "one risk or impact assessment, FRIA, internal audit or management review",
            (
                Column("id", True, "Stable id", "letters, digits, . - _", "RA-2026"),
                Column("type", True, "What it is", _names(tuple(ASSESSMENT_TYPES)), "fria"),
                Column("title", True, "Title", "text", "AI risk assessment 2026"),
                Column("systems", False, "System ids it covers", _LIST, "credit-score"),
                Column("date", True, "Completed or held on", "date YYYY-MM-DD", "2026-02-10"),
                Column("owner", False, "Accountable person or team", "text", "CRO"),
                Column("evidence", False, "Evidence ids (its report)", _LIST, "EV-20"),
                Column("notes", False, "Free text", "text", ""),
            ),
        ),
        SheetSpec(
            "incidents",
            "one AI incident",
            (
                Column("id", True, "Stable incident id", "letters, digits, . - _", "INC-1"),
                Column("title", True, "What happened", "text", "Chatbot gave wrong APR"),
                Column("systems", False, "System ids involved", _LIST, "chatbot"),
                Column("occurred_on", True, "When it happened", "date YYYY-MM-DD", "2026-05-02"),
                Column(
                    "detected_on",
                    False,
                    "When the organisation became aware",
                    "date YYYY-MM-DD",
                    "2026-05-03",
                ),
                Column(
                    "reported_on",
                    False,
                    "When reported to the authority",
                    "date YYYY-MM-DD",
                    "",
                ),
                Column(
                    "serious",
                    True,
                    "A serious incident under AI Act Art. 3(49)",
                    "yes, no, true, false",
                    "no",
                ),
                Column("kind", False, "Art. 73 class when serious", _names(INCIDENT_KINDS), ""),
                Column("notes", False, "Free text", "text", ""),
            ),
        ),
    )
}

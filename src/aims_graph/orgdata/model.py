"""The organisation data model in code: IRIs and the short names sheets use for terms.

The columns of every sheet are in :mod:`aims_graph.orgdata.sheet_specs`.

docs/org-model.md is the contract; this module is its executable form, and tests check the two agree
with ontology/aims.ttl.
"""

from __future__ import annotations

import re
from typing import Final

from rdflib import RDF, RDFS, URIRef

from aims_graph.namespaces import AIMS, BASE, item_iri

ORG_BASE: Final = BASE + "org/"
LOCAL_ID: Final = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$")


def org_graph_iri(org_id: str) -> str:
    """The named graph holding one organisation's data."""
    return f"{BASE}graph/org/{org_id}"


def org_shapes_graph_iri(org_id: str) -> str:
    """The named graph holding one organisation's own SHACL policy shapes."""
    # Ids have no '/', so no organisation's data graph can be named like this.
    return f"{org_graph_iri(org_id)}/shapes"


def org_framework_graph_iri(org_id: str, name: str) -> str:
    """The named graph holding one of an organisation's own framework editions."""
    return f"{org_graph_iri(org_id)}/framework/{name}"


def org_mappings_graph_iri(org_id: str, name: str) -> str:
    """The named graph holding one of an organisation's own mapping sets."""
    return f"{org_graph_iri(org_id)}/mappings/{name}"


def org_catalog_graphs_prefix(org_id: str) -> tuple[str, str]:
    """The IRI prefixes of an organisation's framework graphs and of its mapping-set graphs."""
    return f"{org_graph_iri(org_id)}/framework/", f"{org_graph_iri(org_id)}/mappings/"


def record_iri(org_id: str, kind: str, local_id: str) -> URIRef:
    """IRI of one record of an organisation, e.g. ``…/org/northwind/system/credit-score``."""
    return URIRef(f"{ORG_BASE}{org_id}/{kind}/{local_id}")


def organisation_iri(org_id: str) -> URIRef:
    """IRI of the organisation node itself."""
    return record_iri(org_id, "organisation", org_id)


def valid_local_id(text: str) -> bool:
    """True when ``text`` may be an org id or a record's local id."""
    return bool(LOCAL_ID.match(text))


def _terms(*lines: str) -> list[str]:
    return " ".join(lines).split()


def _eu(ref: str) -> URIRef:
    return URIRef(item_iri("eu-ai-act", ref))


ACTORS: Final[dict[str, URIRef]] = {
    name: _eu(f"actor-{name}")
    for name in (
        "provider",
        "deployer",
        "importer",
        "distributor",
        "authorised-representative",
        "gpai-provider",
        "gpai-systemic-provider",
        "product-manufacturer",
    )
}
RISK_TIERS: Final[dict[str, URIRef]] = {
    "prohibited": _eu("tier-prohibited"),
    "high-risk": _eu("tier-high-risk"),
    "transparency": _eu("tier-transparency"),
    "gpai": _eu("tier-gpai"),
    "gpai-systemic": _eu("tier-gpai-systemic"),
    # A minimal-risk system carries only the cross-cutting duties, i.e. those of tier-any.
    "minimal": _eu("tier-any"),
}
PATHWAYS: Final[dict[str, URIRef]] = {
    "annex-i": _eu("pathway-annex-I"),
    "annex-iii": _eu("pathway-annex-III"),
}
LIFECYCLE_STAGES: Final[dict[str, URIRef]] = {
    "inception": AIMS.StageInception,
    "design-development": AIMS.StageDesignDevelopment,
    "verification-validation": AIMS.StageVerificationValidation,
    "deployment": AIMS.StageDeployment,
    "operation-monitoring": AIMS.StageOperationMonitoring,
    "retirement": AIMS.StageRetirement,
}
STATUSES: Final[dict[str, URIRef]] = {
    "not-implemented": AIMS.StatusNotImplemented,
    "planned": AIMS.StatusPlanned,
    "partial": AIMS.StatusPartial,
    "implemented": AIMS.StatusImplemented,
}
EVIDENCE_KINDS: Final[dict[str, URIRef]] = {
    "policy": AIMS.EvPolicy,
    "procedure": AIMS.EvProcedure,
    "risk-management": AIMS.EvRiskManagement,
    "data-governance": AIMS.EvDataGovernance,
    "technical-documentation": AIMS.EvTechnicalDocumentation,
    "logging": AIMS.EvLogging,
    "instructions-for-use": AIMS.EvInstructionsForUse,
    "human-oversight": AIMS.EvHumanOversight,
    "accuracy-robustness-cybersecurity": AIMS.EvAccuracyRobustnessCybersecurity,
    "quality-management-system": AIMS.EvQualityManagementSystem,
    "conformity-assessment": AIMS.EvConformityAssessment,
    "eu-declaration": AIMS.EvEUDeclaration,
    "ce-marking": AIMS.EvCEMarking,
    "registration": AIMS.EvRegistration,
    "post-market-monitoring-plan": AIMS.EvPostMarketMonitoringPlan,
    "incident-reporting-procedure": AIMS.EvIncidentReportingProcedure,
    "log-retention": AIMS.EvLogRetention,
    "human-oversight-assignment": AIMS.EvHumanOversightAssignment,
    "affected-person-notice": AIMS.EvAffectedPersonNotice,
    "transparency-notice": AIMS.EvTransparencyNotice,
    "gpai-technical-documentation": AIMS.EvGPAITechnicalDocumentation,
    "gpai-downstream-information": AIMS.EvGPAIDownstreamInformation,
    "copyright-policy": AIMS.EvCopyrightPolicy,
    "training-data-summary": AIMS.EvTrainingDataSummary,
    "ai-literacy": AIMS.EvAILiteracy,
    "dpia": AIMS.EvDPIA,
    "test-report": AIMS.EvTestReport,
    "monitoring-report": AIMS.EvMonitoringReport,
    "supplier-agreement": AIMS.EvSupplierAgreement,
    "audit-report": AIMS.EvAuditReport,
    "review-minutes": AIMS.EvReviewMinutes,
    "other": AIMS.EvOther,
}
INCIDENT_KINDS: Final[dict[str, URIRef]] = {
    "death": AIMS.IncidentDeath,
    "widespread-or-critical-infrastructure": AIMS.IncidentWidespreadOrCritical,
    "other-serious": AIMS.IncidentOtherSerious,
}
TREATMENT_OPTIONS: Final = ("avoid", "modify", "share", "retain")
#: assessments sheet ``type`` → (class, IRI kind, date property)
ASSESSMENT_TYPES: Final[dict[str, tuple[URIRef, str, URIRef]]] = {
    "risk-assessment": (AIMS.RiskAssessment, "assessment", AIMS.assessmentDate),
    "impact-assessment": (AIMS.ImpactAssessment, "assessment", AIMS.assessmentDate),
    "fria": (AIMS.FundamentalRightsImpactAssessment, "assessment", AIMS.assessmentDate),
    "internal-audit": (AIMS.InternalAudit, "audit", AIMS.auditDate),
    "management-review": (AIMS.ManagementReview, "review", AIMS.reviewDate),
}

#: Every class an organisation graph may type its nodes with.
ORG_CLASSES: Final[frozenset[URIRef]] = frozenset(
    AIMS[c]
    for c in _terms(
        "Organisation AISystem SoAEntry ControlImplementation Evidence Risk RiskTreatment",
        "RiskAssessment ImpactAssessment FundamentalRightsImpactAssessment InternalAudit",
        "ManagementReview Incident",
    )
)
#: Every predicate an organisation graph may use.
ORG_PROPERTIES: Final[frozenset[URIRef]] = frozenset(
    {RDF.type, RDFS.label, RDFS.comment}
    | {
        AIMS[c]
        for c in _terms(
            "organisation name aiActRole claimsFramework systemRole purpose lifecycleStage owner",
            "riskTier annexIIIUseCase highRiskPathway usesGPAIModel placedOnMarket control",
            "applicable rationale implementationStatus forSystem evidence implements",
            "evidenceKind evidenceFor evidenceDate validUntil evidenceLink riskLevel treatedBy",
            "identifiedIn treats treatmentOption treatmentControl assessmentDate auditDate",
            "reviewDate occurredOn detectedOn reportedOn seriousIncident incidentKind",
        )
    }
)
#: Functional properties: at most one value per subject (checked again before an append).
FUNCTIONAL: Final[frozenset[URIRef]] = frozenset(
    AIMS[c]
    for c in _terms(
        "organisation name lifecycleStage control applicable implementationStatus",
        "evidenceKind evidenceDate validUntil placedOnMarket treats treatmentOption",
        "assessmentDate auditDate reviewDate occurredOn detectedOn seriousIncident",
        "incidentKind",
    )
)

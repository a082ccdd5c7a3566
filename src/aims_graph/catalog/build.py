"""Turn the editable catalog sources (TSV) into one Turtle catalog per framework edition."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import Graph, Literal, URIRef

from aims_graph.catalog.frameworks import FRAMEWORKS, PUBLISHER_TEXT, FrameworkEdition, editions
from aims_graph.namespaces import AIMS, DCTERMS, RDF, RDFS, SKOS, XSD, item_iri, scheme_iri

KIND_CLASS: Final[dict[str, URIRef]] = {
    "clause": AIMS.Clause,
    "subclause": AIMS.Subclause,
    "annex": AIMS.Annex,
    "theme": AIMS.ControlTheme,
    "control_category": AIMS.ControlCategory,
    "objective": AIMS.ControlObjective,
    "control": AIMS.Control,
    "function": AIMS.Function,
    "category": AIMS.Category,
    "subcategory": AIMS.Subcategory,
    "suggested_action": AIMS.SuggestedAction,
    "gai_risk": AIMS.GAIRisk,
    "chapter": AIMS.Chapter,
    "section": AIMS.Section,
    "article": AIMS.Article,
    "paragraph": AIMS.Paragraph,
    "annex_area": AIMS.AnnexIIIArea,
    "use_case": AIMS.AnnexIIIUseCase,
}
FRAMEWORK_KIND: Final[dict[str, URIRef]] = {
    "standard": AIMS.StandardKind,
    "regulation": AIMS.RegulationKind,
    "framework": AIMS.FrameworkKindFramework,
    "profile": AIMS.ProfileKind,
}
BASE_COLUMNS: Final = ("ref", "kind", "parent", "notation", "title", "summary", "source")
ACTOR_REFS: Final = {
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised-representative",
    "gpai-provider",
    "gpai-systemic-provider",
    "product-manufacturer",
}
TIER_REFS: Final = {"prohibited", "high-risk", "transparency", "gpai", "gpai-systemic", "any"}
DATA_LICENCE: Final = URIRef("https://creativecommons.org/licenses/by/4.0/")


class CatalogSourceError(ValueError):
    """A catalog source file is malformed; the message names file, line and fix."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of a TSV source with the line it came from."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """Return a stripped cell value ('' when absent)."""
        return (self.values.get(column) or "").strip()


def read_tsv(path: Path, required: Iterable[str]) -> list[SourceRow]:
    """Read a TSV file with a header row, checking the required columns are present."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise CatalogSourceError(
                f"{path}:1: missing column(s) {', '.join(missing)}; header is {header}"
            )
        return [SourceRow(i, dict(r)) for i, r in enumerate(reader, start=2) if any(r.values())]


def _date(value: str, where: str) -> Literal:
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise CatalogSourceError(f"{where}: {value!r} is not a YYYY-MM-DD date")
    return Literal(value, datatype=XSD.date)


def _bool(value: str, where: str) -> Literal:
    low = value.lower()
    if low not in {"true", "false", ""}:
        raise CatalogSourceError(f"{where}: {value!r} is not true/false")
    return Literal(low == "true")


def _scheme_triples(g: Graph, fw: FrameworkEdition, notation: str) -> URIRef:
    scheme = URIRef(scheme_iri(fw.slug))
    g.add((scheme, RDF.type, AIMS.Framework))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal(fw.title, lang="en")))
    g.add((scheme, SKOS.prefLabel, Literal(notation or fw.title, lang="en")))
    g.add((scheme, SKOS.notation, Literal(notation or fw.slug)))
    g.add((scheme, DCTERMS.publisher, Literal(fw.publisher)))
    g.add((scheme, DCTERMS.issued, Literal(fw.issued, datatype=XSD.date)))
    g.add((scheme, AIMS.edition, Literal(fw.edition)))
    g.add((scheme, AIMS.family, Literal(fw.family)))
    g.add((scheme, AIMS.frameworkKind, FRAMEWORK_KIND[fw.kind]))
    g.add((scheme, AIMS.textLicence, Literal(fw.text_licence)))
    g.add((scheme, DCTERMS.source, URIRef(fw.source)))
    g.add((scheme, DCTERMS.license, DATA_LICENCE))
    return scheme


def build_items(fw: FrameworkEdition, path: Path) -> Graph:
    """Build the catalog graph of one edition from its main source TSV."""
    return items_graph(fw, read_tsv(path, BASE_COLUMNS), str(path))


def items_graph(fw: FrameworkEdition, rows: list[SourceRow], where_file: str) -> Graph:
    """The catalog graph of an edition from its rows: one of kind 'standard', then its items."""
    g = Graph()
    roots = [r for r in rows if r.get("kind") == "standard"]
    if len(roots) != 1:
        raise CatalogSourceError(
            f"{where_file}: need exactly one row of kind 'standard', found {len(roots)}"
        )
    root = roots[0]
    scheme = _scheme_triples(g, fw, root.get("notation"))
    refs = {r.get("ref") for r in rows}
    seen: set[str] = set()
    for row in rows:
        where = f"{where_file}:{row.line}"
        ref, kind, parent = row.get("ref"), row.get("kind"), row.get("parent")
        if not ref or any(c in ref for c in " /()#?<>\"'") or ref.endswith("."):
            raise CatalogSourceError(f"{where}: ref {ref!r} is not a valid IRI local part")
        if ref in seen:
            raise CatalogSourceError(f"{where}: duplicate ref {ref!r}")
        seen.add(ref)
        if row is root:
            continue
        cls = KIND_CLASS.get(kind)
        if cls is None:
            raise CatalogSourceError(
                f"{where}: unknown kind {kind!r}; use one of {', '.join(sorted(KIND_CLASS))}"
            )
        if parent not in refs:
            raise CatalogSourceError(f"{where}: parent {parent!r} of {ref!r} is not in the file")
        item = URIRef(item_iri(fw.slug, ref))
        g.add((item, RDF.type, cls))
        g.add((item, RDF.type, SKOS.Concept))
        g.add((item, SKOS.inScheme, scheme))
        notation = row.get("notation") or ref
        g.add((item, SKOS.notation, Literal(notation)))
        g.add((item, SKOS.prefLabel, Literal(row.get("title") or notation, lang="en")))
        if row.get("summary"):
            g.add((item, AIMS.summary, Literal(row.get("summary"), lang="en")))
        g.add((item, DCTERMS.source, URIRef(row.get("source") or fw.source)))
        if parent == root.get("ref"):
            g.add((item, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, item))
        else:
            g.add((item, SKOS.broader, URIRef(item_iri(fw.slug, parent))))
        _extra_item_triples(g, fw, item, row, where)
    return g


def _extra_item_triples(
    g: Graph, fw: FrameworkEdition, item: URIRef, row: SourceRow, where: str
) -> None:
    if fw.slug == "nist-ai-600-1" and row.get("kind") == "suggested_action":
        sub = row.get("subcategory")
        if not sub:
            raise CatalogSourceError(f"{where}: suggested action without a subcategory")
        g.add((item, AIMS.suggestedFor, URIRef(item_iri("nist-ai-rmf-1.0", sub))))
        for risk in filter(None, (r.strip() for r in row.get("gai_risks").split(";"))):
            g.add((item, AIMS.gaiRisk, URIRef(item_iri(fw.slug, risk))))
    if fw.slug == "eu-ai-act" and row.get("kind") == "use_case":
        area = row.get("parent")
        g.add((item, AIMS.annexIIIArea, URIRef(item_iri(fw.slug, area))))


def _eu(ref: str) -> URIRef:
    return URIRef(item_iri("eu-ai-act", ref))


def add_eu_ai_act_extras(g: Graph, src: Path) -> None:
    """Add actors, tiers, pathways, obligations and applicability records of the EU AI Act."""
    scheme = URIRef(scheme_iri("eu-ai-act"))
    known = {str(s) for s in g.subjects(SKOS.inScheme, scheme)}
    tiers_path = src / "eu-ai-act-risk-tiers.tsv"
    kind_class = {
        "tier": AIMS.RiskTier,
        "pathway": AIMS.HighRiskPathway,
        "actor": AIMS.Actor,
        "legal_act": AIMS.LegalAct,
    }
    for row in read_tsv(tiers_path, ("ref", "kind", "label", "summary")):
        where = f"{tiers_path}:{row.line}"
        cls = kind_class.get(row.get("kind"))
        if cls is None:
            raise CatalogSourceError(f"{where}: unknown kind {row.get('kind')!r}")
        node = _eu(row.get("ref"))
        g.add((node, RDF.type, cls))
        g.add((node, SKOS.prefLabel, Literal(row.get("label"), lang="en")))
        if row.get("summary"):
            g.add((node, AIMS.summary, Literal(row.get("summary"), lang="en")))
        for prov in filter(None, (p.strip() for p in row.get("defining_provisions").split(";"))):
            if str(_eu(prov)) not in known:
                raise CatalogSourceError(f"{where}: unknown provision {prov!r}")
            g.add((node, AIMS.definingProvision, _eu(prov)))
        if row.get("dpv"):
            g.add((node, SKOS.closeMatch, URIRef(row.get("dpv"))))
        if row.get("note"):
            g.add((node, RDFS.comment, Literal(row.get("note"), lang="en")))
        known.add(str(node))
    obl_path = src / "eu-ai-act-obligations.tsv"
    obligations: set[str] = set()
    for row in read_tsv(obl_path, ("id", "provision", "actor", "tier", "title", "summary")):
        where = f"{obl_path}:{row.line}"
        oid = row.get("id")
        node = _eu(f"obl-{oid}")
        prov = _eu(row.get("provision"))
        if str(prov) not in known:
            raise CatalogSourceError(f"{where}: provision {row.get('provision')!r} not in catalog")
        actor, tier = row.get("actor"), row.get("tier")
        if actor not in ACTOR_REFS:
            raise CatalogSourceError(f"{where}: unknown actor {actor!r}")
        tiers = [t.strip() for t in tier.split(";") if t.strip()]
        if not tiers or any(t not in TIER_REFS for t in tiers):
            raise CatalogSourceError(f"{where}: unknown risk tier {tier!r}")
        obligations.add(oid)
        g.add((node, RDF.type, AIMS.Obligation))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        g.add((node, SKOS.notation, Literal(oid)))
        g.add((node, SKOS.prefLabel, Literal(row.get("title") or oid, lang="en")))
        if row.get("summary"):
            g.add((node, AIMS.summary, Literal(row.get("summary"), lang="en")))
        g.add((node, SKOS.broader, prov))
        g.add((node, AIMS.sourceProvision, prov))
        g.add((node, DCTERMS.source, URIRef(_article_link(row.get("provision")))))
        if row.get("provision_reference"):
            g.add((node, AIMS.provisionReference, Literal(row.get("provision_reference"))))
        g.add((node, AIMS.actor, _eu(f"actor-{actor}")))
        for t in tiers:
            g.add((node, AIMS.riskTier, _eu(f"tier-{t}")))
        if row.get("pathway"):
            g.add((node, AIMS.highRiskPathway, _eu(f"pathway-{row.get('pathway')}")))
        for annex in filter(None, (a.strip() for a in row.get("related_annexes").split(";"))):
            if str(_eu(annex)) not in known:
                raise CatalogSourceError(f"{where}: unknown annex {annex!r}")
            g.add((node, AIMS.relatedAnnex, _eu(annex)))
        g.add((node, AIMS.amendmentOnly, _bool(row.get("amendment_only"), where)))
    appl_path = src / "eu-ai-act-applicability.tsv"
    counters: dict[str, int] = {}
    for row in read_tsv(
        appl_path, ("obligation_id", "status", "applies_from", "record_valid_from", "legal_basis")
    ):
        where = f"{appl_path}:{row.line}"
        oid = row.get("obligation_id")
        if oid not in obligations:
            raise CatalogSourceError(f"{where}: unknown obligation {oid!r}")
        status = row.get("status")
        if status not in {"original", "amended"}:
            raise CatalogSourceError(f"{where}: status must be original or amended")
        counters[oid] = counters.get(oid, 0) + 1
        rec = _eu(f"obl-{oid}-applicability-{counters[oid]}")
        g.add((_eu(f"obl-{oid}"), AIMS.applicability, rec))
        g.add((rec, RDF.type, AIMS.ApplicabilityRecord))
        g.add(
            (rec, AIMS.applicabilityStatus, AIMS.Original if status == "original" else AIMS.Amended)
        )
        g.add((rec, AIMS.appliesFrom, _date(row.get("applies_from"), where)))
        g.add((rec, AIMS.recordValidFrom, _date(row.get("record_valid_from"), where)))
        g.add((rec, AIMS.scope, Literal(row.get("scope") or "all")))
        g.add((rec, AIMS.legalBasis, Literal(row.get("legal_basis"))))
        g.add((rec, AIMS.inferred, _bool(row.get("inferred"), where)))
        if status == "amended":
            g.add((rec, AIMS.amendedBy, _eu("reg-2026-1744")))
        if row.get("note"):
            g.add((rec, RDFS.comment, Literal(row.get("note"), lang="en")))
    missing = sorted(o for o in obligations if o not in counters)
    if missing:
        raise CatalogSourceError(f"{appl_path}: obligations without applicability: {missing[:10]}")


def _article_link(provision_ref: str) -> str:
    parts = provision_ref.split("-")
    number = parts[1] if len(parts) > 1 else ""
    return f"https://eur-lex.europa.eu/eli/reg/2024/1689/oj#art_{number}"


def build_catalog(fw: FrameworkEdition, src: Path) -> Graph:
    """Build one edition's full catalog graph from its source folder."""
    path = src / f"{fw.slug}.tsv"
    if not path.exists():
        raise CatalogSourceError(f"{path}: missing catalog source for {fw.slug}")
    g = build_items(fw, path)
    if fw.slug == "eu-ai-act":
        add_eu_ai_act_extras(g, src)
    return g


def bind_prefixes(g: Graph) -> None:
    """Bind the project's prefixes so Turtle output is readable."""
    g.bind("aims", AIMS)
    g.bind("skos", SKOS)
    g.bind("dcterms", DCTERMS)
    for fw in editions():
        g.bind(fw.slug.replace(".", "_"), fw.namespace)


def render_turtle(g: Graph) -> str:
    """Serialise a catalog deterministically (stable diff between builds)."""
    bind_prefixes(g)
    return g.serialize(format="turtle")


def build_all(src: Path, out: Path) -> Iterator[tuple[FrameworkEdition, Path, int]]:
    """Build every catalog; yield edition, output path and triple count."""
    out.mkdir(parents=True, exist_ok=True)
    for fw in FRAMEWORKS:
        g = build_catalog(fw, src)
        target = out / f"{fw.slug}.ttl"
        header = (
            f"# Catalog of {fw.title}.\n"
            f"# Generated by `aims-graph build-catalogs` from src/{fw.slug}*.tsv;"
            " edit those, not this.\n"
            + (
                "# Titles and summaries are NIST's public-domain text (see src/README-nist.md).\n"
                if fw.slug in PUBLISHER_TEXT
                else "# Identifiers and short titles only; summaries are our own words"
                " (CC BY 4.0).\n"
            )
        )
        target.write_text(header + render_turtle(g), encoding="utf-8")
        yield fw, target, len(g)

"""Response models of the JSON API (they document /docs and check what the routes send)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """An RFC 9457 problem document (media type application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="IRI naming the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str | None = None


class ItemRef(_Model):
    """The short form of an item."""

    iri: str = Field(description="The item's IRI.")
    curie: str = Field(description="Preferred CURIE, e.g. iso42001:A.6.2.4.")
    notation: str = Field(description="The reference as the publisher writes it.")
    label: str = Field(description="Short title.")
    kind: str = Field(description="The aims: class, e.g. Control, Subcategory, Obligation.")
    framework: str = Field(description="Framework edition slug.")


class TreeItem(ItemRef):
    """An item in a framework's tree."""

    parent: str | None = Field(description="CURIE of the parent item (None at the top).")
    children_count: int = Field(description="Number of direct children.")
    depth: int = Field(description="Depth in the tree (0 at the top).")


class FrameworkSummary(_Model):
    """One framework edition."""

    iri: str
    id: str = Field(description="Edition slug, e.g. iso42001-2023.")
    kind: str = Field(description="Always 'Framework'.")
    title: str
    family: str
    edition: str
    framework_kind: str = Field(description="standard, regulation, framework or profile.")
    publisher: str
    issued: str
    source: str
    licence: str
    prefixes: list[str] = Field(description="CURIE prefixes accepted for its items.")
    total: int = Field(description="Number of items.")


class FrameworkDetail(FrameworkSummary):
    """One framework edition with counts by kind and its top-level items."""

    counts: dict[str, int] = Field(description="Items by kind.")
    top_concepts: list[ItemRef]


class ItemPage(_Model):
    """One page of a framework's tree, in document order."""

    framework: str
    total: int = Field(description="Items matching the filters (all pages).")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, None on the last page.")
    items: list[TreeItem]


class Hop(_Model):
    """One stated mapping, or the inverse of one, as a step of a chain."""

    iri: str = Field(description="IRI of the mapping node.")
    subject: str
    subject_title: str
    relation: str = Field(description="equal, subset-of, superset-of, intersects-with, …")
    object: str
    object_title: str
    confidence: float = Field(description="How sure we are that the mapping is right (0..1).")
    strength: float | None = Field(
        None, description="How much of the subject's duty the object carries (null: not graded)."
    )
    justification: str = Field(
        description="SEMAPV justification, e.g. semapv:ManualMappingCuration."
    )
    set: str = Field(description="Mapping set id.")
    set_iri: str | None = None
    set_title: str
    source: str | None
    comment: str | None
    inverse_of: str | None = Field(description="The stated mapping this inverse reads backwards.")


class MappingRow(_Model):
    """A mapping from an item: stated, inverse or derived (with the chain it was composed from)."""

    iri: str
    subject: str
    subject_title: str
    relation: str
    object: str
    object_title: str
    confidence: float = Field(description="How sure we are that the mapping is right (0..1).")
    strength: float | None = Field(
        None, description="How much of the subject's duty the object carries (null: not graded)."
    )
    justification: str
    source: str | None
    set: str
    set_iri: str | None = None
    set_title: str
    derived: bool
    comment: str | None
    inverse_of: str | None = None
    chain: list[Hop] = Field(description="The hops of a derived mapping (empty otherwise).")


class ItemDetail(ItemRef):
    """An item with its labels, summary, place in the tree and mappings."""

    scheme: str = Field(description="IRI of the framework edition.")
    alt_labels: list[str]
    summary: str | None
    source: str | None = Field(description="Link to the official text.")
    parents: list[ItemRef]
    children: list[ItemRef]
    mappings_out: list[MappingRow] = Field(description="Stated mappings with this item as subject.")
    mappings_in: list[MappingRow] = Field(description="Stated mappings with this item as object.")
    derived_mappings: list[MappingRow] = Field(description="Derived mappings, each with its chain.")


class Crosswalk(ItemRef):
    """Mappings from one item into a framework."""

    target: str | None = Field(description="Target edition slug (None: every framework).")
    derived_included: bool
    min_confidence: float
    count: int
    mappings: list[MappingRow]


class ExplainPath(_Model):
    """One chain between two items and the relation it composes to (None: nothing follows)."""

    relation: str | None
    confidence: float
    hops: list[Hop]


class Explanation(_Model):
    """Every mapping path between two items."""

    subject: str
    subject_title: str
    subject_iri: str
    object: str
    object_title: str
    object_iri: str
    max_hops: int
    paths: list[ExplainPath]


class SearchHit(ItemRef):
    """An item found by /search."""

    summary: str | None
    match: str = Field(description="What matched: notation, notation-prefix, label or summary.")


class SearchResult(_Model):
    """Ranked search hits."""

    q: str
    framework: str | None
    total: int = Field(description="All hits (the list holds at most `limit`).")
    hits: list[SearchHit]


class MatrixPair(_Model):
    """Mappings between two framework editions, read from the first one's side."""

    first: str
    second: str
    first_title: str
    second_title: str
    mappings: int
    by_relation: dict[str, int]
    derived: int
    first_mapped: int
    first_total: int
    first_share: float
    second_mapped: int
    second_total: int
    second_share: float


class Matrix(_Model):
    """Framework × framework mapping counts by relation."""

    frameworks: list[str]
    pairs: list[MatrixPair]


class ObligationScope(_Model):
    """The applicability record in force for one scope of an obligation."""

    scope: str = Field(description='e.g. "all", "Annex III systems", "Annex I products".')
    applies: bool = Field(description="True when the duty applies on the date asked.")
    applies_from: str = Field(description="Date the duty applies from, under this record.")
    status: str = Field(description="original (2024 text) or amended (Reg. (EU) 2026/1744).")
    record_valid_from: str = Field(description="Date from which this record is the law.")
    legal_basis: str
    inferred: bool = Field(description="True when the amended date is our inference.")
    amended_by: str | None
    note: str
    original_applies_from: str | None = Field(
        description="The 2024 text's date, when an amendment replaced it."
    )


class Obligation(ItemRef):
    """An obligation with the record in force per scope."""

    actor: str
    tier: str
    provision_reference: str | None
    provision: str | None
    applies: bool
    scopes: list[ObligationScope]


class Obligations(_Model):
    """EU AI Act obligations as of a date."""

    actor: str | None
    tier: str | None
    as_of: str
    total: int
    applicable: int
    obligations: list[Obligation]


class QueryParam(_Model):
    """A declared parameter of a named query."""

    name: str
    type: str
    description: str
    example: str
    required: bool
    default: str | None


class QueryInfo(_Model):
    """A named query."""

    name: str
    summary: str
    description: str
    params: list[QueryParam]
    url: str = Field(description="Where to run it (GET with the parameters as a query string).")
    example_url: str = Field(description="The query run with its example parameters.")
    sparql: str = Field(description="The query text (its parameters are bound as variables).")


class QueryResult(_Model):
    """The rows of a named query."""

    query: str
    params: dict[str, Any]
    columns: list[str]
    count: int
    rows: list[dict[str, Any]]


class MappingCount(_Model):
    """How many mappings touch one item."""

    stated: int = Field(description="Stated mappings with the item as subject or object.")
    derived: int = Field(description="Derived mappings from the item.")


class MappingCounts(_Model):
    """Mapping counts of the items of one framework edition (items with none are left out)."""

    framework: str
    counts: dict[str, MappingCount] = Field(description="By item CURIE.")


class PairMappings(_Model):
    """The mappings behind one matrix cell: from one framework edition into another."""

    first: str
    second: str
    first_title: str
    second_title: str
    derived_included: bool
    stated: int = Field(description="Stated mappings between the two (each once, maybe inverse).")
    derived: int = Field(description="Derived mappings from the first into the second.")
    count: int = Field(description="Rows in `mappings`.")
    mappings: list[MappingRow]

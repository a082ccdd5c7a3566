"""The registry of framework editions: slugs, CURIE prefixes and publication facts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from aims_graph.namespaces import ID

ISO_TEXT_LICENCE: Final = (
    "Copyright ISO/IEC; text not reproduced here (identifiers, short titles and our own summaries)"
)
US_GOVERNMENT_WORK: Final = "US Government work, not subject to copyright in the United States"


@dataclass(frozen=True, slots=True)
class FrameworkEdition:
    """Publication facts about one framework edition, the unit a catalog describes."""

    slug: str
    title: str
    family: str
    edition: str
    kind: str  # standard | regulation | framework | profile
    publisher: str
    issued: str  # ISO date
    source: str  # link to the official page
    text_licence: str
    prefixes: tuple[str, ...]

    @property
    def namespace(self) -> str:
        """IRI prefix of this edition's items."""
        return f"{ID}{self.slug}/"


FRAMEWORKS: Final[tuple[FrameworkEdition, ...]] = (
    FrameworkEdition(
        "iso42001-2023",
        "ISO/IEC 42001:2023 Information technology - Artificial intelligence - Management system",
        "ISO/IEC 42001",
        "2023",
        "standard",
        "ISO/IEC JTC 1/SC 42",
        "2023-12-18",
        "https://www.iso.org/standard/81230.html",
        ISO_TEXT_LICENCE,
        ("iso42001", "iso42001-2023"),
    ),
    FrameworkEdition(
        "iso27001-2022",
        "ISO/IEC 27001:2022 Information security management systems - Requirements",
        "ISO/IEC 27001",
        "2022",
        "standard",
        "ISO/IEC JTC 1/SC 27",
        "2022-10-25",
        "https://www.iso.org/standard/27001",
        ISO_TEXT_LICENCE,
        ("iso27001", "iso27001-2022"),
    ),
    FrameworkEdition(
        "iso27001-2013",
        "ISO/IEC 27001:2013 Information security management systems - Requirements",
        "ISO/IEC 27001",
        "2013",
        "standard",
        "ISO/IEC JTC 1/SC 27",
        "2013-10-01",
        "https://www.iso.org/standard/54534.html",
        ISO_TEXT_LICENCE,
        ("iso27001-2013",),
    ),
    FrameworkEdition(
        "iso27701-2019",
        "ISO/IEC 27701:2019 Extension to ISO/IEC 27001 and ISO/IEC 27002 for privacy information "
        "management - Requirements and guidelines",
        "ISO/IEC 27701",
        "2019",
        "standard",
        "ISO/IEC JTC 1/SC 27",
        "2019-08-06",
        "https://www.iso.org/standard/71670.html",
        ISO_TEXT_LICENCE,
        ("iso27701-2019",),
    ),
    FrameworkEdition(
        "iso27701-2025",
        "ISO/IEC 27701:2025 Privacy information management systems - Requirements and guidance",
        "ISO/IEC 27701",
        "2025",
        "standard",
        "ISO/IEC JTC 1/SC 27",
        "2025-10-01",
        "https://www.iso.org/standard/27701",
        ISO_TEXT_LICENCE,
        ("iso27701", "iso27701-2025"),
    ),
    FrameworkEdition(
        "nist-ai-rmf-1.0",
        "NIST AI 100-1 Artificial Intelligence Risk Management Framework (AI RMF 1.0)",
        "NIST AI RMF",
        "1.0",
        "framework",
        "National Institute of Standards and Technology",
        "2023-01-26",
        "https://doi.org/10.6028/NIST.AI.100-1",
        US_GOVERNMENT_WORK,
        ("nist-ai-rmf", "nist-ai-rmf-1.0"),
    ),
    FrameworkEdition(
        "nist-ai-600-1",
        "NIST AI 600-1 Artificial Intelligence Risk Management Framework: "
        "Generative Artificial Intelligence Profile",
        "NIST AI 600-1",
        "1.0",
        "profile",
        "National Institute of Standards and Technology",
        "2024-07-26",
        "https://doi.org/10.6028/NIST.AI.600-1",
        US_GOVERNMENT_WORK,
        ("nist-ai-600-1",),
    ),
    FrameworkEdition(
        "eu-ai-act",
        "Regulation (EU) 2024/1689 laying down harmonised rules on artificial intelligence "
        "(Artificial Intelligence Act)",
        "EU AI Act",
        "2024/1689",
        "regulation",
        "European Parliament and Council of the European Union",
        "2024-06-13",
        "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
        "EU legal text, reuse authorised (Commission Decision 2011/833/EU); summaries are ours",
        ("eu-ai-act",),
    ),
    FrameworkEdition(
        "nist-csf-2.0",
        "The NIST Cybersecurity Framework (CSF) 2.0",
        "NIST CSF",
        "2.0",
        "framework",
        "National Institute of Standards and Technology",
        "2024-02-26",
        "https://doi.org/10.6028/NIST.CSWP.29",
        US_GOVERNMENT_WORK,
        ("nist-csf", "nist-csf-2.0"),
    ),
    FrameworkEdition(
        "nist-sp800-53-r5",
        "NIST SP 800-53 Rev. 5 Security and Privacy Controls for Information Systems and "
        "Organizations",
        "NIST SP 800-53",
        "Rev. 5 (release 5.0.1)",
        "framework",
        "National Institute of Standards and Technology",
        "2020-09-23",
        "https://doi.org/10.6028/NIST.SP.800-53r5",
        US_GOVERNMENT_WORK,
        ("nist-sp800-53", "nist-sp800-53-r5"),
    ),
)

#: Editions whose catalog summaries are the publisher's own public-domain text (generated from
#: NIST's files), not our words.
PUBLISHER_TEXT: Final[frozenset[str]] = frozenset({"nist-csf-2.0", "nist-sp800-53-r5"})

#: Every known edition by slug and by CURIE prefix: the shipped ones, then any registered.
BY_SLUG: Final[dict[str, FrameworkEdition]] = {f.slug: f for f in FRAMEWORKS}
BY_PREFIX: Final[dict[str, FrameworkEdition]] = {p: f for f in FRAMEWORKS for p in f.prefixes}
_RANK: Final[dict[str, int]] = {f.slug: i for i, f in enumerate(FRAMEWORKS)}
_SHIPPED: Final[frozenset[str]] = frozenset(_RANK)


def register(*editions: FrameworkEdition) -> None:
    """Make more editions known to every lookup by slug or prefix; raise ValueError on a clash.

    FRAMEWORKS stays the shipped editions (the loader builds their catalogs from files); a
    registered edition is one whose catalog comes from elsewhere, e.g. the synthetic graphs of
    the benchmarks. Registering the same edition twice is a no-op.
    """
    seen: dict[str, FrameworkEdition] = {}
    for ed in editions:
        for key in (ed.slug, *ed.prefixes):
            # Lookups lowercase what they are given and item IRIs split at '/'.
            if not key or key != key.strip().lower() or any(c in key for c in "/:#"):
                raise ValueError(f"{ed.slug}: {key!r} is not a lowercase slug or prefix")
            old = BY_SLUG.get(key) or BY_PREFIX.get(key) or PRIVATE.get(key) or seen.get(key)
            if old is not None and old != ed:
                raise ValueError(f"{ed.slug}: {key!r} already names {old.slug}")
            seen[key] = ed
    for ed in editions:
        if ed.slug in BY_SLUG:
            continue
        BY_SLUG[ed.slug] = ed
        BY_PREFIX.update(dict.fromkeys(ed.prefixes, ed))
        _RANK[ed.slug] = max(_RANK.values(), default=-1) + 1


def unregister(*slugs: str) -> None:
    """Forget editions added by :func:`register` (unknown slugs are ignored)."""
    shipped = {f.slug for f in FRAMEWORKS}
    for slug in slugs:
        if slug in shipped:
            raise ValueError(f"{slug} is a shipped edition and cannot be unregistered")
        ed = BY_SLUG.pop(slug, None)
        if ed is not None:
            for p in ed.prefixes:
                BY_PREFIX.pop(p, None)
            _RANK.pop(slug, None)


@contextmanager
def registered(editions: Iterable[FrameworkEdition]) -> Iterator[None]:
    """Editions known for the duration of a ``with`` block (those already known stay known)."""
    eds = tuple(editions)
    added = [e.slug for e in eds if e.slug not in BY_SLUG]
    register(*eds)
    try:
        yield
    finally:
        unregister(*added)


def editions() -> tuple[FrameworkEdition, ...]:
    """Every public edition: the shipped ones in FRAMEWORKS order, then the registered ones."""
    return tuple(sorted(BY_SLUG.values(), key=lambda f: _RANK[f.slug]))


def is_shipped(slug: str) -> bool:
    """Whether an edition ships with the project (its catalog is built from src/ files)."""
    return slug in _SHIPPED


#: Editions an organisation imported for itself: known to item IRIs (``edition_of``) but to no
#: public lookup, so their names never show outside the organisation's own routes.
PRIVATE: Final[dict[str, FrameworkEdition]] = {}


def register_private(*editions: FrameworkEdition) -> None:
    """Make an organisation's own editions known to item-IRI lookups (not to public ones)."""
    for ed in editions:
        if ed.slug in BY_SLUG or ed.slug in BY_PREFIX:
            raise ValueError(f"{ed.slug!r} already names a public edition")
        PRIVATE[ed.slug] = ed


def unregister_private(*slugs: str) -> None:
    """Forget organisation editions (unknown slugs are ignored)."""
    for slug in slugs:
        PRIVATE.pop(slug, None)


def edition_facts(slug: str) -> FrameworkEdition:
    """The facts of a public or an organisation's edition by its slug (KeyError when none)."""
    found = BY_SLUG.get(slug) or PRIVATE.get(slug)
    if found is None:
        raise KeyError(f"unknown framework {slug!r}")
    return found


def edition_rank(slug: str) -> int:
    """Position of an edition: shipped ones in FRAMEWORKS order, then registered ones."""
    return _RANK.get(slug, len(_RANK))


def framework(slug_or_prefix: str) -> FrameworkEdition:
    """Look up an edition by slug or CURIE prefix; raise KeyError naming the known ones."""
    key = slug_or_prefix.strip().lower()
    found = BY_SLUG.get(key) or BY_PREFIX.get(key)
    if found is None:
        known = ", ".join(sorted({*BY_SLUG, *BY_PREFIX}))
        raise KeyError(f"unknown framework {slug_or_prefix!r}; known: {known}")
    return found


def curie_prefix_map() -> dict[str, str]:
    """All CURIE prefixes (framework ones plus vocabularies) to their IRI namespace."""
    from aims_graph.namespaces import AIMS, SEMAPV

    out = {p: f.namespace for p, f in BY_PREFIX.items()}
    out["aims"] = str(AIMS)
    out["semapv"] = str(SEMAPV)
    out["skos"] = "http://www.w3.org/2004/02/skos/core#"
    return out

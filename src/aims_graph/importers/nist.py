"""The shipped NIST CSF 2.0 and SP 800-53 Rev. 5 editions, generated from NIST's files.

The source files are vendored gzipped in ``ontology/standards/src/nist/`` (``NOTICE.md`` there says
where each comes from); the importers read them into drafts, and :func:`write_sources` writes the
edition TSVs that ``aims-graph build-catalogs`` turns into Turtle like every other catalog. Nothing
here needs the network. SP 800-53 controls and enhancements withdrawn by NIST are left out of the
edition: they ask nothing any more, and NIST's catalog says where each was incorporated.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from aims_graph import resources
from aims_graph.catalog.build import BASE_COLUMNS
from aims_graph.catalog.frameworks import BY_SLUG
from aims_graph.importers.ciso import read_ciso_library
from aims_graph.importers.draft import Draft, FrameworkImportError, Row
from aims_graph.importers.mapping_draft import CatalogItems, MappingDraft, finish
from aims_graph.importers.mappings_ciso import Options, read_ciso_mappings
from aims_graph.importers.oscal import read_oscal_catalog
from aims_graph.namespaces import SEMAPV

CSF_SLUG: Final = "nist-csf-2.0"
SP800_53_SLUG: Final = "nist-sp800-53-r5"
CSF_FILE: Final = "nist-csf-2.0.yaml.gz"
SP800_53_FILE: Final = "NIST_SP-800-53_rev5_catalog-min.json.gz"
#: CISO Assistant mapping libraries carrying NIST's informative references, by set id.
MAPPING_FILES: Final = {
    "nist-csf-2.0--iso27001-2022": "mapping-nist-csf-2.0-to-iso27001-2022.yaml.gz",
    "nist-sp800-53-r5--iso27001-2022": "mapping-nist-sp-800-53-rev5-to-iso27001-2022.yaml.gz",
}
_SETS: Final = {
    "nist-csf-2.0--iso27001-2022": (
        "NIST CSF 2.0 to ISO/IEC 27001:2022 (NIST informative references)",
        "NIST's mapping of CSF 2.0 subcategories to ISO/IEC 27001:2022 clauses and Annex A "
        "controls, as packaged by CISO Assistant (library mapping-nist-csf-2.0-to-iso27001-2022, "
        "provider and copyright NIST, published 2025-06-13). The library gives no link to the "
        "NIST document it was taken from; NIST publishes CSF 2.0 informative references through "
        "its OLIR programme and the CSF 2.0 reference tool, and we could not check offline which "
        "release this is. All relationships are 'intersect' in the source (intersects-with "
        "here); exact repeats in the source are written once; the library's reverse set is not "
        "imported (the loader adds inverses). Not reviewed by us.",
    ),
    "nist-sp800-53-r5--iso27001-2022": (
        "NIST SP 800-53 Rev. 5 to ISO/IEC 27001:2022 (NIST OLIR informative reference)",
        "NIST's OLIR informative reference from SP 800-53 Rev. 5 controls and enhancements to "
        "ISO/IEC 27001:2022 (referenceId 155, submission of 2023-10-12), as packaged by CISO "
        "Assistant (library mapping-nist-sp-800-53-rev5-and-iso27001-2022, provider NIST). All "
        "relationships are 'intersect' in the source (intersects-with here); the library's "
        "reverse set is not imported (the loader adds inverses). Not reviewed by us.",
    ),
}


def nist_dir() -> Path:
    """Where the vendored NIST source files live."""
    return resources.catalog_sources_dir() / "nist"


def read_gz(name: str) -> bytes:
    """The uncompressed bytes of one vendored file."""
    return gzip.decompress((nist_dir() / name).read_bytes())


@dataclass(frozen=True, slots=True)
class Edition:
    """A generated edition: its rows and what was left out of NIST's file."""

    slug: str
    rows: list[Row]
    withdrawn: list[Row]


def _checked(draft: Draft) -> Draft:
    if draft.problems:
        raise FrameworkImportError(draft.problems)
    return draft


def csf_edition() -> Edition:
    """CSF 2.0 from the CISO Assistant library: functions, categories, subcategories."""
    draft = _checked(read_ciso_library(read_gz(CSF_FILE), CSF_FILE, CSF_SLUG))
    by_urn_tail = {r.ref: r.notation for r in draft.rows}
    rows = [
        # NIST's identifier (GV.OC-01) is the ref: it is IRI-safe and what people type.
        Row(
            ref=r.notation,
            kind=r.kind,
            parent=by_urn_tail[r.parent] if r.parent else "",
            notation=r.notation,
            title=r.title.title() if r.kind == "function" else r.title,
            summary=r.summary,
            where=r.where,
        )
        for r in draft.rows
    ]
    return Edition(CSF_SLUG, rows, [])


def sp800_53_edition() -> Edition:
    """SP 800-53 Rev. 5 from NIST's OSCAL catalog: families, controls, enhancements in force."""
    draft = _checked(read_oscal_catalog(read_gz(SP800_53_FILE), SP800_53_FILE, SP800_53_SLUG))
    kept = [r for r in draft.rows if not r.withdrawn]
    return Edition(SP800_53_SLUG, kept, [r for r in draft.rows if r.withdrawn])


def _clean(text: str) -> str:
    # The TSVs are read without quoting: tabs and newlines would break a row.
    return " ".join(text.split())


def tsv_text(edition: Edition) -> str:
    """The edition's source TSV: the root row, then every item in NIST's order."""
    fw = BY_SLUG[edition.slug]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
    writer.writerow(BASE_COLUMNS)
    notation = "CSF 2.0" if edition.slug == CSF_SLUG else "SP 800-53 Rev. 5"
    writer.writerow([fw.slug, "standard", "", notation, fw.title, "", ""])
    for r in edition.rows:
        writer.writerow(
            [
                r.ref,
                r.kind,
                r.parent or fw.slug,
                r.notation,
                _clean(r.title),
                _clean(r.summary),
                r.source,
            ]
        )
    return buf.getvalue()


def editions() -> list[Edition]:
    """Both generated editions."""
    return [csf_edition(), sp800_53_edition()]


def write_sources(src: Path | None = None) -> list[Path]:
    """Write ``<slug>.tsv`` of both editions into the catalog sources folder; return the paths."""
    folder = src or resources.catalog_sources_dir()
    out = []
    for ed in editions():
        path = folder / f"{ed.slug}.tsv"
        path.write_text(tsv_text(ed), encoding="utf-8")
        out.append(path)
    return out


def nist_mapping_drafts(items: CatalogItems | None = None) -> list[MappingDraft]:
    """NIST's informative references to ISO/IEC 27001:2022, read from the vendored libraries."""
    known = items or CatalogItems.shipped()
    out = []
    for set_id, name in MAPPING_FILES.items():
        title, description = _SETS[set_id]
        opts = Options(
            set_id=set_id,
            title=title,
            description=description,
            # NIST's people made these links (OLIR); the author is NIST, not us.
            justification=str(SEMAPV.ManualMappingCuration),
            confidence=0.8,
        )
        out.append(read_ciso_mappings(read_gz(name), name, known, opts))
    return out


def write_nist_mapping_sets(folder: Path | None = None) -> list[tuple[Path, int]]:
    """Write NIST's mapping sets into ``mappings/``; MappingImportError when a row fails."""
    target = folder or resources.mappings_dir()
    items = CatalogItems.shipped()
    out = []
    for draft in nist_mapping_drafts(items):
        text = finish(draft, items)
        path = target / f"{draft.set_id}.sssom.tsv"
        path.write_text(text, encoding="utf-8")
        out.append((path, len(draft.rows)))
    return out

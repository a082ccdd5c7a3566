"""CISO Assistant ``requirement_mapping_set`` libraries (YAML) as mapping sets.

``objects.requirement_mapping_sets`` (or a single ``requirement_mapping_set``) each name a
``source_framework_urn`` and a ``target_framework_urn`` and list ``requirement_mappings``: a
``source_requirement_urn``, a ``target_requirement_urn`` and a ``relationship`` read as "source
⟨relationship⟩ target" (NIST IR 8477: equal, subset, superset, intersect, not_related), with an
optional ``rationale`` (kept as the row's comment) and ``strength_of_relationship`` (0-10, kept
as ``strength`` on 0..1). A library that also carries the reverse of its set (CISO's ``-revert``
sets) has it skipped: the loader adds every inverse itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import yaml

from aims_graph.catalog.frameworks import BY_PREFIX, BY_SLUG
from aims_graph.importers.mapping_draft import (
    CatalogItems,
    KnownItem,
    MappingDraft,
    mapping_row,
    set_metadata,
)
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.review import ReviewFields
from aims_graph.mappings.sssom_io import MappingRow
from aims_graph.namespaces import SEMAPV

RELATIONSHIPS: Final[dict[str, Relation]] = {
    "equal": Relation.EQUAL,
    "subset": Relation.SUBSET_OF,
    "superset": Relation.SUPERSET_OF,
    "intersect": Relation.INTERSECTS_WITH,
    "not_related": Relation.NOT_RELATED,
}
_INVERSE_TEXT: Final = {"subset": "superset", "superset": "subset"}
#: CISO Assistant framework ids whose edition slug here is spelled differently.
CISO_EDITIONS: Final[dict[str, str]] = {"nist-sp-800-53-rev5": "nist-sp800-53-r5"}
CISO_REPO: Final = "https://github.com/intuitem/ciso-assistant-community"
_URL: Final = re.compile(r"https?://[^\s'\"<>]+")
SKIP_FLAG: Final = "--skip-failing"


@dataclass(frozen=True, slots=True)
class Options:
    """Choices the file cannot make: which set, which editions, how sure, which source."""

    set_ref: str = ""
    subject_edition: str = ""
    object_edition: str = ""
    set_id: str = ""
    title: str = ""
    description: str = ""
    justification: str = str(SEMAPV.UnspecifiedMatching)
    confidence: float = 0.8
    source_document: str = ""
    mapping_date: str = ""


def edition_of_framework(urn: str) -> str:
    """The edition slug a CISO framework urn names ('' when none is known)."""
    fid = urn.rsplit(":", 1)[-1].strip().lower()
    slug = CISO_EDITIONS.get(fid, fid)
    fw = BY_SLUG.get(slug) or BY_PREFIX.get(slug)
    return fw.slug if fw is not None else slug


def _sets(objects: dict[str, Any]) -> list[Any]:
    many = objects.get("requirement_mapping_sets")
    if isinstance(many, list):
        return many
    one = objects.get("requirement_mapping_set")
    return [one] if one is not None else []


def _pairs(s: dict[str, Any], inverse: bool = False) -> set[tuple[str, str, str]]:
    out = set()
    for m in s.get("requirement_mappings") or []:
        if not isinstance(m, dict):
            continue
        a, b = str(m.get("source_requirement_urn")), str(m.get("target_requirement_urn"))
        rel = str(m.get("relationship", ""))
        out.add((b, a, _INVERSE_TEXT.get(rel, rel)) if inverse else (a, b, rel))
    return out


def _choose(draft: MappingDraft, sets: list[Any], ref: str) -> tuple[int, dict[str, Any]] | None:
    where = "objects.requirement_mapping_sets"
    if not sets or not all(isinstance(s, dict) for s in sets):
        draft.problem(where, "no mapping set found", "give a CISO Assistant mapping library")
        return None
    names = [str(s.get("ref_id") or s.get("urn") or "") for s in sets]
    if ref:
        picks = [i for i, s in enumerate(sets) if ref in (s.get("ref_id"), s.get("urn"))]
        if not picks:
            draft.problem(where, f"no set {ref!r}", "use one of " + ", ".join(names))
            return None
        index = picks[0]
    else:
        index = 0
    chosen = sets[index]
    for i, other in enumerate(sets):
        if i == index:
            continue
        if _pairs(other, inverse=True) == _pairs(chosen):
            draft.notes.append(
                f"{where}[{i}] ({names[i]}) skipped: it is the reverse of {names[index]}, "
                "and the loader adds every inverse"
            )
        elif not ref:
            draft.problem(
                where,
                f"{len(sets)} mapping sets that are not each other's reverse",
                "choose one with --set " + " or ".join(names),
            )
            return None
    return index, chosen


def _resolve(
    draft: MappingDraft, items: CatalogItems, urn: str, edition: str, where: str
) -> KnownItem | None:
    tail = urn.rsplit(":", 1)[-1]
    found = items.find(edition, tail) if urn.startswith("urn:") else None
    if found is None:
        draft.fail(
            where,
            f"{urn!r} names no item of {edition}",
            f"correct the urn, add the item to the {edition} catalog (or give --catalog with "
            f"one that has it), or pass {SKIP_FLAG} to write the other rows",
        )
    return found


def read_ciso_mappings(
    data: bytes, file: str, items: CatalogItems, options: Options | None = None
) -> MappingDraft:
    """Read a CISO Assistant mapping library; failed rows and problems are left on the draft."""
    opt = options or Options()
    draft = MappingDraft(file)
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        draft.problem(where, f"not YAML: {exc}", "give a CISO Assistant library file")
        return draft
    meta = doc if isinstance(doc, dict) else {}
    objects = meta.get("objects") if isinstance(meta.get("objects"), dict) else {}
    picked = _choose(draft, _sets(objects or {}), opt.set_ref)
    if picked is None:
        return draft
    index, chosen = picked
    base = f"objects.requirement_mapping_sets[{index}]"
    subject_ed = opt.subject_edition or edition_of_framework(
        str(chosen.get("source_framework_urn", ""))
    )
    object_ed = opt.object_edition or edition_of_framework(
        str(chosen.get("target_framework_urn", ""))
    )
    for ed, key in ((subject_ed, "source_framework_urn"), (object_ed, "target_framework_urn")):
        if ed not in items.editions:
            draft.problem(
                f"{base}.{key}",
                f"{chosen.get(key)!r} is no edition with a catalog here",
                "pass --source-edition / --target-edition, or --catalog with its Turtle",
            )
    if draft.problems:
        return draft
    provider = str(meta.get("provider") or "the publisher")
    library = str(meta.get("name") or chosen.get("name") or file)
    urls = list(
        dict.fromkeys(_URL.findall(f"{meta.get('copyright', '')} {meta.get('description', '')}"))
    )
    source = opt.source_document or (urls[-1] if urls else f"{CISO_REPO}#{meta.get('urn', '')}")
    draft.set_id = opt.set_id or f"{subject_ed}--{object_ed}"
    extra: dict[str, Any] = {
        "mapping_date": opt.mapping_date or str(meta.get("publication_date") or "")[:10],
        "mapping_provider": CISO_REPO,
        "author_label": provider,
        "see_also": urls or [CISO_REPO],
    }
    draft.metadata = set_metadata(
        draft.set_id,
        subject_ed,
        object_ed,
        opt.title or library,
        opt.description
        or f"{library} ({meta.get('urn', '')}), provider {provider}, packaged by "
        f"{meta.get('packager', 'intuitem')} (CISO Assistant); imported unchanged.",
        {k: v for k, v in extra.items() if v},
    )
    seen: dict[tuple[str, str], tuple[Relation, str]] = {}
    for i, m in enumerate(chosen.get("requirement_mappings") or []):
        where = f"{base}.requirement_mappings[{i}]"
        if not isinstance(m, dict):
            draft.fail(where, "not a mapping", "give source/target urns and a relationship")
            continue
        subject = _resolve(
            draft, items, str(m.get("source_requirement_urn", "")), subject_ed,
            f"{where}.source_requirement_urn",
        )  # fmt: skip
        obj = _resolve(
            draft, items, str(m.get("target_requirement_urn", "")), object_ed,
            f"{where}.target_requirement_urn",
        )  # fmt: skip
        text = str(m.get("relationship", "")).strip()
        relation = RELATIONSHIPS.get(text)
        if relation is None:
            draft.fail(
                f"{where}.relationship",
                f"relationship {text!r} is not one of CISO Assistant's",
                "use " + ", ".join(RELATIONSHIPS),
            )
        if subject is None or obj is None or relation is None:
            continue
        if draft.first_of_pair(seen, (subject.iri, obj.iri), relation, where):
            draft.rows.append(
                _row(draft, subject, obj, relation, text, m, provider, library, source, opt)
            )
    return draft


def _row(
    draft: MappingDraft,
    subject: KnownItem,
    obj: KnownItem,
    relation: Relation,
    text: str,
    m: dict[str, Any],
    provider: str,
    library: str,
    source: str,
    opt: Options,
) -> MappingRow:
    rationale = " ".join(str(m.get("rationale") or "").split())
    comment = (
        f"{provider} maps {subject.notation} to {obj.notation} as '{text}' in {library}; "
        "imported as published, not reviewed by us."
    ) + (f" Rationale given: {rationale}" if rationale else "")
    raw_strength = m.get("strength_of_relationship")
    strength = (
        min(max(float(raw_strength) / 10, 0.0), 1.0)
        if isinstance(raw_strength, int | float)
        else None
    )
    return mapping_row(
        draft,
        subject,
        obj,
        relation,
        justification=opt.justification,
        confidence=opt.confidence,
        source_document=source,
        comment=comment,
        review=ReviewFields(strength=strength),
    )

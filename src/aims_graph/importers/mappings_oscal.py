"""OSCAL 1.2 mapping collections (JSON) as mapping sets.

A ``mapping-collection`` lists ``mappings``, each between a ``source-resource`` and a
``target-resource`` (catalogs), with ``maps``: a ``relationship`` (NIST IR 8477:
``equivalent-to``/``equal-to``, ``subset-of``, ``superset-of``, ``intersects-with``,
``no-relationship``) from its ``sources`` to its ``targets``, each naming a control by ``id-ref``,
and optionally a ``confidence-score``, ``remarks``, reference ``links`` and a ``justification``
prop. A resource names its edition by an ``edition`` prop (as aims-graph's own exports do) or the
caller names it. An ``id-ref`` is matched to an item by the OSCAL id the item has in our catalog
exports, then by its ref or notation. Every map that names no known item, or a relationship that
is none of those, is reported with its JSON path.
"""

from __future__ import annotations

import json
from typing import Any, Final

from aims_graph.exports.oscal import control_id
from aims_graph.importers.mapping_draft import (
    CatalogItems,
    KnownItem,
    MappingDraft,
    mapping_row,
    set_metadata,
)
from aims_graph.importers.mappings_ciso import Options
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.sssom_io import expand_curie
from aims_graph.namespaces import SEMAPV

RELATIONSHIPS: Final[dict[str, Relation]] = {
    "equivalent-to": Relation.EQUAL,
    "equal-to": Relation.EQUAL,
    "subset-of": Relation.SUBSET_OF,
    "superset-of": Relation.SUPERSET_OF,
    "intersects-with": Relation.INTERSECTS_WITH,
    "no-relationship": Relation.NOT_RELATED,
}
ROOT: Final = "mapping-collection"


def _props(node: dict[str, Any]) -> dict[str, str]:
    return {
        str(p.get("name")): str(p.get("value"))
        for p in node.get("props") or []
        if isinstance(p, dict)
    }


class _Resolver:
    """Finds the item an ``id-ref`` names in one edition."""

    def __init__(self, items: CatalogItems) -> None:
        self.items = items
        self._by_id: dict[str, dict[str, KnownItem]] = {}

    def find(self, edition: str, id_ref: str) -> KnownItem | None:
        ids = self._by_id.get(edition)
        if ids is None:
            ids = self._by_id[edition] = {
                control_id(k.ref): k for k in self.items.by_iri.values() if k.edition == edition
            }
        return ids.get(id_ref) or self.items.find(edition, id_ref)


def _resources(doc: dict[str, Any]) -> dict[str, str]:
    """Back-matter resource uuid → its first link's href (what ``#uuid`` links stand for)."""
    out = {}
    for r in (doc.get("back-matter") or {}).get("resources") or []:
        links = r.get("rlinks") or [] if isinstance(r, dict) else []
        if links and isinstance(links[0], dict) and links[0].get("href"):
            out[str(r.get("uuid"))] = str(links[0]["href"])
    return out


def read_oscal_mappings(
    data: bytes, file: str, items: CatalogItems, options: Options | None = None
) -> MappingDraft:
    """Read an OSCAL mapping collection; failed maps and problems are left on the draft."""
    opt = options or Options()
    draft = MappingDraft(file)
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        draft.problem("file", f"not UTF-8 text ({exc})", "give an OSCAL mapping collection")
        return draft
    except json.JSONDecodeError as exc:
        draft.problem(
            f"line {exc.lineno}, column {exc.colno}",
            f"not JSON: {exc.msg}",
            "give an OSCAL mapping collection (JSON)",
        )
        return draft
    coll = doc.get(ROOT) if isinstance(doc, dict) else None
    if not isinstance(coll, dict):
        draft.problem("$", f"no {ROOT!r} object", "give an OSCAL 1.2 mapping collection")
        return draft
    mappings = coll.get("mappings")
    if not isinstance(mappings, list) or not mappings:
        draft.problem(f"{ROOT}.mappings", "no mappings", "give at least one mapping")
        return draft
    editions = set()
    for i, m in enumerate(mappings):
        if not isinstance(m, dict):
            draft.problem(f"{ROOT}.mappings[{i}]", "not an object", "give a mapping object")
            continue
        pair = []
        for key, given in (
            ("source-resource", opt.subject_edition),
            ("target-resource", opt.object_edition),
        ):
            res = m.get(key) if isinstance(m.get(key), dict) else {}
            ed = given or _props(res or {}).get("edition", "")
            if ed not in items.editions:
                flag = "--source-edition" if key == "source-resource" else "--target-edition"
                draft.problem(
                    f"{ROOT}.mappings[{i}].{key}",
                    f"names no edition with a catalog here ({ed or 'no edition prop'})",
                    f"pass {flag} (source_edition / target_edition) with the edition's id",
                )
            pair.append(ed)
        editions.add(tuple(pair))
    if len(editions) > 1 and not draft.problems:
        draft.problem(
            f"{ROOT}.mappings",
            f"maps between {len(editions)} pairs of editions",
            "split the collection: one mapping set links one pair of editions",
        )
    if draft.problems:
        return draft
    [(subject_ed, object_ed)] = editions
    meta = coll.get("metadata") if isinstance(coll.get("metadata"), dict) else {}
    title = str((meta or {}).get("title") or file)
    draft.set_id = (
        opt.set_id or _props(meta or {}).get("mapping-set") or (f"{subject_ed}--{object_ed}")
    )
    links = _resources(coll)
    extra: dict[str, Any] = {
        "mapping_date": opt.mapping_date or str((meta or {}).get("last-modified", ""))[:10]
    }
    draft.metadata = set_metadata(
        draft.set_id,
        subject_ed,
        object_ed,
        opt.title or title,
        opt.description
        or f"{title}, an OSCAL mapping collection ({coll.get('uuid', '')}), imported unchanged.",
        {k: v for k, v in extra.items() if v},
    )
    resolver = _Resolver(items)
    seen: dict[tuple[str, str], tuple[Relation, str]] = {}
    for i, m in enumerate(mappings):
        for j, entry in enumerate(m.get("maps") or []):
            where = f"{ROOT}.mappings[{i}].maps[{j}]"
            if not isinstance(entry, dict):
                draft.fail(where, "not an object", "give a map with sources, targets, relationship")
                continue
            _read_map(
                draft, resolver, entry, where, (subject_ed, object_ed), title, links, opt, seen
            )
    return draft


def _ends(
    draft: MappingDraft,
    resolver: _Resolver,
    entry: dict[str, Any],
    key: str,
    edition: str,
    where: str,
) -> list[KnownItem] | None:
    refs = entry.get(key)
    if not isinstance(refs, list) or not refs:
        draft.fail(f"{where}.{key}", f"no {key}", "name at least one control by id-ref")
        return None
    found = []
    for k, ref in enumerate(refs):
        id_ref = str(ref.get("id-ref", "")) if isinstance(ref, dict) else ""
        item = resolver.find(edition, id_ref) if id_ref else None
        if item is None:
            draft.fail(
                f"{where}.{key}[{k}].id-ref",
                f"{id_ref!r} names no item of {edition}",
                f"correct the id-ref, add the item to the {edition} catalog, or pass "
                "--skip-failing to write the other maps",
            )
            return None
        found.append(item)
    return found


def _read_map(
    draft: MappingDraft,
    resolver: _Resolver,
    entry: dict[str, Any],
    where: str,
    editions: tuple[str, str],
    title: str,
    links: dict[str, str],
    opt: Options,
    seen: dict[tuple[str, str], tuple[Relation, str]],
) -> None:
    text = str(entry.get("relationship", "")).strip()
    relation = RELATIONSHIPS.get(text)
    if relation is None:
        draft.fail(
            f"{where}.relationship",
            f"relationship {text!r} is none of NIST IR 8477's",
            "use " + ", ".join(RELATIONSHIPS),
        )
        return
    subjects = _ends(draft, resolver, entry, "sources", editions[0], where)
    objects = _ends(draft, resolver, entry, "targets", editions[1], where)
    if subjects is None or objects is None:
        return
    props = _props(entry)
    semapv = {"semapv": str(SEMAPV)}
    justification = expand_curie(props.get("justification", ""), semapv) or opt.justification
    score = entry.get("confidence-score")
    raw = score.get("percentage") if isinstance(score, dict) else None
    confidence = opt.confidence
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        confidence = min(max(raw / 100 if raw > 1 else float(raw), 0.0), 1.0)
    source = ""
    for link in entry.get("links") or []:
        if isinstance(link, dict) and link.get("href"):
            href = str(link["href"])
            source = links.get(href[1:], "") if href.startswith("#") else href
            break
    remarks = " ".join(str(entry.get("remarks") or "").split())
    for subject in subjects:
        for obj in objects:
            if not draft.first_of_pair(seen, (subject.iri, obj.iri), relation, where):
                continue
            comment = remarks or (
                f"{title} maps {subject.notation} to {obj.notation} as '{text}'; "
                "imported as published, not reviewed by us."
            )
            draft.rows.append(
                mapping_row(
                    draft,
                    subject,
                    obj,
                    relation,
                    justification=justification,
                    confidence=confidence,
                    source_document=source or opt.source_document,
                    comment=comment,
                )
            )

"""OSCAL 1.1 catalogs (JSON): groups, controls and their enhancements as an edition.

Groups become control categories, controls and nested controls (enhancements) become controls
under them; the ``label`` prop (the form without a class, e.g. ``AC-2(1)``) is the notation, the
``statement`` part's prose (``guidance`` when there is none) the summary, with each inserted
parameter shown as ``[its label]``; ``status: withdrawn`` marks a withdrawn item.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Final

from aims_graph.catalog.frameworks import FrameworkEdition
from aims_graph.importers.draft import Draft, Row

_INSERT: Final = re.compile(r"\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}")
_SPACE: Final = re.compile(r"\s+")


def _prose(part: dict[str, Any], params: dict[str, str]) -> str:
    """The prose of a part and its sub-parts in document order, their labels kept."""
    texts: list[str] = []

    def walk(p: dict[str, Any]) -> None:
        label = next(
            (x.get("value", "") for x in p.get("props", []) if x.get("name") == "label"), ""
        )
        prose = p.get("prose", "")
        if prose or label:
            texts.append(f"{label} {prose}".strip())
        for sub in p.get("parts", []):
            walk(sub)

    walk(part)
    text = _INSERT.sub(lambda m: f"[{params.get(m.group(1), m.group(1))}]", " ".join(texts))
    return _SPACE.sub(" ", text).strip()


def _label(obj: dict[str, Any]) -> str:
    labels = [p for p in obj.get("props", []) if p.get("name") == "label"]
    plain = [p["value"] for p in labels if "class" not in p and "value" in p]
    return plain[0] if plain else (labels[0].get("value", "") if labels else "")


def _withdrawn(obj: dict[str, Any]) -> bool:
    return any(
        p.get("name") == "status" and p.get("value") == "withdrawn" for p in obj.get("props", [])
    )


def _params(obj: dict[str, Any]) -> dict[str, str]:
    out = {}
    for p in obj.get("params", []):
        label = p.get("label") or (p.get("select", {}) and "selection") or p.get("id", "")
        out[p.get("id", "")] = str(label)
    return out


def read_oscal_catalog(data: bytes, file: str, slug: str, source: str = "") -> Draft:
    """Read an OSCAL catalog; problems (with their JSON path) are left on the draft."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        draft = Draft(file, _edition(slug, {}, source))
        draft.problem(
            f"line {getattr(exc, 'lineno', 1)}",
            f"not JSON: {exc}",
            "export the catalog as OSCAL JSON",
        )
        return draft
    catalog = doc.get("catalog") if isinstance(doc, dict) else None
    if not isinstance(catalog, dict):
        draft = Draft(file, _edition(slug, {}, source))
        draft.problem("$", "no 'catalog' object", "give an OSCAL catalog (not a profile or SSP)")
        return draft
    meta = catalog.get("metadata", {})
    draft = Draft(file, _edition(slug, meta, source))
    params: dict[str, str] = {}

    def control(c: dict[str, Any], parent: str, path: str) -> None:
        if not isinstance(c, dict) or not c.get("id"):
            draft.problem(path, "control without an id", "give every control its OSCAL id")
            return
        params.update(_params(c))
        parts = {p.get("name"): p for p in c.get("parts", []) if isinstance(p, dict)}
        main = parts.get("statement") or parts.get("guidance")
        draft.rows.append(
            Row(
                ref=c["id"],
                kind="control",
                parent=parent,
                notation=_label(c) or c["id"].upper(),
                title=c.get("title", ""),
                summary=_prose(main, params) if main else "",
                withdrawn=_withdrawn(c),
                where=path,
            )
        )
        for i, sub in enumerate(c.get("controls", [])):
            control(sub, c["id"], f"{path}.controls[{i}]")

    def group(g: dict[str, Any], parent: str, path: str) -> None:
        if not isinstance(g, dict) or not g.get("id"):
            draft.problem(path, "group without an id", "give every group its OSCAL id")
            return
        draft.rows.append(
            Row(
                g["id"],
                "control_category",
                parent,
                _label(g) or g["id"].upper(),
                g.get("title", ""),
                where=path,
            )
        )
        for i, sub in enumerate(g.get("groups", [])):
            group(sub, g["id"], f"{path}.groups[{i}]")
        for i, c in enumerate(g.get("controls", [])):
            control(c, g["id"], f"{path}.controls[{i}]")

    for i, g in enumerate(catalog.get("groups", [])):
        group(g, "", f"$.catalog.groups[{i}]")
    for i, c in enumerate(catalog.get("controls", [])):
        control(c, "", f"$.catalog.controls[{i}]")
    return draft


def _edition(slug: str, meta: dict[str, Any], source: str) -> FrameworkEdition:
    published = str(meta.get("published") or meta.get("last-modified") or "")[:10]
    try:
        issued = dt.date.fromisoformat(published).isoformat()
    except ValueError:
        issued = "1970-01-01"
    title = str(meta.get("title") or slug)
    return FrameworkEdition(
        slug=slug,
        title=title,
        family=title,
        edition=str(meta.get("version", "")),
        kind="framework",
        publisher=next(
            (p.get("name", "") for p in meta.get("parties", []) if p.get("type") == "organization"),
            "",
        )
        or "unknown",
        issued=issued,
        source=source or "https://pages.nist.gov/OSCAL/",
        text_licence="as stated by the publisher",
        prefixes=(slug,),
    )

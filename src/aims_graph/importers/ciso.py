"""CISO Assistant libraries (YAML): a framework's requirement nodes as an edition.

``objects.framework.requirement_nodes`` each have a ``urn``, an optional ``parent_urn``, a
``ref_id`` (the notation), a ``name`` and a ``description``; ``assessable`` nodes are the
requirements, the others group them. Kinds follow the depth in the tree: for a three-level
framework such as NIST CSF 2.0, function → category → subcategory; otherwise groups are control
categories and assessable nodes controls.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

import yaml

from aims_graph.catalog.frameworks import FrameworkEdition
from aims_graph.importers.draft import Draft, Row

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_CSF_KINDS: Final = {1: "function", 2: "category", 3: "subcategory"}


def _ref(node: dict[str, Any]) -> str:
    """An IRI-safe id: the urn's last segment (unique in the library), made safe."""
    tail = str(node.get("urn", "")).rsplit(":", 1)[-1]
    return _UNSAFE.sub("-", tail).strip("-.")


def short_title(text: str, limit: int = 120) -> str:
    """The text itself when short enough, else cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def read_ciso_library(data: bytes, file: str, slug: str) -> Draft:
    """Read a CISO Assistant library; problems (with their YAML path) are left on the draft."""
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        draft = Draft(file, _edition(slug, {}))
        where = f"line {mark.line + 1}" if mark is not None else "file"
        draft.problem(where, f"not YAML: {exc}", "give a CISO Assistant library file")
        return draft
    meta = doc if isinstance(doc, dict) else {}
    draft = Draft(file, _edition(slug, meta))
    fw = (
        (meta.get("objects") or {}).get("framework")
        if isinstance(meta.get("objects"), dict)
        else None
    )
    nodes = fw.get("requirement_nodes") if isinstance(fw, dict) else None
    if not isinstance(nodes, list):
        draft.problem(
            "objects.framework.requirement_nodes", "missing", "give a library with a framework"
        )
        return draft
    by_urn: dict[str, dict[str, Any]] = {}
    for i, n in enumerate(nodes):
        if isinstance(n, dict) and n.get("urn"):
            by_urn[str(n["urn"])] = n
        else:
            draft.problem(
                f"objects.framework.requirement_nodes[{i}]",
                "node without a urn",
                "give every node its urn",
            )
    depth = {u: int(n.get("depth") or 0) for u, n in by_urn.items()}
    csf_like = set(depth.values()) == {1, 2, 3} and all(
        bool(n.get("assessable")) == (depth[u] == 3) for u, n in by_urn.items()
    )
    for i, n in enumerate(nodes):
        if not isinstance(n, dict) or not n.get("urn"):
            continue
        where = f"objects.framework.requirement_nodes[{i}]"
        parent_urn = str(n.get("parent_urn") or "")
        parent = by_urn.get(parent_urn)
        if parent_urn and parent is None:
            draft.problem(
                where, f"parent_urn {parent_urn!r} is not a node of the library", "fix parent_urn"
            )
        if csf_like:
            kind = _CSF_KINDS[depth[str(n["urn"])]]
        else:
            kind = "control" if n.get("assessable") else "control_category"
        name = str(n.get("name") or "")
        description = " ".join(str(n.get("description") or "").split())
        draft.rows.append(
            Row(
                ref=_ref(n),
                kind=kind,
                parent=_ref(parent) if parent else "",
                notation=str(n.get("ref_id") or _ref(n)),
                # Subcategories often have no name: their statement is the description.
                title=name or short_title(description) or str(n.get("ref_id") or ""),
                summary=description,
                where=where,
            )
        )
    return draft


def _edition(slug: str, meta: dict[str, Any]) -> FrameworkEdition:
    try:
        issued = dt.date.fromisoformat(str(meta.get("publication_date", ""))[:10]).isoformat()
    except ValueError:
        issued = "1970-01-01"
    title = str(meta.get("name") or slug)
    return FrameworkEdition(
        slug=slug,
        title=title,
        family=title,
        edition=str(meta.get("version", "")),
        kind="framework",
        publisher=str(meta.get("provider") or "unknown"),
        issued=issued,
        source="https://github.com/intuitem/ciso-assistant-community",
        text_licence=str(meta.get("copyright") or "as stated by the publisher"),
        prefixes=(slug,),
    )

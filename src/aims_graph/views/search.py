"""Item search: exact notation, then notation prefix, then label words, then summary words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from aims_graph.catalog.frameworks import editions, framework
from aims_graph.catalog.items import Item, normalise
from aims_graph.views.errors import ApiInputError
from aims_graph.views.index import ViewIndex, item_ref

_WORD: Final = re.compile(r"[\w']+")
MATCH_RANKS: Final = ("notation", "notation-prefix", "label", "summary")


@dataclass(frozen=True, slots=True)
class _Entry:
    item: Item
    notation: str
    ref: str
    label_words: frozenset[str]
    label: str
    summary: str
    summary_words: frozenset[str]


def _entries(index: ViewIndex) -> list[_Entry]:
    """Every item in document order with its normalised search keys."""
    items = index.svc.items.items
    d = index.details
    out = []
    for fw in editions():
        for iri in d.order[fw.slug]:
            i = items[iri]
            summary = d.summary.get(iri, "").lower()
            out.append(
                _Entry(
                    item=i,
                    notation=normalise(i.notation),
                    ref=normalise(i.ref),
                    label_words=frozenset(w.lower() for w in _WORD.findall(i.label)),
                    label=i.label.lower(),
                    summary=summary,
                    summary_words=frozenset(_WORD.findall(summary)),
                )
            )
    return out


def _rank(e: _Entry, key: str, words: list[str], phrase: str) -> int | None:
    if key and key in (e.notation, e.ref):
        return 0
    if key and (e.notation.startswith(key) or e.ref.startswith(key)):
        return 1
    if words and (
        all(w in e.label_words for w in words) or (len(phrase) > 2 and phrase in e.label)
    ):
        return 2
    if words and (
        all(w in e.summary_words for w in words) or (len(phrase) > 2 and phrase in e.summary)
    ):
        return 3
    return None


def search(
    index: ViewIndex, q: str, *, framework_id: str | None = None, limit: int = 20
) -> dict[str, Any]:
    """Items ranked: exact notation > notation prefix > label words > summary."""
    entries = index.cached("search", lambda: _entries(index))
    text = q.strip()
    if not text:
        raise ApiInputError("q must not be empty")
    edition = index.edition(framework_id).slug if framework_id else None
    local = text
    prefix, sep, rest = text.partition(":")
    if sep and not rest.startswith("//"):
        try:
            edition = edition or framework(prefix).slug
            local = rest
        except KeyError:
            pass
    key = normalise(local)
    words = [w.lower() for w in _WORD.findall(text)]
    phrase = text.lower()
    hits: list[tuple[int, int, dict[str, Any]]] = []
    for pos, e in enumerate(entries):
        if edition and e.item.edition != edition:
            continue
        rank = _rank(e, key, words, phrase)
        if rank is None:
            continue
        hit = item_ref(e.item)
        hit["summary"] = index.details.summary.get(e.item.iri)
        hit["match"] = MATCH_RANKS[rank]
        hits.append((rank, pos, hit))
    hits.sort(key=lambda h: (h[0], h[1]))
    return {
        "q": q,
        "framework": edition,
        "total": len(hits),
        "hits": [h for _, _, h in hits[:limit]],
    }

"""Resolve what a user types (CURIE, IRI, notation) to an item, from an in-memory index."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from aims_graph.catalog.frameworks import BY_SLUG, PRIVATE, edition_facts, framework
from aims_graph.namespaces import AIMS, ID
from aims_graph.store import Store

_ITEMS_QUERY: Final = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?i ?scheme ?notation ?label ?type WHERE {
  ?i skos:inScheme ?scheme .
  OPTIONAL { ?i skos:notation ?notation }
  OPTIONAL { ?i skos:prefLabel ?label }
  OPTIONAL { ?i a ?type FILTER(STRSTARTS(STR(?type), STR(<%s>))) }
}
""" % str(AIMS)  # noqa: UP031  (a constant namespace, not user input)

_ARTICLE = re.compile(r"\barticle\b\.?|\bart\b\.?")
_SEPARATORS = re.compile(r"[\s\-_]+")
_CHUNK: Final = re.compile(r"(\d+)")


class ItemResolutionError(ValueError):
    """What the user typed names no item, or more than one; the message lists close matches."""


def edition_of(iri: str) -> str | None:
    """The framework edition slug of an item IRI, or None when it is not an item IRI."""
    if not iri.startswith(ID):
        return None
    slug = iri[len(ID) :].split("/", 1)[0]
    return slug if slug in BY_SLUG or slug in PRIVATE else None


def normalise(text: str) -> str:
    """Lookup key: case-folded, 'Art.'/'Article' unified, runs of spaces, '-' and '_' as one '-'."""
    key = _ARTICLE.sub("art ", text.strip().lower())
    return _SEPARATORS.sub("-", key).strip("-")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders '4.10' after '4.9' and 'A.10' after 'A.9'."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in _CHUNK.split(text)
        if part
    )


@dataclass(frozen=True, slots=True)
class Item:
    """One catalog item as the resolver and the crosswalk show it."""

    iri: str
    edition: str
    ref: str
    notation: str
    label: str
    kind: str

    @property
    def curie(self) -> str:
        """Preferred CURIE, e.g. ``iso42001:A.6.2.4``."""
        return f"{edition_facts(self.edition).prefixes[0]}:{self.ref}"

    @property
    def title(self) -> str:
        """Notation and short title, e.g. ``A.6.2.4 AI system verification and validation``."""
        if self.label and self.label != self.notation:
            return f"{self.notation} {self.label}".strip()
        return self.notation or self.ref


@dataclass
class ItemIndex:
    """Every item by IRI, plus per-edition lookup keys built from refs and notations."""

    items: dict[str, Item] = field(default_factory=dict)
    keys: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, graphs: Sequence[str] = ()) -> ItemIndex:
        """Build the index from the catalogs in the store (or in the graphs named), one query."""
        found: dict[str, dict[str, str]] = {}
        query = _ITEMS_QUERY
        if graphs:
            query = query.replace("WHERE", "".join(f"FROM <{g}>\n" for g in graphs) + "WHERE", 1)
        for row in store.select(query):
            iri = row["i"].value
            rec = found.setdefault(iri, {})
            edition = edition_of(iri)
            if edition is None:
                continue
            rec["edition"] = edition
            for var in ("notation", "label"):
                if var in row and var not in rec:
                    rec[var] = row[var].value
            if "type" in row:
                kind = row["type"].value.removeprefix(str(AIMS))
                # Keep one kind deterministically when an item carries several aims classes.
                if "type" not in rec or kind < rec["type"]:
                    rec["type"] = kind
        index = cls()
        # In tree order, not the store's row order (which differs between backends and with
        # them every answer listing an edition's items).
        for iri, rec in sorted(found.items(), key=lambda kv: (natural_key(kv[0]), kv[0])):
            if "edition" not in rec:
                continue
            edition = rec["edition"]
            ref = iri[len(ID) + len(edition) + 1 :]
            index.add(
                Item(
                    iri,
                    edition,
                    ref,
                    rec.get("notation", ref),
                    rec.get("label", ""),
                    rec.get("type", ""),
                )
            )
        return index

    def add(self, item: Item) -> None:
        """Index one item under its ref and notation."""
        self.items[item.iri] = item
        keys = self.keys.setdefault(item.edition, {})
        for text in {item.ref, item.notation}:
            if text:
                keys.setdefault(normalise(text), set()).add(item.iri)

    def merged(self, other: ItemIndex) -> ItemIndex:
        """A new index holding this one's items, then ``other``'s."""
        out = ItemIndex(
            dict(self.items),
            {ed: {k: set(v) for k, v in keys.items()} for ed, keys in self.keys.items()},
        )
        for item in other.items.values():
            out.add(item)
        return out

    def get(self, iri: str) -> Item | None:
        """The item with this IRI, if any."""
        return self.items.get(iri)

    def in_edition(self, edition: str) -> list[Item]:
        """Items of one framework edition."""
        return [i for i in self.items.values() if i.edition == edition]

    def resolve(self, text: str, framework_hint: str | None = None) -> Item:
        """Resolve a CURIE, full IRI, or notation (with a framework) to one item."""
        raw = text.strip()
        if not raw:
            raise ItemResolutionError("no item given")
        hint: str | None = None
        if framework_hint:
            hint = self._edition_named(framework_hint)
            if hint is None:
                try:
                    framework(framework_hint)
                except KeyError as exc:
                    raise ItemResolutionError(str(exc.args[0])) from None
        if raw.startswith(("http://", "https://")):
            item = self.items.get(raw.strip("<>"))
            if item is None:
                raise ItemResolutionError(f"no item has the IRI <{raw}>")
            return item
        prefix, sep, local = raw.partition(":")
        editions: list[str]
        named = self._edition_named(prefix) if sep else None
        if named is not None:
            if hint is not None and hint != named:
                raise ItemResolutionError(
                    f"{raw!r} is in {named}, but the framework given is {hint}"
                )
            editions, local = [named], local
        elif hint is not None:
            editions, local = [hint], raw
        else:
            editions, local = list(self.keys), raw
        key = normalise(local)
        matches = sorted({iri for ed in editions for iri in self.keys.get(ed, {}).get(key, ())})
        if len(matches) == 1:
            return self.items[matches[0]]
        if matches:
            listed = ", ".join(self.items[m].curie for m in matches[:12])
            raise ItemResolutionError(
                f"{raw!r} is ambiguous: {listed}; add a framework prefix, e.g. "
                f"{self.items[matches[0]].curie}"
            )
        raise ItemResolutionError(self._unknown_message(raw, key, editions))

    def _edition_named(self, text: str) -> str | None:
        """The edition a slug or CURIE prefix names: public, or an organisation's own that this
        index holds (so an organisation's names resolve only in its own index)."""
        key = text.strip().lower()
        if key in _prefixes():
            return framework(key).slug
        return key if key in PRIVATE and key in self.keys else None

    def _unknown_message(self, raw: str, key: str, editions: list[str]) -> str:
        candidates: dict[str, str] = {}
        for ed in editions:
            for k, iris in self.keys.get(ed, {}).items():
                for iri in iris:
                    candidates.setdefault(k, self.items[iri].curie)
        close = difflib.get_close_matches(key, list(candidates), n=6, cutoff=0.6)
        where = editions[0] if len(editions) == 1 else "any framework"
        msg = f"no item {raw!r} in {where}"
        if close:
            msg += "; close matches: " + ", ".join(sorted({candidates[c] for c in close}))
        elif len(editions) > 1:
            msg += "; give a CURIE such as iso42001:A.6.2.4 or nist-ai-rmf:GOVERN-1.1"
        return msg


def _prefixes() -> set[str]:
    from aims_graph.catalog.frameworks import BY_PREFIX

    return set(BY_PREFIX) | set(BY_SLUG)

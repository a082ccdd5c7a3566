"""The organisation registry: who exists and which API keys they hold, kept private in the store.

A key is ``agk_<key id>_<secret>``. Only the SHA-256 of the secret is stored; the secret has 256
bits of randomness, so a plain hash is as strong as a slow password hash here. Lookup goes by key
id and the hashes are compared in constant time, so neither a stored key nor its prefix can be
recovered from timing. Records live in a system graph no public query can read.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from aims_graph.namespaces import BASE
from aims_graph.orgdata.importer import check_org_id
from aims_graph.orgdata.model import org_graph_iri, org_shapes_graph_iri
from aims_graph.store import Store, Term
from aims_graph.store.graphs import ORG_REGISTRY_GRAPH

SYS: Final = BASE + "system#"
_ORG: Final = BASE + "system/organisation/"
_KEY: Final = BASE + "system/key/"
_TOKEN: Final = re.compile(r"^agk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_MAX_NAME: Final = 200
# Compared against when the key id is unknown, so a miss costs what a hit costs.
_DUMMY_HASH: Final = hashlib.sha256(b"no such key").hexdigest()


class RegistryError(ValueError):
    """A registry request that cannot be done (unknown or duplicate organisation, bad name)."""


@dataclass(frozen=True, slots=True)
class Organisation:
    """A registered organisation."""

    id: str
    name: str
    created: str

    @property
    def graph(self) -> str:
        """The named graph holding its data."""
        return org_graph_iri(self.id)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a key: never the secret or its hash."""

    id: str
    created: str
    revoked: str | None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: the token is shown once to its holder and never stored."""

    id: str
    token: str


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _lit(text: str) -> str:
    return Term.literal(text).n3()


class OrgRegistry:
    """Create organisations, issue, check and revoke their keys."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # One writer at a time in this process, so two creates of one id cannot both succeed.
        self._lock = threading.Lock()

    def get(self, org_id: str) -> Organisation | None:
        """The organisation with this id, or None."""
        rows = self.store.select(
            f"SELECT ?name ?created WHERE {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{"
            f" ?o <{SYS}id> ?id ; <{SYS}name> ?name ; <{SYS}created> ?created }} }}",
            {"id": Term.literal(org_id)},
        )
        if not rows:
            return None
        return Organisation(org_id, rows[0]["name"].value, rows[0]["created"].value)

    def create(self, org_id: str, name: str) -> tuple[Organisation, IssuedKey]:
        """Register an organisation and issue its first key."""
        check_org_id(org_id)
        name = name.strip()
        if (
            not name
            or len(name) > _MAX_NAME
            or any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name)
        ):
            raise RegistryError(f"name: give 1-{_MAX_NAME} printable characters")
        with self._lock:
            if self.get(org_id) is not None:
                raise RegistryError(f"organisation {org_id!r} exists already; choose another id")
            created = _now()
            node = f"<{_ORG}{org_id}>"
            key = self._new_key(node, created)
            self.store.update(
                f"INSERT DATA {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{ {node} <{SYS}id> {_lit(org_id)} ;"
                f" <{SYS}name> {_lit(name)} ; <{SYS}created> {_lit(created)} . {key[1]} }} }}"
            )
        return Organisation(org_id, name, created), key[0]

    def _new_key(self, node: str, created: str) -> tuple[IssuedKey, str]:
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        triples = (
            f"<{_KEY}{key_id}> <{SYS}keyOf> {node} ; <{SYS}id> {_lit(key_id)} ;"
            f" <{SYS}secretHash> {_lit(_hash(secret))} ; <{SYS}created> {_lit(created)} ."
        )
        return IssuedKey(key_id, f"agk_{key_id}_{secret}"), triples

    def issue_key(self, org_id: str) -> IssuedKey:
        """Issue one more key for an existing organisation."""
        with self._lock:
            if self.get(org_id) is None:
                raise RegistryError(f"no organisation {org_id!r}")
            key, triples = self._new_key(f"<{_ORG}{org_id}>", _now())
            self.store.update(f"INSERT DATA {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{ {triples} }} }}")
        return key

    def keys(self, org_id: str) -> list[KeyInfo]:
        """The organisation's keys, oldest first."""
        rows = self.store.select(
            f"SELECT ?id ?created ?revoked WHERE {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{"
            f" ?k <{SYS}keyOf> ?o ; <{SYS}id> ?id ; <{SYS}created> ?created ."
            f" OPTIONAL {{ ?k <{SYS}revoked> ?revoked }} }} }} ORDER BY ?created ?id",
            {"o": Term.iri(f"{_ORG}{org_id}")},
        )
        return [
            KeyInfo(
                r["id"].value,
                r["created"].value,
                r["revoked"].value if "revoked" in r else None,
            )
            for r in rows
        ]

    def revoke_key(self, org_id: str, key_id: str) -> bool:
        """Revoke one of the organisation's keys; False when it has no such live key."""
        with self._lock:
            live = [k for k in self.keys(org_id) if k.id == key_id and k.revoked is None]
            if not live:
                return False
            self.store.update(
                f"INSERT DATA {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{"
                f" <{_KEY}{key_id}> <{SYS}revoked> {_lit(_now())} }} }}"
            )
        return True

    def authenticate(self, token: str) -> str | None:
        """The id of the organisation holding this live key, or None."""
        m = _TOKEN.match(token)
        key_id, secret = (m.group(1), m.group(2)) if m else ("", "")
        rows = (
            self.store.select(
                f"SELECT ?org ?hash WHERE {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{"
                f" ?k <{SYS}id> ?kid ; <{SYS}keyOf> ?o ; <{SYS}secretHash> ?hash ."
                f" ?o <{SYS}id> ?org FILTER NOT EXISTS {{ ?k <{SYS}revoked> ?r }} }} }}",
                {"kid": Term.literal(key_id)},
            )
            if m
            else []
        )
        stored = rows[0]["hash"].value if len(rows) == 1 else _DUMMY_HASH
        ok = hmac.compare_digest(_hash(secret), stored)
        return rows[0]["org"].value if ok and len(rows) == 1 else None

    def delete(self, org_id: str, also: Sequence[str] = ()) -> None:
        """Forget the organisation, its keys, its data, its policy shapes and the graphs
        ``also`` names (its own editions and sets), in one update: all go, or none."""
        with self._lock:
            node = f"<{_ORG}{org_id}>"
            graphs = [org_graph_iri(org_id), org_shapes_graph_iri(org_id), *also]
            self.store.update(
                f"WITH <{ORG_REGISTRY_GRAPH}> DELETE {{ ?k ?kp ?ko . {node} ?p ?o }}"
                f" WHERE {{ {{ ?k <{SYS}keyOf> {node} ; ?kp ?ko }}"
                f" UNION {{ {node} ?p ?o }} }}"
                + "".join(f" ;\nDROP SILENT GRAPH <{g}>" for g in graphs)
            )

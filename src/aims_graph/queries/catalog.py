"""The named query catalog: SPARQL files in queries/ with a YAML header, run with bound values.

A query file starts with comment lines ``#+ key: value`` holding YAML: ``summary``, ``description``
and ``params`` (each: name, type, description, example, optional ``required`` and ``default``).
Parameter values are turned into RDF terms and bound by the store, never pasted into the query text;
list parameters become VALUES blocks of escaped terms: they fill the query's own empty
``VALUES ?name {}`` blocks when it has any (so a list can sit inside a subquery, a UNION branch or a
MINUS, and a query can take several lists), else one block is appended at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import yaml

from aims_graph import resources
from aims_graph.catalog.frameworks import framework
from aims_graph.catalog.items import ItemResolutionError
from aims_graph.namespaces import XSD, scheme_iri
from aims_graph.store import Row, Store, Term

PARAM_TYPES = ("item", "iri", "framework", "string", "date", "decimal", "integer", "item_list")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class QueryError(ValueError):
    """A named query or one of its parameters is invalid; the message says how to fix it."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str
    description: str
    example: str
    required: bool = True
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query file with its header."""

    name: str
    summary: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path
    examples: tuple[dict[str, str], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (for /queries)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "params": [p.__dict__ for p in self.params],
            "sparql": self.sparql,
        }


def parse_query_file(path: Path) -> NamedQuery:
    """Parse one .rq file and its header; raise QueryError naming the file on any problem."""
    text = path.read_text(encoding="utf-8")
    header = "\n".join(
        line[3:] if line.startswith("#+ ") else line[2:]
        for line in text.splitlines()
        if line.startswith("#+")
    )
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: header is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict) or not meta.get("summary"):
        raise QueryError(f"{path}: header needs at least '#+ summary: ...'")
    name = path.stem
    if not NAME_RE.match(name):
        raise QueryError(f"{path}: query names use lowercase letters, digits and '-'")
    params = []
    for raw in meta.get("params") or []:
        if not isinstance(raw, dict) or "name" not in raw or "type" not in raw:
            raise QueryError(f"{path}: each param needs a name and a type")
        if raw["type"] not in PARAM_TYPES:
            raise QueryError(f"{path}: param {raw['name']}: type must be one of {PARAM_TYPES}")
        params.append(
            Param(
                name=str(raw["name"]),
                type=str(raw["type"]),
                description=str(raw.get("description", "")),
                example=str(raw.get("example", "")),
                required=bool(raw.get("required", True)),
                default=None if raw.get("default") is None else str(raw["default"]),
            )
        )
    return NamedQuery(
        name=name,
        summary=str(meta["summary"]),
        description=str(meta.get("description", "")),
        params=tuple(params),
        sparql=text,
        path=path,
    )


def load_catalog(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Load every named query in queries/, by name."""
    folder = folder or resources.queries_dir()
    return {q.name: q for q in map(parse_query_file, sorted(folder.glob("*.rq")))}


Resolver = Callable[[str], str]
#: An absolute http(s) IRI: no spaces, controls or characters IRIs forbid.
IRI_PATTERN: Final = re.compile(r"^https?://[^\x00-\x20\x7f-\x9f<>\"{}|\\^`]+$")


def _term(param: Param, value: str, resolve: Resolver) -> Term:
    try:
        if param.type == "item":
            return Term.iri(resolve(value))
        if param.type == "iri":
            if not IRI_PATTERN.match(value):
                raise QueryError(f"{param.name}: {value!r} is not an http(s) IRI")
            return Term.iri(value)
        if param.type == "framework":
            return Term.iri(scheme_iri(framework(value).slug))
        if param.type == "date":
            return Term.literal(dt.date.fromisoformat(value).isoformat(), str(XSD.date))
        if param.type == "decimal":
            return Term.literal(str(Decimal(value)), str(XSD.decimal))
        if param.type == "integer":
            return Term.literal(str(int(value)), str(XSD.integer))
        return Term.literal(value)
    except (ValueError, InvalidOperation, KeyError) as exc:
        # A reference that names no single item stays an ItemResolutionError (a 404).
        if isinstance(exc, QueryError | ItemResolutionError):
            raise
        raise QueryError(f"parameter {param.name!r} ({param.type}): {exc}") from exc


def _inline_values(name: str) -> re.Pattern[str]:
    """An empty ``VALUES ?name {}`` block: where a query wants a list parameter's values."""
    return re.compile(rf"VALUES\s+\?{re.escape(name)}\s*\{{\s*\}}")


def _literally(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that is taken as it is (no group references, no escapes)."""

    def replace(_match: re.Match[str]) -> str:
        return text

    return replace


def bind(
    query: NamedQuery, args: Mapping[str, str | list[str]], resolve: Resolver
) -> tuple[str, dict[str, Term]]:
    """Check and convert arguments; return the query text (plus VALUES for lists) and bindings."""
    unknown = set(args) - {p.name for p in query.params}
    if unknown:
        raise QueryError(
            f"{query.name}: unknown parameter(s) {sorted(unknown)}; "
            f"it takes {[p.name for p in query.params]}"
        )
    bindings: dict[str, Term] = {}
    text = query.sparql
    for p in query.params:
        value = args.get(p.name, p.default)
        if value is None or value == "" or value == []:
            if p.required:
                raise QueryError(f"{query.name}: missing parameter {p.name!r} (e.g. {p.example})")
            continue
        if p.type == "item_list":
            items = value if isinstance(value, list) else [v for v in value.split(",") if v.strip()]
            terms = [Term.iri(resolve(v.strip())) for v in items]
            block = f"VALUES ?{p.name} {{ {' '.join(t.n3() for t in terms)} }}"
            text, found = _inline_values(p.name).subn(_literally(block), text)
            if not found:
                text += f"\n{block}"
            continue
        if isinstance(value, list):
            raise QueryError(f"{query.name}: parameter {p.name!r} takes one value")
        bindings[p.name] = _term(p, value, resolve)
    return text, bindings


def run(
    store: Store, query: NamedQuery, args: Mapping[str, str | list[str]], resolve: Resolver
) -> list[Row]:
    """Run a named SELECT query with its arguments."""
    text, bindings = bind(query, args, resolve)
    return store.select(text, bindings)

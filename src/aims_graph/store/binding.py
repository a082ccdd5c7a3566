"""Bind query parameters with a VALUES block for backends that cannot substitute variables."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aims_graph.store.base import StoreError, Term

# An IRI reference as SPARQL writes it; a '<' that does not start one is the less-than operator.
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_FORM = re.compile(r"(select|ask|construct|describe)\b(?!:)", re.IGNORECASE)


def values_block(bindings: Mapping[str, Term]) -> str:
    """Render bindings as one SPARQL VALUES row, checking every variable name."""
    names = list(bindings)
    for name in names:
        if not name.isidentifier():
            raise StoreError(f"invalid variable name {name!r}")
    vars_ = " ".join(f"?{n}" for n in names)
    vals = " ".join(bindings[n].n3() for n in names)
    return f"VALUES ({vars_}) {{ ({vals}) }}"


def _scan(query: str) -> tuple[str | None, list[int], list[int]]:
    """The query form keyword, the offsets just inside each depth-0 '{' and inside each
    sub-select's WHERE '{'."""
    form: str | None = None
    groups: list[int] = []
    subselects: list[int] = []
    pending_subselect = False
    depth = 0
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch in "'\"":
            quote = query[i : i + 3] if query[i : i + 3] in ("'''", '"""') else ch
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
            continue
        if ch == "<" and (m := _IRI.match(query, i)):
            i = m.end()
            continue
        if ch == "{":
            if depth == 0:
                groups.append(i + 1)
            elif pending_subselect:
                subselects.append(i + 1)
                pending_subselect = False
            depth += 1
        elif ch == "}":
            depth -= 1
        elif (form is None or depth > 0) and (m := _FORM.match(query, i)):
            prev = query[i - 1] if i else " "
            if not (prev.isalnum() or prev in "_?$:"):
                if depth == 0:
                    form = m.group(1).lower()
                elif m.group(1).lower() == "select":
                    pending_subselect = True
            i = m.end()
            continue
        i += 1
    return form, groups, subselects


def bind_values(query: str, bindings: Mapping[str, Term]) -> str:
    """Return the query with the bindings joined at the start of its WHERE clause.

    A VALUES block placed first in the outermost group pattern binds the variables before
    filters, aggregates and projection see them, which is what parameter substitution means;
    a trailing VALUES would join only with the projected result and could not restrict a
    GROUP BY query on a variable it does not return. A sub-select is evaluated on its own, so
    it gets the block too: its filters see the values as an embedded store's substitution does.
    """
    if not bindings:
        return query
    block = values_block(bindings)
    form, groups, subselects = _scan(query)
    # CONSTRUCT's first group is its template; its short form has no pattern group at all.
    index = 1 if form == "construct" else 0
    if len(groups) <= index:
        return f"{query}\n{block}"
    text = query
    for at in sorted([groups[index], *subselects], reverse=True):
        text = f"{text[:at]} {block} {text[at:]}"
    return text

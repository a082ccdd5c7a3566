"""Rewrite the bodies of ``EXISTS`` / ``NOT EXISTS`` so Oxigraph evaluates them by index lookups.

Oxigraph's optimizer reorders the joins of a query but leaves the pattern inside ``EXISTS`` as
written, joined by hash joins. It evaluates that pattern once per outer solution, so every triple
pattern that does not mention a variable of the outer solution is scanned in full each time:
``FILTER NOT EXISTS { ?e aims:forSystem ?this . ?e aims:evidenceKind ?k }`` costs a scan of all
``evidenceKind`` triples per focus node, and validation grows with the square of the data.

This module parses the SPARQL our shapes use, orders the triple patterns of each ``EXISTS`` body so
that each one starts from a variable already bound, and chains them with ``LATERAL`` (SEP-0006,
which Oxigraph supports): each pattern is then a lookup with the bindings of the ones before it.

Only *pure* parts are chained: triple patterns, and groups or ``UNION`` s made of nothing but triple
patterns. For those a lateral join and a plain join give the same solutions, whatever the order.
``FILTER`` s move to the end of their group, where SPARQL applies them anyway; ``BIND``,
``OPTIONAL``, ``MINUS``, ``VALUES`` and sub-queries stay where they are, and patterns are never
moved across them. Anything the parser does not understand leaves the query as it was, so a query
is at worst slow, never changed in meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aims_graph.validation.lateral_parse import (
    TYPE_PREDICATES,
    Bind,
    Expr,
    Filter,
    Group,
    Keyed,
    Member,
    Parser,
    Tok,
    Triple,
    Union,
    UnsupportedError,
    Verbatim,
)

_VAR = re.compile(r"[?$](\w+)")

# ---- rewriting -----------------------------------------------------------------------------------


def _flatten(group: Group) -> Iterator[Member]:
    """Members of a group, with the groups made for one subject's triples opened up."""
    for m in group.members:
        if isinstance(m, Group) and m.members and all(isinstance(x, Triple) for x in m.members):
            yield from m.members
        else:
            yield m


def _pure(m: Member) -> bool:
    """Triple patterns, and groups and unions of them: lateral and plain join agree on these."""
    if isinstance(m, Triple):
        return True
    if isinstance(m, Group):
        return all(_pure(x) for x in m.members)
    if isinstance(m, Union):
        return all(_pure(b) for b in m.branches)
    return False


def _variables(m: Member) -> set[str]:
    """Variables a member may bind (used to order patterns, never for meaning)."""
    if isinstance(m, Triple):
        return m.variables()
    if isinstance(m, Group):
        return set().union(*(_variables(x) for x in m.members)) if m.members else set()
    if isinstance(m, Union):
        return set().union(*(_variables(b) for b in m.branches))
    if isinstance(m, Keyed):
        return _variables(m.group) if m.head != "MINUS" else set()
    if isinstance(m, Bind):
        last = m.expr.pieces[-1] if m.expr.pieces else ""
        found = re.findall(r"\bAS\s+[?$](\w+)", last if isinstance(last, str) else "", re.I)
        return set(found)
    if isinstance(m, Verbatim):
        return set(m.variables)
    return set()


def _score(m: Member, bound: set[str]) -> int:
    """How cheap a member is to evaluate next, given the variables bound (higher: cheaper)."""
    if isinstance(m, Triple):

        def fixed(t: Tok) -> bool:
            return t.kind != "var" or t.text[1:] in bound

        s, o = fixed(m.subject), fixed(m.obj)
        if s and o:
            return 100
        if s:
            return 50
        if o:
            # Every instance of a class is many lookups, and so are the links into the focus
            # node (an organisation or system is a hub that many records point to); a link to
            # another bound node (a control, an evidence record) is usually few.
            if m.verb in TYPE_PREDICATES:
                return 20
            return 28 if m.obj.text[1:] == "this" and m.obj.kind == "var" else 30
        return 1 if m.verb_is_path else 10
    return 25 if _variables(m) & bound else 5


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []

    def group(self, g: Group, bound: set[str], lateral: bool) -> str:
        """A group as text; ``lateral`` (inside EXISTS) chains its pure members with LATERAL."""
        members = list(_flatten(g))
        filters = [m for m in members if isinstance(m, Filter)]
        rest = [m for m in members if not isinstance(m, Filter)]
        # Variables the filters' EXISTS see: everything this group binds, and what was bound.
        scope = bound | set().union(*(_variables(m) for m in rest)) if rest else set(bound)
        parts: list[str] = []
        if not lateral:
            for m in rest:
                parts.append(self.member(m, scope, lateral=False))
        else:
            known = set(bound)
            first = True
            segment: list[Member] = []

            def flush() -> None:
                nonlocal first
                while segment:
                    best = max(segment, key=lambda x: _score(x, known))
                    segment.remove(best)
                    text = self.member(best, known, lateral=True)
                    if first:
                        parts.append(text)
                    else:
                        # Evaluated once per solution so far, with its variables bound.
                        inner = text if isinstance(best, Group) else "{ " + text + " }"
                        parts.append("LATERAL " + inner)
                    first = False
                    known.update(_variables(best))

            for m in rest:
                if _pure(m):
                    segment.append(m)
                    continue
                flush()
                parts.append(self.member(m, known, lateral=True))
                known.update(_variables(m))
                first = False
            flush()
        for f in filters:
            parts.append("FILTER " + self.expr(f.expr, scope))
        return "{ " + "\n  ".join(parts) + " }"

    def member(self, m: Member, bound: set[str], *, lateral: bool) -> str:
        if isinstance(m, Triple):
            return m.text()
        if isinstance(m, Group):
            return self.group(m, bound, lateral)
        if isinstance(m, Union):
            return " UNION ".join(self.group(b, bound, lateral) for b in m.branches)
        if isinstance(m, Keyed):
            return f"{m.head} {self.group(m.group, bound, lateral)}"
        if isinstance(m, Bind):
            return "BIND " + self.expr(m.expr, bound)
        if isinstance(m, Verbatim):
            return m.text
        if isinstance(m, Filter):
            return "FILTER " + self.expr(m.expr, bound)
        raise AssertionError(m)

    def expr(self, e: Expr, bound: set[str]) -> str:
        return "".join(
            p if isinstance(p, str) else self.group(p, bound, lateral=True) for p in e.pieces
        )


def _mentioned(m: Member | Expr) -> set[str]:
    """Every variable a member names anywhere, EXISTS bodies and expressions included."""
    if isinstance(m, Triple):
        return m.variables()
    if isinstance(m, Group):
        return set().union(*(_mentioned(x) for x in m.members)) if m.members else set()
    if isinstance(m, Union):
        return set().union(*(_mentioned(b) for b in m.branches))
    if isinstance(m, Keyed):
        return _mentioned(m.group)
    if isinstance(m, Filter | Bind):
        return _mentioned(m.expr)
    if isinstance(m, Expr):
        out: set[str] = set()
        for piece in m.pieces:
            out |= set(_VAR.findall(piece)) if isinstance(piece, str) else _mentioned(piece)
        return out
    return set(m.variables)


def hoist_independent(body: Group) -> Group:
    """``body`` with the patterns that share no variable with the focus node evaluated first.

    A constraint often joins the focus node's data with a few catalog records (an obligation's
    applicability records) and filters the records alone. Oxigraph joins the records to every
    focus node before it filters them, and evaluates those filters once per focus node; grouped
    on their own, the records and their filters are evaluated once. Joins commute, so a set of
    patterns may move to the front when no OPTIONAL, BIND, MINUS, VALUES or sub-query before
    them names their variables; a FILTER goes with them when it names no variable of the rest.
    """
    members = list(_flatten(body))
    filters = [m for m in members if isinstance(m, Filter)]
    rest = [m for m in members if not isinstance(m, Filter)]
    movable = [isinstance(m, Triple | Group | Union) for m in rest]
    names = [_mentioned(m) for m in rest]
    # Connected parts of the joined patterns: patterns sharing a variable stay together.
    part = list(range(len(rest)))

    def root(i: int) -> int:
        while part[i] != i:
            i = part[i]
        return i

    for i in range(len(rest)):
        for j in range(i):
            if movable[i] and movable[j] and names[i] & names[j]:
                part[root(i)] = root(j)
    hoisted: set[int] = set()
    for r in {root(i) for i in range(len(rest)) if movable[i]}:
        chosen = [i for i in range(len(rest)) if movable[i] and root(i) == r]
        own = set().union(*(names[i] for i in chosen))
        if "this" in own or not own:
            continue
        # Moving a pattern before an operator is safe only when the operator cannot see it.
        crossed = set().union(
            *(names[k] for i in chosen for k in range(i) if not movable[k]), set()
        )
        if own & crossed:
            continue
        hoisted |= set(chosen)
    if not hoisted:
        return body
    kept = [m for i, m in enumerate(rest) if i not in hoisted]
    outside = set().union(*(_mentioned(m) for m in kept), set())
    inside = set().union(*(names[i] for i in hoisted))
    front = [f for f in filters if _mentioned(f) & inside and not _mentioned(f) & outside]
    group = Group([rest[i] for i in sorted(hoisted)] + list(front))
    later = [f for f in filters if f not in front]
    if any(inside & _mentioned(m) for m in kept):
        return Group([group, *kept, *later])  # an operator reads the records: keep it in sight
    # In a group of its own the rest is planned on its own too, not interleaved with the records.
    alone = [f for f in later if not _mentioned(f) & inside]
    return Group([group, Group([*kept, *alone]), *(f for f in later if f not in alone)])


def rewrite_exists(query: str, *, hoist: bool = True) -> str:
    """``query`` with its EXISTS bodies chained by LATERAL, or unchanged if it cannot parse it.

    With ``hoist``, the patterns independent of the focus node come first (see
    :func:`hoist_independent`): right for all focus nodes at once, not for a few.
    """
    if not re.search(r"\bEXISTS\b", query, re.IGNORECASE):
        return query  # nothing to gain: Oxigraph orders the joins outside EXISTS itself
    try:
        p = Parser(query)
        open_at = next(
            (j for j, t in enumerate(p.toks) if t.kind == "punct" and t.text == "{"), None
        )
        if open_at is None:
            return query
        close = p.balanced_end(open_at)
        p.i = open_at
        body = p.group()
        if p.i != close + 1:
            raise UnsupportedError("group did not end where expected")
        head = query[: p.toks[open_at].start]
        tail = query[p.toks[close].end :]
        if hoist:
            body = hoist_independent(body)
        return head + _Writer().group(body, set(), lateral=False) + tail
    except (UnsupportedError, RecursionError):
        return query


__all__ = ["hoist_independent", "rewrite_exists"]

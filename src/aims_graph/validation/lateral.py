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
from dataclasses import dataclass, field
from typing import Final

_TOKEN: Final = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<string>(?:\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
        (?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>"{}|^`\\\x00-\x20]*>
        |[A-Za-z][\w.-]*:[\w.:%-]*\w|[A-Za-z][\w.-]*:[\w%-]?))?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<bnode>_:[\w.-]*\w)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:%-](?:[\w.:%-]*[\w:%-])?)?)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||<=|>=|!=|[{}()\[\].,;|/*+?^!=<>\-])
    """,
    re.VERBOSE,
)
_TERM_KINDS: Final = frozenset({"iri", "pname", "var", "string", "number", "bnode"})
_TYPE_PREDICATES: Final = frozenset(
    {"a", "rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"}
)
#: Keywords that start a group member other than a triple pattern.
_NON_TRIPLE: Final = frozenset(
    {"FILTER", "OPTIONAL", "MINUS", "LATERAL", "GRAPH", "SERVICE", "BIND", "VALUES", "UNION"}
)


class _UnsupportedError(Exception):
    """Syntax the rewriter does not handle: the query is left as it is."""


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "name" else self.text


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _UnsupportedError(f"cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append(_Tok(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return out


# ---- the parsed form -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Triple:
    subject: _Tok
    verb: str
    verb_is_path: bool
    verb_var: str | None
    obj: _Tok

    def variables(self) -> set[str]:
        out = {t.text[1:] for t in (self.subject, self.obj) if t.kind == "var"}
        if self.verb_var:
            out.add(self.verb_var)
        return out

    def text(self) -> str:
        return f"{_term(self.subject)} {self.verb} {_term(self.obj)} ."


@dataclass(slots=True)
class _Group:
    members: list[_Member] = field(default_factory=list)


@dataclass(slots=True)
class _Union:
    branches: list[_Group]


@dataclass(slots=True)
class _Expr:
    """An expression as source text, with the groups of its ``EXISTS`` parsed."""

    pieces: list[str | _Group]


@dataclass(slots=True)
class _Filter:
    expr: _Expr


@dataclass(slots=True)
class _Keyed:
    """``OPTIONAL``, ``MINUS``, ``LATERAL``, ``GRAPH x`` or ``SERVICE x``, and its group."""

    head: str
    group: _Group


@dataclass(slots=True)
class _Bind:
    expr: _Expr


@dataclass(slots=True)
class _Verbatim:
    """``VALUES`` blocks and sub-queries, copied as they are."""

    text: str
    variables: set[str]


_Member = _Triple | _Group | _Union | _Filter | _Keyed | _Bind | _Verbatim


def _term(tok: _Tok) -> str:
    return "?" + tok.text[1:] if tok.kind == "var" else tok.text


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise _UnsupportedError("unexpected end of query")
        self.i += 1
        return tok

    def expect(self, text: str) -> _Tok:
        tok = self.next()
        if tok.upper != text:
            raise _UnsupportedError(f"expected {text!r}, found {tok.text!r}")
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.upper in texts

    def balanced_end(self, open_index: int) -> int:
        """Index of the token closing the bracket at ``open_index``."""
        pairs = {"(": ")", "{": "}", "[": "]"}
        stack: list[str] = []
        for j in range(open_index, len(self.toks)):
            t = self.toks[j].text
            if self.toks[j].kind != "punct":
                continue
            if t in pairs:
                stack.append(pairs[t])
            elif t in (")", "}", "]"):
                if not stack or stack.pop() != t:
                    raise _UnsupportedError("unbalanced brackets")
                if not stack:
                    return j
        raise _UnsupportedError("unbalanced brackets")

    def group(self) -> _Group:
        self.expect("{")
        if self.at("SELECT"):
            raise _UnsupportedError("sub-query")  # only handled as a member, see member()
        g = _Group()
        while not self.at("}"):
            if self.at("."):
                self.next()
                continue
            g.members.append(self.member())
        self.expect("}")
        return g

    def member(self) -> _Member:
        tok = self.peek()
        assert tok is not None
        word = tok.upper
        if word == "FILTER":
            self.next()
            return _Filter(self.constraint())
        if word in ("OPTIONAL", "MINUS", "LATERAL"):
            self.next()
            return _Keyed(word, self.group())
        if word in ("GRAPH", "SERVICE"):
            self.next()
            head = [word]
            while not self.at("{"):
                head.append(self.next().text)
            return _Keyed(" ".join(head), self.group())
        if word == "BIND":
            self.next()
            open_at = self.i
            close = self.balanced_end(open_at)
            return _Bind(self.expression(open_at, close + 1))
        if word == "VALUES":
            start = self.next().start
            while not self.at("{"):
                self.next()
            close = self.balanced_end(self.i)
            names = {t.text[1:] for t in self.toks[self.i - 1 : close] if t.kind == "var"}
            self.i = close + 1
            return _Verbatim(self.text[start : self.toks[close].end], names)
        if tok.text == "{":
            nxt = self.peek(1)
            if nxt is not None and nxt.upper == "SELECT":
                close = self.balanced_end(self.i)
                inner = self.toks[self.i : close + 1]
                self.i = close + 1
                names = {t.text[1:] for t in inner if t.kind == "var"}
                return _Verbatim(self.text[tok.start : inner[-1].end], names)
            branches = [self.group()]
            while self.at("UNION"):
                self.next()
                branches.append(self.group())
            return _Union(branches) if len(branches) > 1 else branches[0]
        if tok.kind in _TERM_KINDS:
            return self.triples()
        raise _UnsupportedError(f"unexpected {tok.text!r}")

    def constraint(self) -> _Expr:
        """The expression after ``FILTER``: bracketed, a function call, or (NOT) EXISTS."""
        start = self.i
        if self.at("NOT", "EXISTS"):
            if self.next().upper == "NOT":
                self.expect("EXISTS")
            if not self.at("{"):
                raise _UnsupportedError("EXISTS without a group")
            close = self.balanced_end(self.i)
            self.i = close + 1
            return self.expression(start, close + 1)
        while not self.at("("):
            self.next()  # a function name: regex, a prefixed-name function, …
        close = self.balanced_end(self.i)
        self.i = close + 1
        return self.expression(start, close + 1)

    def expression(self, start: int, stop: int) -> _Expr:
        """Tokens ``start``..``stop`` as text, with every ``EXISTS { … }`` parsed as a group."""
        pieces: list[str | _Group] = []
        j = start
        text_from = self.toks[start].start
        while j < stop:
            tok = self.toks[j]
            if tok.upper == "EXISTS" and j + 1 < stop and self.toks[j + 1].text == "{":
                pieces.append(self.text[text_from : tok.end] + " ")
                saved = self.i
                self.i = j + 1
                pieces.append(self.group())
                j = self.i
                self.i = saved
                text_from = self.toks[j].start if j < len(self.toks) else len(self.text)
                continue
            j += 1
        end = self.toks[stop - 1].end
        if text_from < end:
            pieces.append(self.text[text_from:end])
        self.i = max(self.i, stop)
        return _Expr(pieces)

    def term(self) -> _Tok:
        tok = self.next()
        if tok.kind not in _TERM_KINDS and tok.text not in ("true", "false"):
            raise _UnsupportedError(f"unsupported term {tok.text!r}")
        if tok.kind == "bnode":
            raise _UnsupportedError("blank node labels cannot be split across patterns")
        if tok.text in ("true", "false"):
            return _Tok("string", tok.text, tok.start, tok.end)
        return tok

    def triples(self) -> _Group:
        """One subject with its predicate-object lists, as one triple pattern per object."""
        out = _Group()
        subject = self.term()
        while True:
            verb, is_path, verb_var = self.verb()
            while True:
                out.members.append(_Triple(subject, verb, is_path, verb_var, self.term()))
                if not self.at(","):
                    break
                self.next()
            if not self.at(";"):
                break
            while self.at(";"):
                self.next()
            if self.at(".", "}") or self.at(*_NON_TRIPLE):
                break
        return out

    def verb(self) -> tuple[str, bool, str | None]:
        tok = self.peek()
        if tok is not None and tok.kind == "var":
            self.next()
            return "?" + tok.text[1:], False, tok.text[1:]
        start = self.i
        self.path_alternative()
        parts = self.toks[start : self.i]
        text = self.text[parts[0].start : parts[-1].end]
        return text, len(parts) > 1, None

    def path_alternative(self) -> None:
        self.path_sequence()
        while self.at("|"):
            self.next()
            self.path_sequence()

    def path_sequence(self) -> None:
        self.path_element()
        while self.at("/"):
            self.next()
            self.path_element()

    def path_element(self) -> None:
        if self.at("^"):
            self.next()
        tok = self.next()
        if tok.text == "(":
            self.path_alternative()
            self.expect(")")
        elif tok.text == "!":
            if self.at("("):
                self.i = self.balanced_end(self.i) + 1
            else:
                self.next()
        elif not (tok.kind in ("iri", "pname") or tok.text == "a"):
            raise _UnsupportedError(f"unsupported path element {tok.text!r}")
        nxt = self.peek()
        if nxt is not None and nxt.kind == "punct" and nxt.text in ("*", "+", "?"):
            self.next()


# ---- rewriting -----------------------------------------------------------------------------------


def _flatten(group: _Group) -> Iterator[_Member]:
    """Members of a group, with the groups made for one subject's triples opened up."""
    for m in group.members:
        if isinstance(m, _Group) and m.members and all(isinstance(x, _Triple) for x in m.members):
            yield from m.members
        else:
            yield m


def _pure(m: _Member) -> bool:
    """Triple patterns, and groups and unions of them: lateral and plain join agree on these."""
    if isinstance(m, _Triple):
        return True
    if isinstance(m, _Group):
        return all(_pure(x) for x in m.members)
    if isinstance(m, _Union):
        return all(_pure(b) for b in m.branches)
    return False


def _variables(m: _Member) -> set[str]:
    """Variables a member may bind (used to order patterns, never for meaning)."""
    if isinstance(m, _Triple):
        return m.variables()
    if isinstance(m, _Group):
        return set().union(*(_variables(x) for x in m.members)) if m.members else set()
    if isinstance(m, _Union):
        return set().union(*(_variables(b) for b in m.branches))
    if isinstance(m, _Keyed):
        return _variables(m.group) if m.head != "MINUS" else set()
    if isinstance(m, _Bind):
        last = m.expr.pieces[-1] if m.expr.pieces else ""
        found = re.findall(r"\bAS\s+[?$](\w+)", last if isinstance(last, str) else "", re.I)
        return set(found)
    if isinstance(m, _Verbatim):
        return set(m.variables)
    return set()


def _score(m: _Member, bound: set[str]) -> int:
    """How cheap a member is to evaluate next, given the variables bound (higher: cheaper)."""
    if isinstance(m, _Triple):

        def fixed(t: _Tok) -> bool:
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
            if m.verb in _TYPE_PREDICATES:
                return 20
            return 28 if m.obj.text[1:] == "this" and m.obj.kind == "var" else 30
        return 1 if m.verb_is_path else 10
    return 25 if _variables(m) & bound else 5


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []

    def group(self, g: _Group, bound: set[str], lateral: bool) -> str:
        """A group as text; ``lateral`` (inside EXISTS) chains its pure members with LATERAL."""
        members = list(_flatten(g))
        filters = [m for m in members if isinstance(m, _Filter)]
        rest = [m for m in members if not isinstance(m, _Filter)]
        # Variables the filters' EXISTS see: everything this group binds, and what was bound.
        scope = bound | set().union(*(_variables(m) for m in rest)) if rest else set(bound)
        parts: list[str] = []
        if not lateral:
            for m in rest:
                parts.append(self.member(m, scope, lateral=False))
        else:
            known = set(bound)
            first = True
            segment: list[_Member] = []

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
                        inner = text if isinstance(best, _Group) else "{ " + text + " }"
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

    def member(self, m: _Member, bound: set[str], *, lateral: bool) -> str:
        if isinstance(m, _Triple):
            return m.text()
        if isinstance(m, _Group):
            return self.group(m, bound, lateral)
        if isinstance(m, _Union):
            return " UNION ".join(self.group(b, bound, lateral) for b in m.branches)
        if isinstance(m, _Keyed):
            return f"{m.head} {self.group(m.group, bound, lateral)}"
        if isinstance(m, _Bind):
            return "BIND " + self.expr(m.expr, bound)
        if isinstance(m, _Verbatim):
            return m.text
        if isinstance(m, _Filter):
            return "FILTER " + self.expr(m.expr, bound)
        raise AssertionError(m)

    def expr(self, e: _Expr, bound: set[str]) -> str:
        return "".join(
            p if isinstance(p, str) else self.group(p, bound, lateral=True) for p in e.pieces
        )


def rewrite_exists(query: str) -> str:
    """``query`` with its EXISTS bodies chained by LATERAL, or unchanged if it cannot parse it."""
    if not re.search(r"\bEXISTS\b", query, re.IGNORECASE):
        return query  # nothing to gain: Oxigraph orders the joins outside EXISTS itself
    try:
        p = _Parser(query)
        open_at = next(
            (j for j, t in enumerate(p.toks) if t.kind == "punct" and t.text == "{"), None
        )
        if open_at is None:
            return query
        close = p.balanced_end(open_at)
        p.i = open_at
        body = p.group()
        if p.i != close + 1:
            raise _UnsupportedError("group did not end where expected")
        head = query[: p.toks[open_at].start]
        tail = query[p.toks[close].end :]
        return head + _Writer().group(body, set(), lateral=False) + tail
    except (_UnsupportedError, RecursionError):
        return query


__all__ = ["rewrite_exists"]

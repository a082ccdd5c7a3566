"""A parser for the SPARQL our shapes use: tokens and the group-pattern tree ``lateral`` rewrites.

See :mod:`aims_graph.validation.lateral` for why; anything the parser does not understand raises
``UnsupportedError``, and the rewrite then leaves the query as it was.
"""

from __future__ import annotations

import re
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
TYPE_PREDICATES: Final = frozenset(
    {"a", "rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"}
)
#: Keywords that start a group member other than a triple pattern.
_NON_TRIPLE: Final = frozenset(
    {"FILTER", "OPTIONAL", "MINUS", "LATERAL", "GRAPH", "SERVICE", "BIND", "VALUES", "UNION"}
)


class UnsupportedError(Exception):
    """Syntax the rewriter does not handle: the query is left as it is."""


@dataclass(frozen=True, slots=True)
class Tok:
    """A token of the SPARQL text: its kind and text."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        """The text, upper-cased when it is a name (keywords compare case-free)."""
        return self.text.upper() if self.kind == "name" else self.text


def _tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise UnsupportedError(f"cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append(Tok(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return out


# ---- the parsed form -----------------------------------------------------------------------------


@dataclass(slots=True)
class Triple:
    """One triple pattern."""

    subject: Tok
    verb: str
    verb_is_path: bool
    verb_var: str | None
    obj: Tok

    def variables(self) -> set[str]:
        """The variables the pattern binds."""
        out = {t.text[1:] for t in (self.subject, self.obj) if t.kind == "var"}
        if self.verb_var:
            out.add(self.verb_var)
        return out

    def text(self) -> str:
        """The pattern as SPARQL text."""
        return f"{_term(self.subject)} {self.verb} {_term(self.obj)} ."


@dataclass(slots=True)
class Group:
    """A group graph pattern: its members in order."""

    members: list[Member] = field(default_factory=list)


@dataclass(slots=True)
class Union:
    """A UNION of groups."""

    branches: list[Group]


@dataclass(slots=True)
class Expr:
    """An expression as source text, with the groups of its ``EXISTS`` parsed."""

    pieces: list[str | Group]


@dataclass(slots=True)
class Filter:
    """A FILTER with its expression."""

    expr: Expr


@dataclass(slots=True)
class Keyed:
    """``OPTIONAL``, ``MINUS``, ``LATERAL``, ``GRAPH x`` or ``SERVICE x``, and its group."""

    head: str
    group: Group


@dataclass(slots=True)
class Bind:
    """A BIND of an expression to a variable."""

    expr: Expr


@dataclass(slots=True)
class Verbatim:
    """``VALUES`` blocks and sub-queries, copied as they are."""

    text: str
    variables: set[str]


Member = Triple | Group | Union | Filter | Keyed | Bind | Verbatim


def _term(tok: Tok) -> str:
    return "?" + tok.text[1:] if tok.kind == "var" else tok.text


class Parser:
    """A recursive-descent parser of the SPARQL subset the rewrite understands."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, ahead: int = 0) -> Tok | None:
        """The token ``ahead`` places on, without consuming it."""
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Tok:
        """Consume and return the next token."""
        tok = self.peek()
        if tok is None:
            raise UnsupportedError("unexpected end of query")
        self.i += 1
        return tok

    def expect(self, text: str) -> Tok:
        """Consume a token that must be ``text``."""
        tok = self.next()
        if tok.upper != text:
            raise UnsupportedError(f"expected {text!r}, found {tok.text!r}")
        return tok

    def at(self, *texts: str) -> bool:
        """Whether the next token is one of ``texts``."""
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
                    raise UnsupportedError("unbalanced brackets")
                if not stack:
                    return j
        raise UnsupportedError("unbalanced brackets")

    def group(self) -> Group:
        """Parse a group graph pattern."""
        self.expect("{")
        if self.at("SELECT"):
            raise UnsupportedError("sub-query")  # only handled as a member, see member()
        g = Group()
        while not self.at("}"):
            if self.at("."):
                self.next()
                continue
            g.members.append(self.member())
        self.expect("}")
        return g

    def member(self) -> Member:
        """Parse one member of a group."""
        tok = self.peek()
        assert tok is not None
        word = tok.upper
        if word == "FILTER":
            self.next()
            return Filter(self.constraint())
        if word in ("OPTIONAL", "MINUS", "LATERAL"):
            self.next()
            return Keyed(word, self.group())
        if word in ("GRAPH", "SERVICE"):
            self.next()
            head = [word]
            while not self.at("{"):
                head.append(self.next().text)
            return Keyed(" ".join(head), self.group())
        if word == "BIND":
            self.next()
            open_at = self.i
            close = self.balanced_end(open_at)
            return Bind(self.expression(open_at, close + 1))
        if word == "VALUES":
            start = self.next().start
            while not self.at("{"):
                self.next()
            close = self.balanced_end(self.i)
            names = {t.text[1:] for t in self.toks[self.i - 1 : close] if t.kind == "var"}
            self.i = close + 1
            return Verbatim(self.text[start : self.toks[close].end], names)
        if tok.text == "{":
            nxt = self.peek(1)
            if nxt is not None and nxt.upper == "SELECT":
                close = self.balanced_end(self.i)
                inner = self.toks[self.i : close + 1]
                self.i = close + 1
                names = {t.text[1:] for t in inner if t.kind == "var"}
                return Verbatim(self.text[tok.start : inner[-1].end], names)
            branches = [self.group()]
            while self.at("UNION"):
                self.next()
                branches.append(self.group())
            return Union(branches) if len(branches) > 1 else branches[0]
        if tok.kind in _TERM_KINDS:
            return self.triples()
        raise UnsupportedError(f"unexpected {tok.text!r}")

    def constraint(self) -> Expr:
        """The expression after ``FILTER``: bracketed, a function call, or (NOT) EXISTS."""
        start = self.i
        if self.at("NOT", "EXISTS"):
            if self.next().upper == "NOT":
                self.expect("EXISTS")
            if not self.at("{"):
                raise UnsupportedError("EXISTS without a group")
            close = self.balanced_end(self.i)
            self.i = close + 1
            return self.expression(start, close + 1)
        while not self.at("("):
            self.next()  # a function name: regex, a prefixed-name function, …
        close = self.balanced_end(self.i)
        self.i = close + 1
        return self.expression(start, close + 1)

    def expression(self, start: int, stop: int) -> Expr:
        """Tokens ``start``..``stop`` as text, with every ``EXISTS { … }`` parsed as a group."""
        pieces: list[str | Group] = []
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
        return Expr(pieces)

    def term(self) -> Tok:
        """Parse an RDF term or variable."""
        tok = self.next()
        if tok.kind not in _TERM_KINDS and tok.text not in ("true", "false"):
            raise UnsupportedError(f"unsupported term {tok.text!r}")
        if tok.kind == "bnode":
            raise UnsupportedError("blank node labels cannot be split across patterns")
        if tok.text in ("true", "false"):
            return Tok("string", tok.text, tok.start, tok.end)
        return tok

    def triples(self) -> Group:
        """One subject with its predicate-object lists, as one triple pattern per object."""
        out = Group()
        subject = self.term()
        while True:
            verb, is_path, verb_var = self.verb()
            while True:
                out.members.append(Triple(subject, verb, is_path, verb_var, self.term()))
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
        """Parse a predicate or property path: its text, whether a path, its variable."""
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
        """Parse a path alternative (p | q)."""
        self.path_sequence()
        while self.at("|"):
            self.next()
            self.path_sequence()

    def path_sequence(self) -> None:
        """Parse a path sequence (p / q)."""
        self.path_element()
        while self.at("/"):
            self.next()
            self.path_element()

    def path_element(self) -> None:
        """Parse one path element (inverse, group, IRI, modifier)."""
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
            raise UnsupportedError(f"unsupported path element {tok.text!r}")
        nxt = self.peek()
        if nxt is not None and nxt.kind == "punct" and nxt.text in ("*", "+", "?"):
            self.next()

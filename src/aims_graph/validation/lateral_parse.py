"""A parser for the SPARQL our shapes use: tokens and the group-pattern tree ``lateral`` rewrites.

See :mod:`aims_graph.validation.lateral` for why; anything the parser does not understand raises
``_UnsupportedError``, and the rewrite then leaves the query as it was.
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

"""Reading a SPARQL text before it runs: its keywords, its form and its FROM clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aims_graph.api.problems import ProblemError

# Strings, IRIs and comments are skipped whole so that a keyword inside them never counts;
# the string and IRI patterns follow the SPARQL grammar, so anything the engine would read as
# code is read as code here too (a looser match only ever makes the engine fail to parse).
_TOKEN = re.compile(
    r'''
    (?P<lstr>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\''(?:[^'\\]|\\.|'(?!''))*'\'\'')
  | (?P<str>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$]\w+)
  | (?P<pname>[\w.\-]*:(?:[\w.\-:%]|\\.)*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>\S)
    ''',
    re.VERBOSE | re.DOTALL,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)


def keywords(text: str) -> list[str]:
    """The bare keywords of a SPARQL text, upper-cased, outside strings, IRIs and comments."""
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


@dataclass(frozen=True)
class QueryShape:
    """What the text says about a query before it runs."""

    form: str | None
    has_from: bool
    service: bool
    update_words: tuple[str, ...]


def query_shape(text: str) -> QueryShape:
    """Scan a query: its form, FROM clauses, SERVICE and update keywords."""
    words = keywords(text)
    decoded = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if decoded != text:
        # SPARQL allows \\u escapes anywhere; an engine that decodes them early must not
        # smuggle a keyword past this scan, so both readings count.
        words += keywords(decoded)
    form = next((w for w in words if w in QUERY_FORMS), None)
    return QueryShape(
        form=form,
        has_from="FROM" in words,
        service="SERVICE" in words,
        update_words=tuple(sorted({w for w in words if w in UPDATE_WORDS})),
    )


def from_clauses(text: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's FROM and FROM NAMED clauses (prefixed names resolved)."""
    prefixes: dict[str, str] = {}
    froms: list[str] = []
    nameds: list[str] = []
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    tokens = [(k, v) for k, v in tokens if k != "comment"]
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
        if upper != "FROM":
            continue
        j = i + 1
        named = j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "NAMED"
        j += int(named)
        if j >= len(tokens) or tokens[j][0] not in ("iri", "pname"):
            raise ProblemError(
                400, "malformed-query", "Malformed query", "FROM must be followed by an IRI."
            )
        ref = tokens[j][1]
        if tokens[j][0] == "iri":
            iri = ref[1:-1]
        else:
            prefix, _, local = ref.partition(":")
            if prefix not in prefixes:
                raise ProblemError(
                    400, "malformed-query", "Malformed query", f"FROM {ref}: unknown prefix."
                )
            iri = prefixes[prefix] + local
        (nameds if named else froms).append(iri)
    return froms, nameds

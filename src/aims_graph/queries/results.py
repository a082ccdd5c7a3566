"""What a named query's answer looks like: its columns in order, its values as JSON."""

from __future__ import annotations

import re
from typing import Any, Final

from aims_graph.namespaces import XSD
from aims_graph.store import Row, Term

_PROJECTION_END: Final = re.compile(r"\bWHERE\b|\{", re.IGNORECASE)


def projection(sparql: str, rows: list[Row]) -> list[str]:
    """The SELECT variables in order (from the text), else the keys seen in the rows."""
    body = "\n".join(
        line.split("#", 1)[0] if line.lstrip().startswith("#") else line
        for line in sparql.splitlines()
    )
    match = re.search(r"\bSELECT\b(\s+(?:DISTINCT|REDUCED)\b)?", body, re.IGNORECASE)
    names: list[str] = []
    if match:
        rest = body[match.end() :]
        end = _PROJECTION_END.search(rest)
        clause = rest[: end.start()] if end else rest
        if clause.strip() != "*":
            depth = 0
            for tok in re.finditer(r"\(|\)|\bAS\s+[?$](\w+)|[?$](\w+)", clause, re.IGNORECASE):
                if tok.group(0) == "(":
                    depth += 1
                elif tok.group(0) == ")":
                    depth -= 1
                elif tok.group(1):
                    names.append(tok.group(1))
                elif depth == 0 and tok.group(2):
                    names.append(tok.group(2))
    for row in rows:
        for k in row:
            if k not in names:
                names.append(k)
    return names


_NUMERIC: Final = {
    str(XSD.integer): int,
    str(XSD.int): int,
    str(XSD.long): int,
    str(XSD.nonNegativeInteger): int,
    str(XSD.decimal): float,
    str(XSD.double): float,
    str(XSD.float): float,
}


def json_value(term: Term) -> Any:
    """A term as a JSON value: numbers and booleans native, everything else its string."""
    if term.kind == "literal" and term.datatype:
        cast = _NUMERIC.get(term.datatype)
        if cast is not None:
            try:
                return cast(term.value)
            except ValueError:
                return term.value
        if term.datatype == str(XSD.boolean):
            return term.value in ("true", "1")
    return term.value

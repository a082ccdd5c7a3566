"""CLI command ``query``: run SPARQL (typed, from a file, or a named query) on the graph."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.console import Console
from rich.table import Table

from aims_graph import queries, resources
from aims_graph.catalog.items import ItemIndex, ItemResolutionError
from aims_graph.cli.session import fail, graph_session
from aims_graph.exports.describe import curie
from aims_graph.queries import projection
from aims_graph.store import QuerySyntaxError, Row, StoreError, Term

_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
EXIT_FALSE = 1


class OutputFormat(StrEnum):
    """How SELECT results are printed."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def parse_params(pairs: list[str]) -> dict[str, str | list[str]]:
    """Turn repeated ``k=v`` options into arguments; a repeated name becomes a list."""
    args: dict[str, str | list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param takes name=value, got {pair!r}")
        name = name.strip()
        old = args.get(name)
        if old is None:
            args[name] = value
        else:
            args[name] = [*([old] if isinstance(old, str) else old), value]
    return args


_NOT_CODE: Final = re.compile(
    r"""<[^<>"{}|^`\\\s]*>"""  # IRIs (they may hold '#')
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''  # long strings
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n]|\\.)*"'''  # strings
    r"""|'(?:[^'\\\n]|\\.)*'"""
    r"""|#[^\n]*""",  # comments
    re.DOTALL,
)
_FORM: Final = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword outside IRIs, strings, comments.

    It only picks how results are printed; a wrong guess makes the store refuse the query (exit 2).
    """
    found = _FORM.search(_NOT_CODE.sub(" ", text))
    return found.group(1).upper() if found else "SELECT"


def _plain(term: Term | None) -> str:
    return "" if term is None else term.value


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype and term.datatype != _XSD_STRING:
        out["datatype"] = term.datatype
    return out


def render_rows(columns: list[str], rows: list[Row], fmt: OutputFormat) -> str:
    """Rows as SPARQL 1.1 JSON results, or CSV/TSV with plain values and a header row."""
    if fmt is OutputFormat.json:
        body: dict[str, Any] = {
            "head": {"vars": columns},
            "results": {"bindings": [{k: _json_term(v) for k, v in row.items()} for row in rows]},
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    buf = io.StringIO()
    if fmt is OutputFormat.tsv:
        # Plain values keep the file easy to read in a spreadsheet; tabs and newlines would
        # break the columns, so they become spaces.
        buf.write("\t".join(columns) + "\n")
        for row in rows:
            cells = (_plain(row.get(c)).replace("\t", " ").replace("\n", " ") for c in columns)
            buf.write("\t".join(cells) + "\n")
        return buf.getvalue()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_plain(row.get(c)) for c in columns])
    return buf.getvalue()


def _table(columns: list[str], rows: list[Row]) -> Table:
    table = Table(caption=f"{len(rows)} row(s)")
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        cells = []
        for c in columns:
            term = row.get(c)
            cells.append(
                "" if term is None else curie(term.value) if term.kind == "uri" else term.value
            )
        table.add_row(*cells)
    return table


def _text(sparql: str | None, file: Path | None, named: str | None) -> tuple[str, str | None]:
    given = [x for x in (sparql, file, named) if x is not None]
    if len(given) != 1:
        raise fail("give exactly one of: a SPARQL text, --file FILE or --named NAME")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8"), None
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc}") from exc
    if named is not None:
        return "", named
    assert sparql is not None
    return sparql, None


def query(
    sparql: Annotated[
        str | None, typer.Argument(help="The SPARQL query text (or use --file / --named).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from this .rq file.")
    ] = None,
    named: Annotated[
        str | None,
        typer.Option(
            "--named",
            "-n",
            help="Run a named query from queries/ (e.g. crosswalk); see --list.",
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A named query's parameter as name=value; repeat it for several parameters. "
            "A list parameter takes commas or repeats: "
            "-p controls=iso27001-2013:A.9.2.5,iso27001-2013:A.13.2.1.",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help="table (default on a terminal), csv (default when piped), tsv or json "
            "(SPARQL 1.1 JSON results).",
        ),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the named queries and their parameters.")
    ] = False,
) -> None:
    """Run a SPARQL query on the graph: typed, from a file, or a named query with parameters.

    SELECT results print as a table on a terminal and as CSV when piped; CONSTRUCT and DESCRIBE
    print N-Triples; ASK prints true or false. Exit codes: 0 ok (ASK true), 1 ASK false,
    2 a syntax error (with the parser's message), a bad parameter or another input error.

    Examples:

      aims-graph query "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

      aims-graph query --named crosswalk -p item=iso42001:A.6.2.4 -p target=iso27001

      aims-graph query -f my.rq --format json > result.json
    """
    if list_:
        _list_named()
        return
    text, name = _text(sparql, file, named)
    bindings: dict[str, Term]
    with graph_session() as graph:
        try:
            if name is not None:
                # Read only the file asked for, so one broken query file spoils only itself.
                path = resources.queries_dir() / f"{name}.rq"
                if not queries.NAME_RE.match(name) or not path.is_file():
                    known = sorted(p.stem for p in resources.queries_dir().glob("*.rq"))
                    raise fail(f"no named query {name!r}; known: {', '.join(known)}")
                named_query = queries.parse_query_file(path)
                index: list[ItemIndex] = []

                def resolve(typed: str) -> str:
                    # Only the item index is needed here, not the whole mapping service.
                    if not index:
                        index.append(ItemIndex.from_store(graph.store))
                    return index[0].resolve(typed).iri

                text, bindings = queries.bind(named_query, parse_params(param or []), resolve)
            else:
                if param:
                    raise fail("--param is only for --named queries")
                bindings = {}
            form = query_form(text)
            if form in ("CONSTRUCT", "DESCRIBE"):
                sys.stdout.buffer.write(graph.store.construct(text, bindings))
                sys.stdout.flush()
                return
            if form == "ASK":
                answer = graph.store.ask(text, bindings)
                sys.stdout.write("true\n" if answer else "false\n")
                if not answer:
                    raise typer.Exit(EXIT_FALSE)
                return
            rows = graph.store.select(text, bindings)
        except QuerySyntaxError as exc:
            raise fail(f"SPARQL syntax error: {exc}") from exc
        except (queries.QueryError, ItemResolutionError, ValueError) as exc:
            raise fail(str(exc)) from exc
        except StoreError as exc:
            raise fail(f"the query failed: {exc}") from exc
    columns = projection(text, rows)
    chosen = fmt or (OutputFormat.table if sys.stdout.isatty() else OutputFormat.csv)
    if chosen is OutputFormat.table:
        Console().print(_table(columns, rows))
        return
    sys.stdout.write(render_rows(columns, rows, chosen))
    sys.stdout.flush()


def _list_named() -> None:
    catalog = queries.load_catalog()
    if not sys.stdout.isatty():
        for nq in catalog.values():
            params = " ".join(f"{p.name}={p.example}" for p in nq.params)
            sys.stdout.write(f"{nq.name}\t{nq.summary}\t{params}\n")
        return
    table = Table(title="Named queries (aims-graph query --named NAME -p name=value ...)")
    table.add_column("name")
    table.add_column("summary")
    table.add_column("parameters (example)")
    for nq in catalog.values():
        table.add_row(nq.name, nq.summary, "\n".join(f"{p.name}={p.example}" for p in nq.params))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the ``query`` command to the CLI."""
    app.command("query")(query)

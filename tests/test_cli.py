"""The command line on the real graph: help texts, query in every format, stats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from rich.console import Console
from tests.orgdata_support import cli_run
from typer.testing import CliRunner

from aims_graph.cli import app
from aims_graph.cli.progress import PROGRESS_AFTER_S, run_with_progress
from aims_graph.namespaces import ID

SKOS = "http://www.w3.org/2004/02/skos/core#"
NOTATION_QUERY = (
    f"SELECT ?item ?notation WHERE {{ ?item <{SKOS}notation> ?notation ; "
    f"<{SKOS}inScheme> <{ID}iso42001-2023> }} ORDER BY ?notation LIMIT 5"
)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRunner]:
    """A runner on an on-disk store built once for the module (later commands reuse it)."""
    store = tmp_path_factory.mktemp("cli") / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMS_GRAPH_STORE", f"oxigraph:{store}")
        yield CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    # A failed run's traceback holds the store open until a collection: the next run of the
    # module would find its lock taken (see cli_run).
    return cli_run(runner, *args)


@pytest.mark.slow  # a whole build to an on-disk store
def test_build_then_stats_json(runner: CliRunner) -> None:
    code, _, err = run(runner, "build")
    assert code == 0, err
    assert "triples" in err
    code, out, err = run(runner, "stats", "--json")
    assert code == 0, err
    stats = json.loads(out)
    assert stats["iso42001-2023"]["total"] > 0
    assert stats["iso42001-2023"]["by_kind"]["Control"] > 30
    assert {"eu-ai-act", "nist-ai-rmf-1.0", "iso27001-2022"} <= set(stats)


def test_query_select_is_csv_when_piped(runner: CliRunner) -> None:
    code, out, err = run(runner, "query", NOTATION_QUERY)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    assert rows[0].keys() == {"item", "notation"}
    assert all(r["item"].startswith(f"{ID}iso42001-2023/") for r in rows)


def test_query_json_and_tsv(runner: CliRunner) -> None:
    code, out, _ = run(runner, "query", "--format", "json", NOTATION_QUERY)
    assert code == 0
    body = json.loads(out)
    assert body["head"]["vars"] == ["item", "notation"]
    first = body["results"]["bindings"][0]
    assert first["item"]["type"] == "uri" and first["notation"]["type"] == "literal"
    code, out, _ = run(runner, "query", "--format", "tsv", NOTATION_QUERY)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "item\tnotation" and len(lines) == 6


def test_query_table_format(runner: CliRunner) -> None:
    code, out, _ = run(runner, "query", "--format", "table", NOTATION_QUERY)
    assert code == 0
    assert "iso42001:" in out and "5 row(s)" in out


def test_named_query_with_parameters(runner: CliRunner) -> None:
    code, out, err = run(
        runner,
        "query",
        "--named",
        "crosswalk",
        "--param",
        "item=iso42001:A.6.2.4",
        "--param",
        "target=iso27001",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    assert all(r["object"].startswith(f"{ID}iso27001-2022/") for r in rows)
    assert all(r["item"] == f"{ID}iso42001-2023/A.6.2.4" for r in rows)


def test_query_from_file_construct_and_ask(runner: CliRunner, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text(
        f"# a comment with SELECT in it\nCONSTRUCT {{ ?i <{SKOS}notation> ?n }} "
        f"WHERE {{ ?i <{SKOS}notation> ?n ; <{SKOS}inScheme> <{ID}iso42001-2023> }} LIMIT 3"
    )
    code, out, _ = run(runner, "query", "--file", str(rq))
    assert code == 0
    assert len([line for line in out.splitlines() if line.endswith(" .")]) == 3
    code, out, _ = run(runner, "query", f"ASK {{ <{ID}iso42001-2023/A.6.2.4> ?p ?o }}")
    assert (code, out.strip()) == (0, "true")
    code, out, _ = run(runner, "query", f"ASK {{ <{ID}iso42001-2023/Z.9> ?p ?o }}")
    assert (code, out.strip()) == (1, "false")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "SELEC ?x WHERE {}"), "syntax error"),
        (("query",), "exactly one"),
        (("query", "SELECT * {}", "--named", "crosswalk"), "exactly one"),
        (("query", "SELECT * {}", "-p", "a=b"), "only for --named"),
        (("query", "--named", "no-such-query"), "no named query"),
        (("query", "--named", "crosswalk", "-p", "item=iso42001:A.6.2.4"), "missing parameter"),
        (("query", "--named", "crosswalk", "-p", "item=iso42001:Z.9", "-p", "target=x"), "item"),
        (("query", "--named", "crosswalk", "-p", "oops"), "name=value"),
    ],
)
def test_input_errors_exit_2(runner: CliRunner, args: tuple[str, ...], message: str) -> None:
    code, _, err = run(runner, *args)
    assert code == 2
    assert message in err


def test_every_command_explains_itself(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    names = sorted(command.commands)
    assert {"build", "query", "serve", "stats", "check", "export"} <= set(names)
    for name in names:
        assert name in out
        sub = command.commands[name]
        assert (sub.help or "").strip(), f"{name} has no help text"
        code, text, _ = run(runner, name, "--help")
        assert code == 0, name
        assert "Usage" in text
    # The query help documents its exit codes and gives examples.
    _, text, _ = run(runner, "query", "--help")
    assert "Exit codes" in text and "--named" in text and "--format" in text


def test_progress_bar_shows_only_once_a_job_runs_past_a_second() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    assert run_with_progress(lambda: 7, lambda: (0, None, "quick job"), console) == 7
    assert out.getvalue() == ""

    def slow() -> int:
        time.sleep(PROGRESS_AFTER_S + 0.5)
        return 8

    assert run_with_progress(slow, lambda: (3, 5, "slow job"), console) == 8
    assert "slow job" in out.getvalue() and "3/5" in out.getvalue()

"""HTTP under concurrent load (issue 7, no. 2), all on 127.0.0.1 with the same graph and query.

aims-graph's ``/crosswalk`` and ``/sparql`` in three deployments (one process; several workers
on the embedded store opened read-only; several workers over a shared ``oxigraph serve``),
against raw ``oxigraph serve-read-only`` and ``rdflib-endpoint`` answering the equivalent SPARQL
query on the same standards graph. The load comes from ``wrk`` (Debian's package): a C client,
so the client's own cost stays small beside the servers' on the same two cores.

    python -m bench.http_load [--seconds 20] [--connections 8]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import httpx
from tests.servers import free_port, oxigraph_binary, process_group
from tests.virtuoso_server import VIRTUOSO, virtuoso_server

from aims_graph.build import loader
from aims_graph.queries import load_catalog
from aims_graph.store import OxigraphStore
from bench.floor_app import BODY_ENV
from bench.targets import FLOOR_1, FLOOR_2, FLOOR_FASTAPI_1, Measured
from bench.timing import Result, Timing, measure, summarise

ITEM = "https://w3id.org/aims-graph/id/iso42001-2023/A.6.2.4"
TARGET = "https://w3id.org/aims-graph/id/iso27001-2022"
CROSSWALK_PATH = "/crosswalk?" + urlencode({"from": "iso42001:A.6.2.4", "to": "iso27001-2022"})
RESULTS_JSON = "application/sparql-results+json"
JSON = {"Accept": RESULTS_JSON}
BIN = Path(sys.executable).parent


def crosswalk_query() -> str:
    """The named ``crosswalk`` query with the item and target written in: what /crosswalk asks."""
    text = load_catalog()["crosswalk"].sparql
    head, where, rest = text.partition("WHERE {")
    return f"{head}{where}\n  VALUES (?item ?target) {{ (<{ITEM}> <{TARGET}>) }}{rest}"


@dataclass(frozen=True)
class LoadResult:
    """One bounded wrk run against one URL."""

    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    #: Peak resident memory of the server's processes together (MB), after its runs.
    peak_mb: float | None = None
    #: The same of the server's first process alone (without its /sparql query workers).
    main_peak_mb: float | None = None


def _tree(pid: int) -> list[int]:
    """A process and its descendants (from /proc)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += _tree(int(child))
    return found


def peak_rss_mb(pid: int, *, alone: bool = False) -> float:
    """The sum of the peak resident set sizes (VmHWM) of a process and its descendants (pages
    they share counted in each), or of the process ``alone``."""
    total_kb = 0
    for p in [pid] if alone else _tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:  # gone meanwhile
            continue
        if m := re.search(r"^VmHWM:\s+(\d+) kB", status, re.M):
            total_kb += int(m.group(1))
    return total_kb / 1024


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def parse_wrk(name: str, out: str) -> LoadResult:
    """Requests/s, p50, p99 and failures from ``wrk --latency`` output."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    return LoadResult(name, rate, p50, p99, requests, errors)


def wrk(
    name: str, url: str, headers: dict[str, str], *, connections: int, seconds: float
) -> LoadResult:
    """Load ``url`` with ``connections`` keep-alive connections for ``seconds``."""
    exe = shutil.which("wrk")
    if exe is None:
        raise RuntimeError("wrk is missing: run `make wrk` (Debian's package wrk)")
    cmd = [exe, "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for header, value in headers.items():
        cmd += ["-H", f"{header}: {value}"]
    run = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {run.stderr.strip()}")
    return parse_wrk(name, run.stdout)


def _rows(response: httpx.Response) -> int:
    response.raise_for_status()
    return len(response.json()["results"]["bindings"])


def run(*, seconds: float, connections: int) -> list[LoadResult]:
    """Start each server in turn and load it the same way; check that they agree first."""
    query = crosswalk_query()
    qs = "?" + urlencode({"query": query})
    tmp = Path(tempfile.mkdtemp(prefix="aims-http-bench-"))
    results: list[LoadResult] = []
    expected: list[int] = []

    def agree(name: str, rows: int) -> None:
        expected.append(rows)
        if rows != expected[0] or rows == 0:
            raise RuntimeError(f"{name} answered {rows} rows, the first server {expected[0]}")

    def load(name: str, url: str, headers: dict[str, str] | None = None) -> None:
        # Warm every worker (each builds its indexes on its first request), one per connection.
        for _ in range(12):
            httpx.get(url, headers=headers or {}, timeout=60).raise_for_status()
        results.append(wrk(name, url, headers or {}, connections=connections, seconds=seconds))

    def ours(label: str, base: str, *, crosswalk: bool = True) -> None:
        if crosswalk:
            agree(label, len(httpx.get(base + CROSSWALK_PATH, timeout=60).json()["mappings"]))
        agree(label, _rows(httpx.get(base + "/sparql" + qs, headers=JSON, timeout=60)))
        load(f"aims-graph /crosswalk, {label}", base + CROSSWALK_PATH)
        url = base + "/sparql" + qs
        load(f"aims-graph /sparql, {label}", url, JSON)
        load(f"aims-graph /sparql no-cache, {label}", url, {**JSON, "Cache-Control": "no-cache"})

    @contextmanager
    def memory_of(*pids: int) -> Iterator[None]:
        """Give the rows added in the block the peak memory of these processes' trees."""
        first = len(results)
        yield
        peak = sum(peak_rss_mb(p) for p in pids)
        main = peak_rss_mb(pids[0], alone=True)
        results[first:] = [replace(r, peak_mb=peak, main_peak_mb=main) for r in results[first:]]

    cli = str(BIN / "aims-graph")
    oxigraph = oxigraph_binary()

    def serve(
        port: int, workers: int, store: str, env: dict[str, str] | None = None
    ) -> AbstractContextManager[int]:
        return process_group(
            [cli, "serve", "--port", str(port), "--workers", str(workers)],
            f"http://127.0.0.1:{port}/health",
            tmp / "serve.log",
            env={"AIMS_GRAPH_STORE": store, **(env or {})},
        )

    try:
        store = OxigraphStore(tmp / "ours")
        loader.build(store)
        view = tmp / "view.nt"
        view.write_bytes(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
        store.close()
        del store
        embedded = f"oxigraph:{tmp / 'ours'}"
        floor_body = tmp / "floor-body.json"
        for label, workers in (("1 process", 1), ("2 workers, embedded read-only", 2)):
            port = free_port()
            with serve(port, workers, embedded) as pid, memory_of(pid):
                base = f"http://127.0.0.1:{port}"
                floor_body.write_bytes(httpx.get(base + CROSSWALK_PATH, timeout=60).content)
                ours(label, base)

        # The Python floor (issue 18, rule c): /crosswalk's own bytes from a constant ASGI app,
        # and from one FastAPI route, under the uvicorn settings of `aims-graph serve`.
        for label, extra in (
            (FLOOR_1, []),
            (FLOOR_FASTAPI_1, ["--fastapi"]),
            (FLOOR_2, ["--workers", "2"]),
        ):
            port = free_port()
            url = f"http://127.0.0.1:{port}{CROSSWALK_PATH}"
            with (
                process_group(
                    [sys.executable, "-m", "bench.floor_app", "--port", str(port), *extra],
                    url,
                    tmp / "floor.log",
                    env={BODY_ENV: str(floor_body)},
                ) as pid,
                memory_of(pid),
            ):
                if httpx.get(url, timeout=60).content != floor_body.read_bytes():
                    raise RuntimeError(f"{label} does not answer /crosswalk's bytes")
                load(label, url)

        shared_port, port, tmp_shared = free_port(), free_port(), str(tmp / "shared")
        shared = f"http://127.0.0.1:{shared_port}"
        with (
            process_group(
                [oxigraph, "serve", "--bind", f"127.0.0.1:{shared_port}", "--location", tmp_shared],
                f"{shared}/query?query=ASK%7B%7D",
                tmp / "oxigraph-shared.log",
            ) as server,
            serve(port, 2, f"sparql:{shared}") as pid,
            memory_of(pid, server),
        ):
            ours("2 workers over oxigraph serve", f"http://127.0.0.1:{port}")

        # The same over Virtuoso 7 (`make virtuoso`), on a throw-away database.
        if Path(VIRTUOSO).exists():
            port = free_port()
            with virtuoso_server() as virtuoso:
                login = {
                    "AIMS_GRAPH_REMOTE_USER": "dba",
                    "AIMS_GRAPH_REMOTE_PASSWORD": virtuoso.password,
                }
                with (
                    serve(port, 2, f"sparql:{virtuoso.base}", login) as pid,
                    memory_of(pid, virtuoso.pid),
                ):
                    ours("2 workers over Virtuoso 7", f"http://127.0.0.1:{port}")
        else:
            print(f"no {VIRTUOSO}: the Virtuoso rows are left out (`make virtuoso`)")

        raw = str(tmp / "oxigraph")
        subprocess.run(
            [oxigraph, "load", "--location", raw, "--file", str(view)],
            check=True,
            capture_output=True,
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}/query"
        with (
            process_group(
                [oxigraph, "serve-read-only", "--bind", f"127.0.0.1:{port}", "--location", raw],
                url + "?query=ASK%7B%7D",
                tmp / "oxigraph.log",
            ) as pid,
            memory_of(pid),
        ):
            agree("oxigraph", _rows(httpx.get(url + qs, headers=JSON)))
            load("oxigraph serve-read-only", url + qs, JSON)

        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        endpoint = shutil.which("rdflib-endpoint", path=str(BIN)) or "rdflib-endpoint"
        with (
            process_group(
                [endpoint, "serve", str(view), "--host", "127.0.0.1", "--port", str(port)],
                url + "?query=ASK%7B%7D",
                tmp / "rdflib.log",
            ) as pid,
            memory_of(pid),
        ):
            agree("rdflib-endpoint", _rows(httpx.get(url + qs, headers=JSON, timeout=60)))
            load("rdflib-endpoint", url + qs, JSON)
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _first_answer(
    cmd: Sequence[str], url: str, log: Path, env: dict[str, str] | None = None
) -> float:
    """Seconds from launching a server to its first successful answer at ``url``."""
    started = time.perf_counter()
    with process_group(cmd, url, log, env):
        while True:
            try:
                if httpx.get(url, timeout=30).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.01)


def _process_seconds(cmd: Sequence[str], runs: int) -> Timing:
    """Wall time of a fresh process running ``cmd`` to its end, ``runs`` times after one warm-up."""
    return measure(lambda: subprocess.run(list(cmd), check=True, capture_output=True), runs)


def startup(quick: bool, measured: Measured | None = None) -> list[Result]:
    """``aims-graph serve`` from launch to its first /crosswalk answer, cold and warm store.

    With the floors of the same run (issue 18, rule c): the interpreter alone (``python -c
    pass``), importing the web stack (``import fastapi, uvicorn``) and the constant ASGI app of
    bench/floor_app.py from launch to its first answer; and ``oxigraph serve-read-only``.
    """
    runs = 2 if quick else 5
    tmp = Path(tempfile.mkdtemp(prefix="aims-startup-bench-"))
    cli = str(BIN / "aims-graph")
    try:
        port = free_port()
        url = f"http://127.0.0.1:{port}{CROSSWALK_PATH}"
        serve = [cli, "serve", "--port", str(port)]
        log = tmp / "serve.log"
        cold = []
        for i in range(runs):
            cold.append(
                _first_answer(serve, url, log, env={"AIMS_GRAPH_STORE": f"oxigraph:{tmp}/c{i}"})
            )
        warm = [
            _first_answer(serve, url, log, env={"AIMS_GRAPH_STORE": f"oxigraph:{tmp}/c0"})
            for _ in range(runs)
        ]
        view = tmp / "view.nt"
        store = OxigraphStore(tmp / "c0", read_only=True)
        view.write_bytes(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
        del store
        raw = str(tmp / "oxigraph")
        subprocess.run(
            [oxigraph_binary(), "load", "--location", raw, "--file", str(view)],
            check=True,
            capture_output=True,
        )
        q = f"http://127.0.0.1:{port}/query?" + urlencode({"query": crosswalk_query()})
        oxi = [
            _first_answer(
                [
                    oxigraph_binary(),
                    "serve-read-only",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--location",
                    raw,
                ],
                q,
                tmp / "oxigraph.log",
            )
            for _ in range(runs)
        ]
        floor_app = [
            _first_answer(
                [sys.executable, "-m", "bench.floor_app", "--port", str(port)],
                url,
                tmp / "floor.log",
            )
            for _ in range(runs)
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    python = [sys.executable, "-c", "pass"]
    web = [sys.executable, "-c", "import fastapi, uvicorn"]
    floors = {
        "python -c pass": _process_seconds(python, runs),
        "import fastapi, uvicorn": _process_seconds(web, runs),
        "floor app": summarise(floor_app),
    }
    timings = {"cold": summarise(cold), "warm": summarise(warm), "oxigraph": summarise(oxi)}
    if measured is not None:
        measured.startup.update({**timings, **floors})
    return [
        Result(
            "serve, cold store: launch → first /crosswalk", timings["cold"], "", None, "≤ 1.5 s"
        ),
        Result(
            "serve, warm store: launch → first /crosswalk",
            timings["warm"],
            "oxigraph serve-read-only: launch → first answer",
            timings["oxigraph"],
            "≤ 0.3 s",
        ),
        Result(
            "Python floor: constant ASGI app under uvicorn, launch → first answer",
            floors["floor app"],
            "`python -c pass`",
            floors["python -c pass"],
            "–",
        ),
        Result(
            '`python -c "import fastapi, uvicorn"`',
            floors["import fastapi, uvicorn"],
            "`python -c pass`",
            floors["python -c pass"],
            "–",
        ),
    ]


def table(results: list[LoadResult], connections: int, seconds: float) -> str:
    """The runs as a Markdown table, each rate against raw Oxigraph's, rdflib-endpoint's and the
    Python floor of the same deployment (one process or two workers)."""
    oxi = next((r.rate for r in results if r.name.startswith("oxigraph")), None)
    rdf = next((r.rate for r in results if r.name.startswith("rdflib")), None)
    floors = {
        "1 process": next((r.rate for r in results if r.name == FLOOR_1), None),
        "2 workers": next((r.rate for r in results if r.name == FLOOR_2), None),
    }
    lines = [
        f"`wrk -t2 -c{connections} -d{seconds:g}s`, the crosswalk of iso42001:A.6.2.4 to "
        "27001:2022 (/crosswalk, and the named crosswalk query with its values written in). "
        "The Python floor rows answer /crosswalk's own bytes from a constant app "
        "(bench/floor_app.py) under `aims-graph serve`'s uvicorn settings; 'vs floor' is a "
        "row's rate over the floor of its deployment (one process or two workers).",
        "",
        "| server | requests/s | p50 | p99 | requests | errors | vs Oxigraph | vs rdflib "
        "| vs floor | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        vs_oxi = f"{r.rate / oxi:.2f}×" if oxi else "–"
        vs_rdf = f"{r.rate / rdf:.1f}×" if rdf else "–"
        floor = next((f for k, f in floors.items() if k in r.name), None)
        vs_floor = f"{r.rate / floor:.2f}×" if floor and r.name.startswith("aims-graph") else "–"
        lines.append(
            f"| {r.name} | {r.rate:,.0f} | {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | "
            f"{r.requests:,} | {r.errors} | {vs_oxi} | {vs_rdf} | {vs_floor} | "
            f"{f'{r.peak_mb:,.0f} MB' if r.peak_mb is not None else '–'} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the comparison once and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=8)
    ns = parser.parse_args()
    results = run(seconds=ns.seconds, connections=ns.connections)
    print(table(results, ns.connections, ns.seconds))


if __name__ == "__main__":
    main()

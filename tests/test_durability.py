"""Durability and load on a real `aims-graph serve` process with the on-disk store (slow).

- kill -9 during a stream of uploads: after a restart every acknowledged upload is fully there and
  no upload is there in part; readers during the writes only ever see whole versions.
- 50 concurrent clients for 60 s of mixed reads and writes: no errors; p99 printed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.servers import free_port, wait_until_answers

pytestmark = pytest.mark.slow

SYSTEMS = 1500
AIMS = "https://w3id.org/aims-graph/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@contextmanager
def serve(store: Path, port: int, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run `aims-graph serve` on the store; kill it when done (if the test has not)."""
    cmd = [str(Path(sys.executable).with_name("aims-graph")), "serve", "--port", str(port)]
    environ = {**os.environ, "AIMS_GRAPH_STORE": f"oxigraph:{store}", **env}
    log = (store.parent / f"serve-{port}.log").open("ab")
    # The server's log goes to a file: an unread pipe would fill up and stall the server.
    proc = subprocess.Popen(cmd, env=environ, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/health", timeout_s=120)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        log.close()


def version_ttl(org: str, version: int) -> bytes:
    """One whole version of the organisation: every system labelled with the version."""
    base = f"https://w3id.org/aims-graph/org/{org}/system/"
    return "\n".join(
        f'<{base}s{i}> a <{AIMS}AISystem> ; <{LABEL}> "v{version}" .' for i in range(SYSTEMS)
    ).encode()


def batch_ttl(org: str, batch: int) -> bytes:
    """Ten new systems, tagged with the batch number."""
    base = f"https://w3id.org/aims-graph/org/{org}/system/"
    return "\n".join(
        f'<{base}b{batch}-{i}> a <{AIMS}AISystem> ; <{LABEL}> "batch {batch}" .' for i in range(10)
    ).encode()


def labels(client: httpx.Client, org: str, key: str, *, live: bool = False) -> list[str]:
    """Every label in the organisation's graph: from /sparql's snapshot, or live from the store."""
    if live:
        r = client.get(
            f"/orgs/{org}/data",
            headers={"Authorization": f"Bearer {key}", "Accept": "application/n-triples"},
        )
        assert r.status_code == 200, r.text
        return [line.split('"')[1] for line in r.text.splitlines() if LABEL in line]
    q = f"SELECT ?l FROM <https://w3id.org/aims-graph/graph/org/{org}> WHERE {{ ?s <{LABEL}> ?l }}"
    r = client.get(
        "/sparql",
        params={"query": q},
        headers={"Authorization": f"Bearer {key}", "Accept": "text/csv"},
    )
    assert r.status_code == 200, r.text
    return r.text.splitlines()[1:]


def test_kill_9_during_uploads_loses_no_acknowledged_write(tmp_path: Path) -> None:
    store, port = tmp_path / "store", free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {"AIMS_GRAPH_RATE_LIMIT_PER_MINUTE": "100000"}
    with serve(store, port, **settings), httpx.Client(base_url=url, timeout=30) as c:
        keys = {}
        for org in ("replacer", "appender"):
            r = c.post("/orgs", json={"id": org, "name": org})
            keys[org] = r.json()["api_key"]
    acked_version = -1
    acked_batches: set[int] = set()
    version, batch = 0, 0
    torn_reads: list[list[str]] = []
    rng = random.Random(7)
    kills = 0
    for _ in range(3):
        with serve(store, port, **settings) as proc, httpx.Client(base_url=url, timeout=30) as c:
            # What survived the last kill: whole versions and whole batches only.
            got = labels(c, "replacer", keys["replacer"])
            if acked_version >= 0:
                assert len(got) == SYSTEMS and len(set(got)) == 1, got[:5]
                assert int(got[0].removeprefix("v")) >= acked_version
            batches = labels(c, "appender", keys["appender"])
            counts: dict[int, int] = {}
            for label in batches:
                n = int(label.split()[-1])
                counts[n] = counts.get(n, 0) + 1
            assert all(v == 10 for v in counts.values()), counts
            assert acked_batches <= set(counts)
            stop = threading.Event()
            h = {"Content-Type": "text/turtle"}
            version += 1
            r = c.put(
                "/orgs/replacer/data",
                content=version_ttl("replacer", version),
                headers={**h, "Authorization": f"Bearer {keys['replacer']}"},
            )
            assert r.status_code == 200
            acked_version = version

            def reader(stop: threading.Event = stop, key: str = keys["replacer"]) -> None:
                # From here on the graph always holds a version: anything else is a torn read.
                with httpx.Client(base_url=url, timeout=30) as rc:
                    live = False
                    while not stop.is_set():
                        live = not live
                        try:
                            seen = labels(rc, "replacer", key, live=live)
                        except (httpx.HTTPError, AssertionError):
                            return  # the server was killed under us
                        if len(seen) != SYSTEMS or len(set(seen)) != 1:
                            torn_reads.append(seen)

            readers = [threading.Thread(target=reader) for _ in range(2)]
            for t in readers:
                t.start()
            deadline = time.monotonic() + rng.uniform(1.5, 3.0)
            while time.monotonic() < deadline:
                version += 1
                r = c.put(
                    "/orgs/replacer/data",
                    content=version_ttl("replacer", version),
                    headers={**h, "Authorization": f"Bearer {keys['replacer']}"},
                )
                if r.status_code == 200:
                    acked_version = version
                batch += 1
                r = c.post(
                    "/orgs/appender/data",
                    content=batch_ttl("appender", batch),
                    headers={**h, "Authorization": f"Bearer {keys['appender']}"},
                )
                if r.status_code == 200:
                    acked_batches.add(batch)
            proc.send_signal(signal.SIGKILL)
            kills += 1
            stop.set()
            for t in readers:
                t.join()
    assert torn_reads == []
    with serve(store, port, **settings), httpx.Client(base_url=url, timeout=30) as c:
        got = labels(c, "replacer", keys["replacer"])
        assert len(got) == SYSTEMS and len(set(got)) == 1
        assert int(got[0].removeprefix("v")) >= acked_version
        present = {int(label.split()[-1]) for label in labels(c, "appender", keys["appender"])}
        assert acked_batches <= present
    print(
        f"\nkill -9 survived: {kills}; acknowledged: {acked_version} versions, "
        f"{len(acked_batches)} appends; no torn reads"
    )
    assert kills == 3 and acked_version > 3 and len(acked_batches) > 3


#: What analysts ask /sparql during the load test: one item's mappings, and their own systems.
QUERIES = (
    "PREFIX aims: <https://w3id.org/aims-graph/ontology#> SELECT ?o ?r WHERE { "
    "?m aims:mappingSubject <https://w3id.org/aims-graph/id/iso42001-2023/A.6.2.4> ; "
    "aims:mappingObject ?o ; aims:relation ?r } LIMIT 100",
    f"SELECT ?s ?l WHERE {{ ?s a <{AIMS}AISystem> ; <{LABEL}> ?l }} LIMIT 50",
)


def test_load_50_clients_mixed_reads_and_writes(tmp_path: Path) -> None:
    store, port = tmp_path / "store", free_port()
    url = f"http://127.0.0.1:{port}"
    seconds = float(os.environ.get("AIMS_LOAD_SECONDS", "60"))
    # A query may wait up to the time limit for a worker; under this load on 2 cores it can.
    settings = {
        "AIMS_GRAPH_RATE_LIMIT_PER_MINUTE": "1000000",
        "AIMS_GRAPH_SPARQL_WORKERS": "2",
        "AIMS_GRAPH_QUERY_TIMEOUT_S": "30",
    }
    with serve(store, port, **settings), httpx.Client(base_url=url, timeout=60) as c:
        keys = []
        for i in range(5):
            r = c.post("/orgs", json={"id": f"load{i}", "name": f"Load {i}"})
            keys.append(r.json()["api_key"])
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(n: int) -> None:
            rng = random.Random(n)
            org = n % 5
            auth = {"Authorization": f"Bearer {keys[org]}"}
            reads = [
                ("GET", "/crosswalk?from=iso42001:A.6.2.4&to=iso27001-2022", {}),
                ("GET", "/items/iso42001:A.6.2.4", {}),
                ("GET", "/search?q=risk", {}),
                ("GET", "/sparql", auth),
                ("GET", f"/orgs/load{org}", auth),
                ("GET", f"/orgs/load{org}/coverage?target=iso42001", auth),
            ]
            with httpx.Client(base_url=url, timeout=60) as hc:
                i = 0
                while time.monotonic() < stop:
                    i += 1
                    start = time.perf_counter()
                    try:
                        if rng.random() < 0.2:
                            r = hc.post(
                                f"/orgs/load{org}/data",
                                content=batch_ttl(f"load{org}", n * 100000 + i),
                                headers={**auth, "Content-Type": "text/turtle"},
                            )
                        else:
                            method, path, headers = rng.choice(reads)
                            params = {"query": rng.choice(QUERIES)} if path == "/sparql" else None
                            r = hc.request(method, path, headers=headers, params=params)
                    except httpx.HTTPError as exc:  # a failed request is an error, not a crash
                        with lock:
                            errors.append(f"{type(exc).__name__}: {exc}")
                        continue
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        if r.status_code >= 400:
                            errors.append(f"{r.status_code} {r.request.url.path} {r.text[:120]}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\nload: 50 clients, {seconds:g} s, {len(latencies)} requests "
        f"({len(latencies) / seconds:.0f}/s), p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"errors {len(errors)}"
    )
    assert errors == [], "\n".join(errors[:10])


#: Triples the killed writer puts in place of the old 1,000.
NEW = 100_000
WRITER = """
import sys
from pathlib import Path
from aims_graph.store import OxigraphStore
store = OxigraphStore(Path(sys.argv[1]))
data = "\\n".join(
    f'<urn:s{i}> <urn:p> "new" .' for i in range(int(sys.argv[2]))
).encode()
print("writing", flush=True)
store.put_graph("urn:g", data, "application/n-triples", atomic=sys.argv[3] == "atomic")
print("done", flush=True)
"""


@pytest.mark.parametrize(
    "mode",
    [
        "atomic",
        # The bulk path (the build's) is not crash-atomic: this case shows the test can fail.
        pytest.param("bulk", marks=pytest.mark.xfail(strict=True, reason="bulk load")),
    ],
)
def test_kill_9_in_the_middle_of_a_write_leaves_old_or_new(tmp_path: Path, mode: str) -> None:
    from aims_graph.store import OxigraphStore

    path = tmp_path / "db"
    store = OxigraphStore(path)
    old = "\n".join(f'<urn:s{i}> <urn:p> "old" .' for i in range(1000)).encode()
    store.put_graph("urn:g", old, "application/n-triples")
    store.close()
    del store
    # How long an unkilled write of this kind takes here, on a scratch copy: the kills below
    # land at fixed fractions of it, so they hit the same phases on a fast or a loaded machine.
    scratch = tmp_path / "scratch"
    shutil.copytree(path, scratch)
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", WRITER, str(scratch), str(NEW), mode], check=True)
    total = time.monotonic() - started
    outcomes = []
    for delay in (0.3 * total, 0.6 * total, 0.8 * total, 0.95 * total, 10 * total):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(NEW), mode], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"writing"
        try:
            proc.wait(timeout=delay)  # a write that finishes first is fine: then it is "new"
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        reopened = OxigraphStore(path)
        rows = reopened.select(
            "SELECT ?o (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } } GROUP BY ?o"
        )
        counts = {r["o"].value: int(r["n"].value) for r in rows}
        reopened.close()
        del reopened
        # Whole old data or whole new data, never a mix or a part.
        assert counts in ({"old": 1000}, {"new": NEW}), counts
        outcomes.append(counts)
    print(f"\nkilled mid-write at 0.3-0.95 of a {total:.1f} s write: {outcomes}")
    assert {"old": 1000} in outcomes

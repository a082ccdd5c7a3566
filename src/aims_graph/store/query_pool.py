"""Run SPARQL queries of the embedded store in worker processes that are killed on timeout.

pyoxigraph cannot interrupt a running query from Python, so the public endpoint never runs one
in the server process: a small pool of worker processes holds a snapshot of the store (a RocksDB
checkpoint opened read-only for an on-disk store, an N-Quads dump loaded in memory for an
in-memory one); a query that outlives the time limit gets its worker SIGKILLed, which is the only
way to give its CPU back, and a fresh worker takes its place. The snapshot is refreshed when the
store's fingerprint changes (its files for an on-disk store; triple count and graph names for an
in-memory one).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from aims_graph.store.base import QuerySyntaxError, QueryTimeLimitError, StoreError
from aims_graph.store.oxigraph import OxigraphStore
from aims_graph.store.results import (
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    RowCapError,
    render_result,
    render_triples,
)

#: Snapshot loading is not part of a query's time limit, but a hung load must not hang requests.
LOAD_TIMEOUT_S = 300.0


class QueryTimeoutError(QueryTimeLimitError):
    """A query ran past the time limit (its worker was killed)."""


class QueryValueError(StoreError):
    """The query or its dataset was refused by the engine (a bad value, not bad syntax)."""


class PoolBusyError(StoreError):
    """Every query worker stayed busy for the whole time limit."""


@dataclass(frozen=True)
class QueryRequest:
    """One query for a worker: text, dataset, output media type and row cap.

    Graph names are IRIs, and ``""`` is the store's default graph; None leaves that part of
    the dataset to the store (the default graph, every named graph). ``base_iri`` resolves the
    query's relative IRIs (None: a relative IRI is a syntax error).
    """

    query: str
    media_type: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None


# -- rendering (shared by the workers and the remote path) -----------------------------------


# -- the worker process --------------------------------------------------------------------


def _open_snapshot(kind: str, path: str) -> ox.Store:
    if kind == "rocksdb":
        return ox.Store.read_only(path)
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    return store


def _run_query(store: ox.Store, req: QueryRequest) -> bytes:
    kwargs: dict[str, Any] = {}
    if req.default_graphs is not None:
        kwargs["default_graph"] = [
            ox.NamedNode(g) if g else ox.DefaultGraph() for g in req.default_graphs
        ]
    if req.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
    if req.base_iri is not None:
        kwargs["base_iri"] = req.base_iri
    result = store.query(req.query, **kwargs)
    return render_result(result, req.media_type, req.max_rows)


def worker_main(conn: Connection) -> None:
    """Serve load/query messages on a pipe until told to stop or the parent goes away."""
    # Ctrl-C on the server reaches the whole process group; the parent decides our fate.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: ox.Store | None = None
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        op = msg[0]
        if op == "stop":
            return
        try:
            if op == "load":
                store = None  # release the old snapshot before opening the new one
                store = _open_snapshot(msg[1], msg[2])
                conn.send(("ok", b""))
            elif op == "query":
                if store is None:
                    raise StoreError("query worker has no snapshot loaded")
                conn.send(("ok", _run_query(store, msg[1])))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except RowCapError as exc:
            conn.send(("rowcap", str(exc)))
        except ValueError as exc:
            conn.send(("value", str(exc)))
        except Exception as exc:  # report every failure; the parent maps it to an HTTP error
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


# -- the pool ------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    version: int
    kind: str
    path: str
    users: int = 0
    #: The store's write count when the snapshot was taken.
    fingerprint: object = None


@dataclass
class _Worker:
    proc: multiprocessing.process.BaseProcess
    conn: Connection
    version: int | None = None
    loading: int | None = None
    started: float = field(default_factory=time.monotonic)


def _context() -> Any:
    # forkserver forks clean children from a single-threaded server process: safe beside
    # uvicorn's and RocksDB's threads, and a replacement worker starts in milliseconds.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pyoxigraph", "aims_graph.store.query_pool"])
        return ctx
    return multiprocessing.get_context("spawn")


class QueryPool:
    """Worker processes running queries on a snapshot of an embedded store, with a time limit."""

    def __init__(
        self,
        store: OxigraphStore,
        *,
        workers: int,
        timeout_s: float,
        min_interval_s: float = 0.0,
    ) -> None:
        self.store = store
        self.timeout_s = timeout_s
        # Under a stream of writes, one snapshot (and one reload per worker) per interval at
        # most, rather than one per query.
        self.min_interval_s = min_interval_s
        self._taken = 0.0
        self._ctx = _context()
        self._dir = Path(tempfile.mkdtemp(prefix="aims-graph-sparql-"))
        self._lock = threading.Lock()
        self._fingerprint: object = None
        self._snapshots: dict[int, _Snapshot] = {}
        self._current: _Snapshot | None = None
        self._next_version = 1
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._closed = False
        snap = self._snapshot()
        for _ in range(workers):
            self._idle.put(self._start_worker(snap))
        self._release(snap)

    # snapshots

    def _store_fingerprint(self) -> object:
        # This process is the store's only writer (RocksDB locks the folder; a read-only opener
        # never sees later writes), so its own count of writes tells every change.
        return self.store.writes

    def invalidate(self) -> None:
        """Force a fresh snapshot before the next query (for writers that know they wrote)."""
        with self._lock:
            self._fingerprint = None

    def _snapshot(self) -> _Snapshot:
        """The current snapshot (made anew when the store changed), held for the caller.

        The caller gets it with one more user and must call :meth:`_release`; without that, a
        newer snapshot taken by another thread could sweep it away before a worker loads it.
        """
        with self._lock:
            now = time.monotonic()
            fresh = self._current is not None and now - self._taken < self.min_interval_s
            fingerprint = self._fingerprint if fresh else self._store_fingerprint()
            if self._current is not None and fingerprint == self._fingerprint:
                self._current.users += 1
                return self._current
            self._taken = now
            version = self._next_version
            self._next_version += 1
            target = self._dir / f"v{version}"
            native = self.store.native
            kind = "nquads"
            if self.store.read_only and self.store.path is not None:
                # Nobody writes a store opened read-only beside other readers: the workers
                # read its folder itself, with no copy.
                snap = _Snapshot(version, "rocksdb", str(self.store.path), 1, fingerprint)
                self._snapshots[version] = self._current = snap
                self._fingerprint = fingerprint
                return snap
            if self.store.path is not None:
                try:
                    native.backup(str(target))
                    kind = "rocksdb"
                except OSError:  # a read-only store cannot checkpoint; fall back to a dump
                    kind = "nquads"
            if kind == "nquads":
                target = target.with_suffix(".nq")
                native.dump(output=str(target), format=ox.RdfFormat.N_QUADS)
            snap = _Snapshot(version, kind, str(target), 1, fingerprint)
            self._snapshots[version] = snap
            self._current = snap
            self._fingerprint = fingerprint
            self._sweep()
            return snap

    def _release(self, snap: _Snapshot) -> None:
        with self._lock:
            snap.users -= 1

    def _sweep(self) -> None:
        """Delete snapshots no worker is loading or querying (call with the lock held)."""
        in_use = {w.version for w in self._all} | {w.loading for w in self._all}
        for version, snap in list(self._snapshots.items()):
            if snap is self._current or snap.users or version in in_use:
                continue
            del self._snapshots[version]
            path = Path(snap.path)
            if not path.is_relative_to(self._dir):  # the store's own folder, read in place
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    # workers

    def _start_worker(self, snap: _Snapshot) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker_main, args=(child,), daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        # Load ahead, so the first query it gets does not wait for the snapshot.
        parent.send(("load", snap.kind, snap.path))
        worker.loading = snap.version
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (SIGKILL: the only way to stop a running query) and reap it."""
        worker.proc.kill()
        worker.proc.join(timeout=5)
        worker.conn.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        if not self._closed:
            snap = self._snapshot()
            self._idle.put(self._start_worker(snap))
            self._release(snap)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.proc.pid for w in self._all if w.proc.pid is not None]

    def _wait_reply(self, worker: _Worker, timeout_s: float) -> tuple[str, Any] | None:
        if not worker.conn.poll(timeout_s):
            return None
        reply: tuple[str, Any] = worker.conn.recv()
        return reply

    def _ensure_loaded(self, worker: _Worker, snap: _Snapshot) -> None:
        if worker.loading is not None:
            reply = self._wait_reply(worker, LOAD_TIMEOUT_S)
            if reply is None or reply[0] != "ok":
                raise StoreError(f"query worker could not load the store snapshot: {reply}")
            worker.version, worker.loading = worker.loading, None
        if worker.version != snap.version:
            worker.conn.send(("load", snap.kind, snap.path))
            worker.loading = snap.version
            self._ensure_loaded(worker, snap)

    def run(self, req: QueryRequest) -> bytes:
        """Run one query in a worker; kill the worker when it passes the time limit."""
        return self.run_versioned(req)[0]

    def run_versioned(self, req: QueryRequest) -> tuple[bytes, object]:
        """Like :meth:`run`, with the store's write count the answer reflects."""
        if self._closed:
            raise StoreError("the query pool is closed")
        snap = self._snapshot()
        try:
            worker = self._idle.get(timeout=self.timeout_s)
        except queue.Empty:
            self._release(snap)
            raise PoolBusyError(
                f"all {len(self._all)} query workers stayed busy for {self.timeout_s:g} s"
            ) from None
        healthy = False
        try:
            self._ensure_loaded(worker, snap)
            worker.conn.send(("query", req))
            reply = self._wait_reply(worker, self.timeout_s)
            if reply is None:
                raise QueryTimeoutError(f"query ran longer than {self.timeout_s:g} s")
            healthy = True
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise StoreError(f"query worker died: {exc!r}") from exc
        finally:
            self._release(snap)
            if healthy:
                self._idle.put(worker)
            else:
                self._retire(worker)
        status, payload = reply
        if status == "ok":
            return bytes(payload), snap.fingerprint
        if status == "syntax":
            raise QuerySyntaxError(str(payload))
        if status == "rowcap":
            raise RowCapError(str(payload))
        if status == "value":
            raise QueryValueError(str(payload))
        raise StoreError(str(payload))

    def close(self) -> None:
        """Stop every worker and delete the snapshots."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(("stop",))
            worker.proc.join(timeout=1)
            if worker.proc.is_alive():
                worker.proc.kill()
                worker.proc.join(timeout=5)
            worker.conn.close()
        shutil.rmtree(self._dir, ignore_errors=True)


__all__ = [
    "GRAPH_MEDIA_TYPES",
    "RESULTS_MEDIA_TYPES",
    "PoolBusyError",
    "QueryPool",
    "QueryRequest",
    "QueryTimeoutError",
    "QueryValueError",
    "RowCapError",
    "render_result",
    "render_triples",
    "worker_main",
]

"""OpenLink Virtuoso 7 (Debian's virtuoso-opensource-7-bin) on 127.0.0.1, on a throw-away database."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.servers import free_port, wait_until_answers

from aims_graph.config import Settings

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its HTTP base URL, the DBA's (random) password and its process id."""

    base: str
    password: str
    pid: int

    def settings(self, **overrides: object) -> Settings:
        """Settings of a sparql: store on it, writing through the digest-authenticated paths."""
        return Settings.model_validate(
            {**overrides, "remote_user": "dba", "remote_password": self.password}
        )


def _ini(root: Path, sql_port: int, http_port: int, extra: str = "") -> str:
    # Only loopback ports, only this directory readable by the server's file functions, no
    # checkpoints on a timer (the database is thrown away) and a small buffer pool.
    return f"""[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {root}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}/www
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
{extra}"""


def require_virtuoso() -> None:
    """Skip, saying how to get it, when Virtuoso is not installed (`make test` installs it)."""
    if not Path(VIRTUOSO).exists():
        pytest.skip("Virtuoso is missing: `make virtuoso` installs virtuoso-opensource-7-bin")


@contextmanager
def virtuoso_server() -> Iterator[Virtuoso]:
    """Start Virtuoso on a new database in a temp dir; yield it, stop it and delete the dir after."""
    require_virtuoso()
    sql_port, http_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="virtuoso-") as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        ini = root / "virtuoso.ini"
        ini.write_text(
            _ini(root, sql_port, http_port, os.environ.get("VEXTRA", "").replace("|", "\n"))
        )
        proc = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{http_port}"
        try:
            try:
                # A new database takes a few seconds to initialise before HTTP comes up.
                wait_until_answers(f"{base}/sparql?query=ASK%7B%7D", timeout_s=90)
            except RuntimeError:
                log = root / "virtuoso.log"
                tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
                raise RuntimeError(f"Virtuoso did not start: {tail}") from None
            password = secrets.token_hex(12)
            # The stock DBA password of a new database is public; this one lives as long as it.
            subprocess.run(
                [
                    ISQL,
                    f"127.0.0.1:{sql_port}",
                    "dba",
                    "dba",
                    f"exec=user_set_password('dba', '{password}');",
                ],
                check=True,
                capture_output=True,
                timeout=30,
            )
            yield Virtuoso(base, password, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            shutil.rmtree(root, ignore_errors=True)

"""Test data shipped in PyPI sdists, downloaded once with pip into ``.cache/w3c/`` (git-ignored).

Nothing of a downloaded sdist is committed: a test asks for one folder of it, the first caller
downloads and unpacks that folder, and every later run (and every parallel worker) reuses it.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Final

CACHE: Final = Path(__file__).resolve().parents[1] / ".cache" / "w3c"


class SdistUnavailableError(RuntimeError):
    """PyPI could not be reached (or did not have the sdist) to download the test data."""


def sdist_folder(project: str, version: str, inside: str, marker: str) -> Path:
    """The folder ``inside`` of ``project==version``'s sdist, downloaded first if needed.

    ``marker`` is a file under the folder whose presence means an earlier download finished.
    """
    target = CACHE / f"{project}-{version}" / inside
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        # Test workers may ask at once; one downloads, the others wait and reuse it.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / marker).exists():
            _download(project, version, inside, target)
    return target


def _download(project: str, version: str, inside: str, target: Path) -> None:
    pin = f"{project}=={version}"
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
        cmd += ["--no-binary", ":all:", pin, "-d", tmp]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        except subprocess.TimeoutExpired as exc:
            raise SdistUnavailableError(f"pip download {pin} timed out") from exc
        found = list(Path(tmp).glob(f"{project}-*.tar.gz"))
        if done.returncode != 0 or not found:
            raise SdistUnavailableError(f"pip download {pin} failed: {done.stderr[-500:]}")
        prefix = f"{project}-{version}/{inside.strip('/')}/"
        with tarfile.open(found[0]) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(prefix) and m.isfile()]
            if not members:
                raise SdistUnavailableError(f"{pin}'s sdist has no {inside}")
            tar.extractall(tmp, members=members, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / prefix), str(target))

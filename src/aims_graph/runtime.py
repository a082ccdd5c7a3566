"""Process-wide runtime settings the index builds need: the cyclic garbage collector held off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausers = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Index builds, the derivation and validation reports allocate 100,000s of lasting objects,
    none in a cycle, and each collection while the heap grows walks all of them: a fifth of a
    restart's index build, a third of the derivation at 200 frameworks and of a report's Python
    time at a million triples. Nested and concurrent pauses count: the collector runs again when
    the last one ends, if it ran before the first.
    """
    global _pausers, _was_enabled
    with _lock:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _lock:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()

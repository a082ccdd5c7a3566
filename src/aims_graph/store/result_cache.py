"""Recent SPARQL answers, each valid only while the store is as it was when it was computed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResultCache:
    """A bounded LRU of serialised answers keyed by query, dataset and media type.

    An entry records the store's write count its answer reflects and is served only while the
    store still has that count, so no answer outlives a write. Only for a store whose every
    write this process sees (the embedded one): another process's writes would go unnoticed.
    """

    def __init__(self, entries: int, max_entry_bytes: int = 1 << 20) -> None:
        self.entries = entries
        self.max_entry_bytes = max_entry_bytes
        self._data: OrderedDict[Hashable, tuple[object, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: object) -> bytes | None:
        """The answer stored for ``key`` if it reflects ``version`` of the store."""
        with self._lock:
            found = self._data.get(key)
            if found is None or found[0] != version:
                return None
            self._data.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, version: object, body: bytes) -> None:
        """Keep an answer (unless the cache is off or the answer is large)."""
        if self.entries <= 0 or len(body) > self.max_entry_bytes:
            return
        with self._lock:
            self._data[key] = (version, body)
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)

"""SELECT answers kept in a file beside an on-disk store, for one build of it.

The in-memory indexes of a server are built from a few large SELECTs over the built graph
(about 90,000 terms on the real graph): evaluating them is most of a warm start. Their answers
change only when a build changes the store, so they are written once beside the store with the
build's key and read back in one read at the next start; a key that differs (another build,
another version of this package) makes the file count as absent. Replayed rows are the rows
the store gave, so everything built from them is exactly what the queries would have built.

The file is the service's own, written next to its store, and read with :mod:`marshal` (plain
strings, tuples and lists: no objects are made from it but those, unlike a pickle); a file that
does not read back is ignored and replaced.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from aims_graph.store.base import Row, Store, Term

#: Bumped whenever the file's layout changes, so an old file is never misread.
FORMAT: Final = 1

#: One cell: an IRI is its string; a literal is (value, datatype, language); a blank node (id,).
_Cell = str | tuple[str, str | None, str | None] | tuple[str]
_Answer = tuple[tuple[str, ...], list[tuple[_Cell | None, ...]]]


def snapshot_path(store: Store) -> Path | None:
    """Where the snapshot of an on-disk embedded store lives (None: the store keeps none)."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return None  # in memory, or a remote server: nothing of ours sits beside it
    return path.with_name(path.name + ".index-snapshot")


def _encode(term: Term) -> _Cell:
    if term.kind == "uri":
        return term.value
    if term.kind == "literal":
        return (term.value, term.datatype, term.lang)
    return (term.value,)


def _decode(cell: _Cell) -> Term:
    if isinstance(cell, str):
        return Term("uri", cell)
    if len(cell) == 3:
        return Term("literal", cell[0], cell[1], cell[2])
    return Term("bnode", cell[0])


def _encode_rows(rows: list[Row]) -> _Answer:
    names = tuple(dict.fromkeys(name for row in rows for name in row))
    # One object per distinct cell: marshal writes a repeated object once, as a reference.
    shared: dict[_Cell, _Cell] = {}
    cells = [
        tuple(
            shared.setdefault(c, c)
            if (t := row.get(name)) is not None and (c := _encode(t))
            else None
            for name in names
        )
        for row in rows
    ]
    return names, cells


def _decode_rows(answer: _Answer) -> list[Row]:
    names, cells = answer
    # Cells repeat as one shared object (see _encode_rows): one Term for each, found by identity.
    decoded: dict[int, Term] = {}
    rows: list[Row] = []
    for cell_row in cells:
        row: Row = {}
        for name, cell in zip(names, cell_row, strict=True):
            if cell is not None:
                term = decoded.get(id(cell))
                if term is None:
                    term = decoded[id(cell)] = _decode(cell)
                row[name] = term
        rows.append(row)
    return rows


def _query_key(query: str, bindings: Mapping[str, Term] | None) -> str:
    if not bindings:
        return query
    bound = "\n".join(f"{k}={v.n3()}" for k, v in sorted(bindings.items()))
    return f"{query}\n#bindings\n{bound}"


class SelectSnapshot:
    """A store whose SELECTs are answered from the snapshot of one build; others pass through.

    Answers not yet in the snapshot are asked of the store and kept; :meth:`save` writes them.
    Only for reads of the built graph, whose answers the build key covers: never for
    organisation data, which changes without a build.
    """

    def __init__(self, store: Store, path: Path, key: str) -> None:
        self.store = store
        self.path = path
        self.key = key
        self._answers: dict[str, _Answer] = self._read()
        self._unsaved = False

    def _read(self) -> dict[str, _Answer]:
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not (isinstance(data, tuple) and len(data) == 3 and data[:2] == (FORMAT, self.key)):
            return {}
        answers = data[2]
        return answers if isinstance(answers, dict) else {}

    @property
    def answered(self) -> int:
        """How many distinct SELECTs the snapshot holds."""
        return len(self._answers)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        """The store's rows for a SELECT, from the snapshot when it has them."""
        k = _query_key(query, bindings)
        answer = self._answers.get(k)
        if answer is not None:
            return _decode_rows(answer)
        rows = self.store.select(query, bindings)
        self._answers[k] = _encode_rows(rows)
        self._unsaved = True
        return rows

    def save(self) -> None:
        """Write the snapshot if it gained answers (atomically; a failure only costs speed)."""
        if not self._unsaved:
            return
        data = marshal.dumps((FORMAT, self.key, self._answers))
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.path)
        except OSError:
            return  # e.g. a read-only directory: the next start asks the store again
        self._unsaved = False

    # The rest of the Store protocol goes to the store itself.

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """ASK on the store."""
        return self.store.ask(query, bindings)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        """CONSTRUCT on the store."""
        return self.store.construct(query, bindings)

    def update(self, sparql: str) -> None:
        """Refused: a snapshot is of a build, read only."""
        raise TypeError("a SelectSnapshot reads; update the store itself")

    def put_graph(self, graph: str, data: bytes, media_type: str, *, atomic: bool = False) -> None:
        """Refused: a snapshot is of a build, read only."""
        raise TypeError("a SelectSnapshot reads; write to the store itself")

    def add_triples(self, graph: str, data: bytes, media_type: str) -> None:
        """Refused: a snapshot is of a build, read only."""
        raise TypeError("a SelectSnapshot reads; write to the store itself")

    def drop_graph(self, graph: str) -> None:
        """Refused: a snapshot is of a build, read only."""
        raise TypeError("a SelectSnapshot reads; write to the store itself")

    def graphs(self) -> list[str]:
        """The store's named graphs."""
        return self.store.graphs()

    def triple_count(self, graph: str | None = None) -> int:
        """The store's triple count."""
        return self.store.triple_count(graph)

    def dump_graph(self, graph: str, media_type: str) -> bytes:
        """One graph of the store, serialised."""
        return self.store.dump_graph(graph, media_type)

    def close(self) -> None:
        """Nothing to release: the store is the owner's to close."""

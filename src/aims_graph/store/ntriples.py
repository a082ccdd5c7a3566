"""An N-Triples document built line by line; every term escaped by ``Term.n3()``."""

from __future__ import annotations

from aims_graph.store.base import Term


class NTriplesWriter:
    """Collects N-Triples lines; terms are escaped by Term.n3()."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def iri(self, s: str, p: object, o: object) -> None:
        """Add a triple whose object is an IRI."""
        self.lines.append(f"{Term.iri(s).n3()} {Term.iri(str(p)).n3()} {Term.iri(str(o)).n3()} .")

    def lit(
        self, s: str, p: object, value: str, datatype: object | None = None, lang: str | None = None
    ) -> None:
        """Add a triple whose object is a literal (typed or language-tagged)."""
        term = Term.literal(value, str(datatype) if datatype else None, lang)
        self.lines.append(f"{Term.iri(s).n3()} {Term.iri(str(p)).n3()} {term.n3()} .")

    def data(self) -> bytes:
        """The lines as one N-Triples document."""
        return ("\n".join(self.lines) + "\n").encode()

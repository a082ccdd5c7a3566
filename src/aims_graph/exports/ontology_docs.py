"""The vocabulary as reference documentation: HTML rendered by pyLODE, and its RDF serialisations.

The vocabulary is ``ontology/aims.ttl`` plus ``ontology/alignments.ttl``. Both forms are made once
per process (the files do not change while a server runs) and kept by :class:`OntologyDocs`.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from aims_graph import resources
from aims_graph.namespaces import AIMS, BASE, DCTERMS, SKOS

ONTOLOGY_IRI: Final = BASE + "ontology"
log = logging.getLogger(__name__)

#: RDF forms of the vocabulary: canonical media type → rdflib serialiser name.
RDF_FORMATS: Final[dict[str, str]] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}

_ENTITY_DIV = re.compile(
    r'(<div class="[^"]*\bentity\b[^"]*" id="([^"]*)">)((?:(?!<div ).)*?<code>('
    + re.escape(str(AIMS))
    + r")"
    r"([A-Za-z_][\w\-]*)</code>)",
    re.DOTALL,
)


def vocabulary_files() -> tuple[Path, Path]:
    """The two files the vocabulary is made of."""
    onto = resources.ontology_dir()
    return onto / "aims.ttl", onto / "alignments.ttl"


def load_vocabulary() -> Graph:
    """Parse the vocabulary and its alignments into one rdflib graph."""
    g = Graph()
    for path in vocabulary_files():
        g.parse(path, format="turtle")
    g.bind("aims", AIMS)
    return g


@contextmanager
def _root_logging_untouched() -> Iterator[None]:
    """Undo what pyLODE does to the root logger.

    pyLODE calls ``logging.basicConfig(level=DEBUG)`` on import and the module-level
    ``logging.info`` while rendering (which installs a root handler), which would turn on logs of
    every library in the server process.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    # With any handler present, basicConfig() does nothing: a NullHandler makes it a no-op.
    guard = logging.NullHandler()
    root.addHandler(guard)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def _local_anchors(page: str) -> str:
    """Give each aims: term an anchor named by its local name and make links to it page-local.

    pyLODE names anchors after labels ("Frameworkedition"), but ``aims:Framework`` dereferences to
    ``/ontology#Framework``; the extra anchor makes that fragment land on the term.
    """

    def add_anchor(m: re.Match[str]) -> str:
        div, anchor, rest, local = m.group(1), m.group(2), m.group(3), m.group(5)
        if anchor == local:
            return div + rest
        return f'{div}<a id="{html.escape(local)}"></a>{rest}'

    page = _ENTITY_DIV.sub(add_anchor, page)
    return page.replace(f'href="{AIMS}', 'href="#')


def render_pylode(vocabulary: Graph) -> str:
    """Render the vocabulary with pyLODE's OntPub profile (offline; needs no network)."""
    with _root_logging_untouched():
        from pylode.profiles.ontpub import OntPub

        page = OntPub(ontology=vocabulary, sort_subjects=True).make_html()
    if not isinstance(page, str):
        raise RuntimeError("pyLODE returned no HTML")
    return _local_anchors(page)


def _text(g: Graph, s: URIRef, *preds: URIRef) -> str:
    for p in preds:
        for o in g.objects(s, p):
            return str(o)
    return ""


def render_fallback(vocabulary: Graph) -> str:
    """A plain reference page (used only when pyLODE cannot be imported or fails)."""
    sections: list[str] = []
    kinds = (
        ("Classes", OWL.Class),
        ("Object properties", OWL.ObjectProperty),
        ("Datatype properties", OWL.DatatypeProperty),
        ("Annotation properties", OWL.AnnotationProperty),
        ("Named individuals", OWL.NamedIndividual),
    )
    for title, kind in kinds:
        terms = sorted(
            (s for s in set(vocabulary.subjects(RDF.type, kind)) if str(s).startswith(str(AIMS))),
            key=str,
        )
        if not terms:
            continue
        rows = []
        for s in terms:
            assert isinstance(s, URIRef)
            local = str(s)[len(str(AIMS)) :]
            label = _text(vocabulary, s, RDFS.label, SKOS.prefLabel) or local
            doc = _text(vocabulary, s, DCTERMS.description, SKOS.definition, RDFS.comment)
            rows.append(
                f'<div class="entity" id="{html.escape(local)}"><h3>{html.escape(label)}</h3>'
                f"<p><code>{html.escape(str(s))}</code></p><p>{html.escape(doc)}</p></div>"
            )
        sections.append(f"<h2>{title}</h2>\n" + "\n".join(rows))
    title = _text(vocabulary, URIRef(ONTOLOGY_IRI), DCTERMS.title) or "aims-graph vocabulary"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        + "\n".join(sections)
        + "</body></html>"
    )


@dataclass(frozen=True)
class RenderedOntology:
    """The vocabulary's HTML page and what made it."""

    html: str
    renderer: str
    seconds: float


class OntologyDocs:
    """Makes the vocabulary's HTML and RDF forms on first use and keeps them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._graph: Graph | None = None
        self._html: RenderedOntology | None = None
        self._rdf: dict[str, bytes] = {}

    def graph(self) -> Graph:
        """The parsed vocabulary."""
        with self._lock:
            if self._graph is None:
                self._graph = load_vocabulary()
            return self._graph

    def html(self) -> RenderedOntology:
        """The HTML reference page (pyLODE, or the plain fallback when pyLODE fails)."""
        vocabulary = self.graph()
        with self._lock:
            if self._html is None:
                started = time.perf_counter()
                try:
                    page, renderer = render_pylode(vocabulary), "pyLODE"
                except Exception as exc:  # any pyLODE failure: serve the plain page
                    log.warning("pyLODE failed (%s); serving the plain vocabulary page", exc)
                    page, renderer = render_fallback(vocabulary), "fallback"
                self._html = RenderedOntology(page, renderer, time.perf_counter() - started)
            return self._html

    def rdf(self, media_type: str) -> bytes:
        """The vocabulary in one of :data:`RDF_FORMATS`."""
        if media_type not in RDF_FORMATS:
            raise ValueError(f"unsupported vocabulary format {media_type!r}")
        vocabulary = self.graph()
        with self._lock:
            if media_type not in self._rdf:
                data = vocabulary.serialize(format=RDF_FORMATS[media_type], encoding="utf-8")
                self._rdf[media_type] = data
            return self._rdf[media_type]

"""Content negotiation for /sparql and the routes that share it: Accept parsing and the offers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aims_graph.api.problems import ProblemError

#: Accepted media types (aliases included) → the canonical type we write, per result kind.
RESULTS_ACCEPT: dict[str, str] = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
GRAPH_ACCEPT: dict[str, str] = {
    "text/turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
}
SD_ACCEPT: dict[str, str] = {**GRAPH_ACCEPT, "text/html": "text/html"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values (``*/*`` when absent)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """The q of the most specific range matching a media type (RFC 9110 §12.5.1)."""
    best: tuple[int, float] | None = None
    main = media.split("/")[0]
    for rng, q in ranges:
        if rng == media:
            spec = 2
        elif rng == f"{main}/*":
            spec = 1
        elif rng == "*/*":
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, q)
    return best[1] if best else 0.0


def negotiate(header: str | None, offers: dict[str, str]) -> str | None:
    """Pick the canonical media type to write, or None when nothing acceptable is offered."""
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for order, (media, canonical) in enumerate(offers.items()):
        q = _quality(media, ranges)
        if q <= 0:
            continue
        # Among equal q, the more specific match wins, then our own order of preference.
        spec = 1 if any(r == media for r, _ in ranges) else 0
        key = (q + spec * 1e-6, -order)
        if best is None or key > best:
            best, chosen = key, canonical
    return chosen


def not_acceptable(offers: Iterable[str]) -> ProblemError:
    """The 406 problem naming the media types on offer."""
    supported = sorted(set(offers))
    return ProblemError(
        406,
        "not-acceptable",
        "Not Acceptable",
        "None of the media types in the Accept header is available for this result; "
        f"supported: {', '.join(supported)}.",
        supported=supported,
    )


def text_media(media_type: str) -> str:
    """The Content-Type to send: text types get their charset."""
    if media_type.startswith("text/"):
        return f"{media_type}; charset=utf-8"
    return media_type

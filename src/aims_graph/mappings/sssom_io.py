"""Read, validate and write mapping sets as SSSOM/TSV (format: ``docs/sssom-format.md``).

Reading is all or nothing: every problem in a file is collected with its line number and reason,
and the file is rejected as a whole when any is found.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from aims_graph.mappings.relations import MODIFIER, SKOS_BRIDGE, Relation
from aims_graph.mappings.review import (
    NO_RELATIONSHIP,
    NO_TERM_FOUND_CURIE,
    NoCounterpartRow,
    ReviewFields,
    check_no_term_row,
    conflicts,
    is_no_term,
    read_review_fields,
)
from aims_graph.namespaces import SEMAPV

COLUMNS: Final = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "set_relation",
    "source_document",
    "comment",
)
REQUIRED_COLUMNS: Final = (
    "subject_id",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "confidence",
    "set_relation",
)
REQUIRED_METADATA: Final = ("curie_map", "mapping_set_id", "mapping_set_title", "license")

#: SEMAPV justification terms a file may use (sssom-py's enumeration); chaining and inversion are
#: made by the loader and never written in files.
FILE_JUSTIFICATIONS: Final = frozenset(
    str(SEMAPV[t])
    for t in (
        "LexicalMatching",
        "LogicalReasoning",
        "CompositeMatching",
        "UnspecifiedMatching",
        "SemanticSimilarityThresholdMatching",
        "LexicalSimilarityThresholdMatching",
        "MappingReview",
        "ManualMappingCuration",
        "StructuralMatching",
        "InstanceBasedMatching",
        "BackgroundKnowledgeBasedMatching",
    )
)
LOADER_JUSTIFICATIONS: Final = frozenset(
    {str(SEMAPV.MappingChaining), str(SEMAPV.MappingInversion)}
)
#: Rows a person reviewed must say why in the comment.
CURATED_JUSTIFICATIONS: Final = frozenset(
    {str(SEMAPV.ManualMappingCuration), str(SEMAPV.MappingReview)}
)
SUFFIX: Final = ".sssom.tsv"


@dataclass(frozen=True, slots=True)
class MappingIssue:
    """One problem found in a mapping file."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class MappingFileError(ValueError):
    """A mapping file is invalid; ``issues`` lists every problem with its line."""

    def __init__(self, issues: list[MappingIssue]) -> None:
        self.issues = issues
        shown = "\n".join(str(i) for i in issues[:20])
        more = f"\n… and {len(issues) - 20} more" if len(issues) > 20 else ""
        super().__init__(f"invalid mapping file ({len(issues)} problem(s)):\n{shown}{more}")


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One mapping as stated in a file, CURIEs expanded to IRIs."""

    line: int
    subject: str
    object: str
    relation: Relation
    justification: str
    confidence: float
    subject_id: str = ""
    subject_label: str = ""
    object_id: str = ""
    object_label: str = ""
    predicate: str = ""
    source_document: str = ""
    comment: str = ""
    review: ReviewFields = field(default_factory=ReviewFields)

    @property
    def strength(self) -> float | None:
        """How much of the subject's duty the object carries (None: not graded)."""
        return self.review.strength


@dataclass(frozen=True)
class MappingSetFile:
    """A validated mapping set: its metadata and rows."""

    path: Path
    set_id: str
    metadata: dict[str, Any]
    curie_map: dict[str, str]
    rows: tuple[MappingRow, ...] = field(default_factory=tuple)
    #: ``sssom:NoTermFound`` rows: items recorded as having no counterpart (never mappings).
    no_counterparts: tuple[NoCounterpartRow, ...] = field(default_factory=tuple)

    @property
    def iri(self) -> str:
        """The mapping set's IRI (``mapping_set_id``)."""
        return str(self.metadata["mapping_set_id"])

    def meta(self, key: str) -> str:
        """A scalar metadata value as text ('' when absent)."""
        value = self.metadata.get(key)
        return "" if value is None else str(value)

    def meta_list(self, key: str) -> list[str]:
        """A list-valued metadata entry (a scalar becomes a one-item list)."""
        value = self.metadata.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [str(value)]

    def expand(self, value: str) -> str:
        """Expand a CURIE with the file's curie_map (IRIs and unknown prefixes pass through)."""
        return expand_curie(value, self.curie_map) or value


def set_id_of(path: Path) -> str:
    """The set id of a mapping file: its name without ``.sssom.tsv``."""
    name = path.name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else path.stem


def expand_curie(value: str, curie_map: dict[str, str]) -> str | None:
    """Expand ``prefix:local`` with the map, accept absolute IRIs; None when it cannot."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in curie_map or not local:
        return None
    return curie_map[prefix] + local


def _split_header(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    meta: list[tuple[int, str]] = []
    body: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not body and line.startswith("#"):
            meta.append((n, line[1:]))
        elif line.strip() or body:
            body.append((n, line))
    return meta, body


def _read_metadata(
    where: str, meta_lines: list[tuple[int, str]], issues: list[MappingIssue]
) -> dict[str, Any]:
    first = meta_lines[0][0] if meta_lines else 1
    if not meta_lines:
        issues.append(MappingIssue(where, 1, "no metadata block (YAML lines starting with '#')"))
        return {}
    import yaml  # only reading a mapping file needs it, not serving one

    try:
        loaded = yaml.safe_load("\n".join(text for _, text in meta_lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = meta_lines[min(mark.line, len(meta_lines) - 1)][0] if mark else first
        issues.append(MappingIssue(where, line, f"metadata block is not valid YAML: {exc}"))
        return {}
    if not isinstance(loaded, dict):
        issues.append(MappingIssue(where, first, "metadata block must be a YAML mapping"))
        return {}
    meta: dict[str, Any] = {str(k): v for k, v in loaded.items()}
    for key in REQUIRED_METADATA:
        if not meta.get(key):
            issues.append(MappingIssue(where, first, f"metadata lacks {key!r}"))
    cmap = meta.get("curie_map")
    if cmap is not None and not (
        isinstance(cmap, dict) and all(isinstance(v, str) for v in cmap.values())
    ):
        issues.append(MappingIssue(where, first, "curie_map must map prefixes to IRI strings"))
        meta["curie_map"] = {}
    for key in ("mapping_date", "mapping_set_version"):
        if key in meta and meta[key] is not None:
            meta[key] = str(meta[key])  # YAML reads an unquoted date as a date object
    return meta


def _confidence(cells: dict[str, str], bad: Callable[[str], None]) -> float:
    text = cells.get("confidence", "").strip()
    try:
        value = float(text)
    except ValueError:
        bad(f"confidence {text!r} is not a number")
        return math.nan
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        bad(f"confidence {text!r} is outside 0..1")
        return math.nan
    return value


def _justification(cells: dict[str, str], cmap: dict[str, str], bad: Callable[[str], None]) -> str:
    raw = cells.get("mapping_justification", "").strip()
    justification = (expand_curie(raw, cmap) or "") if raw else ""
    if not raw:
        bad("mapping_justification is missing")
    elif justification in LOADER_JUSTIFICATIONS:
        bad(f"mapping_justification {raw!r} is made by the loader, never written in files")
    elif justification not in FILE_JUSTIFICATIONS:
        bad(f"mapping_justification {raw!r} is not a SEMAPV justification term")
    return justification


def _check_row(
    where: str,
    line: int,
    cells: dict[str, str],
    meta: dict[str, Any],
    known_iris: Collection[str] | None,
    issues: list[MappingIssue],
) -> MappingRow | NoCounterpartRow | None:
    before = len(issues)
    cmap: dict[str, str] = dict(meta.get("curie_map") or {})

    def bad(reason: str) -> None:
        issues.append(MappingIssue(where, line, reason))

    def iri_of(column: str) -> str:
        raw = cells.get(column, "").strip()
        if not raw:
            bad(f"{column} is empty")
            return ""
        iri = expand_curie(raw, cmap)
        if iri is None:
            bad(f"{column} {raw!r} is not a CURIE with a prefix declared in curie_map")
            return ""
        if known_iris is not None and iri not in known_iris:
            bad(f"{column} {raw!r} is not a known item (<{iri}> is in no catalog)")
        return iri

    confidence = _confidence(cells, bad)
    justification = _justification(cells, cmap, bad)
    review = read_review_fields(cells, lambda v: expand_curie(v, cmap), bad)
    if is_no_term(cells.get("subject_id", ""), cmap) or is_no_term(
        cells.get("object_id", ""), cmap
    ):
        common = (justification, confidence, review)
        absent = check_no_term_row(line, cells, cmap, meta, common, iri_of, bad)
        return absent if len(issues) == before else None
    subject, obj = iri_of("subject_id"), iri_of("object_id")
    relation: Relation | None = None
    rel_text = cells.get("set_relation", "").strip()
    try:
        relation = Relation(rel_text)
    except ValueError:
        known = ", ".join(r.value for r in Relation)
        hint = (
            f" ({NO_RELATIONSHIP!r} is only for rows whose object_id is {NO_TERM_FOUND_CURIE})"
            if rel_text == NO_RELATIONSHIP
            else ""
        )
        bad(f"unknown relation {rel_text!r} in set_relation; use one of {known}{hint}")
    pred_raw = cells.get("predicate_id", "").strip()
    predicate = expand_curie(pred_raw, cmap) or ""
    modifier = cells.get("predicate_modifier", "").strip()
    if relation is not None:
        want = SKOS_BRIDGE[relation]
        if predicate != want or modifier != MODIFIER[relation]:
            bad(
                f"predicate {pred_raw!r} (modifier {modifier!r}) is inconsistent with relation "
                f"{relation.value!r}: expected <{want}>"
                + (" with predicate_modifier 'Not'" if MODIFIER[relation] else "")
            )
    comment = cells.get("comment", "").strip()
    if justification in CURATED_JUSTIFICATIONS and not comment:
        bad(f"comment is required on a curated row ({cells.get('mapping_justification')})")
    if len(issues) > before or relation is None:
        return None
    return MappingRow(
        line=line,
        subject=subject,
        object=obj,
        relation=relation,
        justification=justification,
        confidence=confidence,
        subject_id=cells.get("subject_id", "").strip(),
        subject_label=cells.get("subject_label", "").strip(),
        object_id=cells.get("object_id", "").strip(),
        object_label=cells.get("object_label", "").strip(),
        predicate=predicate,
        source_document=cells.get("source_document", "").strip(),
        comment=comment,
        review=review,
    )


def read_sssom(path: Path, known_iris: Collection[str] | None = None) -> MappingSetFile:
    """Read and validate one SSSOM/TSV file; raise MappingFileError listing every problem.

    ``known_iris``, when given, is the set of item IRIs subjects and objects must be among.
    """
    where = str(path)
    issues: list[MappingIssue] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingFileError([MappingIssue(where, 0, f"cannot read the file: {exc}")]) from exc
    meta_lines, body = _split_header(text)
    meta = _read_metadata(where, meta_lines, issues)
    cmap: dict[str, str] = dict(meta.get("curie_map") or {})
    set_id = set_id_of(path)
    msid = str(meta.get("mapping_set_id") or "")
    if msid and not msid.rstrip("/").endswith("/" + set_id):
        line = next((n for n, t in meta_lines if t.startswith("mapping_set_id")), 1)
        issues.append(
            MappingIssue(where, line, f"mapping_set_id {msid!r} should end with '/{set_id}'")
        )
    rows: list[MappingRow] = []
    if not body:
        issues.append(MappingIssue(where, len(meta_lines) + 1, "no header row"))
        raise MappingFileError(issues)
    header_line, header_text = body[0]
    header = header_text.split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        issues.append(MappingIssue(where, header_line, f"missing column(s): {', '.join(missing)}"))
        raise MappingFileError(issues)
    seen: dict[frozenset[str], int] = {}
    absent: list[NoCounterpartRow] = []
    for line, raw in body[1:]:
        if not raw.strip():
            continue
        values = next(csv.reader([raw], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(values) > len(header):
            issues.append(
                MappingIssue(where, line, f"{len(values)} cells but {len(header)} columns")
            )
            continue
        cells = dict(zip(header, values, strict=False))
        row = _check_row(where, line, cells, meta, known_iris, issues)
        if row is None:
            continue
        if isinstance(row, NoCounterpartRow):
            absent.append(row)
            continue
        pair = frozenset((row.subject, row.object))
        if pair in seen:
            issues.append(
                MappingIssue(
                    where,
                    line,
                    f"{row.subject_id} and {row.object_id} are already mapped on line "
                    f"{seen[pair]} (write one direction once; the loader adds the inverse)",
                )
            )
            continue
        seen[pair] = line
        rows.append(row)
    mapped = ((r.line, r.subject, r.object) for r in rows)
    issues.extend(MappingIssue(where, n, why) for n, why in conflicts(mapped, absent))
    if issues:
        raise MappingFileError(sorted(issues, key=lambda i: i.line))
    return MappingSetFile(path, set_id, meta, cmap, tuple(rows), tuple(absent))


def compact_iri(iri: str, curie_map: dict[str, str]) -> str:
    """The shortest CURIE of an IRI under the map (the IRI itself when no prefix fits)."""
    best = ""
    for prefix, ns in curie_map.items():
        if iri.startswith(ns) and len(ns) > len(curie_map.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(curie_map[best]) :]}" if best else iri


def decimal_text(value: float) -> str:
    """Render a confidence as a plain xsd:decimal lexical form (no exponent, ≤ 6 places)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text else "0"

"""Read, validate and write mapping sets as SSSOM/TSV (format: ``docs/sssom-format.md``).

Reading is all or nothing: every problem in a file is collected with its line number and reason,
and the file is rejected as a whole when any is found.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO

import yaml

from aims_graph.mappings.relations import MODIFIER, SKOS_BRIDGE, Relation
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


@dataclass(frozen=True)
class MappingSetFile:
    """A validated mapping set: its metadata and rows."""

    path: Path
    set_id: str
    metadata: dict[str, Any]
    curie_map: dict[str, str]
    rows: tuple[MappingRow, ...] = field(default_factory=tuple)

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


def _check_row(
    where: str,
    line: int,
    cells: dict[str, str],
    cmap: dict[str, str],
    known_iris: Collection[str] | None,
    issues: list[MappingIssue],
) -> MappingRow | None:
    before = len(issues)

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

    subject, obj = iri_of("subject_id"), iri_of("object_id")
    relation: Relation | None = None
    rel_text = cells.get("set_relation", "").strip()
    try:
        relation = Relation(rel_text)
    except ValueError:
        known = ", ".join(r.value for r in Relation)
        bad(f"unknown relation {rel_text!r} in set_relation; use one of {known}")
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
    conf_text = cells.get("confidence", "").strip()
    confidence = math.nan
    try:
        confidence = float(conf_text)
    except ValueError:
        bad(f"confidence {conf_text!r} is not a number")
    else:
        if not 0.0 <= confidence <= 1.0:  # also rejects NaN
            bad(f"confidence {conf_text!r} is outside 0..1")
    just_raw = cells.get("mapping_justification", "").strip()
    justification = (expand_curie(just_raw, cmap) or "") if just_raw else ""
    if not just_raw:
        bad("mapping_justification is missing")
    elif justification in LOADER_JUSTIFICATIONS:
        bad(f"mapping_justification {just_raw!r} is made by the loader, never written in files")
    elif justification not in FILE_JUSTIFICATIONS:
        bad(f"mapping_justification {just_raw!r} is not a SEMAPV justification term")
    comment = cells.get("comment", "").strip()
    if justification in CURATED_JUSTIFICATIONS and not comment:
        bad(f"comment is required on a curated row ({just_raw})")
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
        row = _check_row(where, line, cells, cmap, known_iris, issues)
        if row is None:
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
    if issues:
        raise MappingFileError(issues)
    return MappingSetFile(path, set_id, meta, cmap, tuple(rows))


def _compact(iri: str, curie_map: dict[str, str]) -> str:
    best = ""
    for prefix, ns in curie_map.items():
        if iri.startswith(ns) and len(ns) > len(curie_map.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(curie_map[best]) :]}" if best else iri


def write_sssom(out: TextIO, metadata: dict[str, Any], rows: Iterable[MappingRow]) -> None:
    """Write a mapping set as SSSOM/TSV: the YAML metadata block behind '#', then the rows."""
    cmap: dict[str, str] = dict(metadata.get("curie_map") or {})
    block = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=10_000)
    for line in block.splitlines():
        out.write(f"#{line}\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.subject_id or _compact(r.subject, cmap),
                _clean(r.subject_label),
                _compact(SKOS_BRIDGE[r.relation], cmap),
                MODIFIER[r.relation],
                r.object_id or _compact(r.object, cmap),
                _clean(r.object_label),
                _compact(r.justification, cmap),
                decimal_text(r.confidence),
                r.relation.value,
                r.source_document,
                _clean(r.comment),
            ]
        )


def dumps_sssom(metadata: dict[str, Any], rows: Iterable[MappingRow]) -> str:
    """Return a mapping set as SSSOM/TSV text."""
    buf = io.StringIO()
    write_sssom(buf, metadata, rows)
    return buf.getvalue()


def _clean(text: str) -> str:
    # Tabs and newlines would break the row; quoting is off as SSSOM/TSV readers expect.
    return " ".join(text.split())


def decimal_text(value: float) -> str:
    """Render a confidence as a plain xsd:decimal lexical form (no exponent, ≤ 6 places)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text else "0"

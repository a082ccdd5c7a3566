"""One entry point per kind of import file, shared by the CLI and the HTTP API.

A framework file is an OSCAL catalog (``.json``), a CISO Assistant library (``.yaml``) or our
sheet (``.csv``/``.xlsx``); a mapping file is a CISO Assistant mapping library (``.yaml``), an
OSCAL mapping collection (``.json``) or an SSSOM/TSV set. The suffix says which unless the
caller names the format.
"""

from __future__ import annotations

import tempfile
import zlib
from enum import StrEnum
from pathlib import Path
from typing import Final

from aims_graph.importers.ciso import read_ciso_library
from aims_graph.importers.draft import Draft, ImportProblemsError, Problem
from aims_graph.importers.mapping_draft import CatalogItems, MappingDraft
from aims_graph.importers.mappings_ciso import Options, read_ciso_mappings
from aims_graph.importers.mappings_oscal import read_oscal_mappings
from aims_graph.importers.mappings_sssom import read_sssom_mappings
from aims_graph.importers.oscal import read_oscal_catalog
from aims_graph.importers.sheet import read_framework_sheet
from aims_graph.mappings.sssom_io import SUFFIX

#: Largest file a gzipped upload may unpack to (a bound against decompression bombs).
MAX_UNPACKED: Final = 200_000_000


def unpacked(data: bytes, filename: str) -> tuple[bytes, str]:
    """The file's bytes and name, gunzipped when it is gzip (``.gz`` dropped from the name)."""
    if data[:2] != b"\x1f\x8b":
        return data, filename
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = reader.decompress(data, MAX_UNPACKED)
    except zlib.error as exc:
        raise ImportProblemsError(
            [Problem(filename, "gzip", f"not a readable gzip file ({exc})", "send it unpacked")]
        ) from None
    if reader.unconsumed_tail:
        raise ImportProblemsError(
            [
                Problem(
                    filename,
                    "gzip",
                    f"unpacks to more than {MAX_UNPACKED:,} bytes",
                    "split the file or send a smaller one",
                )
            ]
        )
    return out, filename.removesuffix(".gz")


class FrameworkFormat(StrEnum):
    """File formats a framework can come in."""

    oscal = "oscal"
    ciso = "ciso"
    sheet = "sheet"


class MappingFormat(StrEnum):
    """File formats a mapping set can come in."""

    ciso = "ciso"
    sssom = "sssom"
    oscal = "oscal"


def framework_format(filename: str) -> FrameworkFormat:
    """The format a framework file's name suggests (a sheet when nothing else fits)."""
    name = filename.lower()
    if name.endswith(".json"):
        return FrameworkFormat.oscal
    if name.endswith((".yaml", ".yml")):
        return FrameworkFormat.ciso
    return FrameworkFormat.sheet


def mapping_format(filename: str) -> MappingFormat:
    """The format a mapping file's name suggests (SSSOM/TSV when it is neither YAML nor JSON)."""
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        return MappingFormat.ciso
    return MappingFormat.oscal if name.endswith(".json") else MappingFormat.sssom


def read_framework(
    data: bytes,
    filename: str,
    slug: str,
    fmt: FrameworkFormat | None = None,
    title: str | None = None,
) -> Draft:
    """Read a framework file as a draft edition of id ``slug`` (problems left on the draft)."""
    data, filename = unpacked(data, filename)
    kind = fmt or framework_format(filename)
    if kind is FrameworkFormat.oscal:
        return read_oscal_catalog(data, filename, slug)
    if kind is FrameworkFormat.ciso:
        return read_ciso_library(data, filename, slug)
    return read_framework_sheet(data, filename, slug, title or slug)


def _set_name(data: bytes, filename: str) -> str:
    """The name the SSSOM reader wants the file to have: its set id's last segment (the
    reader checks the two agree), else the file's own name."""
    for line in data[:20_000].decode("utf-8", "replace").splitlines():
        if line.startswith("#mapping_set_id:"):
            tail = line.split(":", 1)[1].strip().strip("\"'").rstrip("/").rsplit("/", 1)[-1]
            if tail and "." not in tail.strip("."):
                return tail
    return Path(filename).name.removesuffix(SUFFIX).removesuffix(".tsv")


def read_mappings(
    data: bytes,
    filename: str,
    items: CatalogItems,
    options: Options | None = None,
    fmt: MappingFormat | None = None,
) -> MappingDraft:
    """Read a mapping file against the known items (failed rows left on the draft)."""
    data, filename = unpacked(data, filename)
    kind = fmt or mapping_format(filename)
    if kind is MappingFormat.ciso:
        return read_ciso_mappings(data, filename, items, options)
    if kind is MappingFormat.oscal:
        return read_oscal_mappings(data, filename, items, options)
    with tempfile.TemporaryDirectory() as tmp:
        # The SSSOM reader reads files (it is the build's reader); the name keeps the set id.
        path = Path(tmp) / f"{_set_name(data, filename)}{SUFFIX}"
        path.write_bytes(data)
        draft = read_sssom_mappings(path, items)
    draft.file = filename
    for problem_list in (draft.problems, draft.failed):
        problem_list[:] = [p.__class__(filename, p.where, p.reason, p.fix) for p in problem_list]
    return draft

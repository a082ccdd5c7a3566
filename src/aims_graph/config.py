"""Settings read from ``AIMS_GRAPH_*`` environment variables and passed down explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Every setting of aims-graph; each field maps to ``AIMS_GRAPH_<NAME>``."""

    store: str = Field(
        default="oxigraph:.aims-graph/store",
        description="Store selector: memory:, oxigraph:PATH (embedded, on disk) or sparql:URL.",
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server listens on.")
    max_path_length: int = Field(
        default=2, ge=1, le=4, description="Longest mapping chain used for derived mappings."
    )
    query_timeout_s: float = Field(
        default=10.0, gt=0, description="Time limit of one SPARQL query, in seconds."
    )
    max_rows: int = Field(default=10000, ge=1, description="Row cap of one SPARQL result.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``AIMS_GRAPH_*`` variables (unknown ones are ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for name in cls.model_fields:
            key = f"AIMS_GRAPH_{name.upper()}"
            if key in env:
                values[name] = env[key]
        return cls.model_validate(values)

    def store_path(self) -> Path | None:
        """Path of the on-disk store, or None when the store is not an embedded disk store."""
        if self.store.startswith("oxigraph:"):
            return Path(self.store.removeprefix("oxigraph:"))
        return None

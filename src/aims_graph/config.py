"""Settings read from ``AIMS_GRAPH_*`` environment variables and passed down explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Every setting of aims-graph; each field maps to ``AIMS_GRAPH_<NAME>``."""

    store: str = Field(
        default="oxigraph:.aims-graph/store",
        description="Store selector: memory:, oxigraph:PATH (embedded, on disk) or sparql:URL.",
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server listens on.")
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Server processes of `aims-graph serve`. Above 1 they share the store: an embedded "
            "one read-only (organisation writes are refused), a sparql: one as it is."
        ),
    )
    max_path_length: int = Field(
        default=2, ge=1, le=4, description="Longest mapping chain used for derived mappings."
    )
    query_timeout_s: float = Field(
        default=10.0, gt=0, description="Time limit of one SPARQL query, in seconds."
    )
    max_rows: int = Field(default=10000, ge=1, description="Row cap of one SPARQL result.")
    sparql_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description=(
            "Worker processes that run /sparql queries on the embedded store; a query over the "
            "time limit is stopped by killing its worker, so this is also the query concurrency."
        ),
    )
    sparql_snapshot_interval_s: float = Field(
        default=1.0,
        ge=0,
        description=(
            "Shortest time between two snapshots of the embedded store for /sparql: under a "
            "stream of writes, a query may see the data as it was up to this long ago."
        ),
    )
    sparql_cache_entries: int = Field(
        default=256,
        ge=0,
        description=(
            "Answers /sparql keeps (each under 1 MB) for repeats of the same query on the same "
            "data; any write makes them stale. 0 turns the cache off; a sparql: store has none."
        ),
    )
    max_request_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        description=(
            "Largest request body accepted, in bytes (larger gets 413); organisation uploads "
            "have their own limit, max_upload_bytes."
        ),
    )
    max_upload_bytes: int = Field(
        default=10_000_000,
        ge=1024,
        description="Largest organisation data upload accepted, in bytes (larger gets 413).",
    )
    max_upload_triples: int = Field(
        default=200_000,
        ge=1,
        description="Most triples one organisation upload may hold (more gets 413).",
    )
    rate_limit_per_minute: int = Field(
        default=600,
        ge=1,
        description=(
            "Requests a minute one organisation's keys may send together, in bursts up to the "
            "same number (more gets 429 with Retry-After)."
        ),
    )
    org_admin_token: str | None = Field(
        default=None,
        min_length=16,
        description=(
            "When set, registering an organisation (POST /orgs) needs this token as "
            "'Authorization: Bearer TOKEN'; unset, anyone who can reach the service may register."
        ),
    )
    imports_dir: str | None = Field(
        default=None,
        description=(
            "Folder of the public imports (framework editions and mapping sets added with "
            "`aims-graph import ... --add` or PUT /imports/...), built beside the shipped ones. "
            "Default: `imports` beside an oxigraph: store; none for memory: and sparql: stores."
        ),
    )
    api_cache_max_age: int = Field(
        default=300,
        ge=0,
        description=(
            "Seconds a client or proxy may reuse a JSON API answer before revalidating it with "
            "its ETag (Cache-Control max-age of the read endpoints)."
        ),
    )
    api_page_size: int = Field(
        default=100,
        ge=1,
        le=1000,
        description="Default page size of paginated API lists (/frameworks/{id}/items).",
    )
    remote_query_url: str | None = Field(
        default=None,
        description="SPARQL Query endpoint of a sparql:BASE store (default BASE/query).",
    )
    remote_update_url: str | None = Field(
        default=None,
        description="SPARQL Update endpoint of a sparql:BASE store (default BASE/update).",
    )
    remote_store_url: str | None = Field(
        default=None,
        description="Graph Store Protocol endpoint of a sparql:BASE store (default BASE/store).",
    )
    remote_dialect: Literal["auto", "standard", "virtuoso"] = Field(
        default="auto",
        description=(
            "Which SPARQL server a sparql: store talks to: standard (Oxigraph server, Fuseki: "
            "BASE/query, /update, /store), virtuoso (BASE/sparql, /sparql-graph-crud) or auto "
            "(asked once from the server's Server header)."
        ),
    )
    remote_user: str | None = Field(
        default=None,
        description=(
            "User for HTTP digest authentication of a sparql: store's writes (with Virtuoso they "
            "then go to /sparql-auth and /sparql-graph-crud-auth)."
        ),
    )
    remote_password: str | None = Field(
        default=None, description="Password of AIMS_GRAPH_REMOTE_USER.", repr=False
    )
    remote_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="Time limit of one update or graph upload/download on a sparql: store.",
    )

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

    def imports_path(self) -> Path | None:
        """Folder of the public imports, or None when this store keeps none."""
        if self.imports_dir:
            return Path(self.imports_dir)
        store = self.store_path()
        return store.parent / "imports" if store is not None else None

    def store_path(self) -> Path | None:
        """Path of the on-disk store, or None when the store is not an embedded disk store."""
        if self.store.startswith("oxigraph:"):
            return Path(self.store.removeprefix("oxigraph:"))
        return None

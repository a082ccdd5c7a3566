"""Who is calling: an API key mapped to its organisation, within that organisation's rate limit.

A key for another organisation gets the same 404 as an organisation that does not exist, so a
key holder cannot even learn which other organisations there are.
"""

from __future__ import annotations

import hmac

from fastapi import Request

from aims_graph.api.limits import RateLimiter
from aims_graph.api.problems import ProblemError
from aims_graph.orgdata.model import org_graph_iri, org_shapes_graph_iri
from aims_graph.orgdata.registry import Organisation
from aims_graph.orgdata.service import OrgService


def bearer(request: Request) -> str | None:
    """The API key of a request: Authorization: Bearer KEY, else X-API-Key."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


def unauthorised(detail: str) -> ProblemError:
    """A 401 problem with the Bearer challenge."""
    return ProblemError(
        401,
        "unauthorised",
        "Unauthorised",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="aims-graph"'},
    )


class Authenticator:
    """Maps a request's API key to the organisation holding it, within its rate limit."""

    def __init__(self, service: OrgService, limiter: RateLimiter) -> None:
        self.service = service
        self.limiter = limiter

    def org_id(self, request: Request) -> str | None:
        """The caller's organisation; None without a key; 401 for a key that is not valid."""
        token = bearer(request)
        if token is None:
            return None
        org_id = self.service.registry.authenticate(token)
        if org_id is None:
            raise unauthorised("The API key is not valid (unknown, mistyped or revoked).")
        self.limiter.take(org_id)
        return org_id

    def org_graphs(self, request: Request) -> tuple[str, ...]:
        """The named graphs the caller's key grants, for /sparql: its data, its shapes, then its
        own frameworks and mapping sets."""
        org_id = self.org_id(request)
        if org_id is None:
            return ()
        own = self.service.catalogs.graphs(org_id)
        return (org_graph_iri(org_id), org_shapes_graph_iri(org_id), *own)

    def require(self, request: Request, org_id: str) -> Organisation:
        """The organisation in the path, when the request's key is one of its keys."""
        caller = self.org_id(request)
        if caller is None:
            raise unauthorised(
                "This route needs the organisation's API key: send 'Authorization: Bearer KEY'."
            )
        org = self.service.registry.get(org_id) if hmac.compare_digest(caller, org_id) else None
        if org is None:
            raise ProblemError(
                404,
                "unknown-organisation",
                "Unknown organisation",
                f"No organisation {org_id!r} is reachable with this API key.",
            )
        return org

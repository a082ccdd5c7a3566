"""Registering organisations and managing their API keys."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from rdflib import RDF
from starlette.concurrency import run_in_threadpool

from aims_graph.api.orgs.auth import Authenticator, bearer, unauthorised
from aims_graph.api.orgs.params import NewOrganisation, OrgIdPath
from aims_graph.api.orgs.responses import PRIVATE, org_body, private_json
from aims_graph.api.problems import ProblemError
from aims_graph.config import Settings
from aims_graph.orgdata.registry import RegistryError


def registry_router(settings: Settings, auth: Authenticator) -> APIRouter:
    """POST /orgs, GET/DELETE /orgs/{id}, and the organisation's keys."""
    router = APIRouter(tags=["organisations"])
    service = auth.service

    @router.post("/orgs", status_code=201, summary="Register an organisation (key shown once)")
    async def create_org(request: Request, body: NewOrganisation) -> Response:
        """Create an organisation with an empty graph; the answer holds its first API key."""
        if settings.org_admin_token is not None:
            token = bearer(request) or ""
            if not hmac.compare_digest(token.encode(), settings.org_admin_token.encode()):
                raise unauthorised(
                    "Registering organisations needs the administrator token of this service "
                    "(setting AIMS_GRAPH_ORG_ADMIN_TOKEN) as 'Authorization: Bearer TOKEN'."
                )
        try:
            org, key = await run_in_threadpool(service.registry.create, body.id, body.name)
        except RegistryError as exc:
            status = 409 if "exists" in str(exc) else 400
            raise ProblemError(status, "bad-organisation", "Cannot register", str(exc)) from exc
        return private_json(
            {
                **org_body(org),
                "api_key": key.token,
                "key_id": key.id,
                "note": "Keep this key: it is shown only now. Send it as 'Authorization: Bearer "
                "KEY'. Issue more with POST /orgs/{id}/keys; revoke with DELETE.",
            },
            201,
        )

    @router.get("/orgs/{org_id}", summary="An organisation and what its graph holds")
    async def get_org(request: Request, org_id: OrgIdPath) -> Response:
        """Name, graph, stored triples and records per kind."""
        org = await run_in_threadpool(auth.require, request, org_id)
        data = await run_in_threadpool(service.data, org.id)
        kinds: dict[str, int] = {}
        for cls in data.objects(None, RDF.type):
            name = str(cls).rsplit("#", 1)[-1]
            kinds[name] = kinds.get(name, 0) + 1
        return private_json(
            {**org_body(org), "triples": len(data), "records": dict(sorted(kinds.items()))}
        )

    @router.delete("/orgs/{org_id}", status_code=204, summary="Delete an organisation and its data")
    async def delete_org(request: Request, org_id: OrgIdPath) -> Response:
        """Remove the organisation, every key and its graph."""
        org = await run_in_threadpool(auth.require, request, org_id)
        await run_in_threadpool(service.delete, org.id)
        return Response(status_code=204, headers=PRIVATE)

    @router.get("/orgs/{org_id}/keys", summary="The organisation's keys (ids and dates only)")
    async def list_keys(request: Request, org_id: OrgIdPath) -> Response:
        """Key ids with creation and revocation dates; secrets are never shown again."""
        org = await run_in_threadpool(auth.require, request, org_id)
        keys = await run_in_threadpool(service.registry.keys, org.id)
        return private_json(
            [{"key_id": k.id, "created": k.created, "revoked": k.revoked} for k in keys]
        )

    @router.post("/orgs/{org_id}/keys", status_code=201, summary="Issue another API key")
    async def issue_key(request: Request, org_id: OrgIdPath) -> Response:
        """A new key for the organisation, shown once."""
        org = await run_in_threadpool(auth.require, request, org_id)
        key = await run_in_threadpool(service.registry.issue_key, org.id)
        return private_json({"key_id": key.id, "api_key": key.token}, 201)

    @router.delete("/orgs/{org_id}/keys/{key_id}", status_code=204, summary="Revoke an API key")
    async def revoke_key(
        request: Request,
        org_id: OrgIdPath,
        key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")],
    ) -> Response:
        """Revoke one key of the organisation at once (the key sending this may be the one)."""
        org = await run_in_threadpool(auth.require, request, org_id)
        if not await run_in_threadpool(service.registry.revoke_key, org.id, key_id):
            raise ProblemError(
                404, "unknown-key", "Unknown key", f"The organisation has no live key {key_id}."
            )
        return Response(status_code=204, headers=PRIVATE)

    return router

"""SCIM 2.0 routes under /scim/v2 (RFC 7644), thin over identity.scim.

Bodies and query parameters are read by hand, not by FastAPI's models, so that every bad input
leaves as a SCIM error (application/scim+json, status + scimType + detail), never as a problem
document. Refusals are audited here in a transaction of their own.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from anxin.access.declarations import SCIM_TOKEN, requires
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.identity import scim
from anxin.identity.deps import Runtime, client_addr, get_runtime
from anxin.identity.scim import ScimError
from anxin.kernel.principal import ActorType, Principal, Role

log = logging.getLogger("anxin.scim")

SCIM_PREFIX = "/scim/v2"
SCIM_JSON = "application/scim+json"
router = APIRouter(prefix=SCIM_PREFIX, tags=["scim"])
# Every SCIM route needs the tenant's SCIM token (access.declarations).
_SCIM = requires(SCIM_TOKEN)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + SCIM_PREFIX


def _respond(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, media_type=SCIM_JSON, headers=headers)


@contextlib.contextmanager
def _transaction(request: Request) -> Iterator[tuple[Session, Principal, Runtime]]:
    """Authenticate the SCIM token and work in one transaction scoped to its tenant."""
    runtime = get_runtime(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" else None
    with runtime.db.unit_of_work(tenant_id=None) as session:
        principal = scim.authenticate(
            session, token=bearer, clock=runtime.clock, client_addr=client_addr(request)
        )
        request.state.scim_principal = principal
        runtime.db.scope(session, tenant_id=principal.tenant_id)
        yield session, principal, runtime


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise ScimError(400, "the body is not valid JSON", "invalidSyntax") from None


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ScimError(400, f"'{name}' must be an integer", "invalidValue") from None


def _projected(request: Request, resource: dict[str, Any]) -> dict[str, Any]:
    return scim.project(
        resource,
        attributes=request.query_params.get("attributes"),
        excluded=request.query_params.get("excludedAttributes"),
    )


def _list(request: Request, total: int, start: int, resources: list[dict[str, Any]]) -> Response:
    return _respond(
        {
            "schemas": [scim.LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": [_projected(request, r) for r in resources],
        }
    )


# --- Users --------------------------------------------------------------------------------


@router.get("/Users", openapi_extra=_SCIM)
def list_users(request: Request) -> Response:
    start = max(1, _int_param(request, "startIndex", 1))
    count = min(max(0, _int_param(request, "count", 100)), scim.MAX_COUNT)
    with _transaction(request) as (session, principal, _):
        total, users = scim.list_users(
            session,
            principal=principal,
            filter_=request.query_params.get("filter"),
            start_index=start,
            count=count,
        )
        resources = [scim.user_resource(u, _base_url(request)) for u in users]
    return _list(request, total, start, resources)


@router.get("/Users/{user_id}", openapi_extra=_SCIM)
def get_user(request: Request, user_id: str) -> Response:
    with _transaction(request) as (session, principal, _):
        user = scim.get_user(session, principal=principal, user_id=user_id)
        resource = scim.user_resource(user, _base_url(request))
    location = resource["meta"]["location"]
    return _respond(_projected(request, resource), headers={"Location": location})


@router.post("/Users", openapi_extra=_SCIM)
async def create_user(request: Request) -> Response:
    payload = await _body(request)
    with _transaction(request) as (session, principal, runtime):
        user = scim.create_user(session, principal=principal, clock=runtime.clock, payload=payload)
        resource = scim.user_resource(user, _base_url(request))
    return _respond(resource, 201, {"Location": resource["meta"]["location"]})


@router.put("/Users/{user_id}", openapi_extra=_SCIM)
async def replace_user(request: Request, user_id: str) -> Response:
    payload = await _body(request)
    with _transaction(request) as (session, principal, runtime):
        user = scim.replace_user(
            session, principal=principal, clock=runtime.clock, user_id=user_id, payload=payload
        )
        resource = scim.user_resource(user, _base_url(request))
    return _respond(resource)


@router.patch("/Users/{user_id}", openapi_extra=_SCIM)
async def patch_user(request: Request, user_id: str) -> Response:
    payload = await _body(request)
    with _transaction(request) as (session, principal, runtime):
        user = scim.patch_user(
            session, principal=principal, clock=runtime.clock, user_id=user_id, payload=payload
        )
        resource = scim.user_resource(user, _base_url(request))
    return _respond(resource)


@router.delete("/Users/{user_id}", openapi_extra=_SCIM)
def delete_user(request: Request, user_id: str) -> Response:
    with _transaction(request) as (session, principal, runtime):
        scim.delete_user(session, principal=principal, clock=runtime.clock, user_id=user_id)
    return Response(status_code=204)


# --- Groups -------------------------------------------------------------------------------


@router.get("/Groups", openapi_extra=_SCIM)
def list_groups(request: Request) -> Response:
    start = max(1, _int_param(request, "startIndex", 1))
    count = min(max(0, _int_param(request, "count", 100)), scim.MAX_COUNT)
    with _transaction(request) as (session, principal, _):
        groups = scim.list_groups(
            session, principal=principal, filter_=request.query_params.get("filter")
        )
        resources = [scim.group_resource(r, m, _base_url(request)) for r, m in groups]
    return _list(request, len(resources), start, resources[start - 1 : start - 1 + count])


@router.get("/Groups/{group_id}", openapi_extra=_SCIM)
def get_group(request: Request, group_id: str) -> Response:
    with _transaction(request) as (session, principal, _):
        members = scim.get_group(session, principal=principal, group_id=group_id)
        resource = scim.group_resource(group_id, members, _base_url(request))
    return _respond(_projected(request, resource))


@router.put("/Groups/{group_id}", openapi_extra=_SCIM)
async def replace_group(request: Request, group_id: str) -> Response:
    payload = await _body(request)
    with _transaction(request) as (session, principal, runtime):
        members = scim.replace_group(
            session, principal=principal, clock=runtime.clock, group_id=group_id, payload=payload
        )
        resource = scim.group_resource(group_id, members, _base_url(request))
    return _respond(resource)


@router.patch("/Groups/{group_id}", openapi_extra=_SCIM)
async def patch_group(request: Request, group_id: str) -> Response:
    payload = await _body(request)
    with _transaction(request) as (session, principal, runtime):
        members = scim.patch_group(
            session, principal=principal, clock=runtime.clock, group_id=group_id, payload=payload
        )
        resource = scim.group_resource(group_id, members, _base_url(request))
    return _respond(resource)


@router.post("/Groups", openapi_extra=_SCIM)
def create_group(request: Request) -> Response:
    with _transaction(request):
        raise ScimError(501, "the groups are the fixed staff roles; none can be created")


@router.delete("/Groups/{group_id}", openapi_extra=_SCIM)
def delete_group(request: Request, group_id: str) -> Response:
    with _transaction(request):
        raise ScimError(501, "the groups are the fixed staff roles; none can be deleted")


# --- discovery ----------------------------------------------------------------------------


@router.get("/ServiceProviderConfig", openapi_extra=_SCIM)
def service_provider_config(request: Request) -> Response:
    with _transaction(request):
        pass
    return _respond(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": "https://example.invalid/anxin/docs/scim.md",
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": scim.MAX_COUNT},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "Bearer token",
                    "description": "A per-tenant token from `anxin scim token --tenant T`.",
                    "primary": True,
                }
            ],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": f"{_base_url(request)}/ServiceProviderConfig",
            },
        }
    )


@router.get("/ResourceTypes", openapi_extra=_SCIM)
def resource_types(request: Request) -> Response:
    with _transaction(request):
        pass
    types = _resource_types(_base_url(request))
    return _list(request, len(types), 1, types)


@router.get("/ResourceTypes/{name}", openapi_extra=_SCIM)
def resource_type(request: Request, name: str) -> Response:
    with _transaction(request):
        pass
    for item in _resource_types(_base_url(request)):
        if item["id"] == name:
            return _respond(item)
    raise ScimError(404, f"no ResourceType {name!r}")


@router.get("/Schemas", openapi_extra=_SCIM)
def schemas(request: Request) -> Response:
    with _transaction(request):
        pass
    items = _schemas(_base_url(request))
    return _list(request, len(items), 1, items)


@router.get("/Schemas/{schema_id}", openapi_extra=_SCIM)
def schema(request: Request, schema_id: str) -> Response:
    with _transaction(request):
        pass
    for item in _schemas(_base_url(request)):
        if item["id"] == schema_id:
            return _respond(item)
    raise ScimError(404, f"no Schema {schema_id!r}")


@router.api_route(
    "/{rest:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
    openapi_extra=_SCIM,
)
def unknown(request: Request, rest: str) -> Response:
    with _transaction(request):
        if request.method == "POST" and rest.endswith(".search"):
            raise ScimError(501, "POST /.search is not supported; use GET with a filter")
        if rest.split("/", maxsplit=1)[0] in _ENDPOINTS:
            raise ScimError(405, f"{request.method} is not allowed on /{rest}")
        raise ScimError(404, f"no SCIM endpoint /{rest}")


_ENDPOINTS = frozenset({"ServiceProviderConfig", "ResourceTypes", "Schemas", "Users", "Groups"})


def _resource_types(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": name,
            "name": name,
            "endpoint": f"/{name}s",
            "description": description,
            "schema": schema_id,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{name}"},
        }
        for name, schema_id, description in (
            ("User", scim.USER_SCHEMA, "Staff users of the tenant"),
            ("Group", scim.GROUP_SCHEMA, "The staff roles; membership is the user's role"),
        )
    ]


def _attribute(
    name: str,
    type_: str = "string",
    *,
    required: bool = False,
    mutability: str = "readWrite",
    multi: bool = False,
    uniqueness: str = "none",
    sub: list[dict[str, Any]] | None = None,
    reference_types: list[str] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": type_,
        "multiValued": multi,
        "required": required,
        "caseExact": False,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": uniqueness,
    }
    if sub is not None:
        attribute["subAttributes"] = sub
    if reference_types is not None:
        attribute["referenceTypes"] = reference_types
    return attribute


def _schemas(base: str) -> list[dict[str, Any]]:
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": scim.USER_SCHEMA,
        "name": "User",
        "description": "A staff user; only these attributes are kept",
        "attributes": [
            _attribute("userName", required=True, uniqueness="server"),
            _attribute("displayName"),
            _attribute("name", "complex", sub=[_attribute("formatted")]),
            _attribute("active", "boolean"),
            _attribute(
                "groups",
                "complex",
                mutability="readOnly",
                multi=True,
                sub=[
                    _attribute("value", mutability="readOnly"),
                    _attribute(
                        "$ref", "reference", mutability="readOnly", reference_types=["Group"]
                    ),
                    _attribute("display", mutability="readOnly"),
                    _attribute("type", mutability="readOnly"),
                ],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{scim.USER_SCHEMA}"},
    }
    group = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": scim.GROUP_SCHEMA,
        "name": "Group",
        "description": "A staff role",
        "attributes": [
            _attribute("displayName", required=True, mutability="immutable"),
            _attribute(
                "members",
                "complex",
                multi=True,
                sub=[
                    _attribute("value", mutability="immutable"),
                    _attribute(
                        "$ref", "reference", mutability="immutable", reference_types=["User"]
                    ),
                    _attribute("display", mutability="readOnly"),
                    _attribute("type", mutability="immutable"),
                ],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{scim.GROUP_SCHEMA}"},
    }
    return [user, group]


# --- errors -------------------------------------------------------------------------------


def install(app: FastAPI, runtime: Runtime) -> None:
    """The SCIM error handler (SCIM routes only raise ScimError); the app factory includes
    `router` with the other routes."""

    @app.exception_handler(ScimError)
    def scim_error(request: Request, exc: ScimError) -> Response:
        _audit_refusal(runtime, request, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return _respond(exc.body(), exc.http_status, headers)


def _audit_refusal(runtime: Runtime, request: Request, exc: ScimError) -> None:
    principal: Principal | None = getattr(request.state, "scim_principal", None)
    if principal is None:
        principal = Principal(
            tenant_id=None,
            actor_type=ActorType.SYSTEM,
            actor_id="scim:unauthenticated",
            role=Role.SYSTEM,
            name="scim",
            client_addr=client_addr(request),
        )
    try:
        with runtime.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            audit_service.append(
                session,
                principal=principal,
                action=AuditAction.SCIM_REFUSED,
                object_type="scim",
                object_id=None,
                now=runtime.clock.now(),
                outcome=Outcome.DENIED if exc.http_status in {401, 403} else Outcome.FAILED,
                detail={
                    "status": exc.http_status,
                    "scimType": exc.scim_type,
                    "method": request.method,
                    "path": request.url.path,
                    "reason": exc.detail,
                },
            )
    except Exception:
        log.exception("could not audit a refused SCIM request")

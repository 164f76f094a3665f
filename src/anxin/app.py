"""The ASGI application factory: routers, middleware and the one error handler.

Every error leaves as RFC 9457 problem+json with a stable `code`. Refusals (access denied, failed
login) are audited here, in a transaction of their own, because the request's transaction has
rolled back by the time the error arrives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from anxin.access.declarations import OPENAPI_KEY, PUBLIC, DeclaredRoute, requires
from anxin.access.errors import AccessDenied
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.contact import records as contact_records
from anxin.contact.api import router as contact_router
from anxin.contact.errors import RevealRateLimited
from anxin.crypto.errors import UnwrapFailed
from anxin.identity import scim_api
from anxin.identity import service as identity_service
from anxin.identity.api import router as identity_router
from anxin.identity.deps import Runtime, RuntimeDep, client_addr, user_agent
from anxin.identity.errors import (
    AuthenticationFailed,
    SecondFactorRequired,
    SessionInvalid,
    StepUpRequired,
)
from anxin.identity.grants_api import router as grants_router
from anxin.identity.lifecycle_api import router as lifecycle_router
from anxin.kernel.errors import AnxinError
from anxin.kernel.principal import ActorType, Principal, Role, system_principal
from anxin.kernel.text import CONTROL_CHARACTER
from anxin.masking.policy import MaskingPolicy, load_policy
from anxin.oversight.api import router as oversight_router
from anxin.pii.tenant_recognizers import TenantRecognizers, load_tenant_recognizers

log = logging.getLogger("anxin.http")

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/v1"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"
_SECURITY_HEADERS = [
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]

# Validation error types with a code of their own (the first one found wins; its locations are
# listed, e.g. ["body", "messages", 3, "text"], never the value).
_TEXT_PROBLEMS = {
    "string_unicode": (
        "text.lone_surrogate",
        "A text contains a lone surrogate",
        "texts must be valid Unicode; a \\ud800-\\udfff escape must be part of a pair",
    ),
    CONTROL_CHARACTER: (
        "text.control_character",
        "A text contains a control character",
        "only tab, LF and CR are allowed among the control characters (C0, DEL, C1)",
    ),
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(AnxinError):
    code = "request.too_large"
    status = 413
    title = "The request body is larger than allowed"


def create_app(
    runtime: Runtime,
    *,
    policy: MaskingPolicy | None = None,
    recognizers: TenantRecognizers | None = None,
) -> FastAPI:
    """The app over a built runtime. `policy` and `recognizers` default to the files the
    settings name, loaded (and validated) here once: every contact output is masked through the
    policy, and each tenant's messages are detected with its recognizers."""
    app = FastAPI(
        title="Anxin",
        version="0.1.0",
        description="Contact-center data platform: encrypted, masked, least-privilege, audited.",
        # Served by a route of our own (below) so that it, too, declares its requirement.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.masking_policy = policy or load_policy(runtime.settings.masking_policy)
    app.state.tenant_recognizers = recognizers or load_tenant_recognizers(
        runtime.settings.pii_recognizers
    )
    _add_routes(app)
    # SCIM 2.0 provisioning (docs/scim.md): its own error format, application/scim+json.
    scim_api.install(app, runtime)
    _add_error_handlers(app, runtime)
    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _add_routes(app: FastAPI) -> None:
    """Every route, each declaring its requirement (`access.declarations`); no runtime needed,
    so the route table can be read without a database."""
    app.include_router(identity_router)
    app.include_router(grants_router)
    app.include_router(lifecycle_router)
    app.include_router(contact_router)
    app.include_router(oversight_router)
    app.include_router(scim_api.router)
    _add_health(app)
    _add_openapi(app)


def _add_health(app: FastAPI) -> None:
    @app.get(f"{API_PREFIX}/health", tags=["ops"], openapi_extra=requires(PUBLIC))
    def health() -> dict[str, str]:
        """Liveness: the process answers. No authentication."""
        return {"status": "ok"}

    @app.get(f"{API_PREFIX}/ready", tags=["ops"], openapi_extra=requires(PUBLIC))
    def ready(runtime: RuntimeDep) -> JSONResponse:
        """Readiness: the database answers. No authentication, no detail beyond pass/fail."""
        try:
            runtime.db.ping()
        except Exception:
            log.exception("readiness check failed")
            return _problem(503, "service.unavailable", "Not ready", "the database is unreachable")
        return JSONResponse({"status": "ready"})


def _add_openapi(app: FastAPI) -> None:
    @app.get(OPENAPI_URL, include_in_schema=False, openapi_extra=requires(PUBLIC))
    def openapi() -> JSONResponse:
        """The OpenAPI document (FastAPI caches it after the first build)."""
        return JSONResponse(app.openapi())


def declared_routes(app: FastAPI) -> list[DeclaredRoute]:
    """(method, path, declared requirement) for every route of `app`, in registration order.

    A route that is not an APIRoute, or has no declaration, appears with `declared` None, so a
    test can name it instead of the route silently escaping the check.
    """
    rows: list[DeclaredRoute] = []
    # Included routers stay nested in app.routes; FastAPI's own iterator flattens them with
    # their prefixes, as the OpenAPI generator does.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        extra = route.openapi_extra if isinstance(route, APIRoute) else None
        declared = (extra or {}).get(OPENAPI_KEY)
        path = str(context.path or route)
        rows += [DeclaredRoute(m, path, declared) for m in sorted(context.methods or {"?"})]
    return [row for row in rows if row.method != "HEAD"]


def route_table() -> list[DeclaredRoute]:
    """The declared routes of the application, without a runtime (for the docs generator)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    _add_routes(app)
    return declared_routes(app)


def _add_error_handlers(app: FastAPI, runtime: Runtime) -> None:
    @app.exception_handler(AnxinError)
    def anxin_error(request: Request, exc: AnxinError) -> JSONResponse:
        _audit_refusal(runtime, request, exc)
        headers = exc.headers() | ({"WWW-Authenticate": "Bearer"} if exc.status == 401 else {})
        if exc.status >= 500:
            log.error("request failed: %s %s", exc.code, request.url.path)
        return _problem(exc.status, exc.code, exc.title, exc.detail, request, headers=headers)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return _problem(
                400,
                "request.malformed_json",
                "Malformed JSON",
                "the request body is not valid JSON",
                request,
            )
        # Echo where and why, never the submitted values: they may be personal data.
        described = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg"), "type": e.get("type")}
            for e in errors
        ]
        _audit_forbidden_fields(runtime, request, described)
        for error_type, (code, title, detail) in _TEXT_PROBLEMS.items():
            located = [d for d in described if d["type"] == error_type]
            if located:
                return _problem(422, code, title, detail, request, errors=located)
        return _problem(
            422,
            "request.invalid",
            "Invalid request",
            "the request does not match the schema",
            request,
            errors=described,
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's JSON parsing failed on the bytes before any JSON was read.
            return _problem(
                400,
                "request.invalid_encoding",
                "The request body is not valid UTF-8",
                "send JSON encoded as UTF-8",
                request,
            )
        codes = {404: "request.not_found", 405: "request.method_not_allowed"}
        code = codes.get(exc.status_code, f"request.http_{exc.status_code}")
        return _problem(exc.status_code, code, str(exc.detail), None, request)

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _problem(
            500,
            "internal_error",
            "Internal error",
            "the server failed; the incident is logged",
            request,
        )


def _problem(
    status: int,
    code: str,
    title: str,
    detail: str | None,
    request: Request | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:anxin:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _audit_refusal(runtime: Runtime, request: Request, exc: AnxinError) -> None:
    """Record denied access and failed logins; they are what an investigator looks for first."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if isinstance(exc, AccessDenied) and principal is not None:
        action = AuditAction.ACCESS_DENIED
        object_type, object_id = exc.object_type, exc.object_id
        detail: dict[str, Any] = {"permission": exc.permission, "path": request.url.path}
        outcome = Outcome.DENIED
    elif isinstance(exc, AuthenticationFailed):
        principal = _unattributed(request, tenant_id=exc.tenant_id, name=exc.username)
        action, object_type, object_id = AuditAction.LOGIN, "session", None
        detail, outcome = {"reason": exc.code.removeprefix("identity.")}, Outcome.FAILED
    elif isinstance(exc, UnwrapFailed):
        principal = system_principal(exc.tenant_id, name="keyring")
        action, object_type, object_id = AuditAction.KEY_UNWRAP_FAILED, "key", None
        detail, outcome = {"key": exc.what, "reason": exc.reason}, Outcome.FAILED
    elif isinstance(exc, StepUpRequired) and principal is not None:
        action, object_type, object_id = AuditAction.ACCESS_DENIED, "session", None
        detail = {"reason": "step_up_required", "path": request.url.path}
        outcome = Outcome.DENIED
    elif isinstance(exc, RevealRateLimited) and principal is not None:
        action, object_type = AuditAction.VALUE_REVEAL, "conversation"
        object_id = request.path_params.get("conversation_id")
        detail, outcome = {"reason": "rate_limited", "path": request.url.path}, Outcome.DENIED
    elif isinstance(exc, SessionInvalid | SecondFactorRequired) and principal is None:
        if not request.headers.get("authorization"):
            return  # no credential at all: a 401 that says only "log in" (not worth a row)
        # A forged, truncated, expired, revoked or foreign-client token, or a session still
        # waiting for its second factor: nobody to attribute it to, but the monitor and an
        # investigator want to see the attempts and where they came from.
        principal = _unattributed(request)
        action, object_type, object_id = AuditAction.SESSION_REFUSED, "session", None
        detail = {"reason": exc.code.removeprefix("identity."), "path": request.url.path}
        outcome = Outcome.DENIED
    else:
        return
    try:
        with runtime.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            customer_id = None
            if principal.tenant_id is not None:
                customer_id = contact_records.customer_of(
                    session,
                    tenant_id=principal.tenant_id,
                    object_type=object_type,
                    object_id=object_id,
                )
            audit_service.append(
                session,
                principal=principal,
                action=action,
                object_type=object_type,
                object_id=object_id,
                now=runtime.clock.now(),
                outcome=outcome,
                detail=detail,
                customer_id=customer_id,
            )
    except Exception:
        log.exception("could not audit a refused request")


def _unattributed(
    request: Request, *, tenant_id: str | None = None, name: str | None = None
) -> Principal:
    """Whoever tried without being let in: the name they gave, if any, and their address."""
    return Principal(
        tenant_id=tenant_id,
        actor_type=ActorType.USER,
        actor_id=name or "?",
        role=Role.AGENT,
        name=name or "?",
        client_addr=client_addr(request),
    )


def _audit_forbidden_fields(
    runtime: Runtime, request: Request, described: list[dict[str, Any]]
) -> None:
    """A body with fields it may not carry (`role`, `tenant_id`...) is refused before any
    route runs, hence before anyone is authenticated: resolve the caller's token here, in a
    transaction of its own, and record the attempt with the field names (never values)."""
    fields = sorted({str(d["loc"][-1]) for d in described if d["type"] == "extra_forbidden"})
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not fields or scheme.lower() != "bearer" or not token:
        return
    try:
        with runtime.db.unit_of_work(tenant_id=None) as session:
            principal = identity_service.authenticate(
                session,
                token=token.strip(),
                clock=runtime.clock,
                policy=runtime.session_policy,
                client_addr=client_addr(request),
                user_agent=user_agent(request),
                pending_ok=True,
            )
            runtime.db.scope(session, tenant_id=principal.tenant_id)
            audit_service.append(
                session,
                principal=principal,
                action=AuditAction.REQUEST_REJECTED,
                object_type="request",
                object_id=None,
                now=runtime.clock.now(),
                outcome=Outcome.DENIED,
                detail={"path": request.url.path, "fields": fields[:20]},
            )
    except AnxinError:
        return  # no valid session: nobody to attribute the attempt to
    except Exception:
        log.exception("could not audit a rejected request")


class SecurityHeaders:
    """HSTS and friends on every response, errors included. Pure ASGI: no per-request task."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
                # Path only: query strings may carry personal data (e.g. a looked-up number).
                log.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    scope["path"],
                    message["status"],
                    (time.perf_counter() - started) * 1000,
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse bodies over the limit, by Content-Length at once or while a chunked body streams."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            response = _problem(
                413, BodyTooLarge.code, BodyTooLarge.title, f"the limit is {self.max_bytes} bytes"
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(f"the limit is {self.max_bytes} bytes")
            return message

        await self.app(scope, counting_receive, send)

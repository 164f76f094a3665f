"""HTTP glue shared by every api.py: the runtime, the bearer token and the request transaction.

A route asks for a `RequestContext` and opens `ctx.transaction()`: one database transaction in
which the token is resolved (platform scope), the session is narrowed to the caller's tenant, and
the route's service call and audit events run, committing together.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from anxin.access import grants
from anxin.access.permissions import Permission
from anxin.access.service import can
from anxin.audit import signing_key
from anxin.audit.signing_key import SigningKey
from anxin.config import Settings
from anxin.crypto.keyring import Keyring
from anxin.db.database import Database
from anxin.identity import second_factor
from anxin.identity import service as identity_service
from anxin.identity.errors import SessionInvalid
from anxin.identity.passkeys import PasskeyPolicy
from anxin.identity.service import LoginLimits, SessionPolicy
from anxin.kernel.clock import Clock
from anxin.kernel.principal import ActorType, Principal

_bearer = HTTPBearer(
    auto_error=False, description="A session token (axs_…) or gateway key (axg_…)."
)


@dataclasses.dataclass(frozen=True, slots=True)
class Runtime:
    """Everything a request needs, built once by the app factory."""

    settings: Settings
    db: Database
    keyring: Keyring
    clock: Clock

    def audit_signing_key(self) -> SigningKey:
        """Read when a checkpoint is signed, not held: the seed stays in its file otherwise."""
        return signing_key.load(self.settings.effective_audit_signing_key)

    def close(self) -> None:
        """Flush key usage counts and release the keystore, provider and database."""
        self.keyring.close()
        self.db.dispose()

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(
            idle=dt.timedelta(minutes=self.settings.session_idle_minutes),
            absolute=dt.timedelta(hours=self.settings.session_absolute_hours),
            bind_address=self.settings.session_bind_address,
            step_up=dt.timedelta(minutes=self.settings.step_up_minutes),
        )

    @property
    def passkey_policy(self) -> PasskeyPolicy:
        return PasskeyPolicy(
            rp_id=self.settings.webauthn_rp_id,
            rp_name=self.settings.webauthn_rp_name,
            origin=self.settings.webauthn_origin,
        )

    @property
    def login_limits(self) -> LoginLimits:
        return LoginLimits(
            max_failures=self.settings.login_max_failures,
            lockout=dt.timedelta(minutes=self.settings.login_lockout_minutes),
            address_max_failures=self.settings.login_address_max_failures,
        )


def get_runtime(request: Request) -> Runtime:
    runtime = request.app.state.runtime
    if not isinstance(runtime, Runtime):
        raise TypeError("app.state.runtime is not configured")
    return runtime


def client_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


def user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


class RequestContext:
    def __init__(self, request: Request, runtime: Runtime, token: str | None) -> None:
        self.request = request
        self.runtime = runtime
        self._token = token

    @property
    def client_addr(self) -> str | None:
        return client_addr(self.request)

    def step_up(self, principal: Principal, permission: Permission) -> None:
        """Refuse unless the caller verified a second factor within the step-up window. Only
        for callers who hold `permission`: the others get the service's `access.denied`."""
        if not can(principal, permission):
            return
        second_factor.require_step_up(
            principal, now=self.runtime.clock.now(), within=self.runtime.session_policy.step_up
        )

    @contextlib.contextmanager
    def transaction(self, *, pending_ok: bool = False) -> Iterator[tuple[Session, Principal]]:
        """Authenticate and work in one transaction, scoped to the caller's tenant.

        `pending_ok`: a session still waiting for its second factor may use this route (the
        routes that verify or enrol one)."""
        if not self._token:
            raise SessionInvalid("this endpoint needs an Authorization: Bearer token")
        db = self.runtime.db
        with db.unit_of_work(tenant_id=None) as session:
            principal = identity_service.authenticate(
                session,
                token=self._token,
                clock=self.runtime.clock,
                policy=self.runtime.session_policy,
                client_addr=self.client_addr,
                user_agent=user_agent(self.request),
                pending_ok=pending_ok,
            )
            db.scope(session, tenant_id=principal.tenant_id)
            principal = _with_grants(session, principal, self.runtime.clock.now())
            # Kept for the error handler, which audits refusals in a transaction of its own.
            self.request.state.principal = principal
            yield session, principal


def _with_grants(session: Session, principal: Principal, now: dt.datetime) -> Principal:
    """The user's approved, unexpired temporary grants, read once per request (already in the
    tenant's scope), so authorize() stays a pure decision."""
    if principal.actor_type is not ActorType.USER or principal.tenant_id is None:
        return principal
    keys = grants.active_keys(
        session, tenant_id=principal.tenant_id, user_id=principal.actor_id, now=now
    )
    return dataclasses.replace(principal, grants=keys) if keys else principal


def request_context(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> RequestContext:
    return RequestContext(request, runtime, credentials.credentials if credentials else None)


Context = Annotated[RequestContext, Depends(request_context)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]

"""What each HTTP route requires, declared next to the route and readable without FastAPI.

A route passes `openapi_extra=requires(...)`; the requirement then appears as `x-permission` on
the operation in the OpenAPI document and on the route object, so a test can check every route
against the permission table and the docs can list them. Deny by default still holds in the
services: the declaration documents and is tested against what `authorize()` enforces; it does
not grant anything by itself.
"""

from __future__ import annotations

import dataclasses
from typing import Final, Literal

from anxin.access.permissions import Permission

OPENAPI_KEY: Final = "x-permission"
# No credentials at all: health, readiness, the OpenAPI document, the login itself.
PUBLIC: Final = "public"
# Any valid session or gateway key, whatever its role (who am I, logout, the data-class catalogue).
AUTHENTICATED: Final = "authenticated"

# A tenant's SCIM bearer token (identity provider provisioning, docs/scim.md); staff sessions
# and gateway keys are refused there.
SCIM_TOKEN: Final = "scim-token"  # noqa: S105 (a requirement name, not a secret)

Requirement = Permission | Literal["public", "authenticated", "scim-token"]


def requires(requirement: Requirement) -> dict[str, str]:
    """The `openapi_extra` of a route that needs `requirement` (a Permission, PUBLIC,
    AUTHENTICATED or SCIM_TOKEN): one value, so route, OpenAPI and docs cannot disagree."""
    return {OPENAPI_KEY: str(requirement)}


def parse(value: object) -> Requirement:
    """A declared value back as a requirement; an unknown string is an error, not a default."""
    if value == PUBLIC:
        return PUBLIC
    if value == AUTHENTICATED:
        return AUTHENTICATED
    if value == SCIM_TOKEN:
        return SCIM_TOKEN
    if not isinstance(value, str):
        raise ValueError(f"no {OPENAPI_KEY} declared")
    return Permission(value)


@dataclasses.dataclass(frozen=True, slots=True)
class DeclaredRoute:
    """One method of one route and the raw value it declared (None: nothing declared)."""

    method: str
    path: str
    declared: object

    @property
    def requirement(self) -> Requirement:
        return parse(self.declared)

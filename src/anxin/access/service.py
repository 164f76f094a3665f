"""The authorize() decision every service calls first."""

from __future__ import annotations

from anxin.access.errors import AccessDenied
from anxin.access.permissions import ROLE_PERMISSIONS, Permission
from anxin.kernel.principal import Principal


def can(principal: Principal, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(principal.role, frozenset())


def authorize(
    principal: Principal,
    permission: Permission,
    *,
    object_type: str,
    object_id: str | None = None,
    tenant_id: str | None = None,
    condition: bool = True,
) -> None:
    """Allow or raise AccessDenied. `condition` carries the object-level rule (e.g. assignment).

    A principal never acts outside its own tenant: an object of another tenant is refused here
    even if scoping elsewhere failed.
    """
    allowed = can(principal, permission) and condition
    if tenant_id is not None and tenant_id != principal.tenant_id:
        allowed = False
    if not allowed:
        raise AccessDenied(
            permission=permission.value, object_type=object_type, object_id=object_id
        )

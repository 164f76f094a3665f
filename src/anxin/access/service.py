"""The authorize() decision every service calls first."""

from __future__ import annotations

from anxin.access.errors import AccessDenied
from anxin.access.permissions import ROLE_PERMISSIONS, Permission
from anxin.kernel.principal import Principal


def can(principal: Principal, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(principal.role, frozenset())


def is_granted(
    principal: Principal, permission: Permission, *, object_type: str, object_id: str | None
) -> bool:
    """A temporary grant for exactly this object (scoped) applies; see authorize()."""
    return object_id is not None and (permission.value, object_type, object_id) in principal.grants


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

    Temporary grants (loaded into `principal.grants` by the edge, only while approved and
    unexpired) count in two ways. A grant for any object of a type (scope id None) acts like a
    role permission: the object-level condition still applies. A grant scoped to one object is
    the approver's decision about that very object, so it stands in for the condition too: an
    agent granted `read_assigned` on conversation X may read X although it is not theirs.

    A principal never acts outside its own tenant: an object of another tenant is refused here
    even if scoping elsewhere failed, grants or not.
    """
    any_object = (permission.value, object_type, None) in principal.grants
    allowed = (can(principal, permission) or any_object) and condition
    allowed = allowed or is_granted(
        principal, permission, object_type=object_type, object_id=object_id
    )
    if tenant_id is not None and tenant_id != principal.tenant_id:
        allowed = False
    if not allowed:
        raise AccessDenied(
            permission=permission.value, object_type=object_type, object_id=object_id
        )

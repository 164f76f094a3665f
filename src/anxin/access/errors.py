from __future__ import annotations

from anxin.kernel.errors import AnxinError, Conflict, NotFound


class AccessDenied(AnxinError):
    """Raised before any work is done. The edge records a `denied` audit event for it."""

    code = "access.denied"
    status = 403
    title = "You are not allowed to do this"

    def __init__(
        self,
        detail: str | None = None,
        *,
        permission: str,
        object_type: str,
        object_id: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.permission = permission
        self.object_type = object_type
        self.object_id = object_id


class SelfApproval(AccessDenied):
    """Two people, always: the approver of a grant is never the person who asked for it."""

    code = "access.self_approval"
    title = "A grant cannot be approved or denied by the person who requested it"


class NotGrantable(AccessDenied):
    """The permission is not on the allow-list, names the wrong scope, or is already held."""

    code = "access.not_grantable"
    title = "This permission cannot be requested as a temporary grant"


class GrantNotFound(NotFound):
    code = "access.grant_not_found"
    title = "No such grant"


class GrantNotPending(Conflict):
    code = "access.grant_not_pending"
    title = "The grant is not in a state that allows this"

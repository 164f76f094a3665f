from __future__ import annotations

from anxin.kernel.errors import AnxinError


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

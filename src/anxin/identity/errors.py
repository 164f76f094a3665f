from __future__ import annotations

from anxin.kernel.errors import AnxinError


class AuthenticationFailed(AnxinError):
    """One error for unknown tenant, unknown user, wrong password and disabled account alike,
    so the response does not tell an attacker which part was wrong."""

    code = "identity.authentication_failed"
    status = 401
    title = "Authentication failed"

    def __init__(self, *, tenant_id: str | None = None, username: str | None = None) -> None:
        super().__init__()
        # Kept for the failure's audit event only; never put into the response.
        self.tenant_id = tenant_id
        self.username = username


class SessionInvalid(AnxinError):
    code = "identity.session_invalid"
    status = 401
    title = "The session is missing, expired, revoked or forged"


class UserExists(AnxinError):
    code = "identity.user_exists"
    status = 409
    title = "A user with this name already exists in the tenant"


class UserNotFound(AnxinError):
    code = "identity.user_not_found"
    status = 404
    title = "No such user"


class WeakPassword(AnxinError):
    code = "identity.weak_password"
    status = 422
    title = "Password too weak"


class InvalidRole(AnxinError):
    code = "identity.invalid_role"
    status = 422
    title = "Unknown or non-staff role"

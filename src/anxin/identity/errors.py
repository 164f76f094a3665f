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


class AccountLocked(AuthenticationFailed):
    """Too many failed logins in a row: refused even with the right password until the
    cool-down ends or a security officer unlocks the account."""

    code = "identity.account_locked"
    status = 423
    title = "The account is locked after repeated failed logins"

    def __init__(
        self, *, retry_after_s: int, tenant_id: str | None = None, username: str | None = None
    ) -> None:
        super().__init__(tenant_id=tenant_id, username=username)
        self.retry_after_s = retry_after_s


class AccountFrozen(AuthenticationFailed):
    """A security officer froze the account (an incident): no login until they unfreeze it."""

    code = "identity.account_frozen"
    status = 423
    title = "The account is frozen; a security officer must unfreeze it"


class AddressThrottled(AccountLocked):
    """Too many failed logins from this client address, whatever the accounts."""

    code = "identity.too_many_attempts"
    status = 429
    title = "Too many failed logins from this address; wait before trying again"


class SecondFactorRequired(AnxinError):
    """The session waits for its second factor: it may only verify (or enrol one)."""

    code = "identity.second_factor_required"
    status = 401
    title = "Verify your second factor to continue"


class StepUpRequired(AnxinError):
    code = "step_up_required"
    status = 403
    title = "This action needs a second factor verified in the last few minutes"


class SecondFactorInvalid(AnxinError):
    """A wrong, reused or expired code; the same for each so nothing is learned from it."""

    code = "identity.second_factor_invalid"
    status = 401
    title = "The code is wrong, expired or already used"


class SecondFactorNotEnrolled(AnxinError):
    code = "identity.second_factor_not_enrolled"
    status = 409
    title = "No confirmed second factor; enrol one first"

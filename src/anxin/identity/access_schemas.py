"""Input and output shapes of the grant and account-lifecycle routes. Inputs forbid unknown
fields: a body carrying `role`, `tenant_id` or `user_id` is refused whole (422)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from anxin.access.grants import MAX_MINUTES, MAX_REASON_CHARS, MIN_MINUTES
from anxin.access.permissions import Permission
from anxin.kernel.text import CleanText

Reason = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_REASON_CHARS, strip_whitespace=True),
    CleanText,
]
ScopeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GrantRequest(Input):
    permission: Permission = Field(
        description="A grantable permission, e.g. `contact:conversation:read_assigned`."
    )
    scope_type: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")] = Field(
        description="The object type the permission applies to, e.g. `conversation`."
    )
    scope_id: ScopeId | None = Field(
        None, description="One object's id; omit for every object of the type."
    )
    # Strict: "60" or true is a client bug to report, not a number to guess.
    duration_minutes: StrictInt = Field(ge=MIN_MINUTES, le=MAX_MINUTES)
    reason: Reason


class GrantDecision(Input):
    reason: Reason | None = None


class GrantOut(BaseModel):
    id: str
    user_id: str
    permission: str
    scope_type: str
    scope_id: str | None
    reason: str
    duration_minutes: int
    status: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str | None
    expires_at: dt.datetime | None


class LeaveDate(Input):
    leave_on: dt.date | None = Field(
        description="The last working day (YYYY-MM-DD); null clears it."
    )


class Offboard(Input):
    """No fields yet; present so that a body with any (role, tenant_id...) is refused."""


class AccountOut(BaseModel):
    user_id: str
    username: str
    role: str
    leave_on: dt.date | None
    last_login_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    disabled_at: dt.datetime | None


class OffboardOut(BaseModel):
    user_id: str
    username: str
    disabled_at: dt.datetime | None
    leave_on: dt.date | None
    grants_revoked: int

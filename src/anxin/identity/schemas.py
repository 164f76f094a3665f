"""Input and output shapes of the identity API. Inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from anxin.kernel.text import CleanText

Name = Annotated[str, StringConstraints(min_length=1, max_length=64), CleanText]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Input):
    tenant: Name
    username: Name
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(repr=False)


class LoginResponse(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown once.")
    token_type: str = Field("bearer", description="Always `bearer`.")
    expires_at: dt.datetime = Field(description="Absolute expiry; the session ends then anyway.")
    idle_expires_at: dt.datetime = Field(description="Ends sooner if no request arrives by then.")
    user_id: str
    role: str
    second_factor: str = Field(
        "none",
        description="`required`: the session may only verify a second factor "
        "(POST /auth/second-factor or POST /auth/passkey) or, with none enrolled, enrol one "
        "(POST /me/totp or POST /me/passkeys).",
    )


Code = Annotated[str, StringConstraints(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")]


class SecondFactorRequest(Input):
    code: Code | None = Field(None, description="A 6-digit TOTP code.")
    recovery_code: (
        Annotated[str, StringConstraints(min_length=8, max_length=40), CleanText] | None
    ) = Field(None, repr=False, description="One of the recovery codes; each works once.")


class SecondFactorVerified(BaseModel):
    verified_at: dt.datetime
    step_up_until: dt.datetime = Field(description="Sensitive actions are allowed until then.")


class TotpEnrolmentOut(BaseModel):
    otpauth_uri: str = Field(description="For authenticator apps; shown once.")
    secret: str = Field(description="Base32, for manual entry; shown once.")
    qr_svg: str = Field(description="The otpauth URI as an SVG QR code.")


class TotpConfirm(Input):
    code: Code


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="Shown once; each works once.")


class PasskeyRegistration(Input):
    name: Name = Field(description="Your label for this passkey, e.g. the device's name.")
    credential: dict[str, Any] = Field(
        description="The browser's PublicKeyCredential from navigator.credentials.create(), "
        "as JSON (base64url fields, as PublicKeyCredential.toJSON() gives it)."
    )


class PasskeyAssertion(Input):
    credential: dict[str, Any] = Field(
        description="The browser's PublicKeyCredential from navigator.credentials.get(), as JSON."
    )


class PasskeyOut(BaseModel):
    id: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class UserCreate(Input):
    username: Name
    role: Name
    display_name: (
        Annotated[str, StringConstraints(min_length=1, max_length=128), CleanText] | None
    ) = None
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = Field(
        None, repr=False, description="Omit to have a strong password generated and returned once."
    )


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: str
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    disabled_at: dt.datetime | None
    locked_until: dt.datetime | None = None


class UserCreated(UserOut):
    password: str | None = Field(description="Only when generated; shown this once.")


class GatewayCreate(Input):
    name: Name


class GatewayCreated(BaseModel):
    id: str
    name: str
    api_key: str = Field(description="Shown once; stored only as a hash.")


class Me(BaseModel):
    tenant_id: str | None
    actor_type: str
    actor_id: str
    role: str
    name: str


class SessionsRevoked(BaseModel):
    username: str
    sessions_revoked: int

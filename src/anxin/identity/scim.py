"""SCIM 2.0 provisioning (RFC 7643 resources, RFC 7644 operations) of a tenant's staff users.

An identity provider holds a per-tenant bearer token (only its SHA-256 is stored) and creates,
updates, deactivates and deletes users; the seven staff roles are seven fixed groups, so group
membership is the user's role. Payloads are checked by hand against the attributes published in
/Schemas: an unknown attribute or a wrong type is a SCIM error (`ScimError`), raised before
anything is written. Every write is audited in the caller's transaction; refusals are audited by
the HTTP layer in a transaction of their own (the request's has rolled back).

Decisions (docs/scim.md):
- a user is in exactly one group (one role). A user created without a group, or removed from
  their group, is in the default group `intern`, the least-privileged serving role; adding a
  user who is already in another non-default group is refused (remove them there first).
- DELETE keeps the row for the audit trail: the user is disabled (every session revoked) and
  answers 404 to SCIM from then on; the username stays taken.
- SCIM-created users get a random password that is hashed and never returned: they cannot sign
  in with a password until an admin sets one (no set-password operation exists yet).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.identity import secrets
from anxin.identity.models import ScimToken, User, UserSession
from anxin.identity.service import USERNAME_PATTERN
from anxin.kernel.clock import Clock
from anxin.kernel.errors import AnxinError
from anxin.kernel.ids import new_id
from anxin.kernel.principal import STAFF_ROLES, ActorType, Principal, Role
from anxin.tenancy.models import Tenant

SCIM_PREFIX = "axscim_"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
DEFAULT_ROLE = Role.INTERN
MAX_COUNT = 200
_MAX_TOKEN_CHARS = 128
_TOUCH_INTERVAL = dt.timedelta(seconds=60)
_MAX_DISPLAY_NAME = 128
_MAX_EXTERNAL_ID = 128
# Group ids are the role names; the display names use hyphens like the demo usernames.
GROUP_IDS: tuple[str, ...] = tuple(sorted(r.value for r in STAFF_ROLES))
_FILTER = re.compile(r'^\s*([A-Za-z.:0-9]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_MEMBER_PATH = re.compile(r'^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$', re.IGNORECASE)
_SENTINEL: Any = object()
# external_id of a user deleted through SCIM: the row is kept (audit), disabled and invisible to
# SCIM. SCIM itself never accepts an empty externalId, so no live user carries the mark.
_DELETED = ""


class ScimError(AnxinError):
    """A SCIM error response (RFC 7644 §3.12): HTTP status, optional scimType, detail."""

    code = "scim.error"

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.http_status = status
        self.scim_type = scim_type

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schemas": [ERROR_SCHEMA],
            "status": str(self.http_status),
            "detail": self.detail,
        }
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def _invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def _syntax(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidSyntax")


# --- tokens -------------------------------------------------------------------------------


def create_token(session: Session, *, principal: Principal, clock: Clock) -> tuple[ScimToken, str]:
    """A new SCIM token for the principal's tenant; the token is returned once, stored hashed."""
    authorize(principal, Permission.USER_MANAGE, object_type="scim_token")
    if principal.tenant_id is None:
        raise ScimError(400, "a SCIM token belongs to a tenant")
    token = secrets.new_token(SCIM_PREFIX)
    now = clock.now()
    row = ScimToken(
        id=new_id(),
        tenant_id=principal.tenant_id,
        token_hash=secrets.token_hash(token),
        created_at=now,
    )
    session.add(row)
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.SCIM_TOKEN_CREATE,
        object_type="scim_token",
        object_id=row.id,
        now=now,
    )
    return row, token


def list_tokens(session: Session, *, principal: Principal) -> list[ScimToken]:
    authorize(principal, Permission.USER_MANAGE, object_type="scim_token")
    return list(session.scalars(select(ScimToken).order_by(ScimToken.created_at)))


def revoke_token(session: Session, *, principal: Principal, clock: Clock, token_id: str) -> None:
    authorize(principal, Permission.USER_MANAGE, object_type="scim_token")
    row = session.get(ScimToken, token_id)
    if row is None or row.tenant_id != principal.tenant_id:
        raise ScimError(404, f"no SCIM token {token_id!r} in this tenant")
    now = clock.now()
    if row.revoked_at is None:
        row.revoked_at = now
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.SCIM_TOKEN_REVOKE,
        object_type="scim_token",
        object_id=row.id,
        now=now,
    )


def authenticate(
    session: Session, *, token: str | None, clock: Clock, client_addr: str | None
) -> Principal:
    """The principal of a SCIM token (platform scope), or a 401 ScimError."""
    if not token or len(token) > _MAX_TOKEN_CHARS or not token.startswith(SCIM_PREFIX):
        raise ScimError(401, "a valid SCIM bearer token is required")
    row = session.execute(
        select(ScimToken, Tenant.disabled_at)
        .join(Tenant, Tenant.id == ScimToken.tenant_id)
        .where(ScimToken.token_hash == secrets.token_hash(token))
    ).first()
    if row is None or row[0].revoked_at is not None or row[1] is not None:
        raise ScimError(401, "a valid SCIM bearer token is required")
    scim_token: ScimToken = row[0]
    now = clock.now()
    if scim_token.last_used_at is None or now - scim_token.last_used_at >= _TOUCH_INTERVAL:
        scim_token.last_used_at = now
    return scim_principal(scim_token.tenant_id, scim_token.id, client_addr)


def scim_principal(tenant_id: str, token_id: str, client_addr: str | None = None) -> Principal:
    """The identity provider acting through one token: a trusted system actor of one tenant."""
    return Principal(
        tenant_id=tenant_id,
        actor_type=ActorType.SYSTEM,
        actor_id=f"scim:{token_id}",
        role=Role.SYSTEM,
        name="scim",
        client_addr=client_addr,
    )


# --- representation -----------------------------------------------------------------------


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def user_resource(user: User, base_url: str) -> dict[str, Any]:
    location = f"{base_url}/Users/{user.id}"
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": user.username,
        "displayName": user.display_name,
        "name": {"formatted": user.display_name},
        "active": user.disabled_at is None,
        "groups": [
            {
                "value": user.role,
                "display": user.role.replace("_", "-"),
                "$ref": f"{base_url}/Groups/{user.role}",
                "type": "direct",
            }
        ],
        "meta": {
            "resourceType": "User",
            "created": _iso(user.created_at),
            "lastModified": _iso(max(user.created_at, user.disabled_at or user.created_at)),
            "location": location,
        },
    }
    if user.external_id is not None:
        resource["externalId"] = user.external_id
    return resource


def group_resource(role: str, members: Sequence[User], base_url: str) -> dict[str, Any]:
    return {
        "schemas": [GROUP_SCHEMA],
        "id": role,
        "displayName": role.replace("_", "-"),
        "members": [
            {
                "value": u.id,
                "display": u.username,
                "$ref": f"{base_url}/Users/{u.id}",
                "type": "User",
            }
            for u in members
        ],
        "meta": {"resourceType": "Group", "location": f"{base_url}/Groups/{role}"},
    }


def project(
    resource: dict[str, Any], *, attributes: str | None, excluded: str | None
) -> dict[str, Any]:
    """Apply `attributes` / `excludedAttributes` (top-level names, RFC 7644 §3.4.2.5)."""
    always = {"schemas", "id"}
    if attributes:
        wanted = {a.strip().split(".")[0].lower() for a in attributes.split(",") if a.strip()}
        return {k: v for k, v in resource.items() if k in always or k.lower() in wanted}
    if excluded:
        dropped = {a.strip().split(".")[0].lower() for a in excluded.split(",") if a.strip()}
        return {k: v for k, v in resource.items() if k in always or k.lower() not in dropped}
    return resource


# --- validation ---------------------------------------------------------------------------

# Attributes of the core User schema (RFC 7643 §4.1) that Anxin does not keep: accepted and
# dropped, so identity providers that always send them (e-mails, name parts) work, and no
# personal data beyond what access control needs is stored.
_IGNORED_USER_ATTRIBUTES = frozenset(
    {
        "nickname",
        "profileurl",
        "title",
        "usertype",
        "preferredlanguage",
        "locale",
        "timezone",
        "password",
        "emails",
        "phonenumbers",
        "ims",
        "photos",
        "addresses",
        "entitlements",
        "roles",
        "x509certificates",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user",
    }
)
_IGNORED_NAME_PARTS = frozenset(
    {"familyname", "givenname", "middlename", "honorificprefix", "honorificsuffix"}
)
_READ_ONLY = frozenset({"id", "meta", "groups"})


@dataclasses.dataclass
class UserFields:
    """What a SCIM User payload sets; `_SENTINEL` means absent."""

    user_name: Any = _SENTINEL
    display_name: Any = _SENTINEL
    active: Any = _SENTINEL
    external_id: Any = _SENTINEL


def _string(name: str, value: Any, *, max_chars: int, allow_null: bool = True) -> str | None:
    if value is None and allow_null:
        return None
    if not isinstance(value, str):
        raise _invalid(f"'{name}' must be a string, not {type(value).__name__}")
    if len(value) > max_chars:
        raise _invalid(f"'{name}' is longer than {max_chars} characters")
    return value


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        # Azure AD sends "True"/"False" as strings in PATCH values.
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise _invalid(f"'{name}' must be a boolean, not {type(value).__name__}")
    return value


def _set_user_attribute(fields: UserFields, name: str, value: Any) -> None:  # noqa: PLR0912
    """One top-level attribute (or `name.formatted`) of a User payload into `fields`."""
    key = name.lower()
    if key == "username":
        if not isinstance(value, str):
            raise _invalid(f"'userName' must be a string, not {type(value).__name__}")
        fields.user_name = value
    elif key == "displayname":
        fields.display_name = _string("displayName", value, max_chars=_MAX_DISPLAY_NAME)
    elif key == "name":
        if value is None:
            fields.display_name = None
            return
        if not isinstance(value, dict):
            raise _invalid(f"'name' must be an object, not {type(value).__name__}")
        for part, part_value in value.items():
            _set_user_attribute(fields, f"name.{part}", part_value)
    elif key == "name.formatted":
        formatted = _string("name.formatted", value, max_chars=_MAX_DISPLAY_NAME)
        if fields.display_name is _SENTINEL or fields.display_name is None:
            fields.display_name = formatted
    elif key.startswith("name.") and key[5:] in _IGNORED_NAME_PARTS:
        if value is not None and not isinstance(value, str):
            raise _invalid(f"'{name}' must be a string, not {type(value).__name__}")
    elif key == "active":
        fields.active = _boolean("active", value)
    elif key == "externalid":
        external_id = _string("externalId", value, max_chars=_MAX_EXTERNAL_ID)
        if external_id == _DELETED:
            raise _invalid("'externalId' must not be empty")
        fields.external_id = external_id
    elif key in _IGNORED_USER_ATTRIBUTES:
        return
    elif key in _READ_ONLY:
        return  # readOnly attributes in a request are ignored (RFC 7643 §2.2)
    else:
        raise _syntax(f"unknown attribute '{name}' for a User (see /scim/v2/Schemas)")


def _check_schemas(payload: Mapping[str, Any], expected: str) -> None:
    schemas = payload.get("schemas")
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise _syntax(f"'schemas' must be a list of URIs including {expected}")
    if expected not in schemas:
        raise _syntax(f"'schemas' must include {expected}")


def parse_user(payload: Any) -> UserFields:
    """Validate a full User (POST, PUT): every error is raised before anything is written."""
    if not isinstance(payload, dict):
        raise _syntax("the body must be a JSON object")
    _check_schemas(payload, USER_SCHEMA)
    fields = UserFields()
    for name, value in payload.items():
        if name == "schemas":
            continue
        _set_user_attribute(fields, name, value)
    if fields.user_name is _SENTINEL:
        raise _invalid("'userName' is required")
    _check_user_name(fields.user_name)
    return fields


def _check_user_name(value: Any) -> str:
    if not isinstance(value, str) or not USERNAME_PATTERN.match(value):
        raise _invalid("'userName' must be 2-64 characters of a-z, 0-9, '.', '_' and '-'")
    return value


# --- users --------------------------------------------------------------------------------


def _user(session: Session, user_id: str, tenant_id: str | None) -> User:
    user = session.get(User, user_id)
    if user is not None and user.tenant_id != tenant_id:
        user = None
    if user is None or _is_deleted(user):
        raise ScimError(404, f"no User {user_id!r}")
    return user


def _is_deleted(user: User) -> bool:
    return user.external_id == _DELETED and user.disabled_at is not None


def _visible_users(tenant_id: str | None) -> Any:
    # The tenant is named here as well as by the session's scoping: the count below is a
    # Core subquery, which the ORM's tenant criteria do not reach.
    return select(User).where(
        User.tenant_id == tenant_id,
        (User.disabled_at.is_(None))
        | (User.external_id.is_(None))
        | (User.external_id != _DELETED),
    )


def get_user(session: Session, *, principal: Principal, user_id: str) -> User:
    authorize(principal, Permission.USER_MANAGE, object_type="user", object_id=user_id)
    return _user(session, user_id, principal.tenant_id)


def list_users(
    session: Session,
    *,
    principal: Principal,
    filter_: str | None,
    start_index: int,
    count: int,
) -> tuple[int, list[User]]:
    authorize(principal, Permission.USER_MANAGE, object_type="user")
    query = _visible_users(principal.tenant_id)
    if filter_:
        attribute, value = _parse_filter(filter_)
        columns = {
            "username": User.username,
            "externalid": User.external_id,
            "id": User.id,
            "displayname": User.display_name,
        }
        column = columns.get(attribute.lower())
        if column is None:
            raise ScimError(400, f"cannot filter Users on '{attribute}'", "invalidFilter")
        if attribute.lower() == "username":
            query = query.where(func.lower(column) == value.lower())
        else:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(User.created_at, User.id).offset(start_index - 1).limit(count)
    )
    return total, list(rows)


def _parse_filter(filter_: str) -> tuple[str, str]:
    match = _FILTER.match(filter_)
    if match is None:
        raise ScimError(
            400, 'only filters of the form `attribute eq "value"` are supported', "invalidFilter"
        )
    return match.group(1), match.group(2).replace('\\"', '"').replace("\\\\", "\\")


def create_user(session: Session, *, principal: Principal, clock: Clock, payload: Any) -> User:
    authorize(principal, Permission.USER_MANAGE, object_type="user")
    fields = parse_user(payload)
    username = _check_user_name(fields.user_name)
    _check_unique(session, username, None, principal.tenant_id)
    now = clock.now()
    display = fields.display_name if isinstance(fields.display_name, str) else None
    user = User(
        id=new_id(),
        tenant_id=principal.tenant_id,
        username=username,
        display_name=display or username,
        role=DEFAULT_ROLE.value,
        # Never returned: a SCIM user signs in once an admin gives them a password.
        password_hash=secrets.hash_password(secrets.new_password()),
        created_at=now,
        external_id=fields.external_id if isinstance(fields.external_id, str) else None,
        disabled_at=None if fields.active is _SENTINEL or fields.active else now,
    )
    session.add(user)
    session.flush()
    _audit(session, principal, AuditAction.SCIM_CREATE_USER, user.id, now, {"role": user.role})
    return user


def _check_unique(
    session: Session, username: str, user_id: str | None, tenant_id: str | None
) -> None:
    other = session.scalars(
        select(User.id).where(User.tenant_id == tenant_id, User.username == username)
    ).first()
    if other is not None and other != user_id:
        raise ScimError(409, f"userName {username!r} is already taken", "uniqueness")


def replace_user(
    session: Session, *, principal: Principal, clock: Clock, user_id: str, payload: Any
) -> User:
    authorize(principal, Permission.USER_MANAGE, object_type="user", object_id=user_id)
    user = _user(session, user_id, principal.tenant_id)
    fields = parse_user(payload)
    if fields.display_name is _SENTINEL:
        fields.display_name = None
    if fields.external_id is _SENTINEL:
        fields.external_id = None
    return _apply(session, principal, clock, user, fields, AuditAction.SCIM_REPLACE_USER)


def _apply(
    session: Session,
    principal: Principal,
    clock: Clock,
    user: User,
    fields: UserFields,
    action: AuditAction,
) -> User:
    """Write validated fields to a user, revoke sessions on deactivation, audit once."""
    now = clock.now()
    changed: list[str] = []
    if fields.user_name is not _SENTINEL and fields.user_name != user.username:
        username = _check_user_name(fields.user_name)
        _check_unique(session, username, user.id, user.tenant_id)
        user.username = username
        changed.append("userName")
    if fields.display_name is not _SENTINEL:
        display = fields.display_name or user.username
        if display != user.display_name:
            user.display_name = display
            changed.append("displayName")
    if fields.external_id is not _SENTINEL and fields.external_id != user.external_id:
        user.external_id = fields.external_id
        changed.append("externalId")
    revoked = 0
    if fields.active is not _SENTINEL:
        if fields.active and user.disabled_at is not None:
            user.disabled_at = None
            changed.append("active")
        elif not fields.active:
            if user.disabled_at is None:
                user.disabled_at = now
                changed.append("active")
            revoked = _revoke_sessions(session, user.id, now)
    session.flush()
    _audit(
        session,
        principal,
        action,
        user.id,
        now,
        {"changed": changed, "sessions_revoked": revoked},
    )
    return user


def _revoke_sessions(session: Session, user_id: str, now: dt.datetime) -> int:
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def patch_user(
    session: Session, *, principal: Principal, clock: Clock, user_id: str, payload: Any
) -> User:
    """RFC 7644 §3.5.2 PatchOp: add / replace / remove of the User's writable attributes."""
    authorize(principal, Permission.USER_MANAGE, object_type="user", object_id=user_id)
    user = _user(session, user_id, principal.tenant_id)
    fields = UserFields()
    for op, path, value in _operations(payload):
        if path is None:
            if op == "remove":
                raise ScimError(400, "'remove' needs a path", "noTarget")
            if not isinstance(value, dict):
                raise _invalid("an operation without a path needs an object value")
            for name, attribute_value in value.items():
                _set_user_attribute(fields, name, attribute_value)
            continue
        key = path.lower()
        if key in {"id", "meta", "groups"} or key.startswith("groups"):
            raise ScimError(400, f"'{path}' is readOnly; use /Groups", "mutability")
        if op == "remove":
            if key == "username":
                raise ScimError(400, "'userName' is required", "mutability")
            if key == "active":
                raise ScimError(400, "'active' cannot be removed; set it to false", "mutability")
            _set_user_attribute(fields, path, None)
        else:
            _set_user_attribute(fields, path, value)
    if fields.user_name is not _SENTINEL:
        _check_user_name(fields.user_name)
    return _apply(session, principal, clock, user, fields, AuditAction.SCIM_PATCH_USER)


def _operations(payload: Any) -> list[tuple[str, str | None, Any]]:
    """The validated operations of a PatchOp body: (op, path or None, value)."""
    if not isinstance(payload, dict):
        raise _syntax("the body must be a JSON object")
    _check_schemas(payload, PATCH_SCHEMA)
    unknown = set(payload) - {"schemas", "Operations"}
    if unknown:
        raise _syntax(f"unknown attribute '{sorted(unknown)[0]}' for a PatchOp")
    operations = payload.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise _syntax("'Operations' must be a non-empty list")
    parsed: list[tuple[str, str | None, Any]] = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise _syntax("each operation must be an object")
        extra = set(operation) - {"op", "path", "value"}
        if extra:
            raise _syntax(f"unknown attribute '{sorted(extra)[0]}' in an operation")
        op = operation.get("op")
        if not isinstance(op, str) or op.lower() not in {"add", "replace", "remove"}:
            raise _invalid("'op' must be one of add, replace, remove")
        path = operation.get("path")
        if path is not None and (not isinstance(path, str) or not path.strip()):
            raise ScimError(400, "'path' must be a non-empty string", "invalidPath")
        if path is not None and path.lower().startswith(USER_SCHEMA.lower() + ":"):
            path = path[len(USER_SCHEMA) + 1 :]
        if op.lower() != "remove" and "value" not in operation:
            raise _invalid(f"'{op}' needs a value")
        parsed.append((op.lower(), path, operation.get("value")))
    return parsed


def delete_user(session: Session, *, principal: Principal, clock: Clock, user_id: str) -> None:
    """Disable, revoke every session and hide from SCIM; the row stays for the audit trail."""
    authorize(principal, Permission.USER_MANAGE, object_type="user", object_id=user_id)
    user = _user(session, user_id, principal.tenant_id)
    now = clock.now()
    if user.disabled_at is None:
        user.disabled_at = now
    user.external_id = _DELETED
    revoked = _revoke_sessions(session, user.id, now)
    detail = {"sessions_revoked": revoked}
    _audit(session, principal, AuditAction.SCIM_DELETE_USER, user.id, now, detail)


# --- groups -------------------------------------------------------------------------------


def _role(group_id: str) -> str:
    if group_id not in GROUP_IDS:
        raise ScimError(404, f"no Group {group_id!r}; the groups are the staff roles")
    return group_id


def group_members(session: Session, role: str, tenant_id: str | None) -> list[User]:
    query = _visible_users(tenant_id).where(User.role == role).order_by(User.username)
    return list(session.scalars(query))


def get_group(session: Session, *, principal: Principal, group_id: str) -> list[User]:
    authorize(principal, Permission.USER_MANAGE, object_type="group", object_id=group_id)
    return group_members(session, _role(group_id), principal.tenant_id)


def list_groups(
    session: Session, *, principal: Principal, filter_: str | None
) -> list[tuple[str, list[User]]]:
    authorize(principal, Permission.USER_MANAGE, object_type="group")
    roles = list(GROUP_IDS)
    if filter_:
        attribute, value = _parse_filter(filter_)
        if attribute.lower() == "displayname":
            roles = [r for r in roles if r.replace("_", "-") == value or r == value]
        elif attribute.lower() == "id":
            roles = [r for r in roles if r == value]
        else:
            raise ScimError(400, f"cannot filter Groups on '{attribute}'", "invalidFilter")
    return [(r, group_members(session, r, principal.tenant_id)) for r in roles]


def _member_ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    ids: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            raise _invalid("'members' must be a list of objects with a 'value'")
        extra = {k.lower() for k in item} - {"value", "display", "$ref", "type"}
        if extra:
            raise _syntax(f"unknown attribute '{sorted(extra)[0]}' in a member")
        member = item.get("value")
        if not isinstance(member, str):
            raise _invalid("a member's 'value' must be a string (a User id)")
        ids.append(member)
    return ids


def _move(
    session: Session,
    principal: Principal,
    clock: Clock,
    *,
    role: str,
    add: Sequence[str],
    remove: Sequence[str],
) -> None:
    """Apply membership changes to one group (role) after checking all of them."""
    adds = [_member(session, i, principal.tenant_id) for i in add]
    removes = [_member(session, i, principal.tenant_id) for i in remove]
    for user in adds:
        current = user.role
        if current not in {role, DEFAULT_ROLE.value}:
            raise _invalid(
                f"user {user.username!r} is already in group {current!r}; a user has one role,"
                f" so remove them from {current!r} first"
            )
    now = clock.now()
    for user in removes:
        if user.role == role:
            if role == DEFAULT_ROLE.value:
                raise _invalid(
                    f"{role!r} is the default group of users in no other group; move the user"
                    " to another group or deactivate them instead"
                )
            _set_role(session, principal, user, DEFAULT_ROLE.value, now)
    for user in adds:
        if user.role != role:
            _set_role(session, principal, user, role, now)


def _member(session: Session, user_id: str, tenant_id: str | None) -> User:
    user = session.get(User, user_id)
    if user is None or user.tenant_id != tenant_id or _is_deleted(user):
        raise _invalid(f"no User {user_id!r} to be a member")
    return user


def _set_role(
    session: Session, principal: Principal, user: User, role: str, now: dt.datetime
) -> None:
    previous = user.role
    user.role = role
    # A changed role takes effect at once: sessions carry the role, so they end.
    revoked = _revoke_sessions(session, user.id, now)
    _audit(
        session,
        principal,
        AuditAction.SCIM_SET_ROLE,
        user.id,
        now,
        {"from": previous, "to": role, "sessions_revoked": revoked},
    )


def patch_group(  # noqa: PLR0912 (one branch per PatchOp form, read in one place)
    session: Session, *, principal: Principal, clock: Clock, group_id: str, payload: Any
) -> list[User]:
    """PatchOp on a group's members: add, remove (`members[value eq "id"]` or a value list),
    replace (the whole list). displayName is fixed (the role)."""
    authorize(principal, Permission.USER_MANAGE, object_type="group", object_id=group_id)
    role = _role(group_id)
    current = {u.id for u in group_members(session, role, principal.tenant_id)}
    target = set(current)
    for op, path, value in _operations(payload):
        key = (path or "").lower()
        member_match = _MEMBER_PATH.match(path or "")
        if member_match and op == "remove":
            target.discard(member_match.group(1))
        elif key == "members":
            ids = _member_ids(value) if value is not None else []
            if op == "add":
                target |= set(ids)
            elif op == "remove":
                target = target - set(ids) if value is not None else set()
            else:
                target = set(ids)
        elif path is None and isinstance(value, dict):
            for name, attribute_value in value.items():
                if name.lower() == "members":
                    ids = _member_ids(attribute_value)
                    target = target | set(ids) if op == "add" else set(ids)
                elif name.lower() == "displayname" and attribute_value == role.replace("_", "-"):
                    continue
                elif name.lower() in {"displayname", "id", "externalid"}:
                    raise ScimError(400, f"'{name}' of a Group is fixed", "mutability")
                else:
                    raise _syntax(f"unknown attribute '{name}' for a Group")
        elif key in {"displayname", "id", "externalid"}:
            raise ScimError(400, f"'{path}' of a Group is fixed", "mutability")
        else:
            raise ScimError(400, f"cannot patch '{path}' of a Group", "invalidPath")
    _move(
        session,
        principal,
        clock,
        role=role,
        add=sorted(target - current),
        remove=sorted(current - target),
    )
    session.flush()
    _audit(
        session,
        principal,
        AuditAction.SCIM_PATCH_GROUP,
        None,
        clock.now(),
        {"group": role, "added": len(target - current), "removed": len(current - target)},
        object_type="group",
    )
    return group_members(session, role, principal.tenant_id)


def replace_group(
    session: Session, *, principal: Principal, clock: Clock, group_id: str, payload: Any
) -> list[User]:
    """PUT a Group: its members are replaced; its displayName must stay the role's."""
    authorize(principal, Permission.USER_MANAGE, object_type="group", object_id=group_id)
    role = _role(group_id)
    if not isinstance(payload, dict):
        raise _syntax("the body must be a JSON object")
    _check_schemas(payload, GROUP_SCHEMA)
    members: list[str] = []
    for name, value in payload.items():
        key = name.lower()
        if key in {"schemas", "id", "meta"}:
            continue
        if key == "displayname":
            if value not in {role, role.replace("_", "-")}:
                raise ScimError(400, "a Group's displayName is fixed (the role)", "mutability")
        elif key == "members":
            members = _member_ids(value) if value is not None else []
        else:
            raise _syntax(f"unknown attribute '{name}' for a Group")
    return patch_group(
        session,
        principal=principal,
        clock=clock,
        group_id=group_id,
        payload={
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "replace", "path": "members", "value": [{"value": m} for m in members]}
            ],
        },
    )


def _audit(
    session: Session,
    principal: Principal,
    action: AuditAction,
    object_id: str | None,
    now: dt.datetime,
    detail: Mapping[str, Any],
    *,
    object_type: str = "user",
) -> None:
    audit_service.append(
        session,
        principal=principal,
        action=action,
        object_type=object_type,
        object_id=object_id,
        now=now,
        detail=detail,
    )

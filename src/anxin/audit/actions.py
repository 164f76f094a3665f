"""Audit actions as a closed vocabulary `package:subject:action` (STYLE.md habit 5)."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    TENANT_CREATE = "tenancy:tenant:create"
    USER_CREATE = "identity:user:create"
    USER_DISABLE = "identity:user:disable"
    USER_LIST = "identity:user:list"
    USER_LOCK = "identity:user:lock"
    USER_UNLOCK = "identity:user:unlock"
    SESSION_REVOKE_ALL = "identity:session:revoke_all"
    TOTP_ENROL = "identity:totp:enrol"
    TOTP_CONFIRM = "identity:totp:confirm"
    SECOND_FACTOR_VERIFY = "identity:second_factor:verify"
    GATEWAY_CREATE = "identity:gateway:create"
    SCIM_TOKEN_CREATE = "identity:scim_token:create"  # noqa: S105 (a name, not a secret)
    SCIM_TOKEN_REVOKE = "identity:scim_token:revoke"  # noqa: S105
    SCIM_CREATE_USER = "identity:scim:create_user"
    SCIM_REPLACE_USER = "identity:scim:replace_user"
    SCIM_PATCH_USER = "identity:scim:patch_user"
    SCIM_DELETE_USER = "identity:scim:delete_user"
    SCIM_SET_ROLE = "identity:scim:set_role"
    SCIM_PATCH_GROUP = "identity:scim:patch_group"
    SCIM_REFUSED = "identity:scim:refuse"
    LOGIN = "identity:session:login"
    LOGOUT = "identity:session:logout"
    CUSTOMER_CREATE = "contact:customer:create"
    CUSTOMER_READ = "contact:customer:read"
    CUSTOMER_LOOKUP = "contact:customer:lookup"
    CUSTOMER_HISTORY = "contact:customer:history"
    CONVERSATION_CREATE = "contact:conversation:create"
    CONVERSATION_READ = "contact:conversation:read"
    CONVERSATION_LIST = "contact:conversation:list"
    CONVERSATION_ASSIGN = "contact:conversation:assign"
    CONVERSATION_WRAP_UP = "contact:conversation:wrap_up"
    CONVERSATION_CLOSE = "contact:conversation:close"
    MESSAGE_APPEND = "contact:message:append"
    MESSAGE_READ = "contact:message:read"
    MESSAGE_FIND_MENTIONS = "contact:message:find_mentions"
    TICKET_CREATE = "contact:ticket:create"
    TICKET_READ = "contact:ticket:read"
    TICKET_UPDATE = "contact:ticket:update"
    CUSTOMER_ERASE = "contact:customer:erase"
    DATA_MAP_READ = "contact:data_map:read"
    VALUE_REVEAL = "contact:value:reveal"
    PII_REPORT_READ = "contact:pii_report:read"
    ACCESS_DENIED = "access:decision:deny"
    KEY_CREATE = "crypto:key:create"
    KEY_ROTATE = "crypto:key:rotate"
    KEY_RETIRE = "crypto:key:retire"
    KEY_DESTROY = "crypto:key:destroy"
    KEY_UNWRAP_FAILED = "crypto:key:unwrap_failed"
    KEY_CHECK = "crypto:key:check"
    KEY_POLICY = "crypto:key:policy"


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILED = "failed"

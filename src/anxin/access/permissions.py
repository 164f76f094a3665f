"""Permissions as `scope:resource:action` and the one table that grants them to roles.

Deny by default: a role has exactly the permissions listed here. Conditions that depend on the
object (an agent reads only conversations assigned to them) live in the owning service's rules.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from anxin.kernel.principal import Role


class Permission(enum.StrEnum):
    CONVERSATION_CREATE = "contact:conversation:create"
    CONVERSATION_ASSIGN = "contact:conversation:assign"
    CONVERSATION_READ_ASSIGNED = "contact:conversation:read_assigned"
    CONVERSATION_WRAP_UP = "contact:conversation:wrap_up"
    CONVERSATION_CLOSE = "contact:conversation:close"
    MESSAGE_APPEND = "contact:message:append"
    MESSAGE_FIND_MENTIONS = "contact:message:find_mentions"
    CUSTOMER_LOOKUP = "contact:customer:lookup"
    CUSTOMER_READ_ASSIGNED = "contact:customer:read_assigned"
    CUSTOMER_IMPORT = "contact:customer:import"
    CUSTOMER_ERASE = "contact:customer:erase"
    # Counts of stored personal data by class and table (the data map): no values.
    DATA_MAP_READ = "contact:data_map:read"
    # One raw value (a customer field or a message) with a reason, rate-limited and audited;
    # the masking policy's reveal.roles narrows who of these may.
    VALUE_REVEAL = "contact:value:reveal"
    # Counts of detected personal data per type and queue: numbers, never values.
    PII_REPORT_READ = "contact:pii_report:read"
    # Conversations per queue, status and disposition; handling times; satisfaction.
    QUEUE_REPORT_READ = "contact:queue_report:read"
    TICKET_CREATE = "contact:ticket:create"
    TICKET_READ_ASSIGNED = "contact:ticket:read_assigned"
    USER_MANAGE = "identity:user:manage"
    # Lift a lockout; end every session of a user (security officers: incidents).
    USER_UNLOCK = "identity:user:unlock"
    # Hold an account during an incident (sessions end, no login until unfrozen by unlock).
    USER_FREEZE = "identity:user:freeze"
    SESSION_REVOKE = "identity:session:revoke"
    GATEWAY_MANAGE = "identity:gateway:manage"
    # The tenant's audit log (oversight/): search it, read checkpoints, proofs and leaves.
    AUDIT_READ = "audit:event:read"
    # Export matching events as CSV or JSON Lines (a bulk copy: step-up on the API).
    AUDIT_EXPORT = "audit:event:export"
    # What one user did (incidents: security officers too).
    AUDIT_USER_REPORT = "audit:user_report:read"
    # Who touched one customer's data (data-subject requests: privacy officers too).
    AUDIT_CUSTOMER_REPORT = "audit:customer_report:read"
    # Per-day counts by action and outcome, denials, reveals.
    AUDIT_DAILY_REPORT = "audit:daily_report:read"
    # Sign a checkpoint of the log now (the scheduled job does it too); reads nothing.
    AUDIT_CHECKPOINT = "audit:checkpoint:create"
    # Temporary grants (access/grants.py): any staff member may ask; approving is two-person.
    GRANT_REQUEST = "access:grant:request"
    GRANT_APPROVE = "access:grant:approve"
    # Account reports (leavers still active, privileged accounts and their last use): no data.
    USER_REPORT_READ = "identity:user_report:read"


_AGENT = frozenset(
    {
        Permission.CONVERSATION_READ_ASSIGNED,
        Permission.CONVERSATION_WRAP_UP,
        Permission.CONVERSATION_CLOSE,
        Permission.MESSAGE_APPEND,
        Permission.CUSTOMER_LOOKUP,
        Permission.CUSTOMER_READ_ASSIGNED,
        Permission.TICKET_CREATE,
        Permission.TICKET_READ_ASSIGNED,
    }
)

_STAFF = frozenset({Permission.GRANT_REQUEST})

# Reading the audit log in any form. Never the system role's: a platform job has no business
# reading who did what, and the CLI names an accountable person instead (cli/audit_search.py).
AUDIT_READS = frozenset(
    {
        Permission.AUDIT_READ,
        Permission.AUDIT_EXPORT,
        Permission.AUDIT_USER_REPORT,
        Permission.AUDIT_CUSTOMER_REPORT,
        Permission.AUDIT_DAILY_REPORT,
    }
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.AGENT: _STAFF | _AGENT | {Permission.VALUE_REVEAL},
    # Interns serve customers like agents; reveal (and later export and download) are withheld.
    Role.INTERN: _STAFF | _AGENT,
    # "Which conversations mentioned this number": ids and positions only, never texts, for
    # those who investigate (quality, incidents, data-subject requests); not for frontline staff.
    Role.SUPERVISOR: _STAFF
    | {
        Permission.MESSAGE_FIND_MENTIONS,
        Permission.PII_REPORT_READ,
        Permission.QUEUE_REPORT_READ,
    },
    Role.ADMIN: _STAFF
    | {
        Permission.USER_MANAGE,
        Permission.GATEWAY_MANAGE,
        Permission.MESSAGE_FIND_MENTIONS,
        Permission.GRANT_APPROVE,
        Permission.USER_REPORT_READ,
        Permission.AUDIT_CHECKPOINT,
    },
    Role.AUDITOR: _STAFF | AUDIT_READS | {Permission.USER_REPORT_READ, Permission.AUDIT_CHECKPOINT},
    Role.SECURITY_OFFICER: _STAFF
    | {
        Permission.MESSAGE_FIND_MENTIONS,
        Permission.GRANT_APPROVE,
        Permission.USER_REPORT_READ,
        Permission.USER_UNLOCK,
        Permission.USER_FREEZE,
        Permission.SESSION_REVOKE,
        Permission.AUDIT_USER_REPORT,
        Permission.AUDIT_DAILY_REPORT,
    },
    # Erasure is the privacy officer's (data-subject requests build on it in the privacy issue).
    Role.PRIVACY_OFFICER: _STAFF
    | {
        Permission.CUSTOMER_ERASE,
        Permission.MESSAGE_FIND_MENTIONS,
        Permission.DATA_MAP_READ,
        Permission.PII_REPORT_READ,
        Permission.AUDIT_CUSTOMER_REPORT,
    },
    Role.GATEWAY: frozenset(
        {
            Permission.CONVERSATION_CREATE,
            Permission.CONVERSATION_ASSIGN,
            Permission.CONVERSATION_WRAP_UP,
            Permission.CONVERSATION_CLOSE,
            Permission.MESSAGE_APPEND,
        }
    ),
    Role.OPERATOR: frozenset(),
    # Trusted platform jobs (demo seeding, benchmarks, imports) inside one tenant.
    Role.SYSTEM: frozenset(Permission) - AUDIT_READS,
}


# What a temporary grant may carry, and the object type its scope names (the `object_type`
# the owning service passes to authorize()). Anything else (user or key management, erasure,
# reveal, approving grants) is never grantable: those stay with roles.
GRANTABLE: Mapping[Permission, str] = {
    Permission.CONVERSATION_READ_ASSIGNED: "conversation",
    Permission.CUSTOMER_READ_ASSIGNED: "conversation",
    Permission.TICKET_READ_ASSIGNED: "ticket",
    Permission.MESSAGE_FIND_MENTIONS: "conversation",
    Permission.PII_REPORT_READ: "report",
    Permission.DATA_MAP_READ: "data_map",
}

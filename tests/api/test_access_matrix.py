"""Who may call what, checked exhaustively: every route × every caller × four targets.

Each route declares its requirement next to itself (`openapi_extra=requires(...)`). This file
checks that every route has one, that every route has a sample request here (a new route
without a row fails the suite), and then calls every route as every staff role, the gateway and
no one, against objects of the caller's own tenant (acme: the caller's own open ones, a
colleague's, the caller's own closed ones) and of the other tenant (globex):

- no token: 401 unless the route is public;
- a role without the declared permission: 403 `access.denied`;
- a role with it (or any caller on an `authenticated` route): a 2xx on its own tenant's object,
  set up so that the object rule also holds (an agent's conversation is assigned to them and
  open), so the declaration matches what the service enforces, in both directions;
- an agent or intern on a colleague's conversation (acme, assigned to agent2) or on their own
  closed one: 403, on every route whose service applies the assignment rule;
- another tenant's object: 404 for a caller who holds the permission (globex's conversations
  are assigned, in the database, to the acme agent and intern, so only the tenant wall refuses
  them), 403 or 404 otherwise, never a 2xx; and no answer ever carries an id of the other tenant;
- every refusal is audited with exactly the declared permission.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from anxin.access.declarations import AUTHENTICATED, PUBLIC, SCIM_TOKEN, Requirement
from anxin.access.permissions import ROLE_PERMISSIONS
from anxin.app import API_PREFIX, create_app, declared_routes, route_table
from anxin.audit import checkpoints
from anxin.audit.actions import AuditAction
from anxin.audit.models import AuditEvent
from anxin.contact.models import Conversation
from anxin.identity import secrets
from anxin.identity.models import UserSession
from anxin.kernel.principal import STAFF_ROLES, Role

PASSWORD = "correct horse battery staple"
REASON = "the customer asked us to confirm the number on file"
ANONYMOUS = "anonymous"


@dataclasses.dataclass(frozen=True)
class Caller:
    """Someone of acme calling: a staff user, the gateway, or no one (no Authorization)."""

    name: str
    role: Role | None
    headers: Mapping[str, str]

    @property
    def serves_customers(self) -> bool:
        """Agents and interns: the object rule needs the conversation assigned to them."""
        return self.role in {Role.AGENT, Role.INTERN}


@dataclasses.dataclass
class Target:
    """One tenant's objects to call on: conversations (and their tickets) by assignee.

    `colleague`: every conversation is assigned to this user instead of to the caller, so the
    object rule (assigned to the caller) fails while the tenant is the caller's own.
    """

    name: str
    label: str
    gateway: dict[str, str]
    phone: str
    colleague: str | None = None
    # Every conversation is closed: the object rule fails for its own assignee too.
    closed: bool = False
    conversations: dict[str, str] = dataclasses.field(default_factory=dict)
    tickets: dict[str, str] = dataclasses.field(default_factory=dict)
    ids: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    params: Mapping[str, str] | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Log the caller in afresh and use that session (the call ends it).
    fresh_session: bool = False


def stepped_up_login(
    client: TestClient, world: Any, username: str, tenant: str = "acme"
) -> dict[str, str]:
    """A session whose second factor counts as just verified: the matrix is about who may call
    what, so step-up (tested in test_auth_hardening and test_reveal) is satisfied."""
    body = {"tenant": tenant, "username": username.replace("_", "-"), "password": PASSWORD}
    response = client.post(f"{API_PREFIX}/auth/login", json=body)
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == secrets.token_hash(token))
            .values(second_factor_at=world.runtime.clock.now())
        )
    return {"Authorization": f"Bearer {token}"}


class Bench:
    """The world as seen over HTTP: acme's callers and four targets (acme's objects for the
    caller, a colleague's, the caller's closed ones; globex's objects)."""

    def __init__(self, client: TestClient, world: Any) -> None:
        self.client = client
        self.world = world
        self.serial = itertools.count(1)
        self.acme = self._tenant(world.acme, "13800000001", "acme")
        self.others = self._tenant(world.acme, "13800000003", "acme, agent2's", colleague="agent2")
        self.closed = self._tenant(world.acme, "13800000004", "acme, closed", closed=True)
        self.globex = self._tenant(world.globex, "13900000002", "globex")
        self.globex.ids |= {u.actor_id for u in world.globex.users.values()}
        self.globex.ids |= {world.globex.id, world.globex.gateway.actor_id}
        self.targets = (self.acme, self.others, self.closed, self.globex)
        for assignee in ("agent", "intern"):
            self.point_at(self.globex.conversations[assignee], assignee)
        self.callers = [self._caller(r.value) for r in sorted(STAFF_ROLES)]
        self.callers += [
            Caller("gateway", Role.GATEWAY, self.acme.gateway),
            Caller(ANONYMOUS, None, {}),
        ]

    def login(self, username: str, tenant: str = "acme") -> dict[str, str]:
        return stepped_up_login(self.client, self.world, username, tenant)

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{next(self.serial)}"

    def _caller(self, role: str) -> Caller:
        return Caller(role, Role(role), self.login(role))

    def _tenant(
        self,
        made: Any,
        phone: str,
        label: str,
        colleague: str | None = None,
        *,
        closed: bool = False,
    ) -> Target:
        gateway = {"Authorization": f"Bearer {made.gateway_key}"}
        tenant = Target(made.name, label, gateway, phone, colleague, closed)
        tenant.ids.add(made.id)
        assignees = [colleague] if colleague else ["agent", "intern"]
        if label == made.name:
            self._post(tenant, "/users", {"username": f"leaver-{made.name}", "role": "agent"})
        for assignee in assignees:
            conversation = str(self._new_call(tenant, assignee, phone)["id"])
            tenant.conversations[assignee] = conversation
            self._post(
                tenant,
                f"/conversations/{conversation}/messages",
                {"speaker": "customer", "text": f"my number is {phone}"},
                gateway=True,
            )
        admin = self.login("admin", made.name)
        tenant.ids |= {u["id"] for u in self._get("/users", admin)}
        for assignee in assignees:
            headers = self.login(assignee, made.name)
            path = f"/conversations/{tenant.conversations[assignee]}/tickets"
            ticket = self.client.post(
                API_PREFIX + path, json={"subject": "refund"}, headers=headers
            )
            assert ticket.status_code == 201, ticket.text
            tenant.tickets[assignee] = ticket.json()["id"]
            tenant.ids.add(ticket.json()["id"])
            if closed:
                self._close(tenant, tenant.conversations[assignee])
        return tenant

    def conversation(self, tenant: Target, assignee: str | None, phone: str | None = None) -> str:
        """A new conversation of `tenant`, active with `assignee` (or queued); closed at once
        if the target's conversations are closed."""
        conversation = str(self._new_call(tenant, assignee, phone)["id"])
        if tenant.closed:
            self._close(tenant, conversation)
        return conversation

    def _close(self, tenant: Target, conversation: str) -> None:
        self._post(tenant, f"/conversations/{conversation}/close", _CLOSE, gateway=True)

    def point_at(self, conversation: str, username: str) -> None:
        """Assign a globex conversation, in the database, to the acme user `username`.

        No API can do this; it leaves the tenant wall as the only thing between that user and
        the conversation, so the matrix tests the wall and not the assignment rule.
        """
        acme_user = self.world.acme.users[username].actor_id
        with self.world.runtime.db.unit_of_work(tenant_id=self.world.globex.id) as session:
            result = session.execute(
                update(Conversation)
                .where(Conversation.id == conversation)
                .values(assigned_agent_id=acme_user)
            )
            assert result.rowcount == 1

    def customer(self, tenant: Target) -> str:
        """A new customer of `tenant` (erasure destroys the one it is given)."""
        return str(self._new_call(tenant, None, None)["customer_id"])

    def _new_call(self, tenant: Target, assignee: str | None, phone: str | None) -> Any:
        """A conversation through the tenant's gateway; a new customer unless `phone` is known."""
        body: dict[str, Any] = {"phone": phone or f"1370{next(self.serial):07d}", "channel": "chat"}
        if assignee is not None:
            body["agent"] = assignee
        made = self._post(tenant, "/conversations", body, gateway=True)
        tenant.ids |= {made["id"], made["customer_id"]}
        return made

    def _post(self, tenant: Target, path: str, body: Any, *, gateway: bool = False) -> Any:
        headers = dict(tenant.gateway if gateway else self.login("admin", tenant.name))
        headers["Idempotency-Key"] = self.unique("setup")
        response = self.client.post(API_PREFIX + path, json=body, headers=headers)
        assert response.status_code in {200, 201}, response.text
        return response.json()

    def _get(self, path: str, headers: Mapping[str, str]) -> Any:
        response = self.client.get(API_PREFIX + path, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


def _assignee(bench: Bench, caller: Caller, tenant: Target) -> str:
    """Whom a conversation is assigned to: the colleague, or the caller's username if they serve
    customers (in globex that user is then swapped for the acme caller by `point_at`), else the
    tenant's agent."""
    if tenant.colleague is not None:
        return tenant.colleague
    return caller.name if caller.serves_customers else "agent"


def _own(bench: Bench, caller: Caller, tenant: Target) -> str:
    return tenant.conversations[_assignee(bench, caller, tenant)]


def _conversation_call(
    method: str, suffix: str = "", json: Any = None, **kwargs: Any
) -> Callable[[Bench, Caller, Target], Call]:
    def build(bench: Bench, caller: Caller, tenant: Target) -> Call:
        path = f"/conversations/{_own(bench, caller, tenant)}{suffix}"
        return Call(method, path, json=json, **kwargs)

    return build


def _fresh_conversation_call(
    suffix: str, json: Any, *, assigned: bool = True
) -> Callable[[Bench, Caller, Target], Call]:
    """A call that changes the conversation's state gets a conversation of its own."""

    def build(bench: Bench, caller: Caller, tenant: Target) -> Call:
        assignee = _assignee(bench, caller, tenant) if assigned else None
        conversation = bench.conversation(tenant, assignee)
        if assigned and caller.serves_customers and tenant is bench.globex:
            bench.point_at(conversation, caller.name)
        return Call("POST", f"/conversations/{conversation}{suffix}", json)

    return build


def _append(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call(
        "POST",
        f"/conversations/{_own(bench, caller, tenant)}/messages",
        json={"speaker": "agent", "text": "one moment please"},
        headers={"Idempotency-Key": bench.unique("matrix")},
    )


def _erase(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("DELETE", f"/customers/{bench.customer(tenant)}")


Scope = Literal["object", "scoped"]


@dataclasses.dataclass(frozen=True)
class Sample:
    """A valid request for a route. `object`: it names an object of the target tenant, so
    the other tenant's must be refused; `scoped`: it names none (the caller's tenant is
    implied), so any answer is about the caller's own tenant only. `assigned`: the service
    also applies the assignment rule, so an agent is refused a colleague's conversation.
    `refusals` are the honest exceptions to "allowed means 2xx", by role."""

    build: Callable[[Bench, Caller, Target], Call]
    scope: Scope = "object"
    # The object rule: agents and interns only on a conversation assigned to them and open.
    assigned: bool = False
    # What a closed conversation answers those who may act on any (409: it takes nothing more).
    when_closed: int | None = None
    refusals: Mapping[Role, int] = dataclasses.field(default_factory=dict)


def _plain(method: str, path: str, **kwargs: Any) -> Sample:
    return Sample(lambda _b, _c, _t: Call(method, path, **kwargs), scope="scoped")


def _lookup_get(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("GET", "/customers/lookup", params={"phone": tenant.phone})


def _lookup_post(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", "/customers/lookup", json={"phone": tenant.phone})


def _mentioning(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("GET", "/conversations/mentioning", params={"phone": tenant.phone})


def _create_conversation(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", "/conversations", json={"phone": tenant.phone, "channel": "voice"})


def _ticket(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("GET", f"/tickets/{tenant.tickets[_assignee(bench, caller, tenant)]}")


def _disable(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", f"/users/leaver-{tenant.name}/disable")


def _new_user(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", "/users", json={"username": bench.unique("hire"), "role": "agent"})


def _unlock(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", f"/users/leaver-{tenant.name}/unlock")


def _freeze(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", f"/users/leaver-{tenant.name}/freeze")


def _revoke_sessions(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", f"/users/leaver-{tenant.name}/sessions/revoke")


def _confirm_totp(bench: Bench, caller: Caller, tenant: Target) -> Call:
    """Enrolment first (for staff), then a wrong code: the route is reached, the code refused."""
    bench.client.post(f"{API_PREFIX}/me/totp", headers=caller.headers)
    return Call("POST", "/me/totp/confirm", json={"code": "000000"})


# Second factors belong to staff: a gateway key reaches the route and is told so (422).
_STAFF_ONLY = {Role.GATEWAY: 422}


def _staff_answer(status: int) -> dict[Role, int]:
    return {**dict.fromkeys(STAFF_ROLES, status), **_STAFF_ONLY}


_GRANT_REASON = "case 2026-118: review of a colleague's call"


def _grant_body() -> dict[str, Any]:
    # An id no conversation has: approved grants must not change what the matrix expects.
    return {
        "permission": "contact:conversation:read_assigned",
        "scope_type": "conversation",
        "scope_id": "00000000-0000-7000-8000-00000000beef",
        "duration_minutes": 60,
        "reason": _GRANT_REASON,
    }


def _pending_grant(bench: Bench, tenant: Target, requester: Caller | None) -> str:
    """A fresh request in `tenant`: the caller's own when they are acme staff, else the
    tenant's intern's (an approver then decides someone else's request)."""
    username = (
        requester.name if requester is not None and requester.role in STAFF_ROLES else "intern"
    )
    realm = "globex" if tenant.name == "globex" else "acme"
    headers = bench.login(username, realm)
    made = bench.client.post(f"{API_PREFIX}/grants", json=_grant_body(), headers=headers)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _own_grant(action: str) -> Callable[[Bench, Caller, Target], Call]:
    def build(bench: Bench, caller: Caller, tenant: Target) -> Call:
        own = caller if tenant.name != "globex" else None
        grant = _pending_grant(bench, tenant, own)
        if action == "get":
            return Call("GET", f"/grants/{grant}")
        return Call("POST", f"/grants/{grant}/{action}", json={})

    return build


def _someone_elses_grant(action: str) -> Callable[[Bench, Caller, Target], Call]:
    def build(bench: Bench, caller: Caller, tenant: Target) -> Call:
        return Call("POST", f"/grants/{_pending_grant(bench, tenant, None)}/{action}", json={})

    return build


def _new_grant(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", "/grants", json=_grant_body())


def _leave_date(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("PUT", f"/users/leaver-{tenant.name}/leave-date", json={"leave_on": "2030-01-31"})


def _offboard(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", f"/users/leaver-{tenant.name}/offboard")


def _new_gateway(bench: Bench, caller: Caller, tenant: Target) -> Call:
    return Call("POST", "/gateways", json={"name": bench.unique("pbx")})


def _checkpoint_note(bench: Bench, caller: Caller, tenant: Target) -> Call:
    """The caller's tenant's log gets a checkpoint first: without one the route answers 404."""
    with bench.world.runtime.db.unit_of_work(tenant_id=bench.world.acme.id) as session:
        checkpoints.make_checkpoint(
            session.connection(),
            tenant_id=bench.world.acme.id,
            key=bench.world.runtime.audit_signing_key(),
            origin_prefix=bench.world.runtime.settings.audit_origin_prefix,
            now=bench.world.runtime.clock.now(),
        )
    return Call("GET", "/audit/checkpoint")


_CLOSE = {"disposition": "resolved"}
_REVEAL = {"target": "customer.phones", "reason": REASON}

# One valid request per route (method and path as declared, without the /api/v1 prefix).
SAMPLES: dict[tuple[str, str], Sample] = {
    ("POST", "/auth/login"): _plain(
        "POST", "/auth/login", json={"tenant": "acme", "username": "agent", "password": PASSWORD}
    ),
    # Gateway keys are not sessions: only an admin revokes them (identity.service.logout).
    ("POST", "/auth/logout"): dataclasses.replace(
        _plain("POST", "/auth/logout", fresh_session=True), refusals={Role.GATEWAY: 401}
    ),
    ("GET", "/me"): _plain("GET", "/me"),
    # No caller here has a confirmed authenticator (409); the wrong code is refused (401).
    ("POST", "/auth/second-factor"): dataclasses.replace(
        _plain("POST", "/auth/second-factor", json={"code": "123456"}),
        refusals=_staff_answer(409),
    ),
    ("POST", "/me/totp"): dataclasses.replace(_plain("POST", "/me/totp"), refusals=_STAFF_ONLY),
    ("POST", "/me/totp/confirm"): Sample(
        _confirm_totp, scope="scoped", refusals=_staff_answer(401)
    ),
    # Passkeys: staff without one get a defined answer; the gateway is told they are for staff.
    ("POST", "/me/passkeys/options"): dataclasses.replace(
        _plain("POST", "/me/passkeys/options"), refusals=_STAFF_ONLY
    ),
    # An empty credential is refused like a wrong signature (401).
    ("POST", "/me/passkeys"): dataclasses.replace(
        _plain("POST", "/me/passkeys", json={"name": "laptop", "credential": {}}),
        refusals=_staff_answer(401),
    ),
    ("GET", "/me/passkeys"): dataclasses.replace(
        _plain("GET", "/me/passkeys"), refusals=_STAFF_ONLY
    ),
    # Only the caller's own passkeys exist for them; nobody here has one (404).
    ("DELETE", "/me/passkeys/{passkey_id}"): dataclasses.replace(
        _plain("DELETE", "/me/passkeys/00000000-0000-7000-8000-00000000cafe"),
        refusals=_staff_answer(404),
    ),
    # No caller here has a passkey (409), as for /auth/second-factor.
    ("POST", "/auth/passkey/options"): dataclasses.replace(
        _plain("POST", "/auth/passkey/options"), refusals=_staff_answer(409)
    ),
    ("POST", "/auth/passkey"): dataclasses.replace(
        _plain("POST", "/auth/passkey", json={"credential": {}}), refusals=_staff_answer(409)
    ),
    ("POST", "/users/{username}/unlock"): Sample(_unlock),
    ("POST", "/users/{username}/freeze"): Sample(_freeze),
    ("PUT", "/users/{username}/leave-date"): Sample(_leave_date),
    ("POST", "/users/{username}/offboard"): Sample(_offboard),
    ("GET", "/users/reports/leavers"): _plain("GET", "/users/reports/leavers"),
    ("GET", "/users/reports/privileged"): _plain("GET", "/users/reports/privileged"),
    # A grant may name any id; whether the object exists is for the approver to judge.
    ("POST", "/grants"): Sample(_new_grant, scope="scoped"),
    ("GET", "/grants"): _plain("GET", "/grants"),
    ("GET", "/grants/{grant_id}"): Sample(_own_grant("get")),
    ("POST", "/grants/{grant_id}/revoke"): Sample(_own_grant("revoke")),
    ("POST", "/grants/{grant_id}/approve"): Sample(_someone_elses_grant("approve")),
    ("POST", "/grants/{grant_id}/deny"): Sample(_someone_elses_grant("deny")),
    ("POST", "/users/{username}/sessions/revoke"): Sample(_revoke_sessions),
    ("GET", "/users"): _plain("GET", "/users"),
    ("POST", "/users"): Sample(_new_user, scope="scoped"),
    ("POST", "/users/{username}/disable"): Sample(_disable),
    ("POST", "/gateways"): Sample(_new_gateway, scope="scoped"),
    ("POST", "/conversations"): Sample(_create_conversation, scope="scoped"),
    ("GET", "/conversations"): _plain("GET", "/conversations"),
    ("GET", "/conversations/mentioning"): Sample(_mentioning, scope="scoped"),
    ("POST", "/conversations/{conversation_id}/messages"): Sample(
        _append, assigned=True, when_closed=409
    ),
    ("POST", "/conversations/{conversation_id}/assign"): Sample(
        _fresh_conversation_call("/assign", {"agent": "agent2"}, assigned=False),
        when_closed=409,
    ),
    ("POST", "/conversations/{conversation_id}/wrap-up"): Sample(
        _fresh_conversation_call("/wrap-up", None), assigned=True, when_closed=409
    ),
    ("POST", "/conversations/{conversation_id}/close"): Sample(
        _fresh_conversation_call("/close", _CLOSE), assigned=True, when_closed=409
    ),
    ("GET", "/conversations/{conversation_id}"): Sample(_conversation_call("GET"), assigned=True),
    ("GET", "/conversations/{conversation_id}/messages"): Sample(
        _conversation_call("GET", "/messages"), assigned=True
    ),
    ("GET", "/conversations/{conversation_id}/customer"): Sample(
        _conversation_call("GET", "/customer"), assigned=True
    ),
    ("GET", "/conversations/{conversation_id}/history"): Sample(
        _conversation_call("GET", "/history"), assigned=True
    ),
    ("POST", "/conversations/{conversation_id}/tickets"): Sample(
        _conversation_call("POST", "/tickets", {"subject": "call back tomorrow"}), assigned=True
    ),
    ("GET", "/conversations/{conversation_id}/tickets"): Sample(
        _conversation_call("GET", "/tickets"), assigned=True
    ),
    ("GET", "/tickets/{ticket_id}"): Sample(_ticket, assigned=True),
    ("GET", "/customers/lookup"): Sample(_lookup_get, scope="scoped"),
    ("POST", "/customers/lookup"): Sample(_lookup_post, scope="scoped"),
    ("POST", "/conversations/{conversation_id}/reveal"): Sample(
        _conversation_call("POST", "/reveal", _REVEAL), assigned=True
    ),
    ("GET", "/reports/pii"): _plain("GET", "/reports/pii"),
    ("GET", "/reports/queues"): _plain("GET", "/reports/queues"),
    ("GET", "/pii/classes"): _plain("GET", "/pii/classes"),
    ("DELETE", "/customers/{customer_id}"): Sample(_erase),
    # The audit log is always the caller's tenant's: an id of another tenant finds nothing.
    ("GET", "/audit/events"): _plain("GET", "/audit/events", params={"limit": "5"}),
    ("GET", "/audit/events/export"): _plain(
        "GET", "/audit/events/export", params={"format": "jsonl", "action": "contact:"}
    ),
    ("GET", "/audit/reports/users/{user}"): _plain("GET", "/audit/reports/users/agent"),
    ("GET", "/audit/reports/customers/{customer_id}"): _plain(
        "GET", "/audit/reports/customers/00000000-0000-7000-8000-00000000c0de"
    ),
    ("GET", "/audit/reports/daily"): _plain("GET", "/audit/reports/daily"),
    ("GET", "/audit/checkpoint"): Sample(_checkpoint_note, scope="scoped"),
    ("POST", "/audit/checkpoints"): _plain("POST", "/audit/checkpoints"),
    ("GET", "/audit/proofs/inclusion"): _plain(
        "GET", "/audit/proofs/inclusion", params={"index": "0", "size": "2"}
    ),
    ("GET", "/audit/proofs/consistency"): _plain(
        "GET", "/audit/proofs/consistency", params={"old_size": "1", "new_size": "2"}
    ),
    ("GET", "/audit/leaves"): _plain("GET", "/audit/leaves", params={"size": "2"}),
    ("GET", "/health"): _plain("GET", "/health"),
    ("GET", "/ready"): _plain("GET", "/ready"),
    ("GET", "/openapi.json"): _plain("GET", "/openapi.json"),
}


def _key(method: str, path: str) -> tuple[str, str]:
    return method, path.removeprefix(API_PREFIX)


def _allowed(requirement: Requirement, caller: Caller) -> bool:
    if requirement == PUBLIC:
        return True
    if caller.role is None:
        return False
    return requirement == AUTHENTICATED or requirement in ROLE_PERMISSIONS[caller.role]


def _expectation(
    requirement: Requirement, sample: Sample, caller: Caller, target: Target, own: bool
) -> set[int] | None:
    """The statuses allowed for this case; None means any 2xx."""
    if caller.role is None and requirement != PUBLIC:
        return {401}
    if not _allowed(requirement, caller):
        # Refused on the permission, or (another tenant's object) not found before the check.
        return {403} if own or sample.scope == "scoped" else {403, 404}
    refused = _object_rule(sample, caller, target)
    if refused is not None:
        return refused
    if not own and sample.scope == "object":
        # Another tenant's ids do not exist for the caller (the tenant wall, not a rule).
        return {404}
    if caller.role in sample.refusals:
        return {sample.refusals[caller.role]}
    return None


def _object_rule(sample: Sample, caller: Caller, target: Target) -> set[int] | None:
    """The refusal the object rules give a caller who holds the permission, if any."""
    if sample.assigned and (target.colleague or target.closed) and caller.serves_customers:
        return {403}
    if target.closed and sample.when_closed is not None:
        return {sample.when_closed}
    return None


def _send(bench: Bench, caller: Caller, call: Call) -> Any:
    headers = dict(caller.headers)
    if call.fresh_session and caller.role not in {None, Role.GATEWAY}:
        headers = bench.login(caller.name)
    headers |= call.headers
    return bench.client.request(
        call.method, API_PREFIX + call.path, json=call.json, params=call.params, headers=headers
    )


def _check(response: Any, expected: set[int] | None, leaked: set[str], case: str) -> list[str]:
    """What is wrong with one answer (nothing: an empty list)."""
    problems: list[str] = []
    status = response.status_code
    if expected is None and not 200 <= status < 300:
        problems.append(f"{case}: expected 2xx, got {status} {response.text[:200]}")
    elif expected is not None and status not in expected:
        problems.append(f"{case}: expected {sorted(expected)}, got {status} {response.text[:200]}")
    if status == 403 and response.json().get("code") != "access.denied":
        problems.append(f"{case}: a 403 that is not access.denied: {response.text[:200]}")
    shown = [i for i in leaked if i in response.text]
    if shown:
        problems.append(f"{case}: the answer carries the other tenant's ids {shown}")
    return problems


def test_every_route_declares_a_requirement_and_has_a_sample(runtime) -> None:
    app = create_app(runtime)
    routes = declared_routes(app)
    undeclared = [f"{r.method} {r.path}: {r.declared!r}" for r in routes if not _parses(r)]
    assert not undeclared, f"routes without a valid x-permission: {undeclared}"
    # SCIM routes take the tenant's SCIM token, not a session: test_scim.py and
    # test_sessions_and_gateway_keys_never_open_scim cover them.
    keys = {_key(r.method, r.path) for r in routes if r.requirement != SCIM_TOKEN}
    assert keys - SAMPLES.keys() == set(), "routes without a sample request in SAMPLES"
    assert SAMPLES.keys() - keys == set(), "samples for routes that no longer exist"
    assert route_table() == routes, "the docs' route table differs from the app's routes"
    callers = [*STAFF_ROLES, Role.GATEWAY]
    unreachable = [
        f"{r.method} {r.path}"
        for r in routes
        if r.requirement not in (PUBLIC, AUTHENTICATED, SCIM_TOKEN)
        and not any(r.requirement in ROLE_PERMISSIONS[role] for role in callers)
    ]
    assert not unreachable, f"routes no staff role or gateway may call: {unreachable}"


def test_the_openapi_document_shows_each_operations_requirement(client) -> None:
    spec = client.get(f"{API_PREFIX}/openapi.json").json()
    declared = {_key(r.method, r.path): r.declared for r in declared_routes(client.app)}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["x-permission"] == declared[_key(method.upper(), path)]


def _audited_denials(world: Any) -> list[tuple[str, str]]:
    """(path, permission) of every access-denied audit event, oldest first."""
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == AuditAction.ACCESS_DENIED)
            .order_by(AuditEvent.id)
        )
        return [(e.detail["path"], e.detail["permission"]) for e in events]


def _parses(route: Any) -> bool:
    try:
        route.requirement  # noqa: B018 - parsing is the check
    except ValueError:
        return False
    return True


def test_every_route_as_every_caller_on_every_target(client, world) -> None:
    started = time.perf_counter()
    bench = Bench(client, world)
    problems: list[str] = []
    denials: list[tuple[str, str]] = []
    cases = 0
    for route in declared_routes(client.app):
        if route.requirement == SCIM_TOKEN:
            continue
        sample = SAMPLES[_key(route.method, route.path)]
        for caller, tenant in itertools.product(bench.callers, bench.targets):
            own = tenant is not bench.globex
            case = f"{route.method} {route.path} as {caller.name} on {tenant.label}"
            expected = _expectation(route.requirement, sample, caller, tenant, own)
            call = sample.build(bench, caller, tenant)
            response = _send(bench, caller, call)
            # An error may echo the requested path; anything else of globex's is a leak.
            leaked = {i for i in bench.globex.ids if i not in repr(call)}
            problems += _check(response, expected, leaked, case)
            cases += 1
            if response.status_code == 403:
                denials.append((API_PREFIX + call.path, str(route.requirement)))
    assert not problems, "\n".join(problems)
    assert cases == len(SAMPLES) * len(bench.callers) * len(bench.targets)
    # Every refusal is audited with the permission the service checked: it must be the
    # declared one, which tells apart permissions that the same roles hold.
    assert _audited_denials(world) == denials
    print(f"{cases} cases in {time.perf_counter() - started:.1f}s")


def test_sessions_and_gateway_keys_never_open_scim(client, world) -> None:
    bearers = {
        role: stepped_up_login(client, world, role)
        for role in ("admin", "security_officer", "agent")
    }
    bearers["gateway"] = {"Authorization": f"Bearer {world.acme.gateway_key}"}
    scim_routes = [r for r in declared_routes(client.app) if r.requirement == SCIM_TOKEN]
    assert scim_routes
    for route in scim_routes:
        path = route.path.replace("{user_id}", "x").replace("{group_id}", "agent")
        path = path.replace("{name}", "User").replace("{schema_id}", "x").replace("{rest}", "x")
        for who, headers in bearers.items():
            response = client.request(route.method, path, headers=headers, json={})
            assert response.status_code == 401, (route.method, path, who, response.text)

"""SCIM from the outside: tenant isolation, token revocation, bad input, deactivation, roles."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from anxin.audit.models import AuditEvent
from anxin.identity import scim
from anxin.identity.models import User
from anxin.kernel.principal import system_principal

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _token(world, tenant) -> tuple[str, str]:
    rt = world.runtime
    with rt.db.unit_of_work(tenant_id=tenant.id) as session:
        row, token = scim.create_token(
            session, principal=system_principal(tenant.id), clock=rt.clock
        )
        return row.id, token


@pytest.fixture
def acme(world) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(world, world.acme)[1]}"}


@pytest.fixture
def globex(world) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(world, world.globex)[1]}"}


def _user_id(client: TestClient, headers, username: str) -> str:
    response = client.get(
        "/scim/v2/Users", params={"filter": f'userName eq "{username}"'}, headers=headers
    )
    assert response.status_code == 200, response.text
    resources = response.json()["Resources"]
    assert len(resources) == 1
    return str(resources[0]["id"])


def _snapshot(world, tenant_id: str) -> list[tuple]:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        return [
            (u.id, u.username, u.display_name, u.role, u.external_id, u.disabled_at)
            for u in session.scalars(select(User).order_by(User.id))
        ]


def _refusals(world, tenant_id: str | None) -> int:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "identity:scim:refuse")
        )
        return sum(1 for r in rows if r.tenant_id == tenant_id)


def _assert_error(response, status: int, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body["detail"]
    if scim_type is not None:
        assert body["scimType"] == scim_type


def test_create_filter_page_and_read_back(client: TestClient, acme) -> None:
    created = client.post(
        "/scim/v2/Users",
        json={
            "schemas": [USER],
            "userName": "new.agent",
            "displayName": "New Agent",
            "externalId": "idp-1",
            "emails": [{"value": "x@example.com"}],
        },
        headers=acme,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["userName"] == "new.agent"
    assert body["active"] is True
    assert body["externalId"] == "idp-1"
    assert body["groups"][0]["value"] == "intern"  # the default group
    assert created.headers["location"].endswith(f"/scim/v2/Users/{body['id']}")
    assert "emails" not in body  # accepted, not kept
    page = client.get("/scim/v2/Users", params={"startIndex": 2, "count": 3}, headers=acme).json()
    assert page["totalResults"] == 9
    assert page["startIndex"] == 2
    assert len(page["Resources"]) == 3
    duplicate = client.post(
        "/scim/v2/Users", json={"schemas": [USER], "userName": "new.agent"}, headers=acme
    )
    _assert_error(duplicate, 409, "uniqueness")


def test_a_token_sees_and_touches_only_its_own_tenant(
    client: TestClient, world, acme, globex
) -> None:
    acme_agent = _user_id(client, acme, "agent")
    listed = client.get("/scim/v2/Users", headers=globex).json()
    assert acme_agent not in {r["id"] for r in listed["Resources"]}
    assert (
        client.get(
            "/scim/v2/Users", params={"filter": 'userName eq "agent"'}, headers=globex
        ).json()["Resources"][0]["id"]
        != acme_agent
    )
    before = _snapshot(world, world.acme.id)
    _assert_error(client.get(f"/scim/v2/Users/{acme_agent}", headers=globex), 404)
    patch = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    _assert_error(client.patch(f"/scim/v2/Users/{acme_agent}", json=patch, headers=globex), 404)
    _assert_error(client.delete(f"/scim/v2/Users/{acme_agent}", headers=globex), 404)
    move = {
        "schemas": [PATCH],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": acme_agent}]}],
    }
    _assert_error(
        client.patch("/scim/v2/Groups/admin", json=move, headers=globex), 400, "invalidValue"
    )
    assert _snapshot(world, world.acme.id) == before
    assert _refusals(world, world.globex.id) == 4


def test_bad_and_revoked_tokens_get_401(client: TestClient, world) -> None:
    token_id, token = _token(world, world.acme)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/scim/v2/Users", headers=headers).status_code == 200
    rt = world.runtime
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        scim.revoke_token(
            session, principal=system_principal(world.acme.id), clock=rt.clock, token_id=token_id
        )
    revoked = client.get("/scim/v2/Users", headers=headers)
    _assert_error(revoked, 401)
    assert revoked.headers["www-authenticate"] == "Bearer"
    _assert_error(client.get("/scim/v2/Users"), 401)
    _assert_error(
        client.get("/scim/v2/Users", headers={"Authorization": "Bearer axscim_nope"}), 401
    )
    # A session token of a staff user is not a SCIM token.
    _assert_error(client.get("/scim/v2/Users", headers={"Authorization": "Bearer axs_x"}), 401)
    assert _refusals(world, None) == 4


@pytest.mark.parametrize(
    ("method", "body", "scim_type"),
    [
        ("post", {"schemas": [USER], "userName": "x.y", "shoeSize": 42}, "invalidSyntax"),
        ("post", {"schemas": [USER], "userName": 7}, "invalidValue"),
        ("post", {"schemas": [USER], "userName": "x.y", "active": "yes"}, "invalidValue"),
        ("post", {"schemas": [USER], "userName": "x.y", "name": "Ann"}, "invalidValue"),
        ("post", {"schemas": [USER], "userName": "Bad Name!"}, "invalidValue"),
        ("post", {"userName": "x.y"}, "invalidSyntax"),
        ("post", [1, 2], "invalidSyntax"),
        ("put", {"schemas": [USER], "userName": "agent", "displayName": 5}, "invalidValue"),
        ("put", {"schemas": [USER], "userName": "agent", "nickName2": "a"}, "invalidSyntax"),
        (
            "patch",
            {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": 3}]},
            "invalidValue",
        ),
        (
            "patch",
            {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "shoeSize", "value": 3}]},
            "invalidSyntax",
        ),
        (
            "patch",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "replace", "value": {"displayName": "A", "x": 1}}],
            },
            "invalidSyntax",
        ),
        (
            "patch",
            {"schemas": [PATCH], "Operations": [{"op": "move", "path": "active", "value": True}]},
            "invalidValue",
        ),
        (
            "patch",
            {
                "schemas": [PATCH],
                "Operations": [
                    {"op": "replace", "path": "displayName", "value": "A"},
                    {"op": "replace", "path": "active", "value": []},
                ],
            },
            "invalidValue",
        ),
        (
            "patch",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "add", "path": "groups", "value": [{"value": "admin"}]}],
            },
            "mutability",
        ),
    ],
)
def test_bad_payloads_are_refused_audited_and_change_nothing(
    client: TestClient, world, acme, method: str, body, scim_type: str
) -> None:
    agent = _user_id(client, acme, "agent")
    before = _snapshot(world, world.acme.id)
    url = "/scim/v2/Users" if method == "post" else f"/scim/v2/Users/{agent}"
    response = client.request(method.upper(), url, json=body, headers=acme)
    _assert_error(response, 400, scim_type)
    assert _snapshot(world, world.acme.id) == before
    assert _refusals(world, world.acme.id) == 1


def test_malformed_json_is_a_scim_error(client: TestClient, world, acme) -> None:
    response = client.post(
        "/scim/v2/Users",
        content=b"{not json",
        headers={**acme, "Content-Type": "application/scim+json"},
    )
    _assert_error(response, 400, "invalidSyntax")


def test_deactivation_revokes_sessions_at_once(client: TestClient, world, acme, login) -> None:
    session = login("agent")
    assert client.get("/api/v1/me", headers=session).status_code == 200
    agent = _user_id(client, acme, "agent")
    patch = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    response = client.patch(f"/scim/v2/Users/{agent}", json=patch, headers=acme)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    assert client.get("/api/v1/me", headers=session).status_code == 401
    refused = client.post(
        "/api/v1/auth/login",
        json={"tenant": "acme", "username": "agent", "password": "correct horse battery staple"},
    )
    assert refused.status_code == 401


def test_delete_disables_keeps_the_row_and_hides_the_user(
    client: TestClient, world, acme, login
) -> None:
    session = login("agent2")
    agent2 = _user_id(client, acme, "agent2")
    assert client.delete(f"/scim/v2/Users/{agent2}", headers=acme).status_code == 204
    assert client.get("/api/v1/me", headers=session).status_code == 401
    _assert_error(client.get(f"/scim/v2/Users/{agent2}", headers=acme), 404)
    assert agent2 not in {
        r["id"] for r in client.get("/scim/v2/Users", headers=acme).json()["Resources"]
    }
    rows = [r for r in _snapshot(world, world.acme.id) if r[0] == agent2]
    assert rows
    assert rows[0][5] is not None


def test_group_membership_is_the_role(client: TestClient, world, acme, login) -> None:
    groups = client.get("/scim/v2/Groups", headers=acme).json()
    assert {g["id"] for g in groups["Resources"]} == {
        "agent",
        "intern",
        "supervisor",
        "admin",
        "auditor",
        "security_officer",
        "privacy_officer",
    }
    created = client.post(
        "/scim/v2/Users", json={"schemas": [USER], "userName": "nova"}, headers=acme
    )
    nova = created.json()["id"]
    add = {
        "schemas": [PATCH],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": nova}]}],
    }
    response = client.patch("/scim/v2/Groups/supervisor", json=add, headers=acme)
    assert response.status_code == 200, response.text
    assert nova in {m["value"] for m in response.json()["members"]}
    user = client.get(f"/scim/v2/Users/{nova}", headers=acme).json()
    assert [g["value"] for g in user["groups"]] == ["supervisor"]
    # In two groups at once: refused, nothing changed.
    before = _snapshot(world, world.acme.id)
    _assert_error(
        client.patch("/scim/v2/Groups/auditor", json=add, headers=acme), 400, "invalidValue"
    )
    assert _snapshot(world, world.acme.id) == before
    # Removed from the group: back in the default group.
    remove = {
        "schemas": [PATCH],
        "Operations": [{"op": "remove", "path": f'members[value eq "{nova}"]'}],
    }
    assert client.patch("/scim/v2/Groups/supervisor", json=remove, headers=acme).status_code == 200
    assert (
        client.get(f"/scim/v2/Users/{nova}", headers=acme).json()["groups"][0]["value"] == "intern"
    )
    # A role change ends the user's sessions: they carry the old role.
    session = login("agent")
    agent = _user_id(client, acme, "agent")
    put = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "auditor",
        "members": [
            {"value": agent},
            *(
                {"value": m["value"]}
                for m in client.get("/scim/v2/Groups/auditor", headers=acme).json()["members"]
            ),
        ],
    }
    assert (
        client.put("/scim/v2/Groups/auditor", json=put, headers=acme).status_code == 400
    )  # still an agent
    client.patch(
        "/scim/v2/Groups/agent",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "remove", "path": f'members[value eq "{agent}"]'}],
        },
        headers=acme,
    )
    assert client.put("/scim/v2/Groups/auditor", json=put, headers=acme).status_code == 200
    assert client.get("/api/v1/me", headers=session).status_code == 401
    assert login("agent")  # logs in again, now as an auditor
    _assert_error(client.post("/scim/v2/Groups", json={"displayName": "x"}, headers=acme), 501)


def test_an_empty_external_id_is_refused(client: TestClient, world, acme) -> None:
    # The empty externalId marks users deleted through SCIM; a live user never gets it.
    body = {"schemas": [USER], "userName": "blank.ext", "externalId": ""}
    _assert_error(client.post("/scim/v2/Users", json=body, headers=acme), 400, "invalidValue")

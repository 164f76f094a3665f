from __future__ import annotations

from pathlib import Path

import pytest

from anxin.kernel.principal import STAFF_ROLES, Role
from anxin.masking.errors import PolicyInvalid
from anxin.masking.policy import load_policy, parse_policy
from anxin.masking.styles import Style
from anxin.pii.catalogue import DataClass

DEFAULT = load_policy()
VALUES = frozenset({Style.FULL, Style.MASKED})  # styles that show some of the value


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
@pytest.mark.parametrize("data_class", [DataClass.GOVERNMENT_ID, DataClass.FINANCIAL])
def test_when_no_file_then_no_role_sees_ids_or_cards_in_full(
    role: Role, data_class: DataClass
) -> None:
    assert DEFAULT.style_for("any", role, data_class) is not Style.FULL


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR])
@pytest.mark.parametrize("data_class", list(DataClass))
def test_when_no_file_then_supervisors_and_auditors_never_see_values(
    role: Role, data_class: DataClass
) -> None:
    assert DEFAULT.style_for("any", role, data_class) is Style.HIDDEN


@pytest.mark.parametrize("data_class", list(DataClass))
def test_when_no_file_then_interns_see_at_most_masked(data_class: DataClass) -> None:
    assert DEFAULT.style_for("any", Role.INTERN, data_class) in {Style.MASKED, Style.HIDDEN}


def test_when_no_file_then_interns_and_supervisors_never_reveal_and_reveal_is_limited() -> None:
    assert not DEFAULT.may_reveal(Role.INTERN)
    assert DEFAULT.reveal.roles == {Role.AGENT}
    assert DEFAULT.reveal.per_hour == 20


@pytest.mark.parametrize("role", [Role.GATEWAY, Role.OPERATOR, Role.SYSTEM, "janitor"])
@pytest.mark.parametrize("data_class", list(DataClass))
def test_when_role_is_not_in_the_policy_then_everything_is_hidden(
    role: Role | str, data_class: DataClass
) -> None:
    assert DEFAULT.style_for("any", role, data_class) is Style.HIDDEN
    assert not DEFAULT.may_reveal(role)


def test_the_default_agent_row() -> None:
    row = {c: DEFAULT.style_for(None, Role.AGENT, c) for c in DataClass}
    assert row == {
        DataClass.CONTACT: Style.MASKED,
        DataClass.GOVERNMENT_ID: Style.MASKED,
        DataClass.FINANCIAL: Style.MASKED,
        DataClass.IDENTITY: Style.FULL,
        DataClass.LOCATION: Style.MASKED,
        DataClass.NETWORK: Style.HIDDEN,
    }


OVERRIDING = """
version: 1
default:
  agent: {contact: masked, identity: full}
  intern: {contact: masked}
tenants:
  acme:
    agent: {contact: full}
    admin: {location: redacted}
  "42":
    intern: {contact: hidden}
"""


def test_when_a_tenant_overrides_then_only_that_tenant_changes() -> None:
    policy = parse_policy(OVERRIDING, source="p.yaml")
    assert policy.style_for("acme", Role.AGENT, DataClass.CONTACT) is Style.FULL
    assert policy.style_for("other", Role.AGENT, DataClass.CONTACT) is Style.MASKED
    assert policy.style_for(None, Role.AGENT, DataClass.CONTACT) is Style.MASKED
    assert policy.style_for("42", Role.INTERN, DataClass.CONTACT) is Style.HIDDEN
    assert policy.style_for("acme", Role.INTERN, DataClass.CONTACT) is Style.MASKED


def test_when_a_tenant_omits_a_role_or_class_then_the_default_applies() -> None:
    policy = parse_policy(OVERRIDING, source="p.yaml")
    assert policy.style_for("acme", Role.AGENT, DataClass.IDENTITY) is Style.FULL
    assert policy.style_for("acme", Role.INTERN, DataClass.CONTACT) is Style.MASKED


def test_when_the_default_omits_a_role_or_class_then_it_is_hidden() -> None:
    policy = parse_policy(OVERRIDING, source="p.yaml")
    assert policy.style_for("other", Role.AGENT, DataClass.FINANCIAL) is Style.HIDDEN
    assert policy.style_for("other", Role.ADMIN, DataClass.LOCATION) is Style.HIDDEN
    assert policy.style_for("acme", Role.ADMIN, DataClass.LOCATION) is Style.REDACTED
    assert policy.reveal.roles == frozenset()  # no reveal section: nobody reveals


def test_when_a_file_is_given_then_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(OVERRIDING, encoding="utf-8")
    assert load_policy(path).style_for("acme", Role.AGENT, DataClass.CONTACT) is Style.FULL


@pytest.mark.parametrize(
    ("text", "key_path", "problem"),
    [
        ("version: 2", "version", "must be 1"),
        ("version: '1'", "version", "must be 1"),
        ("default: {}", "version", "is required"),
        ("version: 1\nextra: 1", "extra", "unknown key"),
        ("- version: 1", "(top level)", "must be a mapping"),
        ("version: 1\ndefault: [agent]", "default", "must be a mapping"),
        ("version: 1\ndefault: {janitor: {contact: full}}", "default.janitor", "unknown role"),
        ("version: 1\ndefault: {gateway: {contact: full}}", "default.gateway", "unknown role"),
        ("version: 1\ndefault: {agent: {dna: full}}", "default.agent.dna", "unknown data class"),
        ("version: 1\ndefault: {agent: {contact: peek}}", "default.agent.contact", "unknown style"),
        (
            "version: 1\ndefault: {agent: {contact: [full]}}",
            "default.agent.contact",
            "unknown style",
        ),
        ("version: 1\ndefault: {agent: masked}", "default.agent", "must be a mapping"),
        (
            "version: 1\ntenants: {acme: {intern: {financial: full}}}",
            "tenants.acme.intern.financial",
            "interns may never see this class in full",
        ),
        (
            "version: 1\ndefault: {intern: {government_id: full}}",
            "default.intern.government_id",
            "interns may never see this class in full",
        ),
        ("version: 1\ntenants: {acme: {agent: {x: full}}}", "tenants.acme.agent.x", "unknown data"),
        (
            "version: 1\nreveal: {roles: [privacy_officer, supervisor]}",
            "reveal.roles",
            "supervisors see aggregates",
        ),
        (
            "version: 1\nreveal: {roles: [agent, intern]}",
            "reveal.roles",
            "interns may never reveal",
        ),
        ("version: 1\nreveal: {roles: [agent, boss]}", "reveal.roles[1]", "unknown role"),
        ("version: 1\nreveal: {roles: agent}", "reveal.roles", "must be a list"),
        ("version: 1\nreveal: {per_hour: 0}", "reveal.per_hour", "must be a positive integer"),
        ("version: 1\nreveal: {per_hour: -3}", "reveal.per_hour", "must be a positive integer"),
        ("version: 1\nreveal: {per_hour: '20'}", "reveal.per_hour", "must be a positive integer"),
        ("version: 1\nreveal: {per_hour: 2.5}", "reveal.per_hour", "must be a positive integer"),
        ("version: 1\nreveal: {per_hour: true}", "reveal.per_hour", "must be a positive integer"),
        ("version: 1\nreveal: {who: [agent]}", "reveal.who", "unknown key"),
        ("version: 1\ndefault: {agent: {contact: full", "(top level)", "malformed YAML at line"),
        ("version: 1\nversion: 1", "(top level)", "a key is repeated at line 2"),
        (
            "version: 1\ndefault:\n  intern: {contact: masked}\n  intern: {contact: full}",
            "(top level)",
            "a key is repeated at line 4",
        ),
        ("version: 1\ndefault: !!python/object:os.system {}", "(top level)", "malformed YAML"),
    ],
)
def test_when_policy_is_invalid_then_load_fails_naming_file_key_path_and_problem(
    tmp_path: Path, text: str, key_path: str, problem: str
) -> None:
    path = tmp_path / "bad-policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(path)
    error = caught.value
    assert error.code == "masking.policy_invalid"
    assert error.detail.startswith(f"{path}: {key_path}: ")
    assert problem in error.problem


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\ndefault: {agent: {contact: s3cr3t-13812345678}}",
        "version: 1\nreveal: {per_hour: 13812345678x}",
        "version: 1\ndefault: {agent: {contact: '13812345678",
    ],
)
def test_when_policy_is_invalid_then_the_error_never_quotes_a_value(text: str) -> None:
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(text, source="p.yaml")
    assert "13812345678" not in str(caught.value)


def test_when_file_is_missing_then_load_fails_with_the_code(tmp_path: Path) -> None:
    with pytest.raises(PolicyInvalid, match="cannot read the file") as caught:
        load_policy(tmp_path / "nope.yaml")
    assert caught.value.code == "masking.policy_invalid"


def test_the_policy_is_frozen() -> None:
    with pytest.raises(TypeError):
        DEFAULT.default[Role.AGENT][DataClass.GOVERNMENT_ID] = Style.FULL  # type: ignore[index]
    with pytest.raises(AttributeError):
        DEFAULT.reveal = DEFAULT.reveal  # type: ignore[misc]


def test_the_defaults_table_in_the_docs_is_the_built_in_policy() -> None:
    docs = Path(__file__).parents[2] / "docs" / "masking.md"
    section = docs.read_text(encoding="utf-8").split("## The defaults", 1)[1].split("##", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    header, *body = ([cell.strip() for cell in row.strip("|").split("|")] for row in rows)
    assert header == ["role", *(c.value for c in DataClass), "reveal"]
    assert {cells[0] for cells in body} == {role.value for role in STAFF_ROLES}
    for role, *styles_, reveal in body:
        assert styles_ == [DEFAULT.style_for(None, role, c).value for c in DataClass]
        assert reveal == ("yes" if DEFAULT.may_reveal(role) else "no")


def test_when_file_is_world_writable_then_load_fails(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(OVERRIDING, encoding="utf-8")
    path.chmod(0o666)
    with pytest.raises(PolicyInvalid, match="writable by everyone") as caught:
        load_policy(path)
    assert caught.value.code == "masking.policy_invalid"

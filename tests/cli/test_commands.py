"""The `anxin` command in real subprocesses against a real data directory."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from anxin.db.migrate import downgrade
from anxin.demo.fake import DemoFaker
from anxin.demo.seed import DemoPlan

pytestmark = pytest.mark.slow


def anxin(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ANXIN_HOME": str(home),
        "ANXIN_ARGON2_MEMORY_KIB": "64",
        "ANXIN_ARGON2_TIME_COST": "1",
        "ANXIN_ARGON2_PARALLELISM": "1",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "anxin", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "var"
    result = anxin(home, "init", "--demo", "--customers", "300")
    assert result.returncode == 0, result.stderr
    return home


def test_init_creates_private_keys_certificates_and_credentials(demo_home: Path) -> None:
    for private in ("keys/anxin.keys", "tls/ca.key", "tls/server.key", "demo-credentials.json"):
        mode = stat.S_IMODE((demo_home / private).stat().st_mode)
        assert mode == 0o600, (private, oct(mode))
    assert stat.S_IMODE(demo_home.stat().st_mode) == 0o700
    credentials = json.loads((demo_home / "demo-credentials.json").read_text())
    assert set(credentials) == {"base_url", "ca_cert", "tenant", "users", "gateway_api_key"}
    assert set(credentials["users"]) == {
        "agent",
        "intern",
        "supervisor",
        "admin",
        "auditor",
        "security_officer",
        "privacy_officer",
    }
    assert Path(credentials["ca_cert"]).read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    assert credentials["gateway_api_key"].startswith("axg_")


def test_init_twice_keeps_keys_and_demo(demo_home: Path) -> None:
    keys = (demo_home / "keys/anxin.keys").read_bytes()
    result = anxin(demo_home, "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert "kept" in result.stdout
    assert "demo tenant exists" in result.stdout
    assert (demo_home / "keys/anxin.keys").read_bytes() == keys


def _demo_identifiers(count: int) -> set[str]:
    """Every form a seeded identifier could take on disk if it leaked: digits, E.164, text."""
    values: set[str] = set()
    for person in DemoFaker(seed=DemoPlan().seed).customers(count):
        for phone in person.phones:
            head, middle, tail = phone[:3], phone[3:7], phone[7:]
            # Every written form the demo's messages use (DemoFaker._written_phone).
            values.update(
                {
                    phone,
                    "+86" + phone,
                    f"{head}-{middle}-{tail}",
                    f"{head} {middle} {tail}",
                    f"+86 {head} {middle} {tail}",
                }
            )
        values.update(v for v in (person.email, person.id_number) if v)
    return values


def test_no_file_in_the_data_directory_holds_plaintext_identifiers(demo_home: Path) -> None:
    identifiers = _demo_identifiers(300)
    assert len(identifiers) > 600
    encodings = ("utf-8", "utf-16-le")
    needles = [v.encode(e) for v in identifiers for e in encodings]
    pattern = re.compile(b"|".join(re.escape(n) for n in needles))
    scanned = 0
    for path in demo_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            scanned += len(data)
            match = pattern.search(data)
            assert match is None, f"{path} contains a plaintext identifier"
    assert scanned > 100_000


def test_the_scanned_demo_messages_carry_personal_data(demo_home: Path) -> None:
    """So the scan above covers the plaintext redacted copies of texts that held identifiers."""
    engine = create_engine(f"sqlite:///{demo_home / 'anxin.db'}")
    with engine.connect() as conn:
        for placeholder in ("[CN_MOBILE]", "[EMAIL]", "[CN_ID]"):
            found = conn.execute(
                text("SELECT count(*) FROM messages WHERE text_redacted LIKE :p"),
                {"p": f"%{placeholder}%"},
            ).scalar_one()
            assert found > 0, placeholder
        assert conn.execute(text("SELECT count(*) FROM message_index")).scalar_one() > 0
    engine.dispose()


def test_tenant_user_and_gateway_commands(demo_home: Path) -> None:
    added = anxin(demo_home, "tenant", "add", "acme", "--region", "eu-west", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["region"] == "eu-west"
    tenants = json.loads(anxin(demo_home, "tenant", "list", "--json").stdout)
    assert {t["name"] for t in tenants} >= {"demo", "acme"}

    user = anxin(
        demo_home,
        "user",
        "add",
        "li.lei",
        "--tenant",
        "acme",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert user.returncode == 0, user.stderr
    users = json.loads(anxin(demo_home, "user", "list", "--tenant", "acme", "--json").stdout)
    assert [(u["username"], u["role"]) for u in users] == [("li.lei", "admin")]
    disabled = anxin(demo_home, "user", "disable", "li.lei", "--tenant", "acme")
    assert disabled.returncode == 0, disabled.stderr
    users = json.loads(anxin(demo_home, "user", "list", "--tenant", "acme", "--json").stdout)
    assert users[0]["disabled_at"] is not None

    gateway = anxin(demo_home, "gateway", "add", "pbx-1", "--tenant", "acme", "--json")
    assert json.loads(gateway.stdout)["api_key"].startswith("axg_")

    required = anxin(demo_home, "tenant", "second-factor", "acme", "--roles", "admin,auditor")
    assert required.returncode == 0, required.stderr
    assert "required for admin, auditor" in required.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tenant", "add", "Bad Name"), "tenancy.invalid"),
        (("tenant", "add", "ok-name", "--region", "moon"), "tenancy.invalid"),
        (("tenant", "second-factor", "demo", "--roles", "agent,root"), "unknown roles root"),
        (("user", "add", "x1", "--tenant", "nope", "--role", "agent"), "tenancy.tenant_not_found"),
        (("user", "add", "x2", "--tenant", "demo", "--role", "root"), "identity.invalid_role"),
        (
            ("user", "add", "demo.agent", "--tenant", "demo", "--role", "agent"),
            "identity.user_exists",
        ),
    ],
)
def test_cli_errors_are_one_line_with_a_code(demo_home: Path, args, message) -> None:
    result = anxin(demo_home, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_commands_on_an_uninitialized_home_say_what_to_run(tmp_path: Path) -> None:
    result = anxin(tmp_path / "empty", "tenant", "list")
    assert result.returncode == 1
    assert "anxin init" in result.stderr


def test_world_readable_key_file_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "var"
    assert anxin(home, "init").returncode == 0
    (home / "keys/anxin.keys").chmod(0o644)
    result = anxin(home, "tenant", "add", "acme")
    assert result.returncode == 1
    assert "chmod 600" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_behind_the_code_is_refused_until_init(tmp_path: Path) -> None:
    home = tmp_path / "var"
    assert anxin(home, "init").returncode == 0
    engine = create_engine(f"sqlite:///{home / 'anxin.db'}")
    downgrade(engine, revision="base")
    engine.dispose()
    refused = anxin(home, "tenant", "list")
    assert refused.returncode == 1
    assert "run `anxin init`" in refused.stderr
    assert anxin(home, "init").returncode == 0
    assert anxin(home, "tenant", "list", "--json").returncode == 0

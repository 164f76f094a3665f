"""A bad masking policy file stops the service at start-up, before keys or data are opened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from anxin.cli.bootstrap import NotInitialized, build_runtime
from anxin.config import load_settings
from anxin.masking.errors import PolicyInvalid
from anxin.pii.errors import InvalidRecognizerConfig

BAD = "version: 1\ndefault:\n  intern: {financial: full}\n"


def test_when_the_setting_names_a_bad_file_then_building_the_runtime_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "masking.yaml"
    policy.write_text(BAD, encoding="utf-8")
    monkeypatch.setenv("ANXIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANXIN_MASKING_POLICY", str(policy))
    settings = load_settings()
    assert settings.masking_policy == policy
    with pytest.raises(PolicyInvalid) as caught:
        build_runtime(settings)
    assert caught.value.code == "masking.policy_invalid"
    assert caught.value.key_path == "default.intern.financial"


def test_when_the_file_is_good_then_start_up_goes_on(tmp_path: Path) -> None:
    policy = tmp_path / "masking.yaml"
    policy.write_text("version: 1\ndefault:\n  agent: {contact: masked}\n", encoding="utf-8")
    settings = load_settings(home=tmp_path / "home", masking_policy=policy)
    with pytest.raises(NotInitialized):  # past the policy, stopped at the missing key file
        build_runtime(settings)


@pytest.mark.slow
def test_when_a_command_starts_with_a_bad_file_then_it_exits_naming_the_code(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "masking.yaml"
    policy.write_text(BAD, encoding="utf-8")
    env = {
        **os.environ,
        "ANXIN_HOME": str(tmp_path / "home"),
        "ANXIN_MASKING_POLICY": str(policy),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "anxin", "keys", "status"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "masking.policy_invalid" in done.stderr
    assert "default.intern.financial" in done.stderr


def test_a_bad_recognizer_file_stops_start_up_too(tmp_path: Path) -> None:
    path = tmp_path / "recognizers.yaml"
    path.write_text("version: 1\ntenants:\n  acme:\n    - {name: x}\n", encoding="utf-8")
    settings = load_settings(home=tmp_path / "home", pii_recognizers=path)
    with pytest.raises(InvalidRecognizerConfig, match=r"tenants.acme\[0\]: missing keys"):
        build_runtime(settings)

"""A real SoftHSM2 token made at test time (PINs generated per run, never stored)."""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from anxin.crypto.pkcs11 import default_module_path


@dataclasses.dataclass(frozen=True)
class Token:
    module: Path
    label: str
    pin: str


_shared: list[Token] = []


def shared_token() -> Token:
    """This process's test token. SoftHSM lists its tokens when the module is first loaded, so a
    process makes one token, before any provider loads the module, and every test shares it
    (tests use fresh tenant ids, so their KEK labels never collide)."""
    if not _shared:
        root = Path(tempfile.mkdtemp(prefix="anxin-softhsm-"))
        _shared.append(make_token(root, f"anxin-test-{os.getpid()}"))
    return _shared[0]


def make_token(root: Path, label: str) -> Token:
    """Initialize a token in `root` (SOFTHSM2_CONF is pointed there unless already set)."""
    util = shutil.which("softhsm2-util")
    assert util, "softhsm2-util is missing: install the Debian package softhsm2 (.ci/run does)"
    conf = Path(os.environ.setdefault("SOFTHSM2_CONF", str(root / "softhsm2.conf")))
    tokens = conf.parent / "tokens"
    if not conf.exists():
        tokens.mkdir(parents=True, exist_ok=True)
        conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    pin = secrets.token_hex(8)
    subprocess.run(
        [
            util,
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            pin,
            "--so-pin",
            secrets.token_hex(8),
        ],
        check=True,
        capture_output=True,
        env={**os.environ},
    )
    return Token(default_module_path(), label, pin)

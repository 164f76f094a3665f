"""Writing files that hold secrets: never readable by others, never half-written."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def write_private(path: Path, content: bytes) -> None:
    """Write via a 0600 temporary file, fsync and rename, so a crash never leaves a torn file
    and no other user can read the content at any moment."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def private_file_problem(path: Path, what: str) -> str | None:
    """Why a file holding a secret must not be trusted (others could read or replace it), with
    the fix; None when it is a regular file of this user that nobody else can reach."""
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        return f"{what} {path} is not a regular file"
    if info.st_uid != os.geteuid():
        return f"{what} {path} is owned by uid {info.st_uid}, not this user"
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return (
            f"{what} {path} is accessible by group or others (mode {mode:o}); "
            f"run `chmod 600 {path}`"
        )
    directory = stat.S_IMODE(path.parent.stat().st_mode)
    if directory & 0o022:
        return (
            f"directory {path.parent} of the {what} is writable by group or others "
            f"(mode {directory:o}); run `chmod 700 {path.parent}`"
        )
    return None

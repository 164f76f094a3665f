"""Reading the YAML files that decide who sees what (masking policy, tenants' recognizers).

Whoever can write such a file widens or narrows what people see, so a file everyone may
write is refused, as the key file is. Problems are phrased for `<file>: <problem>` and never
quote the file's content (a YAML error's own message would).
"""

from __future__ import annotations

import stat
from pathlib import Path

import yaml


class ConfigFileProblem(Exception):
    """What is wrong with the file as a whole; callers wrap it in their own stable error."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def read_guarded(path: Path) -> str:
    """The file's text, if it is readable UTF-8 and not writable by everyone."""
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileProblem(f"cannot read the file ({type(exc).__name__})") from None
    if mode & stat.S_IWOTH:
        raise ConfigFileProblem("the file is writable by everyone (chmod o-w)")
    return text


def malformed_yaml(exc: yaml.YAMLError) -> ConfigFileProblem:
    """A parse error as its position only."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return ConfigFileProblem(f"malformed YAML{where}")

"""The masking package's errors, each with a stable code (kernel/errors.py)."""

from __future__ import annotations

from anxin.kernel.errors import AnxinError


class PolicyInvalid(AnxinError):
    """A masking policy file was refused at load; the service must not start with it.

    The detail names the file, the key path and the problem, never a value from the file.
    """

    code = "masking.policy_invalid"
    status = 500
    title = "The masking policy is invalid"

    def __init__(self, *, source: str, key_path: str, problem: str) -> None:
        super().__init__(f"{source}: {key_path or '(top level)'}: {problem}")
        self.source = source
        self.key_path = key_path
        self.problem = problem

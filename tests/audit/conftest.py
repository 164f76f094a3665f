"""The HTTP fixtures of tests/api (client, login, stepped_up, gateway), for tests that drive the
real flows and then read what the audit log recorded."""

from tests.api.conftest import client, gateway, login, stepped_up

__all__ = ["client", "gateway", "login", "stepped_up"]

"""Identity and access costs (issue 6): the authorization decision, session validation per
request, and login throughput with the production argon2id parameters.

    PYTHONPATH=src python -m bench.auth [--backend sqlite|postgres|both] [--seconds 3]

- authorize: `access.service.authorize` for an allowed and a refused permission, in process
  (target: at most 20 µs per check).
- session: `identity.service.authenticate` of a bearer token inside a unit of work, as every
  request does (one joined query; the last-seen write happens at most once a minute).
- login: password logins per second, one process, with the settings' argon2id parameters.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Callable

from anxin.access.errors import AccessDenied
from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.identity import service as identity_service
from anxin.identity.deps import Runtime
from anxin.kernel.principal import ActorType, Principal, Role
from bench.common import machine, store, summary_ms, tenant

PASSWORD = "bench password 1234"


def per_call_us(func: Callable[[], object], seconds: float) -> float:
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(1000):
            func()
        calls += 1000
    return (time.perf_counter() - started) / calls * 1e6


def authz(seconds: float) -> dict[str, float]:
    agent = Principal(
        tenant_id="t", actor_type=ActorType.USER, actor_id="u", role=Role.AGENT, name="a"
    )

    def allowed() -> None:
        authorize(agent, Permission.CUSTOMER_LOOKUP, object_type="customer", tenant_id="t")

    def refused() -> None:
        with contextlib.suppress(AccessDenied):
            authorize(agent, Permission.USER_MANAGE, object_type="user")

    return {
        "allowed_us": round(per_call_us(allowed, seconds), 2),
        "refused_us": round(per_call_us(refused, seconds), 2),
    }


def sessions_and_logins(runtime: Runtime, seconds: float) -> dict[str, object]:
    system = tenant(runtime)
    with runtime.db.unit_of_work(tenant_id=system.tenant_id) as session:
        identity_service.add_user(
            session,
            principal=system,
            clock=runtime.clock,
            username="bench-agent",
            role="agent",
            password=PASSWORD,
        )
    token = _login(runtime).token
    samples: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        with runtime.db.unit_of_work(tenant_id=None) as session:
            identity_service.authenticate(
                session,
                token=token,
                clock=runtime.clock,
                policy=runtime.session_policy,
                client_addr="127.0.0.1",
                user_agent="bench",
            )
        samples.append(time.perf_counter() - t0)
    logins, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        _login(runtime)
        logins += 1
    elapsed = time.perf_counter() - started
    settings = runtime.settings
    return {
        "session_validation": summary_ms(samples),
        "logins_per_s": round(logins / elapsed, 1),
        "argon2": {
            "time_cost": settings.argon2_time_cost,
            "memory_kib": settings.argon2_memory_kib,
            "parallelism": settings.argon2_parallelism,
        },
    }


def _login(runtime: Runtime) -> identity_service.LoginResult:
    with runtime.db.unit_of_work(tenant_id=None) as session:
        result = identity_service.login(
            session,
            clock=runtime.clock,
            policy=runtime.session_policy,
            tenant_name="bench",
            username="bench-agent",
            password=PASSWORD,
            client_addr="127.0.0.1",
            user_agent="bench",
        )
    if isinstance(result, identity_service.LoginRefused):
        raise result.error
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    report: dict[str, object] = {"machine": machine(), "authorize": authz(args.seconds)}
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        with store(backend) as runtime:
            report[backend] = sessions_and_logins(runtime, args.seconds)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

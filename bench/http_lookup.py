"""The lookup endpoint over HTTPS under load: `anxin serve` (one process) against wrk.

    python -m bench.http_lookup [--customers 100000] [--duration 20] [--connections 16]

Needs wrk (`apt-get install wrk`). Builds a SQLite store with the customers, starts the real
server with TLS 1.3, logs an agent in, and lets wrk look up random customers for `duration`s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from anxin.cli.bootstrap import build_runtime, initialize
from anxin.config import Settings
from anxin.crypto.tls import client_ssl_context
from anxin.identity import service as identity_service
from bench.common import record, tenant
from bench.lookup import populate

PASSWORD = "bench password 1234"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(home: Path, customers: int) -> list[str]:
    settings = Settings(home=home)
    initialize(settings)
    rt = build_runtime(settings)
    principal = tenant(rt)
    phones = populate(rt, principal, customers, with_history=0)
    with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
        identity_service.add_user(
            session,
            principal=principal,
            clock=rt.clock,
            username="bench.agent",
            role="agent",
            password=PASSWORD,
        )
    rt.db.dispose()
    return phones


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _login(port: int, ca: Path) -> str:
    body = json.dumps({"tenant": "bench", "username": "bench.agent", "password": PASSWORD})
    request = urllib.request.Request(
        f"https://localhost:{port}/api/v1/auth/login",
        data=body.encode(),
        # Sessions are bound to the client: wrk sends the same User-Agent (lookup.lua).
        headers={"Content-Type": "application/json", "User-Agent": "anxin-bench"},
    )
    with urllib.request.urlopen(request, context=client_ssl_context(ca)) as response:
        return str(json.load(response)["token"])


def _parse(output: str) -> dict[str, float]:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    if not (rate and p99 and p50):
        raise RuntimeError(f"could not read wrk output:\n{output}")
    return {
        "requests_per_s": float(rate.group(1)),
        "p50_ms": round(float(p50.group(1)) * scale[p50.group(2)], 2),
        "p99_ms": round(float(p99.group(1)) * scale[p99.group(2)], 2),
        "non_2xx": float(m.group(1)) if (m := re.search(r"Non-2xx.*?:\s+(\d+)", output)) else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="anxin-http-bench-") as tmp:
        home = Path(tmp) / "var"
        phones = _prepare(home, args.customers)
        phone_file = Path(tmp) / "phones.txt"
        phone_file.write_text("\n".join(phones[:50_000]) + "\n")
        port = _free_port()
        env = {
            **os.environ,
            "ANXIN_HOME": str(home),
            "ANXIN_PORT": str(port),
            "ANXIN_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen([sys.executable, "-m", "anxin", "serve"], env=env)
        try:
            _wait(port)
            token = _login(port, home / "tls" / "ca.pem")
            wrk_env = {
                **os.environ,
                "ANXIN_BENCH_PHONES": str(phone_file),
                "ANXIN_BENCH_TOKEN": token,
            }
            command = [
                wrk,
                "-t1",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--latency",
                "-s",
                str(Path(__file__).with_name("lookup.lua")),
                f"https://127.0.0.1:{port}",
            ]
            output = subprocess.run(
                command,
                env=wrk_env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            server.terminate()
            server.wait(timeout=10)
    parsed = _parse(output)
    record(
        "http-lookup",
        {
            "customers": args.customers,
            "connections": args.connections,
            "duration_s": args.duration,
            "server": "anxin serve, 1 process, SQLite",
            **parsed,
        },
    )
    if parsed["non_2xx"]:
        # A rate of refusals is not a lookup rate (this once measured 12,082 401s).
        sys.exit(f"{int(parsed['non_2xx'])} answers were not 2xx: the figures above are void")


if __name__ == "__main__":
    main()

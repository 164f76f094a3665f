"""`anxin audit`: checkpoints, the verifier key, leaf hashes, proofs and verification, in forms
that tools we did not write can check (docs/audit.md, "Command line").

Every command names one log: `--tenant NAME` (an active tenant) or `--platform` (the platform
operators' log). Output goes to stdout without Rich: the checkpoint byte for byte as signed,
the verifier key as one line, everything else as JSON (indented by two spaces). Expected
failures print one line `error: <code>: <detail>` on stderr and exit 1.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from anxin.audit import checkpoints, merkle, schedule, tlog_json
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.audit.stored_tree import StoredTree
from anxin.audit.verification import note_origin, report_json, verify_and_record
from anxin.audit.witness import read_file, read_notes
from anxin.cli import context
from anxin.cli.output import print_json, reported_errors
from anxin.identity.deps import Runtime
from anxin.kernel.errors import AnxinError
from anxin.kernel.principal import Principal, operator_principal, system_principal
from anxin.tenancy import service as tenancy_service

app = typer.Typer(
    help="The tamper-evident audit log: checkpoints, proofs, verification, search, reports.",
    no_args_is_help=True,
)

TenantOption = Annotated[
    str | None, typer.Option("--tenant", help="The tenant (by name) whose log to use.")
]
PlatformOption = Annotated[
    bool, typer.Option("--platform", help="Use the platform operators' log instead.")
]


T = TypeVar("T")


class AuditRequestError(AnxinError):
    code = "audit.bad_request"
    status = 400
    title = "The audit log request is not valid"


@dataclasses.dataclass(frozen=True, slots=True)
class _Log:
    tenant_id: str | None
    origin: str
    principal: Principal


def _log(rt: Runtime, tenant: str | None, platform: bool) -> _Log:
    prefix = rt.settings.audit_origin_prefix
    if platform and tenant is None:
        return _Log(None, checkpoints.origin(prefix, None), operator_principal("cli"))
    if platform or tenant is None:
        raise AuditRequestError("name one log: --tenant NAME or --platform")
    principal = context.tenant_admin(rt, tenant)
    return _Log(principal.tenant_id, checkpoints.origin(prefix, principal.tenant_id), principal)


def _record(
    rt: Runtime, log: _Log, action: AuditAction, object_type: str, detail: dict[str, object]
) -> None:
    with rt.db.unit_of_work(tenant_id=log.tenant_id) as session:
        audit_service.append(
            session,
            principal=log.principal,
            action=action,
            object_type=object_type,
            object_id=None,
            now=rt.clock.now(),
            detail=detail,
        )


def _default_size(rt: Runtime, log: _Log) -> int:
    """The latest checkpoint's size, so proofs line up with `checkpoint --latest`; the log's
    current size when it has no checkpoint yet."""
    with rt.db.unit_of_work(tenant_id=log.tenant_id) as session:
        conn = session.connection()
        latest = checkpoints.latest(conn, log.tenant_id)
        return latest.tree_size if latest else StoredTree(conn, log.tenant_id).size()


def _size_in_range(name: str, value: int, size: int) -> None:
    if value < 0:
        raise AuditRequestError(f"{name} {value} is negative")
    if value > size:
        raise AuditRequestError(f"{name} {value} is larger than the log ({size} events)")


@app.command("checkpoint")
def checkpoint(
    tenant: TenantOption = None,
    platform: PlatformOption = False,
    latest: Annotated[
        bool, typer.Option("--latest", help="Print the newest stored checkpoint; sign nothing.")
    ] = False,
) -> None:
    """Sign a checkpoint of the log now (or print the newest with --latest), byte for byte."""
    with reported_errors():
        rt = context.runtime()
        log = _log(rt, tenant, platform)
        if latest:
            with rt.db.unit_of_work(tenant_id=log.tenant_id) as session:
                stored = checkpoints.latest(session.connection(), log.tenant_id)
            if stored is None:
                raise AuditRequestError("the log has no checkpoint yet; run without --latest")
            _record(
                rt,
                log,
                AuditAction.AUDIT_CHECKPOINT_READ,
                "audit_checkpoint",
                {"origin": log.origin, "tree_size": stored.tree_size},
            )
            _write_note(stored.note)
            return
        run = schedule.checkpoint_log(
            rt.db,
            principal=log.principal,
            key=rt.audit_signing_key(),
            origin_prefix=rt.settings.audit_origin_prefix,
            now=rt.clock.now(),
            witness=schedule.WitnessSettings.configured(rt.settings),
        )
    if run.checkpoint is not None:  # always set when not skipped for want of new events
        _write_note(run.checkpoint.note)
    if run.witness_error:
        # The checkpoint is stored and printed; only its copy at the witness is missing.
        sys.stderr.write(f"warning: audit.witness: {run.witness_error}\n")


def _write_note(note: str) -> None:
    """The note's UTF-8 bytes exactly, whatever the locale's encoding or newline handling."""
    sys.stdout.flush()
    sys.stdout.buffer.write(note.encode("utf-8"))
    sys.stdout.buffer.flush()


@app.command("vkey")
def vkey(tenant: TenantOption = None, platform: PlatformOption = False) -> None:
    """Print the log's verifier key: <name>+<hex key id>+<base64(0x01 || public key)>."""
    with reported_errors():
        rt = context.runtime()
        log = _log(rt, tenant, platform)
        line = rt.audit_signing_key().verifier(log.origin).vkey
    sys.stdout.write(line + "\n")


@app.command("leaves")
def leaves(
    tenant: TenantOption = None,
    platform: PlatformOption = False,
    size: Annotated[
        int | None, typer.Option("--size", help="Tree size; default: the latest checkpoint's.")
    ] = None,
) -> None:
    """Print the leaf hashes of the first --size events (anxin-tlog-leaves/v1)."""
    with reported_errors():
        rt = context.runtime()
        log = _log(rt, tenant, platform)
        n = _default_size(rt, log) if size is None else size
        with rt.db.unit_of_work(tenant_id=log.tenant_id) as session:
            tree = StoredTree(session.connection(), log.tenant_id)
            _size_in_range("--size", n, tree.size())
            document = _proof_call(
                lambda: tlog_json.leaves_from_tree(tree, origin=log.origin, tree_size=n)
            )
        _record(rt, log, AuditAction.AUDIT_LEAVES_READ, "audit_log", {"tree_size": n})
    print_json(document)


def _proof_call(call: Callable[[], T]) -> T:
    """Proofs over damaged rows (a missing or malformed leaf) fail with one line, not a trace."""
    try:
        return call()
    except (merkle.ProofRangeError, ValueError, KeyError) as exc:
        raise AuditRequestError(f"cannot compute over the stored log: {exc}") from None


@app.command("prove")
def prove(
    tenant: TenantOption = None,
    platform: PlatformOption = False,
    index: Annotated[
        int | None, typer.Option("--index", help="Inclusion proof of this 0-based leaf.")
    ] = None,
    size: Annotated[
        int | None,
        typer.Option(
            "--size", help="Tree size of the inclusion proof; default: latest checkpoint's."
        ),
    ] = None,
    old_size: Annotated[
        int | None, typer.Option("--old-size", help="Consistency proof from this size.")
    ] = None,
    new_size: Annotated[
        int | None,
        typer.Option(
            "--new-size", help="Consistency proof to this size; default: latest checkpoint's."
        ),
    ] = None,
) -> None:
    """Print an inclusion proof (--index) or a consistency proof (--old-size) as JSON."""
    with reported_errors():
        rt = context.runtime()
        log = _log(rt, tenant, platform)
        if (index is None) == (old_size is None):
            raise AuditRequestError("give --index (inclusion) or --old-size (consistency)")
        if index is not None and new_size is not None:
            raise AuditRequestError("--new-size goes with --old-size; use --size with --index")
        if old_size is not None and size is not None:
            raise AuditRequestError("--size goes with --index; use --new-size with --old-size")
        if index is not None:
            result = _inclusion(rt, log, index, size)
        elif old_size is not None:
            result = _consistency(rt, log, old_size, new_size)
    print_json(result)


def _inclusion(rt: Runtime, log: _Log, index: int, size: int | None) -> dict[str, object]:
    n = _default_size(rt, log) if size is None else size
    with rt.db.unit_of_work(tenant_id=log.tenant_id) as session:
        tree = StoredTree(session.connection(), log.tenant_id)
        _size_in_range("--size", n, tree.size())
        if index < 0:
            raise AuditRequestError(f"--index {index} is negative")
        if index >= n:
            raise AuditRequestError(f"--index {index} is not below the tree size {n}")
        document = _proof_call(
            lambda: tlog_json.inclusion_from_tree(
                tree, origin=log.origin, leaf_index=index, tree_size=n
            )
        )
    detail = {"kind": "inclusion", "leaf_index": index, "tree_size": n}
    _record(rt, log, AuditAction.AUDIT_PROVE, "audit_proof", detail)
    return document


def _consistency(rt: Runtime, log: _Log, old_size: int, new_size: int | None) -> dict[str, object]:
    n = _default_size(rt, log) if new_size is None else new_size
    with rt.db.unit_of_work(tenant_id=log.tenant_id) as session:
        tree = StoredTree(session.connection(), log.tenant_id)
        _size_in_range("--new-size", n, tree.size())
        if old_size < 0:
            raise AuditRequestError(f"--old-size {old_size} is negative")
        if old_size > n:
            raise AuditRequestError(f"--old-size {old_size} is larger than --new-size {n}")
        document = _proof_call(
            lambda: tlog_json.consistency_from_tree(
                tree, origin=log.origin, old_size=old_size, new_size=n
            )
        )
    detail = {"kind": "consistency", "old_size": old_size, "new_size": n}
    _record(rt, log, AuditAction.AUDIT_PROVE, "audit_proof", detail)
    return document


@app.command("verify")
def verify(
    tenant: TenantOption = None,
    platform: PlatformOption = False,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="External checkpoints: a witness file (JSON Lines) or one signed note.",
        ),
    ] = None,
) -> None:
    """Recompute every log (or one) and check every stored and external checkpoint.

    Prints the anxin-audit-verify/v1 report; exit 0 when intact, 1 when not."""
    with reported_errors():
        rt = context.runtime()
        external: list[str] = []
        if against is not None:
            external += read_file(against)
        if rt.settings.audit_witness:
            external += read_notes(rt.settings.audit_witness, ca_file=rt.settings.audit_witness_ca)
        every = _logs(rt, None, False)
        logs = _logs(rt, tenant, platform) if tenant is not None or platform else every
        _check_origins(external, {log.origin for log in every})
        key = rt.audit_signing_key()
        reports = [
            verify_and_record(
                rt.db,
                principal=log.principal,
                verifier=key.verifier(log.origin),
                origin=log.origin,
                now=rt.clock.now(),
                external=external,
            )
            for log in logs
        ]
    report = report_json(reports)
    print_json(report)
    if not report["ok"]:
        raise typer.Exit(1)


def _check_origins(notes: list[str], origins: set[str]) -> None:
    """An external note must name a log of this deployment (tenants are disabled, never
    removed, so every origin stays known). One that names none is malformed or from another
    deployment: refused outright rather than silently skipped."""
    for number, note in enumerate(notes, 1):
        origin = note_origin(note)
        if origin not in origins:
            shown = "no origin line" if origin is None else f"origin {origin[:80]!r}"
            raise AuditRequestError(
                f"external checkpoint {number} is not a checkpoint of any log here ({shown})"
            )


def _logs(rt: Runtime, tenant: str | None, platform: bool) -> list[_Log]:
    if tenant is not None or platform:
        return [_log(rt, tenant, platform)]
    with rt.db.unit_of_work(tenant_id=None) as session:
        tenants = [t.id for t in tenancy_service.list_tenants(session)]
    prefix = rt.settings.audit_origin_prefix
    logs = [
        _Log(t, checkpoints.origin(prefix, t), system_principal(t, name="cli")) for t in tenants
    ]
    logs.append(_Log(None, checkpoints.origin(prefix, None), operator_principal("cli")))
    return logs

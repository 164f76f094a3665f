"""Errors of reading the audit log, each with a stable code."""

from __future__ import annotations

from anxin.kernel.errors import AnxinError, InvalidInput, NotFound


class TimeRangeInvalid(InvalidInput):
    code = "audit.time_range"
    title = "The time range is not valid"


class ProofRange(AnxinError):
    code = "audit.proof_range"
    status = 400
    title = "The leaf index or tree size is outside the log"


class NoCheckpoint(NotFound):
    code = "audit.no_checkpoint"
    title = "The log has no checkpoint yet"


class ReaderUnavailable(AnxinError):
    code = "audit.reader_unavailable"
    status = 403
    title = "The named reader is not an enabled user of the tenant"

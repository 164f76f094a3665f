from __future__ import annotations

from anxin.kernel.errors import AnxinError


class InvalidPhoneNumber(AnxinError):
    code = "pii.invalid_phone"
    status = 422
    title = "Not a valid phone number"


class InvalidEmail(AnxinError):
    code = "pii.invalid_email"
    status = 422
    title = "Not a valid e-mail address"


class InvalidIdNumber(AnxinError):
    code = "pii.invalid_id_number"
    status = 422
    title = "Not a valid resident ID number"


class InvalidRecognizerConfig(AnxinError):
    """A tenant-defined recognizer names an unknown validator or type, or has a bad regex."""

    code = "pii.invalid_recognizer"
    status = 422
    title = "Not a valid recognizer definition"


class InvalidScanInput(AnxinError):
    """A line given to `anxin pii scan` is not a JSON object with a string `id`-and-`text`."""

    code = "pii.invalid_scan_input"
    status = 422
    title = "Not a valid scan input line"

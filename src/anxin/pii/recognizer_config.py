"""A tenant's own recognizer from configuration: a plain mapping, as read from TOML or YAML.

    {"name": "acme_member_card", "type": "BANK_CARD", "regex": "AC(?P<value>\\d{12})",
     "context": ["会员卡"], "validator": "luhn", "score": 0.7}

Everything is checked before the recognizer exists, and each mistake raises
InvalidRecognizerConfig (`pii.invalid_recognizer`) saying what to fix: unknown keys, types or
validators, a regex that does not compile or could make detection slower than linear.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.recognizers import PatternRecognizer, PatternSpec, compile_regex
from anxin.pii.regex_bounds import unbounded_repeats
from anxin.pii.spans import PiiType
from anxin.pii.validators import VALIDATORS, Validator


def recognizer_from_config(
    config: Mapping[str, Any], validators: Mapping[str, Validator] = VALIDATORS
) -> PatternRecognizer:
    """A recognizer from a plain mapping, as read from a tenant's TOML or YAML."""
    return PatternRecognizer(spec_from_config(config), validators)


def spec_from_config(config: Mapping[str, Any]) -> PatternSpec:
    fields = {f.name: f for f in dataclasses.fields(PatternSpec)}
    unknown = sorted(set(config) - set(fields))
    if unknown:
        raise InvalidRecognizerConfig(f"unknown keys: {', '.join(unknown)}")
    missing = sorted(k for k in ("name", "type", "regex") if k not in config)
    if missing:
        raise InvalidRecognizerConfig(f"missing keys: {', '.join(missing)}")
    values = dict(config)
    values["type"] = _pii_type(values["type"])
    for key in ("context", "negative_context", "requires"):
        if key in values:
            values[key] = _words(key, values[key])
    _check_scalars(values)
    _check_bounded(values["regex"])
    return PatternSpec(**values)


def _check_bounded(pattern: str) -> None:
    """A tenant's regex must keep detection linear (see regex_bounds)."""
    compile_regex(pattern)
    if unbounded_repeats(pattern):
        raise InvalidRecognizerConfig(
            "the regex has an unbounded repeat (*, + or {n,}); give it a bound such as {1,20}"
        )


def _pii_type(value: object) -> PiiType:
    try:
        return PiiType(str(value))
    except ValueError:
        known = ", ".join(t.value for t in PiiType)
        raise InvalidRecognizerConfig(f"unknown type {value!r}; known: {known}") from None


def _words(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidRecognizerConfig(f"{key} must be a list of words")
    if not all(isinstance(w, str) and w for w in value):
        raise InvalidRecognizerConfig(f"{key} must hold non-empty strings")
    return tuple(value)


def _check_scalars(values: Mapping[str, Any]) -> None:
    if not isinstance(values["name"], str) or not values["name"]:
        raise InvalidRecognizerConfig("name must be a non-empty string")
    if not isinstance(values["regex"], str):
        raise InvalidRecognizerConfig("regex must be a string")
    score = values.get("score", 0.8)
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise InvalidRecognizerConfig("score must be a number between 0 and 1")
    if not isinstance(values.get("requires", ()), list | tuple):
        raise InvalidRecognizerConfig("requires must be a list of strings")
    for key in ("context_required", "spoken"):
        if not isinstance(values.get(key, False), bool):
            raise InvalidRecognizerConfig(f"{key} must be true or false")
    if not isinstance(values.get("validator"), str | None):
        raise InvalidRecognizerConfig("validator must be the name of a validator")
    for key in ("context_window", "negative_reach", "negative_after"):
        window = values.get(key, 0)
        if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 200:
            raise InvalidRecognizerConfig(f"{key} must be a whole number from 0 to 200")

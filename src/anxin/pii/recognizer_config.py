"""A tenant's own recognizer from configuration: a plain mapping, as read from TOML or YAML.

    {"name": "acme_member_card", "type": "BANK_CARD", "regex": "AC(?P<value>\\d{12})",
     "context": ["会员卡"], "validator": "luhn", "score": 0.7}

Everything is checked before the recognizer exists, and each mistake raises
InvalidRecognizerConfig (`pii.invalid_recognizer`) saying what to fix: unknown keys, types or
validators, a regex that does not compile or could make detection slower than linear.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from anxin.pii.catalogue import DataClass, Sensitivity
from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.recognizers import PatternRecognizer, PatternSpec, compile_regex
from anxin.pii.regex_bounds import unbounded_repeats
from anxin.pii.spans import CustomType, EntityType, PiiType
from anxin.pii.validators import VALIDATORS, Validator

# Keys that describe a new type rather than the pattern that finds it.
TYPE_KEYS = ("class", "sensitivity", "pipl_sensitive")
_BUILTIN = frozenset(t.value for t in PiiType)
_CUSTOM_NAME = re.compile(r"[A-Z][A-Z0-9_]{1,15}")
_CLASSES = sorted(c.value for c in DataClass)
_GRADES = {g.name.lower(): g for g in Sensitivity}


def recognizer_from_config(
    config: Mapping[str, Any], validators: Mapping[str, Validator] = VALIDATORS
) -> PatternRecognizer:
    """A recognizer from a plain mapping, as read from a tenant's TOML or YAML."""
    return PatternRecognizer(spec_from_config(config), validators)


def spec_from_config(config: Mapping[str, Any]) -> PatternSpec:
    fields = {f.name: f for f in dataclasses.fields(PatternSpec)}
    unknown = sorted(set(config) - set(fields) - set(TYPE_KEYS))
    if unknown:
        raise InvalidRecognizerConfig(f"unknown keys: {', '.join(unknown)}")
    missing = sorted(k for k in ("name", "type", "regex") if k not in config)
    if missing:
        raise InvalidRecognizerConfig(f"missing keys: {', '.join(missing)}")
    values = {k: v for k, v in config.items() if k not in TYPE_KEYS}
    values["type"] = entity_type(config)
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


def entity_type(config: Mapping[str, Any]) -> EntityType:
    """A built-in type by its name, or the tenant's own type with its class and grade.

    A built-in type takes its class and grade from the catalogue, so `class` beside it is an
    error rather than a second opinion; a new name must say its class (how it is masked).
    """
    name = config["type"]
    declared = sorted(k for k in TYPE_KEYS if k in config)
    if isinstance(name, str) and name in _BUILTIN:
        if declared:
            raise InvalidRecognizerConfig(
                f"{', '.join(declared)}: only for a new type; {name} is built in"
            )
        return PiiType(name)
    if not isinstance(name, str) or not _CUSTOM_NAME.fullmatch(name):
        raise InvalidRecognizerConfig(
            f"type must be a built-in type ({', '.join(sorted(_BUILTIN))}) or a new name of "
            "2-16 capital letters, digits and underscores, starting with a letter"
        )
    if "class" not in config:
        raise InvalidRecognizerConfig(f"class is required for the new type {name}")
    return CustomType(
        name,
        data_class=_choice("class", config["class"], _CLASSES),
        sensitivity=_GRADES[_choice("sensitivity", config.get("sensitivity", "moderate"), _GRADES)],
        pipl_sensitive=_flag("pipl_sensitive", config.get("pipl_sensitive", False)),
    )


def _choice(key: str, value: object, allowed: Iterable[str]) -> str:
    names = sorted(allowed)
    if not isinstance(value, str) or value not in names:
        raise InvalidRecognizerConfig(f"{key} must be one of {', '.join(names)}")
    return value


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidRecognizerConfig(f"{key} must be true or false")
    return value


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

"""Tenants' own recognizers from one YAML file (`ANXIN_PII_RECOGNIZERS`), checked at start-up.

    version: 1
    tenants:
      acme:                       # tenant name or id
        - name: acme_employee_no
          type: EMPLOYEE_ID       # a built-in type, or a new one with its class
          class: identity
          regex: '(?<![A-Z0-9])E(?P<value>\\d{6})(?!\\d)'
          context: [工号, employee]

Each entry is what `recognizer_config.spec_from_config` reads. A tenant's detector is the
built-in one plus its entries, built once and shared (detection is pure). A mistake anywhere
refuses the whole file, naming the entry, so a typo cannot silently stop detection of a type.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from anxin.kernel.config_files import ConfigFileProblem, malformed_yaml, read_guarded
from anxin.pii.detector import Detector, default_detector
from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.recognizer_config import recognizer_from_config
from anxin.pii.recognizers import PatternRecognizer
from anxin.pii.spans import CustomType, EntityType, PiiType

VERSION = 1


@dataclasses.dataclass(frozen=True, slots=True)
class TenantRecognizers:
    """The built-in detector for everyone, plus each configured tenant's own detector."""

    source: str
    builtin: Detector
    detectors: Mapping[str, Detector]
    custom_types: Mapping[str, Mapping[str, CustomType]]

    def detector_for(self, tenant_keys: Sequence[str]) -> Detector:
        """The first of `tenant_keys` (id, then name) the file configures, else the built-in."""
        key = self._configured(tenant_keys)
        return self.builtin if key is None else self.detectors[key]

    def resolve(self, tenant_keys: Sequence[str], name: str) -> EntityType:
        """A stored type name as a type: built-in, the tenant's own, or, for a type no longer
        configured, one of no class (shown only as its placeholder)."""
        if name in _BUILTIN:
            return PiiType(name)
        key = self._configured(tenant_keys)
        known = self.custom_types[key].get(name) if key is not None else None
        return known if known is not None else CustomType(name, data_class="")

    def _configured(self, tenant_keys: Sequence[str]) -> str | None:
        return next((k for k in tenant_keys if k in self.detectors), None)

    @property
    def configures_tenants(self) -> bool:
        return bool(self.detectors)


_BUILTIN = frozenset(t.value for t in PiiType)


@functools.cache
def builtin_only() -> TenantRecognizers:
    """No tenant configured: the built-in detector, built once per process."""
    return TenantRecognizers(
        source="built-in", builtin=default_detector(), detectors={}, custom_types={}
    )


def load_tenant_recognizers(path: Path | None) -> TenantRecognizers:
    """Read and check the file; `None` means no tenant has recognizers of its own."""
    if path is None:
        return builtin_only()
    document = _read(Path(path))
    if not isinstance(document, dict) or set(document) - {"version", "tenants"}:
        _fail(path, "", "expected a mapping with the keys version and tenants")
    if document.get("version") != VERSION:
        _fail(path, "version", f"must be {VERSION}")
    tenants = document.get("tenants") or {}
    if not isinstance(tenants, dict):
        _fail(path, "tenants", "must map tenant names to lists of recognizers")
    detectors: dict[str, Detector] = {}
    custom_types: dict[str, Mapping[str, CustomType]] = {}
    for tenant, entries in tenants.items():
        own = _recognizers(path, str(tenant), entries)
        detectors[str(tenant)] = default_detector(extra=own)
        custom_types[str(tenant)] = {
            str(r.spec.type): r.spec.type for r in own if isinstance(r.spec.type, CustomType)
        }
    return TenantRecognizers(
        source=str(path),
        builtin=builtin_only().builtin,
        detectors=MappingProxyType(detectors),
        custom_types=MappingProxyType(custom_types),
    )


def _recognizers(path: Path, tenant: str, entries: Any) -> list[PatternRecognizer]:
    if not isinstance(entries, list):
        _fail(path, f"tenants.{tenant}", "must be a list of recognizers")
    made: list[PatternRecognizer] = []
    names: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"tenants.{tenant}[{index}]"
        if not isinstance(entry, dict):
            _fail(path, where, "must be a mapping")
        try:
            recognizer = recognizer_from_config(entry)
        except InvalidRecognizerConfig as exc:
            _fail(path, where, exc.detail)
        if recognizer.name in names:
            _fail(path, where, f"the name {recognizer.name} is used twice")
        names.add(recognizer.name)
        made.append(recognizer)
    _check_types_agree(path, tenant, made)
    return made


def _check_types_agree(path: Path, tenant: str, recognizers: list[PatternRecognizer]) -> None:
    """Two entries naming one new type must give it the same class and grade."""
    seen: dict[str, CustomType] = {}
    for recognizer in recognizers:
        kind = recognizer.spec.type
        if not isinstance(kind, CustomType):
            continue
        earlier = seen.setdefault(str(kind), kind)
        if (earlier.data_class, earlier.sensitivity, earlier.pipl_sensitive) != (
            kind.data_class,
            kind.sensitivity,
            kind.pipl_sensitive,
        ):
            _fail(path, f"tenants.{tenant}", f"{kind} is declared twice with different classes")


def _read(path: Path) -> Any:
    try:
        text = read_guarded(path)
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise malformed_yaml(exc) from None
    except ConfigFileProblem as exc:
        _fail(path, "", exc.problem)


def _fail(path: Path, key_path: str, problem: str) -> NoReturn:
    where = f"{key_path}: " if key_path else ""
    raise InvalidRecognizerConfig(f"{path}: {where}{problem}")

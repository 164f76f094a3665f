"""Who sees what: a role x data-class table of styles, with per-tenant overrides.

Loaded once at start-up from YAML (`ANXIN_MASKING_POLICY`, else the built-in
default_policy.yaml) and refused whole if anything in it is unknown or unsafe, so a typo can
never widen what people see. Lookups deny by default: a role, class or tenant the file does not
name gets `hidden`. The format and the defaults are in docs/masking.md.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from anxin.access.permissions import ROLE_PERMISSIONS, Permission
from anxin.kernel.config_files import ConfigFileProblem, malformed_yaml, read_guarded
from anxin.kernel.principal import STAFF_ROLES, Role
from anxin.masking.errors import PolicyInvalid
from anxin.masking.styles import Style
from anxin.masking.view import Viewer
from anxin.pii.catalogue import DataClass

VERSION = 1
BUILTIN = "default_policy.yaml"
# The mission: interns never reveal or export, and never see an ID or card number in full.
INTERN_NEVER_FULL = frozenset({DataClass.GOVERNMENT_ID, DataClass.FINANCIAL})

DEFAULT_PER_HOUR = 20
# Roles whose permission table grants reveal; the policy can narrow this list, never widen it.
REVEALING_ROLES = frozenset(
    role for role in STAFF_ROLES if Permission.VALUE_REVEAL in ROLE_PERMISSIONS.get(role, ())
)
_KNOWN_ROLES = frozenset(role.value for role in STAFF_ROLES)

Grants = Mapping[Role, Mapping[DataClass, Style]]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RevealRule:
    """Who may ask for a raw value with a reason, and how often (enforced where reveal is)."""

    roles: frozenset[Role] = frozenset()
    per_hour: int = DEFAULT_PER_HOUR


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MaskingPolicy:
    source: str
    default: Grants
    tenants: Mapping[str, Grants]
    reveal: RevealRule

    def style_for(self, tenant: str | None, role: Role | str, data_class: DataClass) -> Style:
        """The tenant's override if it names this role and class, else the default, else hidden."""
        if role not in _KNOWN_ROLES:
            return Style.HIDDEN
        override = self.tenants.get(tenant, {}) if tenant is not None else {}
        for grants in (override, self.default):
            style = grants.get(Role(role), {}).get(data_class)
            if style is not None:
                return style
        return Style.HIDDEN

    def may_reveal(self, role: Role | str) -> bool:
        return role in self.reveal.roles

    def viewer(self, role: Role | str, *, tenant_keys: Sequence[str] = ()) -> Viewer:
        """The reader's style for every class. `tenant_keys` are the tenant's id and name, in
        that order; the first one the file names supplies the override."""
        tenant = next((k for k in tenant_keys if k in self.tenants), None)
        return Viewer(
            role=str(role),
            classes=MappingProxyType({c: self.style_for(tenant, role, c) for c in DataClass}),
        )

    @property
    def has_tenant_overrides(self) -> bool:
        return bool(self.tenants)


@functools.cache
def builtin_policy() -> MaskingPolicy:
    """The built-in defaults, parsed once (services built without a policy use them)."""
    return load_policy(None)


def load_policy(path: Path | None = None) -> MaskingPolicy:
    """Read and validate a policy file; `None` loads the built-in safe defaults."""
    if path is None:
        source = f"anxin.masking/{BUILTIN}"
        text = resources.files("anxin.masking").joinpath(BUILTIN).read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            text = read_guarded(Path(path))
        except ConfigFileProblem as exc:
            raise PolicyInvalid(source=source, key_path="", problem=exc.problem) from None
    return parse_policy(text, source=source)


def parse_policy(text: str, *, source: str) -> MaskingPolicy:
    document = _load_yaml(text, source=source)
    check = _Checker(source)
    check.mapping(
        document, "", required={"version"}, allowed={"version", "default", "tenants", "reveal"}
    )
    if type(document["version"]) is not int or document["version"] != VERSION:
        check.fail("version", f"must be {VERSION}")
    default = check.grants(document.get("default", {}), "default")
    tenants_doc = document.get("tenants", {})
    check.mapping(tenants_doc, "tenants")
    tenants = {
        str(name): check.grants(grants, f"tenants.{name}") for name, grants in tenants_doc.items()
    }
    reveal = check.reveal(document.get("reveal", {}), "reveal")
    return MaskingPolicy(
        source=source,
        default=default,
        tenants=MappingProxyType(tenants),
        reveal=reveal,
    )


def _load_yaml(text: str, *, source: str) -> Any:
    try:
        _refuse_repeated_keys(yaml.compose(text, Loader=yaml.SafeLoader))
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = malformed_yaml(exc).problem
        raise PolicyInvalid(source=source, key_path="", problem=problem) from None
    except _RepeatedKey as exc:
        raise PolicyInvalid(
            source=source, key_path="", problem=f"a key is repeated at line {exc.line}"
        ) from None


class _RepeatedKey(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _refuse_repeated_keys(node: yaml.Node | None) -> None:
    """safe_load lets a key written twice silently win; in a policy that could widen a grant."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, child in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise _RepeatedKey(key.start_mark.line + 1)
                seen.add(key.value)
            _refuse_repeated_keys(child)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _refuse_repeated_keys(child)


class _Checker:
    """Turns a parsed document into typed grants, failing on the first problem found."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key_path: str, problem: str) -> NoReturn:
        raise PolicyInvalid(source=self.source, key_path=key_path, problem=problem)

    def mapping(
        self,
        value: Any,
        key_path: str,
        *,
        required: frozenset[str] | set[str] = frozenset(),
        allowed: frozenset[str] | set[str] | None = None,
    ) -> None:
        if not isinstance(value, dict):
            self.fail(key_path, "must be a mapping")
        for key in value:
            if allowed is not None and key not in allowed:
                self.fail(_join(key_path, key), f"unknown key (expected {_listed(allowed)})")
        for key in sorted(required - value.keys()):
            self.fail(_join(key_path, key), "is required")

    def grants(self, value: Any, key_path: str) -> Grants:
        self.mapping(value, key_path)
        table: dict[Role, Mapping[DataClass, Style]] = {}
        for role_key, classes in value.items():
            role = self._role(role_key, _join(key_path, role_key))
            table[role] = self._classes(classes, role, _join(key_path, role_key))
        return MappingProxyType(table)

    def reveal(self, value: Any, key_path: str) -> RevealRule:
        self.mapping(value, key_path, allowed={"roles", "per_hour"})
        roles_doc = value.get("roles", [])
        if not isinstance(roles_doc, list):
            self.fail(_join(key_path, "roles"), "must be a list of roles")
        roles = frozenset(
            self._role(r, f"{_join(key_path, 'roles')}[{i}]") for i, r in enumerate(roles_doc)
        )
        if Role.INTERN in roles:
            self.fail(_join(key_path, "roles"), "interns may never reveal values")
        if Role.SUPERVISOR in roles:
            self.fail(_join(key_path, "roles"), "supervisors see aggregates, never values")
        for role in sorted(roles - REVEALING_ROLES):
            # Listed but never able to: the file would promise what the permission table denies.
            self.fail(
                _join(key_path, "roles"),
                f"{role} has no reveal permission (expected some of {_listed(REVEALING_ROLES)})",
            )
        per_hour = value.get("per_hour", DEFAULT_PER_HOUR)
        if type(per_hour) is not int or per_hour < 1:
            self.fail(_join(key_path, "per_hour"), "must be a positive integer")
        return RevealRule(roles=roles, per_hour=per_hour)

    def _classes(self, value: Any, role: Role, key_path: str) -> Mapping[DataClass, Style]:
        self.mapping(value, key_path)
        row: dict[DataClass, Style] = {}
        for class_key, style_key in value.items():
            where = _join(key_path, class_key)
            if not isinstance(class_key, str) or class_key not in {c.value for c in DataClass}:
                self.fail(where, f"unknown data class (expected {_listed(DataClass)})")
            if not isinstance(style_key, str) or style_key not in {s.value for s in Style}:
                self.fail(where, f"unknown style (expected {_listed(Style)})")
            data_class, style = DataClass(class_key), Style(style_key)
            if role is Role.INTERN and style is Style.FULL and data_class in INTERN_NEVER_FULL:
                self.fail(where, "interns may never see this class in full")
            row[data_class] = style
        return MappingProxyType(row)

    def _role(self, value: Any, key_path: str) -> Role:
        if not isinstance(value, str) or value not in _KNOWN_ROLES:
            self.fail(key_path, f"unknown role (expected {_listed(sorted(STAFF_ROLES))})")
        return Role(value)


def _join(key_path: str, key: Any) -> str:
    return f"{key_path}.{key}" if key_path else str(key)


def _listed(values: Any) -> str:
    return ", ".join(sorted(str(v) for v in values))

"""The authorization tables of docs/security-model.md, rendered from the code.

The docs show who holds which permission and what each route requires; both are generated from
ROLE_PERMISSIONS and the routes' declarations (`python -m anxin.cli.render_docs`), and a test
fails when the committed docs differ, so the prose can never drift from what is enforced.
"""

from __future__ import annotations

from collections.abc import Sequence

from anxin.access.declarations import (
    AUTHENTICATED,
    PUBLIC,
    SCIM_TOKEN,
    DeclaredRoute,
    Requirement,
)
from anxin.access.permissions import ROLE_PERMISSIONS, Permission
from anxin.kernel.principal import Role

ROLES_TABLE = "role-permissions"
ROUTES_TABLE = "route-permissions"
_YES = "✓"


def role_table() -> str:
    """Permissions down, roles across (in Role order): deny by default, so a blank is a no."""
    roles = list(Role)
    lines = [
        "| Permission | " + " | ".join(f"`{r.value}`" for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        cells = [_YES if permission in ROLE_PERMISSIONS[r] else "" for r in roles]
        lines.append(f"| `{permission.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def route_table(routes: Sequence[DeclaredRoute]) -> str:
    """Each route's requirement and the roles that meet it, sorted by path then method."""
    lines = ["| Method | Path | Requires | Roles |", "|---|---|---|---|"]
    for route in sorted(routes, key=lambda r: (r.path, r.method)):
        requirement = route.requirement
        lines.append(
            f"| {route.method} | `{route.path}` | `{requirement}` | {_holders(requirement)} |"
        )
    return "\n".join(lines)


def _holders(requirement: Requirement) -> str:
    if requirement == PUBLIC:
        return "anyone, no token"
    if requirement == AUTHENTICATED:
        return "any session or gateway key"
    if requirement == SCIM_TOKEN:
        return "the tenant's SCIM token (identity provider), no session"
    holders = [r.value for r in Role if requirement in ROLE_PERMISSIONS[r]]
    return ", ".join(holders)


def splice(document: str, name: str, table: str) -> str:
    """`document` with the text between the markers of table `name` replaced by `table`.

    Missing markers are an error: a generated table must not silently vanish from the docs.
    """
    begin = f"<!-- generated:{name} (python -m anxin.cli.render_docs) -->\n"
    end = f"<!-- end generated:{name} -->"
    start = document.find(begin)
    stop = document.find(end, start + len(begin))
    if start < 0 or stop < 0:
        raise ValueError(f"the document has no markers for the {name} table")
    return document[: start + len(begin)] + table + "\n" + document[stop:]


def render(document: str, routes: Sequence[DeclaredRoute]) -> str:
    """`document` with both authorization tables brought up to date."""
    document = splice(document, ROLES_TABLE, role_table())
    return splice(document, ROUTES_TABLE, route_table(routes))

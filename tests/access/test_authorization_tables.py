"""The authorization tables in docs/security-model.md are generated from the code and must match
it: a permission granted, a route added or a declaration changed without regenerating the docs
fails here (`python -m anxin.cli.render_docs` fixes it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from anxin.access import tables
from anxin.access.declarations import AUTHENTICATED, PUBLIC, DeclaredRoute, parse, requires
from anxin.access.permissions import Permission
from anxin.app import route_table
from anxin.cli import render_docs

SECURITY_MODEL = Path(__file__).parents[2] / "docs" / "security-model.md"


def test_the_security_model_shows_the_current_tables() -> None:
    document = SECURITY_MODEL.read_text(encoding="utf-8")
    assert tables.render(document, route_table()) == document, (
        "docs/security-model.md is stale: run `PYTHONPATH=src python -m anxin.cli.render_docs`"
    )


def test_every_permission_and_every_route_is_in_the_docs() -> None:
    document = SECURITY_MODEL.read_text(encoding="utf-8")
    for permission in Permission:
        assert f"| `{permission.value}` |" in document
    for route in route_table():
        assert f"| {route.method} | `{route.path}` | `{route.requirement}` |" in document


def test_a_document_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="no markers"):
        tables.render("# Security model\n", route_table())


def test_the_generator_rewrites_a_stale_copy_and_check_reports_it(tmp_path: Path) -> None:
    stale = SECURITY_MODEL.read_text(encoding="utf-8").replace("| `public` |", "| `?` |", 1)
    copy = tmp_path / "security-model.md"
    copy.write_text(stale, encoding="utf-8")
    assert render_docs.main(["--check", str(copy)]) == 1
    assert copy.read_text(encoding="utf-8") == stale
    assert render_docs.main([str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == SECURITY_MODEL.read_text(encoding="utf-8")
    assert render_docs.main(["--check", str(copy)]) == 0


def test_declarations_round_trip_and_unknown_values_are_errors() -> None:
    for requirement in (PUBLIC, AUTHENTICATED, *Permission):
        assert parse(requires(requirement)["x-permission"]) == requirement
    for bad in (None, "contact:everything", 3):
        with pytest.raises(ValueError):  # noqa: PT011 - any unparsable value is the point
            DeclaredRoute("GET", "/x", bad).requirement  # noqa: B018

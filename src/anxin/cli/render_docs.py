"""`python -m anxin.cli.render_docs [--check] [PATH]`: rewrite the generated authorization
tables of the security model (default docs/security-model.md) from the code.

It lives with the CLI because it needs the app's routes, and `anxin.access` sits below the app.
With --check it changes nothing and exits 1 when the document is stale (for CI).
"""

from __future__ import annotations

import sys
from pathlib import Path

from anxin.access.tables import render
from anxin.app import route_table

DEFAULT = Path("docs/security-model.md")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    path = Path(paths[0]) if paths else DEFAULT
    current = path.read_text(encoding="utf-8")
    rendered = render(current, route_table())
    if rendered == current:
        return 0
    if check:
        print(f"{path}: the authorization tables are stale; run python -m anxin.cli.render_docs")
        return 1
    path.write_text(rendered, encoding="utf-8")
    print(f"{path}: authorization tables updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Allow `python -m anxin`, equivalent to the `anxin` console script."""

from anxin.cli.main import run

run()

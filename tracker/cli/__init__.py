"""The `tracker` command. Each module registers its commands on the shared typer app."""

from __future__ import annotations

import importlib

from tracker.cli.common import app

# Command groups, imported for their registrations. A group whose module is absent is skipped, so the
# core commands keep working while a subsystem is being built.
_GROUPS = (
    "tracker.cli.core",
    "tracker.cli.alerts",
    "tracker.cli.service",
    "tracker.cli.sources",
    "tracker.cli.digest",
    "tracker.cli.watch",
)


def main() -> None:
    for name in _GROUPS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    app()

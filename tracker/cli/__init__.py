"""The `tracker` command. Each module registers its commands on the shared typer app."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from tracker.cli.common import app
from tracker.speedups import freeze_start_up, tune_gc

# Command groups, imported for their registrations. A group whose module is absent is skipped, so the
# core commands keep working while a subsystem is being built.
_GROUPS = (
    "tracker.cli.core",
    "tracker.cli.doctor",
    "tracker.cli.alerts",
    "tracker.cli.service",
    "tracker.cli.sources",
    "tracker.cli.digest",
    "tracker.cli.watch",
    "tracker.cli.web",
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        from tracker import __version__

        try:
            installed = version("ai-reg-tracker")
        except PackageNotFoundError:  # run from a checkout that was never installed
            installed = __version__
        print(f"tracker {installed}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Watches AI regulators and reports new rules, guidance, enforcement and changed legal texts."""


def main() -> None:
    tune_gc()  # tracker/speedups.py: the cyclic collector at its defaults took 14-23 % of a check
    # Groups load in order until one registers the command asked for: `tracker check` does not import
    # the digest's renderers (a third of a second). `--help` or an unknown command loads them all.
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    for name in _GROUPS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
        if command and command in _registered():
            break
    freeze_start_up()
    app()


def _registered() -> set[str]:
    """The top-level command and group names registered on the app so far."""
    names = {group.name for group in app.registered_groups if group.name}
    for command in app.registered_commands:
        if command.name:
            names.add(command.name)
        elif command.callback is not None:
            names.add(command.callback.__name__.replace("_", "-"))
    return names

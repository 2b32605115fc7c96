"""run, status."""

from __future__ import annotations

import enum
import json
import logging
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    ConfigOption,
    JsonOption,
    app,
    console,
    fail,
    load,
    open_database,
    setup_logging,
)

DEFAULT_FILE = "config.toml"


class LogFormat(enum.StrEnum):
    text = "text"
    json = "json"


@app.command()
def run(
    log_format: Annotated[
        LogFormat | None,
        typer.Option("--log-format", help="Log lines as text or JSON (default: [service].log_format)."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="One pass of every job (checks, alerts, retention), then exit.")
    ] = False,
    listen: Annotated[
        str | None,
        typer.Option(
            "--listen",
            envvar="TRACKER_LISTEN",
            help="host:port of /healthz, /readyz and /metrics (default: [service].listen; port 0 = any).",
        ),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Run the scheduler: checks on schedule, alerts, health and metrics. Stops cleanly on SIGTERM/SIGINT.

    A second `tracker run` on the same database waits as a standby and takes over when the first stops.
    """
    config = load(config_path)
    from tracker.net.listen import ListenError, parse_listen

    try:  # a usage error (exit 2) before anything starts, not a failed service
        parse_listen(listen or config.service.listen)
    except ListenError as exc:
        where = (
            "--listen (or TRACKER_LISTEN)" if listen else f"[service].listen in {config.path or DEFAULT_FILE}"
        )
        fail(f"{where}: {exc}")
    fmt = log_format.value if log_format else config.service.log_format
    setup_logging("INFO", json_format=fmt == "json")
    for chatter in ("apscheduler", "alembic"):  # job added/removed, migration plugin set-up
        logging.getLogger(chatter).setLevel(logging.WARNING)
    # Migrations run once this process holds the scheduler lock, so a standby never races them.
    engine = open_database(config, migrate=False)
    from tracker.service.runner import Service, ServiceError, run_once
    from tracker.store.db import DatabaseError, integrity_problem

    problem = integrity_problem(engine)  # a damaged SQLite file stops the start, with what to do
    if problem:
        fail(problem, EXIT_FAILED)

    try:
        if once:
            raise typer.Exit(run_once(config, engine))
        service = Service(config, engine, listen=listen)
        service.install_signal_handlers()
        raise typer.Exit(service.run())
    except (ServiceError, ListenError, DatabaseError, ValueError) as exc:
        fail(str(exc), EXIT_FAILED)


@app.command()
def status(json_out: JsonOption = False, config_path: ConfigOption = None) -> None:
    """The service's picture from the database: endpoints, failures, last success, outbox, last changes."""
    config = load(config_path)
    engine = open_database(config)
    from tracker.service.status import collect_status
    from tracker.store.db import integrity_problem

    problem = integrity_problem(engine)
    if problem:
        fail(problem, EXIT_FAILED)

    picture = collect_status(config, engine)
    if json_out:
        console.print_json(json.dumps(picture))
        raise typer.Exit(EXIT_OK)
    _print_status(picture)


def _print_status(picture: dict[str, Any]) -> None:
    scheduler = picture["scheduler"]
    if scheduler["running"]:
        console.print(f"scheduler: running ({scheduler['holder']})", markup=False)
    else:
        console.print("scheduler: no `tracker run` holds this database's lock", markup=False)
    table = Table(title="endpoints", title_justify="left")
    for name in ("endpoint", "status", "failures", "last success", "error"):
        table.add_column(
            name,
            justify="right" if name == "failures" else "left",
            no_wrap=True,
            max_width=60 if name == "error" else None,
            overflow="ellipsis",
        )
    for e in picture["endpoints"]:
        style = (
            "green" if e["status"] in ("ok", "not_modified") else ("dim" if e["status"] == "never" else "red")
        )
        if e.get("stale"):
            style = "yellow"
        table.add_row(
            e["endpoint"],
            f"[{style}]{e['status']}{' · stale' if e.get('stale') else ''}[/{style}]",
            str(e["failures"]),
            (e["last_success"] or "-")[:19],
            # scraped or server text: never markup
            Text(((e.get("newest_item") or "") if e.get("stale") else (e["error"] or ""))[:60]),
        )
    _print_wide(table)
    if picture.get("stale"):
        console.print(
            f"stale: {', '.join(picture['stale'])} "
            "(nothing new for far longer than usual: has the list moved?)",
            markup=False,
        )
    box = picture["outbox"]
    oldest = f", oldest since {box['oldest_unsent'][:19]}" if box["oldest_unsent"] else ""
    console.print(
        f"outbox: {box['depth']} waiting ({box['pending']} pending, {box['sending']} sending{oldest}), "
        f"{box['failed']} failed, {box['sent']} sent",
        markup=False,
    )
    changes = Table(title="last changes", title_justify="left")
    for name in ("id", "detected", "endpoint", "kind", "relevance", "alerted", "title"):
        changes.add_column(name, no_wrap=name != "title", overflow="ellipsis")
    for c in picture["recent_changes"]:
        changes.add_row(
            str(c["id"]),
            (c["detected_at"] or "")[:16],
            c["endpoint"],
            c["kind"],
            c["relevance"],
            "yes" if c["alerted"] else "no",
            Text(c["title"][:70]),
        )
    if picture["recent_changes"]:
        _print_wide(changes)
    else:
        console.print("last changes: none yet", markup=False)


def _print_wide(table: Table) -> None:
    if console.is_terminal:
        console.print(table)
        return
    # Piped into a file or a log, nothing is gained by squeezing rows into 80 columns.
    Console(file=console.file, width=max(console.width, 200), highlight=False, soft_wrap=True).print(table)

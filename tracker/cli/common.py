"""What every command shares: the typer app, --config, loading config and database with clear errors."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from sqlalchemy.engine import Engine

from tracker.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="tracker",
    help="Watches AI regulators and reports new rules, guidance, enforcement and changed legal texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: flags show as `--json`, not `--json <bool>`, and help text is not read as markup.
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class _ConsoleOnFirstUse:
    """rich's Console, created when first used: a `tracker check` writing plain lines into a pipe or a
    log never loads rich's console and tables (18 ms and 3 MB of a short-lived process)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


console = cast("Console", _ConsoleOnFirstUse(highlight=False, soft_wrap=True))
# soft_wrap: an error piped into a log stays one line, not wrapped at 80 columns
err_console = cast("Console", _ConsoleOnFirstUse(stderr=True, highlight=False, soft_wrap=True))


def real_console(lazy: Console) -> Console:
    """The Console itself, for rich objects that keep a reference to it (progress bars)."""
    return lazy.get() if isinstance(lazy, _ConsoleOnFirstUse) else lazy


def stdout_is_terminal() -> bool:
    """rich's answer (Console.is_terminal) without loading rich unless the environment overrides isatty."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return console.is_terminal
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except ValueError:  # closed
        return False


ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Path of config.toml (default: ./config.toml or $TRACKER_CONFIG)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    # Messages name config sections ("[tracker].database"): never let rich read them as markup.
    from rich.markup import escape

    err_console.print(f"[red]error:[/red] {escape(message)}", markup=True, highlight=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    from rich.markup import escape

    err_console.print(f"[yellow]warning:[/yellow] {escape(message)}", markup=True, highlight=False)


def load(config_path: Path | None) -> Config:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        err_console.print(str(exc), markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    for message in config.warnings:
        warn(message)
    return config


def open_database(config: Config, *, migrate: bool = True) -> Engine:
    """The engine, with migrations applied (every command that touches data runs them)."""
    from tracker.store.db import DatabaseError, make_engine, upgrade

    try:
        url = config.database_url()
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)  # DATABASE_URL (or [tracker].database) is not a URL we can use
    try:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
    except DatabaseError as exc:
        advice = (
            ""
            if "DATABASE_URL" in str(exc)
            else (f". Check DATABASE_URL or [tracker].database in {config.path or 'config.toml'}.")
        )
        fail(f"{exc}{advice}", 1)
    except Exception as exc:
        fail(f"cannot open the database: {type(exc).__name__}: {exc}", 1)
    return engine


def setup_logging(level: str = "WARNING", json_format: bool = False) -> None:
    from tracker.redact import RedactingFilter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())  # a source's key in a logged URL or error
    if json_format:
        from tracker.logs import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

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
err_console = cast("Console", _ConsoleOnFirstUse(stderr=True, highlight=False))


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
    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


def load(config_path: Path | None) -> Config:
    try:
        return load_config(config_path)
    except ConfigError as exc:
        err_console.print(str(exc), markup=False)
        raise typer.Exit(EXIT_USAGE) from None


def open_database(config: Config, *, migrate: bool = True) -> Engine:
    """The engine, with migrations applied (every command that touches data runs them)."""
    from tracker.db import DatabaseError, make_engine, upgrade

    try:
        engine = make_engine(config.database_url())
        if migrate:
            upgrade(engine)
    except DatabaseError as exc:
        fail(f"{exc}. Check DATABASE_URL or [tracker].database in {config.path or 'config.toml'}.", 1)
    except Exception as exc:
        fail(f"cannot open the database: {type(exc).__name__}: {exc}", 1)
    return engine


def setup_logging(level: str = "WARNING", json_format: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
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

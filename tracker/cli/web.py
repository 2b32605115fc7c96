"""tracker web: the read-only web view of a database, on its own (without the scheduler)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer

from tracker.cli.common import (
    EXIT_FAILED,
    ConfigOption,
    app,
    err_console,
    fail,
    load,
    open_database,
    setup_logging,
)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@app.command()
def web(
    listen: Annotated[
        str | None,
        typer.Option(
            "--listen",
            envvar="TRACKER_WEB_LISTEN",
            help="host:port to serve on (default: [web].listen, 127.0.0.1:9465; port 0 = any free port).",
        ),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Serve the read-only web view (changes, diffs, sources, roundups) of the database until Ctrl-C."""
    config = load(config_path)
    setup_logging("INFO")
    from tracker.net.listen import ListenError, parse_listen
    from tracker.web.server import WebConfigError, make_server

    try:
        parse_listen(listen or config.web.listen)
    except ListenError as exc:
        fail(f"{'--listen' if listen else '[web].listen'}: {exc}")
    engine = open_database(config)
    try:
        server = make_server(config, engine, listen)
    except WebConfigError as exc:
        fail(str(exc))
    except ListenError as exc:
        fail(str(exc), EXIT_FAILED)
    # Ctrl-C and SIGTERM stop it even when the shell that started it ignores SIGINT (a background job)
    # or a container manager sends SIGTERM: both end serve_forever through KeyboardInterrupt.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    err_console.print(f"web view on {server.url}/changes (Ctrl-C stops it)", markup=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()

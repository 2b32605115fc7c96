"""`tracker sources`: the endpoints' health; `tracker sources reset X`: forget what X learnt.

The list itself is tracker/cli/core.py's list_sources, run when no subcommand is given. A reset writes only
the learnt history of the endpoints it names (tracker/store/state_reset.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.common import EXIT_OK, ConfigOption, JsonOption, app, console, fail, load, open_database
from tracker.config import Config

if TYPE_CHECKING:
    from tracker.store.state_reset import LearntHistory

sources_app = typer.Typer(
    help="Endpoints with their health and last success; `tracker sources reset X` forgets what X learnt.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(sources_app, name="sources")


@sources_app.callback()
def sources_overview(
    ctx: typer.Context, json_out: JsonOption = False, config_path: ConfigOption = None
) -> None:
    """Endpoints with their health and last success."""
    if ctx.invoked_subcommand is not None:
        return
    from tracker.cli.core import list_sources

    list_sources(json_out=json_out, config_path=config_path)


def _endpoint_keys(config: Config, targets: list[str]) -> list[str]:
    """`source` (all its endpoints) or `source/endpoint`, known to the configuration (switched off or
    not); any unknown name stops everything before a row is touched."""
    from sources import builtin_sources

    known = {s.id: s for s in [*builtin_sources(), *config.custom_sources]}
    keys: list[str] = []
    for target in targets:
        sid, _, eid = target.partition("/")
        spec = known.get(sid)
        if spec is None:
            fail(f"unknown source {sid!r}: `tracker sources` lists the sources and their endpoints")
        if eid and eid not in {e.id for e in spec.endpoints}:
            endpoint_ids = ", ".join(e.id for e in spec.endpoints)
            fail(
                f"source {sid!r} has no endpoint {eid!r}; it has {endpoint_ids} "
                "(`tracker sources` lists every endpoint)"
            )
        for endpoint in spec.endpoints:
            if not eid or endpoint.id == eid:
                keys.append(f"{sid}/{endpoint.id}")
    return list(dict.fromkeys(keys))


def _forgotten(history: LearntHistory) -> str:
    sizes, counts = history.good_sizes, history.item_counts
    parts = [f"{len(sizes)} good sizes" + (f" (newest {sizes[-1]} bytes)" if sizes else "")]
    if history.last_good_size is not None:
        parts.append(f"last good size {history.last_good_size} bytes")
    parts.append(f"{len(counts)} item counts")
    parts.append(f"encoding {history.last_encoding or '-'}")
    parts.append(f"{history.consecutive_failures} consecutive failures")
    return ", ".join(parts)


@sources_app.command("reset")
def reset_sources(
    targets: Annotated[
        list[str],
        typer.Argument(help="`source` (every endpoint of it) or `source/endpoint`; several allowed."),
    ],
    config_path: ConfigOption = None,
) -> None:
    """Forget what endpoints learnt, so they re-learn it from their next good answers.

    Clears the recent good body sizes (the shrink rule's reference), item counts, the remembered encoding
    and the failure streak. Items, validators, the baseline and open operations alerts are kept.
    """
    from tracker.store.db import transaction
    from tracker.store.state_reset import learnt_history, reset_learnt_history

    config = load(config_path)
    keys = _endpoint_keys(config, targets)
    engine = open_database(config)
    with transaction(engine) as session:
        histories = learnt_history(session, keys)
        count = reset_learnt_history(session, keys)
    reset = {h.endpoint_key: h for h in histories}
    for key in keys:
        if key in reset:
            console.print(f"reset {key}: forgot {_forgotten(reset[key])}", markup=False)
        else:
            console.print(f"{key}: nothing learnt yet (never checked)", markup=False)
    console.print(f"{count} endpoint(s) reset; they re-learn from their next good answers", markup=False)
    raise typer.Exit(EXIT_OK)

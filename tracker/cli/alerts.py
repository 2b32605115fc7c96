"""alerts (list / retry) and slack test."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from tracker.cli.common import EXIT_FAILED, ConfigOption, JsonOption, app, console, fail, load, open_database

alerts_app = typer.Typer(help="The alert outbox: what was sent, what is waiting, what failed.")
slack_app = typer.Typer(help="Slack set-up checks.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
app.add_typer(slack_app, name="slack")


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context,
    pending: Annotated[
        bool, typer.Option("--pending", help="Only alerts waiting to be sent (pending or sending).")
    ] = False,
    failed: Annotated[bool, typer.Option("--failed", help="Only alerts that failed for good.")] = False,
    json_out: JsonOption = False,
    config_path: ConfigOption = None,
) -> None:
    """List alerts (all, --pending or --failed)."""
    if ctx.invoked_subcommand:
        return
    if pending and failed:
        fail("choose one of --pending and --failed")
    from tracker.alerts.deliver import list_alerts

    engine = open_database(load(config_path))
    rows = list_alerts(engine, "pending" if pending else "failed" if failed else None)
    if json_out:
        fields = (
            "id",
            "change_id",
            "kind",
            "channel",
            "status",
            "attempts",
            "last_error",
            "folded_into",
            "created_at",
            "sent_at",
        )
        console.print_json(json.dumps([{f: getattr(a, f) for f in fields} for a in rows], default=str))
        return
    table = Table()
    for name in ("id", "change", "kind", "channel", "status", "attempts", "created", "last error"):
        table.add_column(name)
    for a in rows:
        table.add_row(
            str(a.id),
            str(a.change_id or "-"),
            a.kind,
            a.channel,
            a.status,
            str(a.attempts),
            a.created_at.isoformat()[:16],
            f"shown in alert {a.folded_into}" if a.folded_into else (a.last_error or "")[:70],
        )
    console.print(table)


@alerts_app.command("retry")
def retry(
    alert_id: Annotated[int | None, typer.Argument(help="The alert to send again.")] = None,
    all_failed: Annotated[bool, typer.Option("--all", help="Every failed alert.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Queue failed alerts again (one by id, or --all) and deliver.

    By id it also forces a pending or "sending" alert (checked against Slack's history before it is
    posted again) and sends a folded one on its own.
    """
    if (alert_id is None) == (not all_failed):
        fail("give an alert id or --all")
    from tracker.alerts.deliver import deliver_pending, retry_alerts

    config = load(config_path)
    engine = open_database(config)
    count = retry_alerts(engine, alert_id, all_failed)
    if alert_id is not None and count == 0:
        fail(f"no alert #{alert_id} to retry; `tracker alerts` lists them", EXIT_FAILED)
    report = deliver_pending(engine, config)
    console.print(f"requeued {count}; {report.sent} sent, {report.failed} failed, {report.pending} pending")


@slack_app.command("test")
def slack_test_command(config_path: ConfigOption = None) -> None:
    """Post one test message to each configured channel and show what Slack said.

    Exit 1 when any post failed or when neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set."""
    import logging
    import os

    from tracker.alerts.notifiers import slack_test

    config = load(config_path)
    if not (os.environ.get("SLACK_BOT_TOKEN", "").strip() or os.environ.get("SLACK_WEBHOOK_URL", "").strip()):
        fail(
            "nothing to test: neither SLACK_BOT_TOKEN (a bot: threads, several channels) nor "
            "SLACK_WEBHOOK_URL (an incoming webhook) is set; alerts would only be printed here. "
            "README.md, section Slack, says how to create the app",
            EXIT_FAILED,
        )
    # Each answer is printed below: the Slack library's own error log would say it a second time.
    for name in ("slack_sdk", "tracker.alerts.slack_sdk"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    results = slack_test(config)
    for channel, answer in results:
        console.print(f"{channel}: {answer}", markup=False)
    if any(answer.startswith("error") for _channel, answer in results):
        raise typer.Exit(EXIT_FAILED)

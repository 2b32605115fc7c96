"""tracker digest: the regulation roundup of a period, as Markdown, HTML or Slack messages."""

from __future__ import annotations

import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.engine import Engine

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
from tracker.config import Config
from tracker.digest.collect import Digest
from tracker.digest.i18n import LANGUAGES
from tracker.digest.render import FORMATS


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date; write YYYY-MM-DD")


@app.command()
def digest(
    since: Annotated[
        str | None, typer.Option(help="How far back: '14d', '36h' or a date (default: [digest] period).")
    ] = None,
    from_day: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD, in the [digest] timezone).")
    ] = None,
    to_day: Annotated[str | None, typer.Option("--to", help="Last day, inclusive (default: today).")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="ko or en (default: the [digest] language).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="markdown, html or slack (JSON messages).")
    ] = "markdown",
    post: Annotated[
        bool,
        typer.Option(
            "--post", help="Also post it to Slack (the [digest] channel, else the default channel)."
        ),
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Write the regulation digest: relevant items and document changes of the period, by jurisdiction."""
    setup_logging("WARNING")
    config = load(config_path)
    if lang is not None and lang not in LANGUAGES:
        fail(f"--lang: {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if fmt not in FORMATS:
        fail(f"--format: {fmt!r}; choose one of {', '.join(FORMATS)}")
    if since is not None and (from_day or to_day):
        fail("give either --since or --from/--to, not both")
    if to_day and not from_day:
        fail("--to needs --from")
    if post and not (
        os.environ.get("SLACK_BOT_TOKEN", "").strip() or os.environ.get("SLACK_WEBHOOK_URL", "").strip()
    ):
        fail("--post needs SLACK_BOT_TOKEN (or SLACK_WEBHOOK_URL) in the environment; nothing was posted")

    from tracker.cli.core import parse_since
    from tracker.digest import build_digest, write_atomically
    from tracker.digest.collect import Period
    from tracker.digest.render import render
    from tracker.store.models import utcnow

    tz = ZoneInfo(config.digest.timezone)
    now = utcnow()
    if from_day:
        first = _day(from_day, "--from")
        last = _day(to_day, "--to") if to_day else now.astimezone(tz).date()
        if last < first:
            fail(f"--to {last} is before --from {first}")
        period = Period.days(first, last, tz)
    elif since is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        first = _day(since, "--since")  # that day in the digest's time zone, through today
        period = Period.days(first, max(first, now.astimezone(tz).date()), tz)
    elif since is not None:
        start: datetime = parse_since(since)
        if start >= now:
            fail(f"--since {since!r} is in the future")
        period = Period.ending(now, (now - start).total_seconds(), tz)
    else:
        period = Period.ending(now, config.digest.period, tz)

    engine = open_database(config)
    result = build_digest(config, engine, period, lang or config.digest.language)
    text = render(result, fmt, public_url=config.web.public_url)
    if out is not None:
        try:
            write_atomically(out, text)
        except OSError as exc:
            fail(f"--out: cannot write {out}: {exc}", EXIT_FAILED)
        err_console.print(f"digest written to {out} ({len(result.entries)} entries)", markup=False)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if post:
        _post(config, engine, result)


def _post(config: Config, engine: Engine, result: Digest) -> None:
    from tracker.digest.post import digest_channel, post_digest
    from tracker.digest.render_slack import render_slack

    channel = digest_channel(config)
    report = post_digest(engine, config, render_slack(result), channel)
    if report.ok:
        err_console.print(f"posted to {channel}: {report.sent} message(s)", markup=False)
        return
    err_console.print(
        f"posting to {channel} incomplete: {report.sent} sent, {report.failed} failed, "
        f"{report.pending} waiting for a retry ({'; '.join(report.errors) or 'no error recorded'}). "
        "`tracker alerts` lists them; `tracker alerts retry --all` sends the failed ones again.",
        markup=False,
    )
    raise typer.Exit(EXIT_FAILED)

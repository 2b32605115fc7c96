"""The fortnightly regulation digest: the relevant items and document changes of a period, written up.

collect.py       the period's relevant changes, one entry per document, grouped and ordered
sentences.py     the extractive lead: first sentence(s) of the item's own text (Chinese/Korean aware)
summarise.py     optional one-sentence summary and title translation from a chat completions API
i18n.py          Korean and English wording, dates, jurisdiction and document-type names
render.py        Markdown and HTML;  render_slack.py  Slack Block Kit messages within Slack's limits
post.py          posting through the alert outbox (parent message, entries in its thread)

`run_scheduled_digest` is what the service's scheduler calls.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from tracker.alerts.notifier import Notifier
from tracker.config import Config
from tracker.digest.collect import Digest, Period, collect
from tracker.digest.i18n import Lang
from tracker.digest.render import render_markdown
from tracker.digest.summarise import ChatSummariser, make_summariser
from tracker.store.models import utcnow

__all__ = ["Digest", "Period", "build_digest", "last_digest_date", "run_scheduled_digest"]
log = logging.getLogger("tracker.digest")

# A digest less than this many days old means "not this week" when every_other_week is set: the weekly
# job then writes every 14 days, and a run that slipped by a day does not skip a whole fortnight.
EVERY_OTHER_WEEK_MIN_DAYS = 13
_DIGEST_FILE = re.compile(r"^digest-(\d{4}-\d{2}-\d{2})(?:\.[a-z]{2})?\.md$")


def build_digest(
    config: Config,
    engine: Engine,
    period: Period,
    lang: Lang | None = None,
    *,
    summariser: ChatSummariser | bool | None = True,
) -> Digest:
    """Collect the period and, when a summariser is configured (or given), add its generated text.

    summariser: True = the configured one (if any), False/None = none, or an instance to use.
    """
    lang = lang or config.digest.language
    digest = collect(engine, period, lang, ZoneInfo(config.digest.timezone))
    if summariser is True:
        owned = make_summariser(config)
        if owned is not None and digest.entries:
            with owned:
                owned.apply(digest)
    elif isinstance(summariser, ChatSummariser) and digest.entries:
        summariser.apply(digest)
    return digest


def digest_dir(config: Config) -> Path:
    path = Path(config.digest.out_dir)
    return path if path.is_absolute() else config.base_dir / path


def last_digest_date(out_dir: Path) -> date | None:
    """The day of the newest digest file (digest-YYYY-MM-DD[.lang].md) in out_dir."""
    days = []
    if out_dir.is_dir():
        for path in out_dir.iterdir():
            match = _DIGEST_FILE.match(path.name)
            if match:
                try:
                    days.append(date.fromisoformat(match.group(1)))
                except ValueError:
                    continue
    return max(days, default=None)


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside it and rename, so a reader never sees half a digest.

    The file gets the permissions any other output file would (the umask's, or the replaced file's):
    mkstemp's 0600 would hide the roundup from the team it is written for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, _output_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _output_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777  # replacing a file keeps its mode
    except FileNotFoundError:
        umask = os.umask(0o022)  # read the umask (no other way), then put it back
        os.umask(umask)
        return 0o666 & ~umask


def run_scheduled_digest(
    config: Config,
    engine: Engine,
    *,
    now: datetime | None = None,
    notifier: Notifier | None = None,
) -> Path | None:
    """The scheduled digest: write it to [digest].out_dir and post it to [digest].channel if one is set.

    Returns the file written, or None when this run is not a digest week (every_other_week and the last
    digest in out_dir is less than EVERY_OTHER_WEEK_MIN_DAYS old) or today's digest exists already (a
    restarted service running the job again must not post twice). A Slack failure leaves the messages in
    the outbox for the service to retry; it does not undo the file.
    """
    section = config.digest
    tz = ZoneInfo(section.timezone)
    now = now or utcnow()
    today = now.astimezone(tz).date()
    out_dir = digest_dir(config)
    last = last_digest_date(out_dir)
    if last is not None:
        age = (today - last).days
        if age <= 0 or (section.every_other_week and age < EVERY_OTHER_WEEK_MIN_DAYS):
            log.info("digest: not due (last one %s, %s days ago)", last, age)
            return None
    period = Period.ending(now, section.period, tz)
    digest = build_digest(config, engine, period, section.language)
    path = out_dir / f"digest-{today.isoformat()}.{section.language}.md"
    write_atomically(path, render_markdown(digest))
    log.info("digest: %s entries written to %s", len(digest.entries), path)
    if section.channel:
        from tracker.digest.post import post_digest
        from tracker.digest.render_slack import render_slack

        report = post_digest(engine, config, render_slack(digest), section.channel, notifier)
        if report.ok:
            log.info("digest: posted to %s (%s messages)", section.channel, report.sent)
        else:
            log.warning(
                "digest: posting to %s incomplete: %s sent, %s failed, %s waiting for a retry (%s)",
                section.channel,
                report.sent,
                report.failed,
                report.pending,
                "; ".join(report.errors) or "no error recorded",
            )
    return path

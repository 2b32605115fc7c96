"""What every notifier offers the deliverer, the two kinds of send error, and secret scrubbing."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

SECRET_ENV_VARS = ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL")
_SECRET_PATTERNS = (
    re.compile(r"xox[a-z]-[A-Za-z0-9-]+"),  # Slack tokens of every kind
    re.compile(r"https?://hooks\.slack(?:-gov)?\.com/\S+"),  # incoming webhook URLs are credentials
    re.compile(r"(?i)(bearer\s+)\S+"),
)
_registered_secrets: set[str] = set()
REDACTED = "[redacted]"


def register_secret(value: str | None) -> None:
    """Remember a secret so `scrub` removes it even if it matches none of the patterns."""
    if value and len(value.strip()) >= 8:
        _registered_secrets.add(value.strip())


def scrub(text: object) -> str:
    """The text with every known secret and anything shaped like a Slack token or webhook URL removed."""
    out = str(text)
    secrets = set(_registered_secrets)
    for name in SECRET_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if len(value) >= 8:
            secrets.add(value)
    for secret in sorted(secrets, key=len, reverse=True):
        out = out.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        out = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, out)
    return out


class ScrubFilter(logging.Filter):
    """Rewrites a record's message without secrets (attached to the loggers we hand to slack-sdk)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def scrubbed_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if not any(isinstance(f, ScrubFilter) for f in logger.filters):
        logger.addFilter(ScrubFilter())
    return logger


class SendError(Exception):
    """A send did not happen. `reason` is short, scrubbed, and safe to store and show."""

    def __init__(self, reason: str) -> None:
        self.reason = scrub(reason)[:500]
        super().__init__(self.reason)


class PermanentSendError(SendError):
    """Retrying cannot help (bad token, unknown channel, not invited): mark failed, tell operations."""


class TransientSendError(SendError):
    """Slack or the network is unwell: try again later (after `retry_after` seconds when Slack said)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Posted:
    """Where a message landed. Both None for notifiers that cannot tell (webhook, console)."""

    ts: str | None
    channel_id: str | None


class Notifier(Protocol):
    """A way to show alerts to people. Declares its abilities; the deliverer adapts to them."""

    name: str
    supports_threads: bool  # posts can reply in a thread (thread_ts)
    can_verify: bool  # find_posted can tell whether an alert was already posted
    can_upload: bool  # upload can put a file (the full diff) into a thread
    min_interval: float  # seconds between two messages in one lane

    def lane(self, channel: str) -> str:
        """Messages in one lane are sent in order and paced; lanes are independent."""
        ...

    def post(
        self,
        channel: str,
        payload: dict[str, Any],
        *,
        alert_id: int | None,
        alert_key: str | None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted: ...

    def find_posted(
        self,
        channel: str,
        *,
        alert_id: int,
        alert_key: str | None,
        thread_ts: str | None,
        since: datetime,
        channel_id_hint: str | None,
    ) -> Posted | None: ...

    def upload(
        self, channel_id: str, *, thread_ts: str, filename: str, title: str, content: str
    ) -> Posted: ...

    def find_upload(self, channel_id: str, *, thread_ts: str, filename: str) -> Posted | None: ...


class Pacer:
    """About one message per `interval` seconds per lane; picks the lane that may send soonest."""

    def __init__(self, interval: float, sleep: Any = time.sleep) -> None:
        self.interval = max(0.0, interval)
        self._ready_at: dict[str, float] = {}
        self._sleep = sleep

    def next_lane(self, lanes: Iterable[str]) -> str:
        lane = min(lanes, key=lambda name: self._ready_at.get(name, 0.0))
        wait = self._ready_at.get(lane, 0.0) - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        return lane

    def sent(self, lane: str) -> None:
        self._ready_at[lane] = time.monotonic() + self.interval

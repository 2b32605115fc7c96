"""Posting a digest to Slack through the alert outbox (tracker.alerts), so it gets the same retries,
pacing, duplicate check and secret scrubbing as change alerts.

The messages of one digest become "digest" alerts in one transaction, in posting order. When there are
several, they share a thread key: the first one sent becomes the thread (tracker.alerts.outbox.mark_sent
records it) and the rest reply in it; the outbox keeps a channel's alerts in id order and holds back the
rest of a lane while one waits for a retry, so the replies never overtake their parent. Through an
incoming webhook (no threads) they arrive as consecutive messages.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.alerts.deliver import deliver_pending
from tracker.alerts.notifier import Notifier
from tracker.config import Config
from tracker.store.db import transaction
from tracker.store.models import Alert, utcnow

DIGEST_KIND = "digest"


@dataclass
class PostReport:
    channel: str
    alert_ids: list[int]
    sent: int = 0
    failed: int = 0
    pending: int = 0  # waiting for a retry: the service's outbox job will send them
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.sent == len(self.alert_ids)


def digest_channel(config: Config) -> str:
    """[digest].channel, else the default Slack channel (for an explicit `tracker digest --post`)."""
    return config.digest.channel or config.slack.default_channel


def queue_digest(engine: Engine, messages: list[dict[str, Any]], channel: str) -> list[int]:
    """One "digest" alert per message, in order, in one transaction; returns their ids."""
    now = utcnow()
    thread_key = f"digest:{uuid.uuid4().hex}" if len(messages) > 1 else None
    with transaction(engine) as session:
        alerts = [
            Alert(
                kind=DIGEST_KIND,
                channel=channel,
                thread_key=thread_key,
                payload=json.dumps({**message, "alert_key": uuid.uuid4().hex}, ensure_ascii=False),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            for message in messages
        ]
        session.add_all(alerts)
        session.flush()
        return [a.id for a in alerts if a.id is not None]


def post_digest(
    engine: Engine,
    config: Config,
    messages: list[dict[str, Any]],
    channel: str,
    notifier: Notifier | None = None,
) -> PostReport:
    """Queue the messages and deliver the outbox now (other due alerts go out with them, in order)."""
    ids = queue_digest(engine, messages, channel)
    deliver_pending(engine, config, notifier)
    report = PostReport(channel=channel, alert_ids=ids)
    with Session(engine) as session:
        rows = session.exec(select(Alert).where(col(Alert.id).in_(ids))).all()
    errors = []
    for row in rows:
        if row.status in ("sent", "skipped"):
            report.sent += 1
        elif row.status == "failed":
            report.failed += 1
            errors.append(row.last_error or "failed")
        else:
            report.pending += 1
            if row.last_error:
                errors.append(row.last_error)
    report.errors = tuple(dict.fromkeys(errors))
    return report

"""The alert outbox: rows written in the check's transaction, then moved through their states.

    pending --claim--> sending --post ok--> sent
       ^                  |  \\--permanent error / attempts used up--> failed --`alerts retry`--> pending
       +--transient error-+
    pending --folded into a summary at delivery (see tracker.alerts.groups)--> folded
    (a "sending" row whose lease ran out, or whose holder is known to be dead, is claimable again)

Kinds: "change" (a Block Kit message about a Change), "ops" (operations notices), "diff" (the full diff of
a long document change, uploaded as a file into the thread of its "change" alert), "test", and the ones
made at delivery: "summary" (one message for a flood of change alerts), "summary_part" (the rest of
its list, in its thread), "ops_group" (several operations notices in one message).
Every payload carries a random `alert_key`; with the alert id it goes into the Slack message metadata, so
an earlier post of the same alert can be recognised (see tracker.alerts.deliver).
"""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tracker.alerts.lease import holder_is_dead, process_identity
from tracker.alerts.render import needs_diff_file, render_change_message, render_ops_message
from tracker.alerts.render_event import render_event_reply
from tracker.alerts.routing import ops_channel, route_channels
from tracker.config import Config
from tracker.store.db import transaction
from tracker.store.models import Alert, Change, SlackThread, utcnow

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
FOLDED = "folded"  # shown inside another alert's message (Alert.folded_into), never sent on its own
UNSENT = (PENDING, SENDING)
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a process that died
BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 3600.0


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; everything we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def backoff_delay(attempts: int, rng: random.Random | None = None) -> float:
    """30 s, 1 min, 2 min, ... capped at 1 h, each ±20 % so a recovering Slack is not hit all at once."""
    base = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    return base * (rng or random).uniform(0.8, 1.2)


def _new_alert(
    *, kind: str, channel: str, thread_key: str | None, payload: dict[str, Any], change_id: int | None = None
) -> Alert:
    now = utcnow()
    payload = {**payload, "alert_key": uuid.uuid4().hex}
    return Alert(
        change_id=change_id,
        kind=kind,
        channel=channel,
        thread_key=thread_key[:600] if thread_key else None,
        payload=json.dumps(payload, ensure_ascii=False),
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def enqueue_event_alert(session: Session, change: Change, root: Change, config: Config) -> list[Alert]:
    """A change that is part of an event already alerted: a reply in the first alert's thread wherever
    that alert went; a message of its own in any other channel its routing adds."""
    if change.id is None:
        raise ValueError("flush the Change before queueing its alert (its id goes into the message)")
    root_channels = set(
        session.exec(select(Alert.channel).where(Alert.change_id == root.id, Alert.kind == "change")).all()
    )
    channels = route_channels(change, config)
    replies = [
        _new_alert(
            kind="change",
            channel=channel,
            thread_key=root.document_key,
            payload={**render_event_reply(change, change.event_reason), "event_reply": True},
            change_id=change.id,
        )
        for channel in channels
        if channel in root_channels
    ]
    session.add_all(replies)
    session.flush()
    others = [channel for channel in channels if channel not in root_channels]
    return replies + (enqueue_change_alert(session, change, config, channels=others) if others else [])


def enqueue_change_alert(
    session: Session, change: Change, config: Config, *, channels: list[str] | None = None
) -> list[Alert]:
    """Queue one alert per routed channel (or per given channel) for a flushed Change, in the caller's
    transaction.

    Returns the message alerts. When the diff is too long for a message and a bot token is configured
    (files need one), a "diff" alert per channel follows its message alert, to attach the full diff.
    """
    if change.id is None:
        raise ValueError("flush the Change before queueing its alert (its id goes into the message)")
    # Files need a bot token; without one the full diff stays a `tracker show` away.
    attach_diff = needs_diff_file(change) and bool(os.environ.get("SLACK_BOT_TOKEN", "").strip())
    message = render_change_message(change, diff_in_thread=attach_diff, public_url=config.web.public_url)
    alerts = [
        _new_alert(
            kind="change",
            channel=channel,
            thread_key=change.document_key,
            payload=message,
            change_id=change.id,
        )
        for channel in (route_channels(change, config) if channels is None else channels)
    ]
    session.add_all(alerts)
    session.flush()
    if attach_diff:
        for parent in alerts:
            session.add(
                _new_alert(
                    kind="diff",
                    channel=parent.channel,
                    thread_key=change.document_key,
                    change_id=change.id,
                    payload={
                        "parent_alert_id": parent.id,
                        "filename": f"change-{change.id}.diff",
                        "title": f"Full diff of change #{change.id}",
                    },
                )
            )
        session.flush()
    return alerts


def enqueue_ops_alert(
    session: Session, *, endpoint_key: str, text: str, config: Config, recovered: bool
) -> Alert:
    """Queue an operations notice: a source failing (once per streak) or recovered.

    The recovery replies in the thread of the failure notice it ends (and is broadcast to the channel).
    """
    title = "Source recovered" if recovered else "Source failing"
    return queue_ops_notice(
        session, subject=endpoint_key, title=title, text=text, config=config, ok=recovered
    )


def queue_ops_notice(
    session: Session, *, subject: str, title: str, text: str, config: Config, ok: bool
) -> Alert:
    prefix = f"ops:{subject}#"
    thread_key = None
    if ok:  # find the failure notice this recovery answers
        thread_key = session.exec(
            select(Alert.thread_key)
            .where(Alert.kind == "ops", col(Alert.thread_key).startswith(prefix, autoescape=True))
            .order_by(col(Alert.id).desc())
        ).first()
    if thread_key is None:
        thread_key = f"{prefix}{uuid.uuid4().hex[:8]}"
    payload = render_ops_message(
        title=title, subject=subject, text=text, ok=ok, public_url=config.web.public_url
    )
    # title/detail/ok: what a grouped notice lists (tracker.alerts.groups); broadcast: a recovery shows
    # in the channel too, unless operations notices share the team's channel.
    payload.update(
        subject=subject, broadcast=ok and bool(config.slack.ops_channel), title=title, detail=text, ok=ok
    )
    alert = _new_alert(kind="ops", channel=ops_channel(config), thread_key=thread_key, payload=payload)
    session.add(alert)
    session.flush()
    return alert


def ops_notice_open(session: Session, subject: str, channel: str) -> bool:
    """A notice about `subject` was queued and nothing reached `channel` since: the problem is known.

    So a channel that keeps failing raises one notice, and a new one only after it worked again.
    """
    prefix = f"ops:{subject}#"
    last_notice = session.exec(
        select(func.max(Alert.created_at)).where(
            Alert.kind == "ops", col(Alert.thread_key).startswith(prefix, autoescape=True)
        )
    ).one()
    if last_notice is None:
        return False
    last_success = session.exec(
        select(func.max(Alert.sent_at)).where(Alert.channel == channel, Alert.status == SENT)
    ).one()
    return last_success is None or as_utc(last_success) < as_utc(last_notice)


# -- state transitions (each in the caller's transaction) ------------------------------------------


def claimable(status: str, due: datetime, lease_owner: str | None, now: datetime) -> bool:
    """Unsent and due, or claimed by a process that is known to be dead (its lease is void)."""
    if status not in UNSENT:
        return False
    return as_utc(due) <= now or (status == SENDING and holder_is_dead(lease_owner))


def claim(session: Session, alert_id: int, now: datetime) -> Alert | None:
    """Take a due alert for sending: one conditional UPDATE, so two deliverers never both get it."""
    alert = session.get(Alert, alert_id)
    if alert is None or not claimable(alert.status, alert.next_attempt_at, alert.lease_owner, now):
        return None
    result = session.execute(
        sa.update(Alert)
        .where(
            col(Alert.id) == alert_id,
            col(Alert.status) == alert.status,
            col(Alert.attempts) == alert.attempts,
        )
        .values(
            status=SENDING,
            attempts=alert.attempts + 1,
            next_attempt_at=now + LEASE,
            lease_owner=process_identity(),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(alert)
    return alert


def thread_ts_for(session: Session, alert: Alert) -> str | None:
    if not alert.thread_key:
        return None
    thread = session.get(SlackThread, (alert.thread_key, alert.channel))
    return thread.ts if thread else None


def known_channel_id(session: Session, channel: str) -> str | None:
    """The Slack id of a configured channel, from an earlier successful post."""
    return session.exec(
        select(Alert.slack_channel_id)
        .where(Alert.channel == channel, col(Alert.slack_channel_id).is_not(None))
        .order_by(col(Alert.id).desc())
    ).first()


def mark_sent(
    session: Session,
    alert: Alert,
    *,
    ts: str | None,
    channel_id: str | None,
    now: datetime,
    thread_root: str | None,
    status: str = SENT,
    note: str | None = None,
) -> None:
    """Record the delivery; the first message about a document in a channel becomes its thread."""
    alert.status, alert.slack_ts, alert.sent_at = status, ts, now
    alert.slack_channel_id = channel_id or alert.slack_channel_id
    if note is not None:
        alert.last_error = note[:2000]
    session.add(alert)
    if (
        alert.kind != "diff"
        and alert.thread_key
        and thread_root
        and session.get(SlackThread, (alert.thread_key, alert.channel)) is None
    ):
        session.add(
            SlackThread(document_key=alert.thread_key, channel=alert.channel, ts=thread_root, created_at=now)
        )


def mark_failed(session: Session, alert: Alert, reason: str, now: datetime) -> None:
    alert.status, alert.last_error, alert.next_attempt_at = FAILED, reason[:2000], now
    session.add(alert)


def reschedule(
    session: Session,
    alert: Alert,
    reason: str,
    now: datetime,
    config: Config,
    retry_after: float | None = None,
) -> bool:
    """Try again later; returns False (and marks failed) when the attempts are used up."""
    if alert.attempts >= config.slack.max_attempts:
        mark_failed(session, alert, f"gave up after {alert.attempts} attempts: {reason}", now)
        return False
    delay = retry_after if retry_after is not None else backoff_delay(alert.attempts)
    alert.status, alert.last_error = PENDING, reason[:2000]
    alert.next_attempt_at = now + timedelta(seconds=max(1.0, delay))
    session.add(alert)
    return True


# -- command helpers (`tracker alerts`, `tracker alerts retry`) -----------------------------------


def list_alerts(engine: Engine, status: str | tuple[str, ...] | None = None) -> list[Alert]:
    """Alerts in id order, of one status or several ("pending" alone also lists "sending": both wait)."""
    statuses = UNSENT if status == PENDING else (status,) if isinstance(status, str) else status
    with Session(engine, expire_on_commit=False) as session:
        query = select(Alert).order_by(col(Alert.id))
        if statuses:
            query = query.where(col(Alert.status).in_(statuses))
        return list(session.exec(query).all())


def retry_alerts(engine: Engine, alert_id: int | None = None, all_failed: bool = False) -> int:
    """Put failed alerts (one by id, or all) back in the queue, due now, with fresh attempts.

    last_error is kept: it tells the deliverer the alert may have been posted before, so it checks
    Slack for an earlier copy before posting again. Given by id, a pending alert is made due now, a
    "sending" one is taken from whoever claimed it (it is looked for in Slack before it is posted again),
    and a folded one is sent on its own.
    """
    if alert_id is None and not all_failed:
        return 0
    now = utcnow()
    with transaction(engine) as session:
        query = select(Alert)
        if alert_id is not None:
            retryable = (FAILED, PENDING, SENDING, FOLDED)
            query = query.where(Alert.id == alert_id, col(Alert.status).in_(retryable))
        else:
            query = query.where(Alert.status == FAILED)
        rows = list(session.exec(query).all())
        for alert in rows:
            if alert.status == FAILED:
                alert.attempts = 0
                alert.last_error = f"retried by operator; before: {alert.last_error or ''}"[:2000]
            elif alert.status == SENDING:  # attempts stay: the deliverer looks for an earlier copy first
                before = alert.last_error or ""
                alert.last_error = f"forced by operator while sending; before: {before}"[:2000]
            elif alert.status == FOLDED:
                alert.last_error = f"sent on its own by operator; was folded into alert {alert.folded_into}"
                alert.folded_into = None
            alert.status, alert.next_attempt_at, alert.lease_owner = PENDING, now, None
            session.add(alert)
        return len(rows)

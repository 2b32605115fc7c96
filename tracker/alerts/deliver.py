"""Drain the outbox: claim due alerts in id order, send them, record what happened.

Order and pacing. Alerts are grouped in lanes (a channel; one lane for a webhook). Within a lane they go in
id order and an alert waits while an earlier one in its lane is waiting for a retry, so a channel never
sees alerts out of order, even across a long outage. Lanes are served round-robin, at most one message
per `[slack].per_channel_interval` seconds each.

Floods. Before a pass serves its lanes, a flood of change alerts in a channel becomes one summary and
several operations notices one message (tracker.alerts.groups).

Errors. Permanent (invalid_auth, channel_not_found, not_in_channel, ...): the alert is marked failed with
the reason, one error line is logged and an operations notice is queued - one per failing channel
until something reaches that channel again, whatever the channel layout (the notice may get through
where the alert did not: a token fixed meanwhile; if not, it fails and is logged), and never about an
operations notice, so a broken ops channel cannot loop. Transient (5xx,
timeouts, connection errors, 429 beyond slack-sdk's short inline wait): rescheduled with exponential
backoff and jitter (Retry-After when Slack gave one) until `[slack].max_attempts`, then failed. Nothing
here raises for a Slack problem; database errors do propagate.

Exactly once, and the window that is left. The claim (a conditional UPDATE to "sending", with a lease) is
committed before the post and the result after it. Every post carries message metadata
{"event_type": "tracker_alert", "event_payload": {"alert_id", "alert_key"}}. An alert that may have been
posted before (a second attempt, or one with an earlier error) is first looked for in
conversations.history (conversations.replies for a thread reply) with include_all_metadata; if found it
is marked sent with that ts instead of being posted again. So a process killed after the post and before
its commit does not cause a duplicate, and one killed before the post does not lose the alert (its lease
runs out after 5 minutes and it is sent then; at once when the claim's holder is known to be dead, see
tracker.alerts.lease, so a kill does not hold back the rest of its channel). A duplicate is still
possible when
  * alerts go through an incoming webhook, which cannot read the channel: at-least-once, a kill between
    post and commit resends that one message;
  * the bot lacks the history scopes (channels:history / groups:history) or the channel id cannot be
    resolved (logged, then posted: at-least-once);
  * the earlier copy is outside the scan: posted more than 5 minutes before the alert was created (clock
    skew), behind more than 1,000 newer messages, or deleted by someone;
  * Slack's history has not caught up with a post when the retry looks for it; the 5-minute lease makes
    that retry come long after the post.
Full-diff files are matched by file name in the thread the same way.
"""

from __future__ import annotations

import enum
import json
import logging
import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tracker.alerts.groups import SUMMARY_PART, fold_lane, record_members
from tracker.alerts.notifier import (
    Notifier,
    Pacer,
    PermanentSendError,
    Posted,
    TransientSendError,
    scrub,
)
from tracker.alerts.notifiers import make_notifier
from tracker.alerts.outbox import (  # list_alerts, retry_alerts: re-exported for the CLI
    FAILED,
    FOLDED,
    SENT,
    SKIPPED,
    UNSENT,
    as_utc,
    claim,
    claimable,
    known_channel_id,
    list_alerts,
    mark_failed,
    mark_sent,
    ops_notice_open,
    queue_ops_notice,
    reschedule,
    retry_alerts,
    thread_ts_for,
)
from tracker.config import Config
from tracker.store.db import transaction
from tracker.store.models import Alert, Change, utcnow

__all__ = ["DeliveryReport", "deliver_pending", "list_alerts", "retry_alerts"]
log = logging.getLogger("tracker.alerts")


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retried_later: int = 0
    pending: int = 0  # still unsent after this run (waiting for a retry, or beyond max_messages)


class _Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"
    RETRY = "retry"
    SKIPPED = "skipped"
    LOST = "lost"  # another deliverer claimed it first


def has_unsent(engine: Engine) -> bool:
    """Whether any alert waits to be sent (due or not): when none does, delivery has nothing to do."""
    with Session(engine) as session:
        return (
            session.exec(select(Alert.id).where(col(Alert.status).in_(UNSENT)).limit(1)).first() is not None
        )


def deliver_pending(
    engine: Engine,
    config: Config,
    notifier: Notifier | None = None,
    *,
    now: datetime | None = None,
    max_messages: int | None = None,
) -> DeliveryReport:
    """Send every due alert once (see the module docstring). Synchronous; safe to run concurrently."""
    notifier = notifier or make_notifier(config)
    fixed_now = as_utc(now) if now is not None else None

    def clock() -> datetime:
        return fixed_now or utcnow()

    report = DeliveryReport()
    pacer = Pacer(notifier.min_interval)
    budget: float = math.inf if max_messages is None else max_messages
    raised: set[str] = set()
    while budget > 0:
        lanes = {
            lane: deque(fold_lane(engine, config, ids, clock(), threads=notifier.supports_threads))
            if len(ids) > 1
            else ids
            for lane, ids in _due_lanes(engine, notifier, clock()).items()
        }
        notices_before = len(raised)
        while lanes and budget > 0:
            lane = pacer.next_lane(lanes)
            outcome = _deliver_one(engine, config, notifier, lanes[lane].popleft(), clock(), raised)
            if outcome is not _Outcome.LOST:
                budget -= 1
                pacer.sent(lane)
            report.sent += outcome is _Outcome.SENT
            report.failed += outcome is _Outcome.FAILED
            report.retried_later += outcome is _Outcome.RETRY
            if outcome is _Outcome.RETRY or not lanes[lane]:  # a retry holds back the rest of its lane
                del lanes[lane]
        if len(raised) == notices_before:  # only a new operations notice warrants another pass
            break
    with Session(engine) as session:
        report.pending = session.exec(
            select(func.count()).select_from(Alert).where(col(Alert.status).in_(UNSENT))
        ).one()
    return report


def _due_lanes(engine: Engine, notifier: Notifier, now: datetime) -> dict[str, deque[int]]:
    """Due alert ids per lane, in id order, each lane stopping at its first alert that is not due."""
    with Session(engine) as session:
        # SQLModel's select is typed for at most four columns, SQLAlchemy's for up to ten.
        rows = session.execute(
            sa.select(
                col(Alert.id),
                col(Alert.channel),
                col(Alert.next_attempt_at),
                col(Alert.status),
                col(Alert.lease_owner),
            )
            .where(col(Alert.status).in_(UNSENT))
            .order_by(col(Alert.id))
        ).all()
    lanes: dict[str, deque[int]] = {}
    blocked: set[str] = set()
    for alert_id, channel, due, status, owner in rows:
        lane = notifier.lane(channel)
        if lane in blocked:
            continue
        if not claimable(status, due, owner, now):
            blocked.add(lane)
            continue
        lanes.setdefault(lane, deque()).append(alert_id)
    return lanes


@dataclass
class _Claimed:
    alert: Alert
    payload: dict[str, Any]
    thread_ts: str | None
    channel_id_hint: str | None
    parent: Alert | None = None
    diff: str | None = None

    @property
    def maybe_posted(self) -> bool:
        # attempts counts this claim: anything beyond it, or an earlier error, means a post may exist.
        return self.alert.attempts > 1 or self.alert.last_error is not None


def _claim(engine: Engine, notifier: Notifier, alert_id: int, now: datetime) -> _Claimed | None:
    with transaction(engine) as session:
        alert = claim(session, alert_id, now)
        if alert is None:
            return None
        payload = json.loads(alert.payload)
        claimed = _Claimed(
            alert=alert,
            payload=payload,
            thread_ts=thread_ts_for(session, alert) if notifier.supports_threads else None,
            channel_id_hint=None,
        )
        if claimed.maybe_posted and notifier.can_verify:  # only the duplicate check needs the id
            claimed.channel_id_hint = known_channel_id(session, alert.channel)
        if alert.kind in ("diff", SUMMARY_PART):
            claimed.parent = session.get(Alert, payload.get("parent_alert_id"))
            change = session.get(Change, alert.change_id) if alert.change_id else None
            claimed.diff = change.diff if change else None
        return claimed


def _deliver_one(
    engine: Engine, config: Config, notifier: Notifier, alert_id: int, now: datetime, raised: set[str]
) -> _Outcome:
    claimed = _claim(engine, notifier, alert_id, now)
    if claimed is None:
        return _Outcome.LOST
    alert = claimed.alert
    try:
        if alert.kind == "diff":
            return _deliver_diff(engine, notifier, claimed, now)
        if alert.kind == SUMMARY_PART:
            outcome = _part_waits(engine, claimed, now)
            if outcome is not None:
                return outcome
        if alert.kind in ("ops", "ops_group"):
            log.warning("operations notice to %s: %s", alert.channel, claimed.payload.get("text", ""))
        posted = None
        if claimed.maybe_posted and notifier.can_verify:
            posted = notifier.find_posted(
                alert.channel,
                alert_id=alert_id,
                alert_key=claimed.payload.get("alert_key"),
                thread_ts=claimed.thread_ts,
                since=as_utc(alert.created_at),
                channel_id_hint=claimed.channel_id_hint,
            )
            if posted is not None:
                log.info(
                    "alert %s was already in %s (ts %s); recorded it instead of posting again",
                    alert.id,
                    alert.channel,
                    posted.ts,
                )
        if posted is None:
            posted = notifier.post(
                alert.channel,
                claimed.payload,
                alert_id=alert_id,
                alert_key=claimed.payload.get("alert_key"),
                thread_ts=claimed.thread_ts,
                broadcast=bool(claimed.payload.get("broadcast")),
            )
    except PermanentSendError as exc:
        return _fail(engine, config, alert, exc.reason, now, raised)
    except TransientSendError as exc:
        return _retry(engine, config, alert, exc.reason, now, raised, exc.retry_after)
    except Exception as exc:  # a bug in one alert must not stop the others
        log.exception("alert %s: unexpected error while sending", alert.id)
        return _retry(engine, config, alert, f"internal error: {type(exc).__name__}: {exc}", now, raised)
    _record(engine, alert_id, posted, now, thread_root=claimed.thread_ts or posted.ts)
    log.info("alert %s sent to %s%s", alert.id, alert.channel, " (in thread)" if claimed.thread_ts else "")
    return _Outcome.SENT


def _part_waits(engine: Engine, claimed: _Claimed, now: datetime) -> _Outcome | None:
    """A summary's list goes into its thread: after the summary, and not at all if it failed."""
    parent = claimed.parent
    if parent is None or parent.status == FAILED:
        with transaction(engine) as session:
            mark_failed(session, session.get(Alert, claimed.alert.id), "its summary alert failed", now)  # type: ignore[arg-type]
        return _Outcome.FAILED
    if parent.status != SENT:
        raise TransientSendError(f"waiting for summary alert {parent.id}")
    return None


def _deliver_diff(engine: Engine, notifier: Notifier, claimed: _Claimed, now: datetime) -> _Outcome:
    """Upload a long diff into the thread of the message alert it belongs to."""
    alert, parent, payload = claimed.alert, claimed.parent, claimed.payload
    if parent is None or parent.status == FAILED:
        with transaction(engine) as session:
            mark_failed(session, session.get(Alert, alert.id), "its message alert failed", now)  # type: ignore[arg-type]
        return _Outcome.FAILED
    if parent.status == FOLDED:
        parent = None  # shown in a summary, not as a message of its own: nothing to attach to
    if parent is not None and parent.status != SENT:
        raise TransientSendError(f"waiting for message alert {parent.id}")
    thread_ts = claimed.thread_ts
    channel_id = parent.slack_channel_id if parent is not None else None
    if not notifier.can_upload or not thread_ts or not channel_id or not claimed.diff:
        with transaction(engine) as session:
            note = f"{notifier.name} cannot attach files; full diff: `tracker show {alert.change_id}`"
            row = session.get(Alert, alert.id)
            assert row is not None
            mark_sent(
                session, row, ts=None, channel_id=None, now=now, thread_root=None, status=SKIPPED, note=note
            )
        return _Outcome.SKIPPED
    posted = None
    if claimed.maybe_posted:
        posted = notifier.find_upload(channel_id, thread_ts=thread_ts, filename=payload["filename"])
    if posted is None:
        posted = notifier.upload(
            channel_id,
            thread_ts=thread_ts,
            filename=payload["filename"],
            title=payload["title"],
            content=claimed.diff,
        )
    assert alert.id is not None  # a claimed alert is a stored row
    _record(engine, alert.id, posted, now, thread_root=None)
    log.info("alert %s: full diff of change %s attached in %s", alert.id, alert.change_id, alert.channel)
    return _Outcome.SENT


def _record(engine: Engine, alert_id: int, posted: Posted, now: datetime, thread_root: str | None) -> None:
    with transaction(engine) as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        mark_sent(
            session, alert, ts=posted.ts, channel_id=posted.channel_id, now=now, thread_root=thread_root
        )
        record_members(session, alert, posted.ts, posted.channel_id, now)


def _fail(
    engine: Engine, config: Config, alert: Alert, reason: str, now: datetime, raised: set[str]
) -> _Outcome:
    reason = scrub(reason)
    subject = f"slack:{alert.channel}"
    with transaction(engine) as session:
        row = session.get(Alert, alert.id)
        assert row is not None
        mark_failed(session, row, reason, now)
        notify = (
            alert.kind not in ("ops", "ops_group", "test")
            and subject not in raised
            and not ops_notice_open(session, subject, alert.channel)
        )
        if notify:
            queue_ops_notice(
                session,
                subject=subject,
                title="Slack refused an alert",
                ok=False,
                config=config,
                text=f"Alert {alert.id} for {alert.channel} failed: {reason}. Fix the cause, then run "
                f"`tracker alerts retry --all`.",
            )
            raised.add(subject)
    log.error("alert %s to %s failed: %s", alert.id, alert.channel, reason)
    return _Outcome.FAILED


def _retry(
    engine: Engine,
    config: Config,
    alert: Alert,
    reason: str,
    now: datetime,
    raised: set[str],
    retry_after: float | None = None,
) -> _Outcome:
    reason = scrub(reason)
    with transaction(engine) as session:
        row = session.get(Alert, alert.id)
        assert row is not None
        again = reschedule(session, row, reason, now, config, retry_after)
        next_at = row.next_attempt_at
    if not again:
        return _fail(engine, config, alert, f"gave up after {alert.attempts} attempts: {reason}", now, raised)
    log.warning(
        "alert %s to %s not sent (%s); attempt %s of %s, next at %s",
        alert.id,
        alert.channel,
        reason,
        alert.attempts,
        config.slack.max_attempts,
        next_at.isoformat(timespec="seconds"),
    )
    return _Outcome.RETRY

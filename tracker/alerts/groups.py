"""Folding at delivery: a flood becomes one summary, a wave of operations notices one message.

Before a delivery pass serves its lanes, the due alerts of each channel are looked at together:

* More than `[slack].flood_threshold` change alerts about new or updated entries (a new source, a site
  that renumbers its items, the backlog of an outage): one "summary" alert takes their place, with the
  count and the first titles, and with a bot token "summary_part" alerts list the rest in its thread.
  Changed documents (with their diff) always keep their own message: there are few of them, and each
  matters.
* Two or more operations notices (sources failing, Slack refusing alerts; recoveries apart): one
  "ops_group" alert lists them. A later recovery then replies in its thread.

Only alerts never tried are folded (no attempt, no error): one that may already be in Slack is sent, or
found, on its own. The folded alerts become status "folded" with `folded_into` = the new alert, in one
transaction whose conditional UPDATE fails if another deliverer took any of them meanwhile (then nothing
is folded this pass). Their changes stay in `tracker history`; when the summary is sent, each folded
alert records its ts. `tracker alerts retry ID` sends a folded alert on its own.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.alerts.outbox import FOLDED, PENDING, thread_ts_for
from tracker.alerts.render_groups import (
    PART_SIZE,
    SHOWN,
    render_flood_part,
    render_flood_summary,
    render_ops_group,
)
from tracker.config import Config
from tracker.store.db import transaction
from tracker.store.models import Alert, Change, SlackThread
from tracker.types import ChangeKind

log = logging.getLogger("tracker.alerts")

SUMMARY, SUMMARY_PART, OPS_GROUP = "summary", "summary_part", "ops_group"
FOLDABLE_KINDS = (ChangeKind.NEW_ITEM.value, ChangeKind.CHANGED_ITEM.value)


class _Raced(Exception):
    """Another deliverer changed one of the alerts meanwhile: fold nothing this pass."""


def _fresh(alert: Alert) -> bool:
    return (
        alert.status == PENDING
        and alert.attempts == 0
        and alert.last_error is None
        and alert.folded_into is None
    )


def _new(kind: str, channel: str, thread_key: str, payload: dict[str, Any], now: datetime) -> Alert:
    return Alert(
        kind=kind,
        channel=channel,
        thread_key=thread_key,
        payload=json.dumps({**payload, "alert_key": uuid.uuid4().hex}, ensure_ascii=False),
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def fold_lane(
    engine: sa.Engine, config: Config, ids: Sequence[int], now: datetime, *, threads: bool
) -> list[int]:
    """The lane's due alert ids with floods and notice waves replaced by the alerts that stand for them."""
    try:
        with transaction(engine) as session:
            return _fold(session, config, ids, now, threads)
    except _Raced:
        return list(ids)


def _fold(session: Session, config: Config, ids: Sequence[int], now: datetime, threads: bool) -> list[int]:
    rows = {a.id: a for a in session.exec(select(Alert).where(col(Alert.id).in_(list(ids))))}
    fresh = [rows[i] for i in ids if i in rows and _fresh(rows[i])]
    changes: dict[int, Change] = {}
    change_ids = [a.change_id for a in fresh if a.kind == "change" and a.change_id is not None]
    if change_ids and config.slack.flood_threshold:
        changes = {c.id: c for c in session.exec(select(Change).where(col(Change.id).in_(change_ids)))}  # type: ignore[misc]
    replaced: dict[int, list[int]] = {}  # first folded id -> the ids that take the group's place
    folded: set[int] = set()
    for channel in dict.fromkeys(a.channel for a in fresh):
        mine = [a for a in fresh if a.channel == channel]
        flood = [
            a
            for a in mine
            if a.kind == "change" and a.change_id in changes and changes[a.change_id].kind in FOLDABLE_KINDS
        ]
        groups: list[tuple[list[Alert], list[int]]] = []
        if config.slack.flood_threshold and len(flood) > config.slack.flood_threshold:
            flooded_changes = [changes[a.change_id] for a in flood]  # type: ignore[index]
            groups.append((flood, _add_summary(session, channel, flooded_changes, now, threads)))
        for wave in _notice_waves(session, [a for a in mine if a.kind == "ops"]):
            groups.append((wave, [_add_ops_group(session, config, channel, wave, now)]))
        for members, standing_in in groups:
            _mark_folded(session, members, standing_in[0])
            replaced[members[0].id] = standing_in  # type: ignore[index]
            folded.update(a.id for a in members)  # type: ignore[misc]
    if not replaced:
        return list(ids)
    out: list[int] = []
    for alert_id in ids:
        if alert_id in replaced:
            out.extend(replaced[alert_id])
        elif alert_id not in folded:
            out.append(alert_id)
    return out


def _notice_waves(session: Session, notices: list[Alert]) -> list[list[Alert]]:
    """Failures together; recoveries together per message they answer, which must be in Slack already
    (a recovery whose failure notice is still waiting goes alone, to reply in that notice's thread)."""
    waves: dict[tuple[bool, str | None], list[Alert]] = {}
    for alert in notices:
        ok = bool(json.loads(alert.payload).get("ok"))
        root = thread_ts_for(session, alert) if ok else None
        if ok and root is None:
            continue
        waves.setdefault((ok, root), []).append(alert)
    return [wave for wave in waves.values() if len(wave) >= 2]


def _mark_folded(session: Session, members: list[Alert], into: int) -> None:
    member_ids = [a.id for a in members]
    result = session.execute(
        sa.update(Alert)
        .where(col(Alert.id).in_(member_ids), col(Alert.status) == PENDING, col(Alert.attempts) == 0)
        .values(status=FOLDED, folded_into=into)
    )
    if result.rowcount != len(member_ids):  # type: ignore[attr-defined]
        raise _Raced
    for alert in members:
        session.refresh(alert)


def _add_summary(
    session: Session, channel: str, changes: list[Change], now: datetime, threads: bool
) -> list[int]:
    thread_key = f"summary:{uuid.uuid4().hex}"
    rest_in_thread = threads and len(changes) > SHOWN
    summary = _new(
        SUMMARY, channel, thread_key, render_flood_summary(changes, rest_in_thread=rest_in_thread), now
    )
    session.add(summary)
    session.flush()
    added = [summary]
    if rest_in_thread:
        rest = changes[SHOWN:]
        for start in range(0, len(rest), PART_SIZE):
            chunk = rest[start : start + PART_SIZE]
            payload = render_flood_part(chunk, first=SHOWN + start + 1, total=len(changes))
            payload["parent_alert_id"] = summary.id
            added.append(_new(SUMMARY_PART, channel, thread_key, payload, now))
        session.add_all(added[1:])
        session.flush()
    log.warning(
        "%s alerts for %s at once: summarised in alert %s (the rest %s)",
        len(changes),
        channel,
        summary.id,
        "in its thread" if rest_in_thread else "in `tracker history`",
    )
    return [a.id for a in added]  # type: ignore[misc]


def _add_ops_group(session: Session, config: Config, channel: str, wave: list[Alert], now: datetime) -> int:
    notices = [json.loads(a.payload) for a in wave]
    for notice in notices:
        log.warning("operations notice: %s", notice.get("text", ""))
    recovered = all(n.get("ok") for n in notices)
    thread_key = f"ops-group:{uuid.uuid4().hex[:8]}"
    if recovered and thread_ts_for(session, wave[0]):  # the wave answers one message: reply in its thread
        thread_key = wave[0].thread_key or thread_key
    payload = render_ops_group(notices)
    payload["broadcast"] = recovered and bool(config.slack.ops_channel)
    group = _new(OPS_GROUP, channel, thread_key, payload, now)
    session.add(group)
    session.flush()
    return group.id  # type: ignore[return-value]


def record_members(
    session: Session, carrier: Alert, ts: str | None, channel_id: str | None, now: datetime
) -> None:
    """The alerts a sent summary or group stands for take its ts; a grouped failure notice's thread is
    the group's message, so its recovery replies there."""
    if carrier.kind not in (SUMMARY, OPS_GROUP):
        return
    members = session.exec(select(Alert).where(Alert.folded_into == carrier.id)).all()
    for alert in members:
        alert.slack_ts, alert.sent_at = ts, now
        alert.slack_channel_id = channel_id or alert.slack_channel_id
        session.add(alert)
        threaded = carrier.kind == OPS_GROUP and ts and alert.thread_key
        if threaded and session.get(SlackThread, (alert.thread_key, alert.channel)) is None:
            session.add(
                SlackThread(document_key=alert.thread_key, channel=alert.channel, ts=ts, created_at=now)  # type: ignore[arg-type]
            )

"""Helpers shared by the alert tests: configs pointing at the fake Slack, and changes in the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.fake_slack import FakeSlack
from tracker.alerts.outbox import enqueue_change_alert
from tracker.config import Config, RouteRule, SlackSection
from tracker.store.db import transaction
from tracker.store.models import Alert, Change

HOSTILE_TITLE = (
    "<!channel> <!here|here> <!everyone> @channel @here <@U024BE7LH> <#C024BE7LR|general> "
    "<!subteam^S123|team> <https://evil.example/phish|https://eur-lex.europa.eu/official> &lt;!channel&gt; "
    "\u202egnp.exe\u202c AI Act"
)


def slack_config(
    fake: FakeSlack | None = None, routes: list[RouteRule] | None = None, **slack: Any
) -> Config:
    section = SlackSection(
        base_url=fake.base_url if fake else None,
        default_channel=slack.pop("default_channel", "#ai-regulation"),
        per_channel_interval=slack.pop("per_channel_interval", 0),
        routes=routes or [],
        **slack,
    )
    return Config(slack=section)


def make_change(**overrides: Any) -> Change:
    values: dict[str, Any] = {
        "endpoint_key": "eu_commission/press",
        "source_id": "eu_commission",
        "kind": "new_item",
        "detected_at": datetime.now(UTC),
        "stable_id": "IP_24_1234",
        "document_key": "eu_commission/press#IP_24_1234",
        "title": "Commission publishes guidelines on prohibited AI practices",
        "url": "https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1234",
        "jurisdiction": "EU",
        "regulator": "European Commission",
        "doc_type": "guidance",
        "relevance": "ai_rule",
        "published_at": datetime(2025, 2, 4, 10, 0, tzinfo=UTC),
        "summary": "The guidelines explain the prohibitions of Article 5 of the AI Act.",
    }
    values.update(overrides)
    return Change(**values)


def add_change(engine: Engine, config: Config, **overrides: Any) -> tuple[int, list[int]]:
    """Store a change and queue its alerts in one transaction, as the check does. (change id, alert ids)"""
    with transaction(engine) as session:
        change = make_change(**overrides)
        session.add(change)
        session.flush()
        alerts = enqueue_change_alert(session, change, config)
        return change.id, [a.id for a in alerts]  # type: ignore[return-value]


def alerts(engine: Engine) -> list[Alert]:
    with Session(engine) as session:
        return list(session.exec(select(Alert).order_by(col(Alert.id))).all())


def alert(engine: Engine, alert_id: int) -> Alert:
    with Session(engine) as session:
        row = session.get(Alert, alert_id)
        assert row is not None
        return row


def alert_ids_in(messages: list[dict[str, Any]]) -> list[int]:
    """The tracker alert ids carried in the metadata of fake Slack messages, in order."""
    return [m["metadata"]["event_payload"]["alert_id"] for m in messages if m.get("metadata")]


def payload(row: Alert) -> dict[str, Any]:
    return json.loads(row.payload)

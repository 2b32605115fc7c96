"""With [web].public_url set, every alert links to its page in the web view ("Open the diff") instead of
naming a command the reader in Slack cannot run, and operations notices link to the endpoint's row."""

from __future__ import annotations

import json

from sqlmodel import Session

from tests.alerts_support import make_change
from tracker.alerts.outbox import enqueue_change_alert, enqueue_ops_alert
from tracker.config import Config
from tracker.store.db import make_engine, transaction
from tracker.store.models import Alert


def payloads(db_url: str, public_url: str | None) -> tuple[str, str, int]:
    config = Config.model_validate({"web": {"public_url": public_url}} if public_url else {})
    engine = make_engine(db_url)
    with transaction(engine) as session:
        change = make_change()
        session.add(change)
        session.flush()
        (message,) = enqueue_change_alert(session, change, config)
        notice = enqueue_ops_alert(
            session, endpoint_key="eu_edpb/news", text="failed 3 checks", config=config, recovered=False
        )
        ids = (message.id, notice.id, change.id)
    with Session(engine) as session:
        message_row, notice_row = session.get(Alert, ids[0]), session.get(Alert, ids[1])
        assert message_row is not None and notice_row is not None
        return message_row.payload, notice_row.payload, ids[2]  # type: ignore[return-value]


def test_alerts_link_to_the_web_view_when_it_has_an_address(db_url: str) -> None:
    message, notice, change_id = payloads(db_url, "https://tracker.example.org/reg/")
    assert f"<https://tracker.example.org/reg/changes/{change_id}|Open the diff>" in message
    assert "tracker show" not in json.dumps(json.loads(message)["blocks"][-2])  # the footer
    assert "<https://tracker.example.org/reg/sources#source-eu_edpb/news|Open the sources page>" in notice


def test_without_an_address_the_command_is_named(db_url: str) -> None:
    message, notice, change_id = payloads(db_url, None)
    assert f"`tracker show {change_id}`" in message and "Open the diff" not in message
    assert "Open the sources page" not in notice

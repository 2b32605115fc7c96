"""The outbox itself: written with the change or not at all, operations notices, giving up, pacing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.alerts_support import add_change, alert, alert_ids_in, alerts, make_change, payload, slack_config
from tests.fake_slack import FakeSlack
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.notifier import Pacer
from tracker.alerts.outbox import enqueue_change_alert, enqueue_ops_alert
from tracker.alerts.routing import route_channels
from tracker.alerts.slack import SlackBotNotifier
from tracker.config import RouteRule
from tracker.store.db import make_engine, transaction
from tracker.store.models import utcnow


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    for name in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    server = FakeSlack(channels=["ai-regulation", "ops"]).start()
    try:
        yield server
    finally:
        server.stop()


def test_alert_exists_only_if_the_check_transaction_commits(db_url: str) -> None:
    engine, config = make_engine(db_url), slack_config()

    class CheckFailed(Exception):
        pass

    with pytest.raises(CheckFailed), transaction(engine) as session:
        change = make_change()
        session.add(change)
        session.flush()
        assert len(enqueue_change_alert(session, change, config)) == 1
        raise CheckFailed

    assert alerts(engine) == []
    _, ids = add_change(engine, config)
    row = alert(engine, ids[0])
    assert (row.status, row.attempts, row.thread_key) == ("pending", 0, "eu_commission/press#IP_24_1234")
    assert payload(row)["blocks"][0]["type"] == "header"


def test_unflushed_change_is_refused(db_url: str) -> None:
    with transaction(make_engine(db_url)) as session, pytest.raises(ValueError, match="flush"):
        enqueue_change_alert(session, make_change(), slack_config())


def test_source_failure_and_recovery_share_a_thread_in_the_ops_channel(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, ops_channel="#ops")
    notifier = SlackBotNotifier(fake.token, config)
    with transaction(engine) as session:
        enqueue_ops_alert(
            session,
            endpoint_key="cn_cac/list",
            text="cn_cac/list failed 3 checks in a row: blocked (waf)",
            config=config,
            recovered=False,
        )
    deliver_pending(engine, config, notifier)
    with transaction(engine) as session:
        enqueue_ops_alert(
            session, endpoint_key="cn_cac/list", text="recovered", config=config, recovered=True
        )
        # another endpoint whose key shares a prefix must not be confused with it
        enqueue_ops_alert(session, endpoint_key="cn_cac/list2", text="x", config=config, recovered=True)
    deliver_pending(engine, config, notifier)

    failing, recovered, other = fake.posted("ops")
    assert "Source failing" in failing["text"] and "cn_cac/list" in failing["text"]
    assert recovered["thread_ts"] == failing["ts"] and recovered["reply_broadcast"] is True
    assert other.get("thread_ts") is None
    assert fake.posted("ai-regulation") == []


def test_ops_notices_go_to_the_default_channel_without_an_ops_channel(db_url: str) -> None:
    engine, config = make_engine(db_url), slack_config()
    with transaction(engine) as session:
        row = enqueue_ops_alert(session, endpoint_key="un/press", text="down", config=config, recovered=False)
        assert (row.kind, row.channel) == ("ops", "#ai-regulation")


def test_transient_errors_give_up_after_max_attempts(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, max_attempts=3, ops_channel="#ops")
    notifier, now = SlackBotNotifier(fake.token, config), utcnow()
    _, (doomed,) = add_change(engine, config, document_key="a")
    _, (patient,) = add_change(engine, config, document_key="b")
    # everything about this channel answers 503, for good
    fake.fail(None, status=503, body="unavailable", method=None, channel="ai-regulation", times=None)

    for _ in range(8):
        deliver_pending(engine, config, notifier, now=now)
        now += timedelta(hours=2)

    first, second = alert(engine, doomed), alert(engine, patient)
    assert first.status == "failed" and first.attempts == 3
    assert first.last_error.startswith("gave up after 3 attempts: Slack answered HTTP 503")  # type: ignore[union-attr]
    assert second.status == "failed"  # it waited behind the first, then had its own attempts
    (notice,) = [a for a in alerts(engine) if a.kind == "ops"]
    assert notice.status == "sent" and alert_ids_in(fake.posted("ops")) == [notice.id]


def test_routing_rules_match_every_criterion_they_set() -> None:
    config = slack_config(
        routes=[
            RouteRule(channel="#everything"),
            RouteRule(channel="#cac-guidance", source=["cn_cac"], doc_type=["guidance", "law"]),
            RouteRule(channel="#oj", source=["eu_eurlex/oj_l"]),
        ]
    )
    cac = make_change(source_id="cn_cac", endpoint_key="cn_cac/list", doc_type="Guidance")
    assert route_channels(cac, config) == ["#everything", "#cac-guidance"]
    oj = make_change(source_id="eu_eurlex", endpoint_key="eu_eurlex/oj_l", doc_type="law")
    assert route_channels(oj, config) == ["#everything", "#oj"]
    assert route_channels(make_change(), slack_config()) == ["#ai-regulation"]


def test_pacer_spaces_messages_in_one_lane_only() -> None:
    waits: list[float] = []
    pacer = Pacer(1.0, sleep=waits.append)
    pacer.sent(pacer.next_lane(["#a"]))
    assert pacer.next_lane(["#a", "#b"]) == "#b" and waits == []  # another channel need not wait
    pacer.sent("#b")
    pacer.next_lane(["#a"])
    assert len(waits) == 1 and 0.5 < waits[0] <= 1.0

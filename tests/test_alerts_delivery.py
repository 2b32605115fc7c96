"""Delivery through the real slack-sdk client against the fake Slack: once, threaded, routed, resilient."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.alerts_support import HOSTILE_TITLE, add_change, alert, alert_ids_in, alerts, payload, slack_config
from tests.fake_slack import FakeSlack
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.slack import SlackBotNotifier
from tracker.config import RouteRule
from tracker.store.db import make_engine, transaction
from tracker.store.models import SlackThread, utcnow

CHANNELS = ["ai-regulation", "ops", "eu-ai", "enforcement", "kr-ai"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    server = FakeSlack(channels=CHANNELS, not_member=["kr-ai"]).start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", server.token)
    try:
        yield server
    finally:
        server.stop()


def test_alert_is_delivered_once_with_its_metadata(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)
    notifier = SlackBotNotifier(fake.token, config)

    report = deliver_pending(engine, config, notifier)
    again = deliver_pending(engine, config, notifier)

    assert (report.sent, report.failed, report.retried_later, report.pending) == (1, 0, 0, 0)
    assert again.sent == 0
    (message,) = fake.posted("ai-regulation")
    row = alert(engine, alert_id)
    assert message["metadata"] == {
        "event_type": "tracker_alert",
        "event_payload": {"alert_id": alert_id, "alert_key": payload(row)["alert_key"]},
    }
    assert message["blocks"] == payload(row)["blocks"]
    assert (row.status, row.slack_ts, row.slack_channel_id) == (
        "sent",
        message["ts"],
        fake.channel_ids["ai-regulation"],
    )
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_later_changes_of_a_document_reply_in_its_thread(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    notifier = SlackBotNotifier(fake.token, config)
    key = "eu_eurlex/ai_act"
    add_change(engine, config, document_key=key, title="AI Act (consolidated)")
    deliver_pending(engine, config, notifier)
    # two more changes of the same document queued before the next run, and one of another document
    add_change(engine, config, document_key=key, kind="document_changed", headline="Article 5 changed")
    add_change(engine, config, document_key=key, kind="document_changed", headline="Annex III changed")
    add_change(engine, config, document_key="ftc/press#1", title="FTC order")
    assert deliver_pending(engine, config, notifier).sent == 3

    first, second, third, other = fake.posted("ai-regulation")
    assert first.get("thread_ts") is None and other.get("thread_ts") is None
    assert second["thread_ts"] == first["ts"] and third["thread_ts"] == first["ts"]
    assert second["reply_broadcast"] is False and third["reply_broadcast"] is False
    with transaction(engine) as session:
        assert session.get(SlackThread, (key, "#ai-regulation")).ts == first["ts"]  # type: ignore[union-attr]


def test_routing_by_jurisdiction_label_and_doc_type(db_url: str, fake: FakeSlack) -> None:
    routes = [
        RouteRule(channel="#eu-ai", jurisdiction=["EU"]),
        RouteRule(channel="#enforcement", label=["ai_enforcement"]),
        RouteRule(channel="#kr-law", jurisdiction=["kr"], doc_type=["law"]),
    ]
    fake.add_channel("kr-law")
    engine, config = make_engine(db_url), slack_config(fake, routes=routes)
    _, eu_rule = add_change(engine, config, document_key="a", jurisdiction="EU", relevance="ai_rule")
    _, eu_enf = add_change(engine, config, document_key="b", jurisdiction="EU", relevance="ai_enforcement")
    _, us_enf = add_change(engine, config, document_key="c", jurisdiction="US", relevance="ai_enforcement")
    _, kr_law = add_change(engine, config, document_key="d", jurisdiction="KR", doc_type="law")
    _, kr_news = add_change(engine, config, document_key="e", jurisdiction="KR", doc_type="news")

    assert deliver_pending(engine, config, SlackBotNotifier(fake.token, config)).sent == 6

    channel_of = {a.id: a.channel for a in alerts(engine)}
    assert [channel_of[i] for i in eu_rule] == ["#eu-ai"]
    assert [channel_of[i] for i in eu_enf] == ["#eu-ai", "#enforcement"]  # every matching rule
    assert [channel_of[i] for i in us_enf] == ["#enforcement"]
    assert [channel_of[i] for i in kr_law] == ["#kr-law"]
    assert [channel_of[i] for i in kr_news] == ["#ai-regulation"]  # no rule matched: default
    assert alert_ids_in(fake.posted("eu-ai")) == eu_rule + eu_enf[:1]
    assert alert_ids_in(fake.posted("enforcement")) == eu_enf[1:] + us_enf
    assert alert_ids_in(fake.posted("kr-law")) == kr_law
    assert alert_ids_in(fake.posted("ai-regulation")) == kr_news


def test_429_with_short_retry_after_is_waited_out(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)
    fake.rate_limit(retry_after=1)

    report = deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    assert report.sent == 1
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake.posted("ai-regulation")) == 1
    assert alert(engine, alert_id).attempts == 1


def test_429_with_long_retry_after_is_rescheduled_not_slept(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)
    fake.rate_limit(retry_after=120)
    notifier, t0 = SlackBotNotifier(fake.token, config), utcnow()

    first = deliver_pending(engine, config, notifier, now=t0)
    row = alert(engine, alert_id)
    early = deliver_pending(engine, config, notifier, now=t0 + timedelta(seconds=60))
    late = deliver_pending(engine, config, notifier, now=t0 + timedelta(seconds=125))

    assert (first.retried_later, first.pending) == (1, 1)
    assert "429" in (row.last_error or "")
    assert row.next_attempt_at.replace(tzinfo=None) >= (t0 + timedelta(seconds=119)).replace(tzinfo=None)
    assert (early.sent, late.sent) == (0, 1)
    assert len(fake.posted("ai-regulation")) == 1


def test_server_errors_are_retried_and_the_alert_arrives_once(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)
    notifier, now = SlackBotNotifier(fake.token, config), utcnow()
    fake.server_error(500, times=2)  # refused twice
    fake.server_error(500, after=True)  # then posted, but the answer is a 500

    for _ in range(6):
        deliver_pending(engine, config, notifier, now=now)
        now += timedelta(hours=1)

    row = alert(engine, alert_id)
    (message,) = fake.posted("ai-regulation")
    assert (row.status, row.slack_ts, row.attempts) == ("sent", message["ts"], 4)
    # the fourth attempt found the post of the third in the channel history instead of posting again
    assert len(fake.calls_to("conversations.history")) >= 1
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 500, 500]


def test_permanent_errors_fail_the_alert_notify_ops_and_block_nothing(db_url: str, fake: FakeSlack) -> None:
    routes = [
        RouteRule(channel="#gone", jurisdiction=["UN"]),
        RouteRule(channel="#kr-ai", jurisdiction=["KR"]),
    ]
    engine, config = make_engine(db_url), slack_config(fake, routes=routes, ops_channel="#ops")
    _, (bad_token,) = add_change(engine, config, document_key="1")
    _, (gone,) = add_change(engine, config, document_key="2", jurisdiction="UN")
    _, (not_invited,) = add_change(engine, config, document_key="3", jurisdiction="KR")
    _, (fine,) = add_change(engine, config, document_key="4")
    fake.fail("invalid_auth", times=1)

    report = deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    assert (
        alert(engine, bad_token).status == "failed" and alert(engine, bad_token).last_error == "invalid_auth"
    )
    assert alert(engine, gone).last_error == "channel_not_found"
    assert alert(engine, not_invited).last_error == "not_in_channel"
    assert alert(engine, fine).status == "sent"
    assert alert_ids_in(fake.posted("ai-regulation")) == [fine]
    ops = [a for a in alerts(engine) if a.kind == "ops"]
    assert sorted(payload(a)["subject"] for a in ops) == [
        "slack:#ai-regulation",
        "slack:#gone",
        "slack:#kr-ai",
    ]
    # delivered in the same run, to the operations channel, as one message listing the three
    (group,) = [a for a in alerts(engine) if a.kind == "ops_group"]
    assert all((a.status, a.folded_into) == ("folded", group.id) for a in ops)
    (message,) = fake.posted("ops")
    assert alert_ids_in([message]) == [group.id] and group.status == "sent"
    assert all(a.slack_ts == message["ts"] for a in alerts(engine) if a.folded_into == group.id)
    assert "channel_not_found" in str(message) and "#kr-ai" in str(message) and "#gone" in str(message)
    assert (report.sent, report.failed, report.pending) == (2, 3, 0)


def test_a_broken_ops_channel_does_not_loop(db_url: str, fake: FakeSlack) -> None:
    routes = [RouteRule(channel="#gone", jurisdiction=["UN"])]
    engine, config = make_engine(db_url), slack_config(fake, routes=routes, ops_channel="#missing-ops")
    add_change(engine, config, document_key="1", jurisdiction="UN")
    add_change(engine, config, document_key="2", jurisdiction="UN")

    report = deliver_pending(engine, config, SlackBotNotifier(fake.token, config))
    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    ops = [a for a in alerts(engine) if a.kind == "ops"]
    assert len(ops) == 1  # one notice for the failing channel, none about the notice failing
    assert ops[0].status == "failed" and ops[0].last_error == "channel_not_found"
    assert report.failed == 3


def test_outage_of_many_minutes_loses_nothing_and_keeps_order(db_url: str, fake: FakeSlack) -> None:
    routes = [RouteRule(channel="#eu-ai", jurisdiction=["EU"])]
    engine, config = make_engine(db_url), slack_config(fake, routes=routes)
    notifier, now = SlackBotNotifier(fake.token, config), utcnow()
    for i in range(6):
        add_change(engine, config, document_key=f"doc{i % 3}", jurisdiction="EU" if i % 2 else "US")
    fake.outage(requests=14)  # Slack answers 503 to everything for a while

    retried = 0
    for step in range(40):
        report = deliver_pending(engine, config, notifier, now=now)
        retried += report.retried_later
        if step in (1, 3):  # new changes keep arriving during the outage
            add_change(engine, config, document_key=f"late{step}", jurisdiction="EU")
        if report.pending == 0 and step > 3:
            break
        now += timedelta(minutes=10)

    assert retried >= 2
    rows = [a for a in alerts(engine) if a.kind == "change"]
    assert all(a.status == "sent" for a in rows)
    for channel in ("ai-regulation", "eu-ai"):
        delivered = alert_ids_in(fake.posted(channel))
        expected = [a.id for a in rows if a.channel == f"#{channel}"]
        assert delivered == expected  # each exactly once, in the order they were queued
    assert len(fake.posted("ai-regulation")) + len(fake.posted("eu-ai")) == len(rows) == 8


def test_many_alerts_respect_max_messages(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    for i in range(5):
        add_change(engine, config, document_key=f"d{i}")
    report = deliver_pending(engine, config, SlackBotNotifier(fake.token, config), max_messages=2)
    assert (report.sent, report.pending) == (2, 3)
    assert alert_ids_in(fake.posted("ai-regulation")) == [a.id for a in alerts(engine)][:2]


REGULATORS = [
    ("EU", "European Commission", "eu_commission", "Commission guidelines on the definition of an AI system"),
    (
        "US",
        "Federal Trade Commission",
        "us_ftc",
        "FTC Announces Crackdown on Deceptive AI Claims and Schemes",
    ),
    ("US", "Federal Register", "us_fedreg", "Safeguarding American Consumers From Unfair AI Practices"),
    ("CN", "Cyberspace Administration of China", "cn_cac", "关于印发《人工智能生成合成内容标识办法》的通知"),
    (
        "UN",
        "United Nations",
        "un_press",
        "General Assembly adopts landmark resolution on artificial intelligence",
    ),
    (
        "KR",
        "Ministry of Science and ICT",
        "kr_msit",
        "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령 입법예고",
    ),
]


def test_a_new_rule_from_each_regulator_arrives_once_in_its_channel(db_url: str, fake: FakeSlack) -> None:
    fake.add_channel("asia-ai")
    routes = [RouteRule(channel="#asia-ai", jurisdiction=["CN", "KR"])]
    engine, config = make_engine(db_url), slack_config(fake, routes=routes)
    queued = {}
    for jurisdiction, regulator, source, title in REGULATORS:
        _, ids = add_change(
            engine,
            config,
            jurisdiction=jurisdiction,
            regulator=regulator,
            source_id=source,
            endpoint_key=f"{source}/list",
            document_key=f"{source}/list#1",
            title=title,
            doc_type="law",
        )
        queued[title] = ids

    notifier = SlackBotNotifier(fake.token, config)
    assert deliver_pending(engine, config, notifier).sent == len(REGULATORS)
    assert deliver_pending(engine, config, notifier).sent == 0

    by_title = {}
    for channel in ("ai-regulation", "asia-ai"):
        for message in fake.posted(channel):
            by_title[message["blocks"][0]["text"]["text"]] = (channel, message)
    assert sorted(by_title) == sorted(title for *_, title in REGULATORS)  # each once, title intact
    for jurisdiction, regulator, _, title in REGULATORS:
        channel, message = by_title[title]
        assert channel == ("asia-ai" if jurisdiction in ("CN", "KR") else "ai-regulation")
        assert alert_ids_in([message]) == queued[title]
        assert message["blocks"][1]["elements"][0]["text"].startswith(
            f"*:new: New* · {jurisdiction} · {regulator}"
        )


def test_a_hostile_title_reaches_slack_harmless(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    add_change(engine, config, title=HOSTILE_TITLE, summary=HOSTILE_TITLE)
    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    (message,) = fake.posted("ai-regulation")
    posted = json.dumps([message["text"], message["blocks"]], ensure_ascii=False)
    assert "<" not in posted and ">" not in posted
    assert "@channel" not in posted and "@here" not in posted and "@everyone" not in posted
    assert "&lt;!channel&gt;" in posted

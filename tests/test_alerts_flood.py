"""Issue 14, finding 4: a flood reads as one message. 500 new items made 500 Slack messages over 555 s.

Past `[slack].flood_threshold` change alerts due at once in a channel, one summary message goes out with
the count and the first titles; with a bot token its thread lists the rest. Nothing is lost: every change
stays in the database (`tracker history`), every folded alert records the summary it is shown in, and no
alert is sent twice. The same holds for a burst across sources after a Slack outage.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.alerts_support import add_change, alert_ids_in, alerts, slack_config
from tests.fake_slack import FakeSlack
from tests.fault_site import rss, use_loopback_only_guard
from tests.fixture_server import FixtureServer, Resp
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.slack import SlackBotNotifier, SlackWebhookNotifier
from tracker.config import Config
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine
from tracker.store.models import Change, utcnow

RSS_TYPE = "application/rss+xml"
BASELINE = [(1, "Annual report of the authority", "The yearly report.")]


def ai_item(n: int) -> tuple[int, str, str]:
    return (n, f"Authority consults on artificial intelligence rules, notice {n}", "Draft AI Act guidance.")


def feed_config(server: FixtureServer, fake: FakeSlack, **slack: Any) -> Config:
    return Config.model_validate(
        {
            "fetch": {"allow_private_addresses": False, "per_host_delay": 0, "retries": 0},
            "slack": {"base_url": fake.base_url, "per_channel_interval": 0, **slack},
            "custom_sources": [
                {
                    "id": "floodreg",
                    "jurisdiction": "EU",
                    "regulator": "Flood Agency",
                    "endpoints": [{"id": "news", "url": server.url("/news.rss"), "parser": {"kind": "feed"}}],
                }
            ],
        }
    )


def top_level(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if not m.get("thread_ts")]


def notices_in(messages: list[dict[str, Any]]) -> list[int]:
    """The notice numbers of the titles a set of messages shows (each title ends with "notice N")."""
    return [int(n) for m in messages for n in re.findall(r"notice (\d+)", str(m["blocks"]))]


def test_500_new_items_in_one_check_make_one_summary_with_the_rest_in_its_thread(
    http_server: FixtureServer, db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_loopback_only_guard(monkeypatch)
    engine, config = make_engine(db_url), feed_config(http_server, fake)
    http_server.route("/news.rss", Resp(body=rss(*BASELINE), content_type=RSS_TYPE))
    run_checks(config, engine, ["floodreg"])  # the silent baseline
    items = [ai_item(n) for n in range(1000, 1500)]
    http_server.route("/news.rss", Resp(body=rss(*items, *BASELINE), content_type=RSS_TYPE))
    (report,) = run_checks(config, engine, ["floodreg"])
    assert report.new == 500 and report.alerts == 500  # the check queued one alert per item, as before

    notifier = SlackBotNotifier(fake.token, config)
    first = deliver_pending(engine, config, notifier)
    again = deliver_pending(engine, config, notifier)

    posted = fake.posted("ai-regulation")
    (summary,) = top_level(posted)  # one message in the channel, not 500
    replies = [m for m in posted if m.get("thread_ts") == summary["ts"]]
    assert len(posted) == 1 + len(replies) == 1 + 5  # 490 more titles, 100 per reply
    assert len(fake.calls_to("chat.postMessage")) == 6 and again.sent == 0
    assert summary["blocks"][0]["text"]["text"] == "500 new entries from 1 source"
    assert "listed in this message's thread" in str(summary["blocks"])
    # Every title is shown exactly once: the first ten in the summary, the rest in its thread.
    assert len(notices_in([summary])) == 10
    assert sorted(notices_in(posted)) == list(range(1000, 1500))
    # No alert lost: each of the 500 is folded into the summary, which was sent, and records its ts.
    rows = alerts(engine)
    (carrier,) = [a for a in rows if a.kind == "summary"]
    changes = [a for a in rows if a.kind == "change"]
    assert len(changes) == 500
    assert {(a.status, a.folded_into, a.slack_ts) for a in changes} == {("folded", carrier.id, summary["ts"])}
    assert (carrier.status, alert_ids_in([summary])) == ("sent", [carrier.id])
    assert first.pending == 0 and first.sent == 6
    with Session(engine) as session:  # and every change is still in the history
        assert len(session.exec(select(Change).where(Change.kind == "new_item")).all()) == 500


def test_up_to_the_threshold_each_alert_is_its_own_message(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, flood_threshold=10)
    ids = [add_change(engine, config, document_key=f"d{i}", stable_id=f"s{i}")[1][0] for i in range(10)]

    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    assert alert_ids_in(fake.posted("ai-regulation")) == ids
    assert {a.status for a in alerts(engine)} == {"sent"}


def test_a_threshold_of_zero_never_summarises(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, flood_threshold=0)
    for i in range(15):
        add_change(engine, config, document_key=f"d{i}")
    assert deliver_pending(engine, config, SlackBotNotifier(fake.token, config)).sent == 15
    assert len(top_level(fake.posted("ai-regulation"))) == 15


def test_a_burst_across_sources_after_an_outage_is_one_summary(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, flood_threshold=5)
    notifier, now = SlackBotNotifier(fake.token, config), utcnow() + timedelta(seconds=5)
    fake.outage(requests=3)
    queued = []
    for source in ("eu_commission", "us_ftc", "cn_cac"):
        for i in range(4):
            _, (alert_id,) = add_change(
                engine,
                config,
                source_id=source,
                endpoint_key=f"{source}/news",
                document_key=f"{source}/news#{i}",
                title=f"{source} AI notice {i}",
            )
            queued.append(alert_id)
            if len(queued) == 1:  # Slack goes down with the first alert; the others pile up behind it
                assert deliver_pending(engine, config, notifier, now=now).retried_later == 1
    for _ in range(8):  # the outage ends while the clock moves on
        now += timedelta(minutes=10)
        deliver_pending(engine, config, notifier, now=now)

    rows = {a.id: a for a in alerts(engine)}
    head = rows[queued[0]]  # tried during the outage: it may be in Slack already, so it goes on its own
    (carrier,) = [a for a in rows.values() if a.kind == "summary"]
    posted = fake.posted("ai-regulation")
    assert [m["ts"] for m in top_level(posted)] == [head.slack_ts, carrier.slack_ts]
    assert head.status == "sent" and carrier.status == "sent"
    assert {(rows[i].status, rows[i].folded_into) for i in queued[1:]} == {("folded", carrier.id)}
    summary = top_level(posted)[1]
    assert summary["blocks"][0]["text"]["text"] == "11 new entries from 3 sources"
    shown = str([m["blocks"] for m in posted])
    assert all(f"{s} AI notice {i}" in shown for s in ("eu_commission", "us_ftc", "cn_cac") for i in range(4))
    # 11 in the summary: one more than it shows, listed in its thread; and nothing posted twice
    assert len(posted) == 3 and posted[2]["thread_ts"] == summary["ts"]
    assert len(set(alert_ids_in(posted))) == len(posted)


def test_changed_documents_keep_their_own_message_in_a_flood(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, flood_threshold=3)
    for i in range(5):
        add_change(engine, config, document_key=f"d{i}")
    _, (document,) = add_change(
        engine, config, kind="document_changed", document_key="eu/ai_act", headline="Article 5 changed"
    )

    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    posted = top_level(fake.posted("ai-regulation"))
    assert len(posted) == 2 and document in alert_ids_in(posted)
    assert [a.kind for a in alerts(engine) if a.status == "sent"] == ["change", "summary"]


def test_a_webhook_gets_the_summary_and_points_to_the_history(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake, flood_threshold=5)
    for i in range(12):
        add_change(engine, config, document_key=f"d{i}", title=f"AI notice {i}")

    report = deliver_pending(engine, config, SlackWebhookNotifier(fake.webhook_url, config))

    (message,) = fake.webhook_messages  # no thread to list the rest in: the history has them
    assert report.sent == 1 and "The other 2 are in `tracker history`" in str(message["blocks"])
    assert [a.kind for a in alerts(engine) if a.kind.startswith("summary")] == ["summary"]


def test_an_operator_can_send_a_folded_alert_on_its_own(db_url: str, fake: FakeSlack, tmp_path: Path) -> None:
    from tracker.alerts.outbox import retry_alerts

    engine, config = make_engine(db_url), slack_config(fake, flood_threshold=2)
    ids = [add_change(engine, config, document_key=f"d{i}")[1][0] for i in range(3)]
    notifier = SlackBotNotifier(fake.token, config)
    deliver_pending(engine, config, notifier)

    assert retry_alerts(engine, ids[1]) == 1
    deliver_pending(engine, config, notifier)

    assert alert_ids_in(top_level(fake.posted("ai-regulation")))[1:] == [ids[1]]
    assert {a.id: a.status for a in alerts(engine)}[ids[1]] == "sent"

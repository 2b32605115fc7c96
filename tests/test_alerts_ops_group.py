"""Operations notices, grouped at delivery (issue 17, point 5) and raised whatever the channel layout
(issue 14, finding 7).

An offline first deploy: every endpoint fails its first checks. Three offline checks posted one "Source
failing" notice per endpoint to the team channel; now one message lists them all, and their recoveries
answer it with one reply in its thread, not broadcast to the team channel (with `ops_channel` set,
everything goes there and recoveries are broadcast in it, as before).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.alerts_support import add_change, alerts, payload, slack_config
from tests.fake_slack import FakeSlack
from tests.fault_site import rss, use_loopback_only_guard
from tests.fixture_server import FixtureServer, Resp
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.slack import SlackBotNotifier
from tracker.config import Config
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine

ENDPOINTS = 12
RSS_TYPE = "application/rss+xml"


def deploy_config(server: FixtureServer, fake: FakeSlack, **slack: Any) -> Config:
    sources = [
        {
            "id": f"reg{i:02d}",
            "jurisdiction": "EU",
            "regulator": f"Regulator {i}",
            "endpoints": [{"id": "news", "url": server.url(f"/reg{i:02d}.rss"), "parser": {"kind": "feed"}}],
        }
        for i in range(ENDPOINTS)
    ]
    return Config.model_validate(
        {
            "fetch": {"allow_private_addresses": False, "per_host_delay": 0, "retries": 0},
            "slack": {"base_url": fake.base_url, "per_channel_interval": 0, **slack},
            "custom_sources": sources,
        }
    )


def serve(server: FixtureServer, response: Resp) -> None:
    server.route("/robots.txt", Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain"))
    for i in range(ENDPOINTS):
        server.route(f"/reg{i:02d}.rss", response)


def checks(config: Config, engine: Any, times: int) -> None:
    for _ in range(times):
        run_checks(config, engine, [f"reg{i:02d}" for i in range(ENDPOINTS)])


def test_an_offline_first_deploy_posts_one_grouped_notice_and_one_grouped_recovery(
    http_server: FixtureServer, db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_loopback_only_guard(monkeypatch)
    engine, config = make_engine(db_url), deploy_config(http_server, fake)  # no ops_channel: the default
    notifier = SlackBotNotifier(fake.token, config)
    serve(http_server, Resp(503, "<html>Service Unavailable</html>"))
    checks(config, engine, 3)  # the operations threshold is 3 failed checks
    assert len([a for a in alerts(engine) if a.kind == "ops"]) == ENDPOINTS  # health raised one each

    deliver_pending(engine, config, notifier)

    (notice,) = fake.posted("ai-regulation")  # one message, not twelve
    text = str(notice["blocks"])
    assert all(f"reg{i:02d}/news" in text for i in range(ENDPOINTS)) and "Source failing: 12" in text
    assert notice["text"].startswith("Operations: Source failing ×12")

    serve(http_server, Resp(body=rss((1, "Annual report", "A report.")), content_type=RSS_TYPE))
    checks(config, engine, 1)
    deliver_pending(engine, config, notifier)

    posted = fake.posted("ai-regulation")
    assert len(posted) == 2  # the recoveries: one reply in the notice's thread, quiet in the team channel
    assert posted[1]["thread_ts"] == notice["ts"] and posted[1]["reply_broadcast"] is False
    assert "Source recovered: 12" in str(posted[1]["blocks"])
    assert {a.status for a in alerts(engine) if a.kind == "ops"} == {"folded"}
    assert {a.status for a in alerts(engine) if a.kind == "ops_group"} == {"sent"}


def test_with_an_ops_channel_the_team_channel_hears_nothing(
    http_server: FixtureServer, db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_loopback_only_guard(monkeypatch)
    engine, config = make_engine(db_url), deploy_config(http_server, fake, ops_channel="#ops")
    notifier = SlackBotNotifier(fake.token, config)
    serve(http_server, Resp(503, "<html>Service Unavailable</html>"))
    checks(config, engine, 3)
    deliver_pending(engine, config, notifier)
    serve(http_server, Resp(body=rss((1, "Annual report", "A report.")), content_type=RSS_TYPE))
    checks(config, engine, 1)
    deliver_pending(engine, config, notifier)

    assert fake.posted("ai-regulation") == []
    failing, recovered = fake.posted("ops")
    assert recovered["thread_ts"] == failing["ts"] and recovered["reply_broadcast"] is True


def test_invalid_auth_raises_a_notice_when_the_ops_channel_is_the_default_one(
    db_url: str, fake: FakeSlack
) -> None:
    """Issue 14, finding 7: with ops notices in the default channel, a refused alert raised none."""
    engine, config = make_engine(db_url), slack_config(fake)  # ops_channel unset
    _, (refused,) = add_change(engine, config, document_key="1")
    _, (later,) = add_change(engine, config, document_key="2")
    fake.fail("invalid_auth", times=1)  # e.g. a token rotated while the post was under way

    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    rows = {a.id: a for a in alerts(engine)}
    assert (rows[refused].status, rows[refused].last_error) == ("failed", "invalid_auth")
    (notice,) = [a for a in rows.values() if a.kind == "ops"]
    assert payload(notice)["subject"] == "slack:#ai-regulation" and notice.status == "sent"
    texts = [str(m["blocks"]) for m in fake.posted("ai-regulation")]
    assert len(texts) == 2 and "invalid_auth" in texts[1] and "tracker alerts retry --all" in texts[1]
    assert rows[later].status == "sent"


def test_a_missing_default_channel_raises_one_notice_that_fails_and_ends_there(
    db_url: str, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    engine, config = make_engine(db_url), slack_config(fake, default_channel="#gone")
    add_change(engine, config, document_key="1")
    add_change(engine, config, document_key="2")

    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))
    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    (notice,) = [a for a in alerts(engine) if a.kind == "ops"]  # one, and no notice about the notice
    assert (notice.status, notice.last_error) == ("failed", "channel_not_found")
    assert "Slack refused an alert" in caplog.text  # the operator still reads it in the log

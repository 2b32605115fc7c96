"""Webhook and console modes, full diffs as files, the command helpers, and the token kept secret."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import trustme

from tests.alerts_support import add_change, alert, alert_ids_in, alerts, slack_config
from tests.fake_slack import FakeSlack
from tracker.alerts.console import ConsoleNotifier
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.notifiers import make_notifier, slack_test
from tracker.alerts.outbox import list_alerts, retry_alerts
from tracker.alerts.slack import SlackBotNotifier, SlackWebhookNotifier
from tracker.config import RouteRule
from tracker.store.db import make_engine
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


@pytest.fixture
def tls_fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[FakeSlack, Path]]:
    """The fake over HTTPS, its certificate from a CA no trust store holds; the CA's file beside it."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "SLACK_API_URL", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = FakeSlack(channels=["ai-regulation"], tls=server_context).start()
    try:
        yield server, ca_file
    finally:
        server.stop()


def test_slack_over_tls_verifies_the_server_with_one_shared_context(
    db_url: str, tls_fake: tuple[FakeSlack, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack is reached over HTTPS: its certificate is checked against the trust store (here the one
    SSL_CERT_FILE names), and every client shares one context instead of loading a CA bundle per call."""
    fake, ca_file = tls_fake
    engine, config = make_engine(db_url), slack_config(fake)
    _, (first_id,) = add_change(engine, config)
    add_change(engine, config, title="Second alert", document_key="other")

    untrusted = deliver_pending(engine, config, SlackBotNotifier(fake.token, config))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    bot = SlackBotNotifier(fake.token, config)
    trusted = deliver_pending(engine, config, bot, now=utcnow() + timedelta(hours=1))
    hook = SlackWebhookNotifier(fake.webhook_url, config)
    hook.post("ai-regulation", {"text": "over the webhook too"}, alert_id=None, alert_key=None)

    assert (untrusted.sent, untrusted.retried_later) == (0, 1)  # an unknown certificate: kept for later
    assert "CERTIFICATE_VERIFY_FAILED" in (alert(engine, first_id).last_error or "")
    assert trusted.sent == 2 and len(fake.posted("ai-regulation")) == 2
    assert [m["text"] for m in fake.webhook_messages] == ["over the webhook too"]
    assert isinstance(bot.client.ssl, ssl.SSLContext)  # else urllib builds one for every connection
    assert bot.client.ssl is hook.client.ssl is SlackBotNotifier(fake.token, config).client.ssl


def test_make_notifier_follows_the_environment(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    config = slack_config(fake)
    assert isinstance(make_notifier(config), ConsoleNotifier)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", fake.webhook_url)
    assert isinstance(make_notifier(config), SlackWebhookNotifier)
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.token)
    assert isinstance(make_notifier(config), SlackBotNotifier)


def test_webhook_posts_everything_to_its_channel_without_threads(
    db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", fake.webhook_url)
    engine = make_engine(db_url)
    config = slack_config(fake, routes=[RouteRule(channel="#eu-ai", jurisdiction=["EU"])])
    add_change(engine, config, document_key="k")
    add_change(engine, config, document_key="k", jurisdiction="US", kind="document_changed")
    fake.fail(None, method="webhook", status=500, body="server_error")

    now = utcnow()
    first = deliver_pending(engine, config, now=now)
    second = deliver_pending(engine, config, now=now + timedelta(hours=1))

    assert (first.sent, first.retried_later, second.sent) == (0, 1, 2)
    assert [m["blocks"][0]["type"] for m in fake.webhook_messages] == ["header", "header"]
    assert all(a.status == "sent" and a.slack_ts is None for a in alerts(engine))
    assert fake.messages == {}  # nothing went through the Web API


def test_webhook_permanent_error_fails_with_the_reason(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)
    notifier = SlackWebhookNotifier(fake.webhook_url.replace("webhooksecret", "revokedsecret"), config)

    report = deliver_pending(engine, config, notifier)

    assert alert(engine, alert_id).last_error == "no_service"
    # The operations notice is tried too (the webhook is the only channel), fails alike, and ends there.
    (notice,) = [a for a in alerts(engine) if a.kind == "ops"]
    assert (notice.status, notice.last_error) == ("failed", "no_service")
    assert report.failed == 2


def test_console_prints_a_readable_alert(
    db_url: str, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config, title="FTC finalises order against AI chatbot maker")

    report = deliver_pending(engine, config)

    out = capsys.readouterr().out
    assert report.sent == 1 and alert(engine, alert_id).status == "sent"
    assert "FTC finalises order against AI chatbot maker" in out
    assert "EU · European Commission · Guidance · published 2025-02-04 · AI rule" in out
    assert "Link: https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1234" in out


def test_a_long_diff_is_attached_in_full_to_the_thread(
    db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.token)
    engine, config = make_engine(db_url), slack_config(fake)
    diff = "\n".join(f"+Article {i}: providers shall keep logs for {i} months." for i in range(400))
    change_id, (message_alert,) = add_change(
        engine,
        config,
        kind="document_changed",
        diff=diff,
        summary="Article 1 added: ...",
        headline="400 articles added",
    )
    fake.fail(None, method="files.completeUploadExternal", status=503, body="unavailable")  # once

    now = utcnow()
    deliver_pending(engine, config, now=now)
    report = deliver_pending(engine, config, now=now + timedelta(hours=1))

    message, upload = fake.posted("ai-regulation")
    assert alert_ids_in([message]) == [message_alert]
    assert upload["thread_ts"] == message["ts"]
    assert "full diff attached in the thread" in str(message["blocks"])
    (shared,) = upload["files"]
    assert shared["name"] == f"change-{change_id}.diff" and shared["content"] == diff  # complete, not cut
    assert report.sent == 1
    assert {a.kind: a.status for a in alerts(engine)} == {"change": "sent", "diff": "sent"}


def test_list_and_retry_failed_alerts(db_url: str, fake: FakeSlack) -> None:
    routes = [RouteRule(channel="#later", jurisdiction=["UN"])]
    engine, config = make_engine(db_url), slack_config(fake, routes=routes, ops_channel="#ops")
    notifier = SlackBotNotifier(fake.token, config)
    _, (failing,) = add_change(engine, config, jurisdiction="UN", document_key="un")
    _, (fine,) = add_change(engine, config, document_key="eu")
    deliver_pending(engine, config, notifier)
    assert retry_alerts(engine, alert_id=fine) == 0  # only failed (or pending) alerts are retried

    assert [a.id for a in list_alerts(engine, "failed")] == [failing]
    assert len(list_alerts(engine)) == 3  # two change alerts and the operations notice
    fake.add_channel("later")  # the operator creates the channel and invites the bot
    assert retry_alerts(engine, alert_id=failing) == 1
    assert retry_alerts(engine) == 0
    report = deliver_pending(engine, config, notifier)

    assert report.sent == 1 and alert(engine, failing).status == "sent"
    assert alert_ids_in(fake.posted("later")) == [failing]
    # a retried alert may have been posted before: it was looked for first
    assert fake.calls_to("conversations.history")


def test_slack_test_reports_what_slack_said_per_channel(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.token)
    config = slack_config(fake, ops_channel="#ops", routes=[RouteRule(channel="#gone", jurisdiction=["EU"])])

    results = slack_test(config)

    assert [channel for channel, _ in results] == ["auth.test", "#ai-regulation", "#ops", "#gone"]
    said = dict(results)
    assert said["auth.test"] == "ok: workspace Fake Workspace, bot user tracker"
    assert said["#ai-regulation"].startswith("ok (ts ") and said["#ops"].startswith("ok (ts ")
    assert said["#gone"] == "error: channel_not_found"
    assert len(fake.posted("ai-regulation")) == 1


def test_the_token_appears_in_no_log_line_and_no_database_column(
    db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # slack-sdk logs requests at DEBUG
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.token)
    engine, config = make_engine(db_url), slack_config(fake, ops_channel="#ops")
    for i in range(4):
        add_change(engine, config, document_key=f"d{i}")
    fake.fail("invalid_auth")
    fake.fail(f"strange_error_mentioning_{fake.token}")  # a hostile or buggy answer echoing the token
    fake.server_error(500)
    fake.rate_limit(retry_after=1)

    now = utcnow()
    for step in range(3):
        deliver_pending(engine, config, now=now + timedelta(hours=step))
    slack_test(config)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", fake.webhook_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    add_change(engine, config, document_key="w")
    fake.fail(
        f"bad hook {fake.webhook_url}", method="webhook", status=404, body=f"no_service {fake.webhook_url}"
    )
    deliver_pending(engine, config, now=now + timedelta(hours=4))

    assert "strange_error_mentioning_[redacted]" in caplog.text  # the echoed token was scrubbed
    secrets = (fake.token, fake.webhook_url, "webhooksecret0123456789")
    with engine.connect() as conn:
        for table in ("alert", "slack_thread", "change"):
            dump = str(conn.execute(sa.text(f"select * from {table}")).all())
            assert not any(s in dump for s in secrets), table
    assert caplog.records
    assert not any(s in caplog.text for s in secrets)


def test_unreachable_slack_is_retried_later(
    db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.token)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:1/api")  # nothing listens there
    engine, config = make_engine(db_url), slack_config()  # no base_url in the file: the environment's
    _, (alert_id,) = add_change(engine, config)

    report = deliver_pending(engine, config, now=utcnow())

    row = alert(engine, alert_id)
    assert (report.retried_later, row.status) == (1, "pending")
    assert (row.last_error or "").startswith("cannot reach Slack: URLError")
    monkeypatch.setenv("SLACK_API_URL", fake.base_url.rstrip("/"))  # slack-sdk wants the trailing slash
    assert deliver_pending(engine, config, now=utcnow() + timedelta(hours=1)).sent == 1
    assert alert_ids_in(fake.posted("ai-regulation")) == [alert_id]

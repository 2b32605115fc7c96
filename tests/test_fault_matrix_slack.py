"""The fault matrix, Slack side: alerts queued by real checks, delivered through slack-sdk to the fake Slack
while Slack or the network misbehaves. Afterwards every alert is in Slack exactly once.

The alerts come from the pipeline (tests/fault_site.py): a healthy feed and document change while a third
source fails past the operations threshold and recovers, so the outbox holds content alerts for the default
channel and a failure notice plus its threaded recovery for the operations channel. Time is driven through
deliver_pending's `now`, so an outage of many minutes takes seconds.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.alerts_support import alert_ids_in, alerts, payload
from tests.fake_slack import FakeSlack
from tests.fault_site import DOC_V2, FEED_ITEMS, FEED_NEW, RSS_TYPE, Site, check, rss, use_loopback_only_guard
from tests.fixture_server import FixtureServer, Resp
from tracker.alerts.deliver import DeliveryReport, deliver_pending
from tracker.alerts.outbox import retry_alerts
from tracker.alerts.slack import SlackBotNotifier
from tracker.config import Config
from tracker.store.db import make_engine
from tracker.store.models import utcnow

CHANNELS = ("ai-regulation", "ops")
SLACK = {"default_channel": "#ai-regulation", "ops_channel": "#ops"}
CLIENT_TIMEOUT_S = 1  # the notifier's HTTP timeout in these tests (10 s in production)
HELD_S = 3.0  # how long the slow link holds an answer: far beyond the client's timeout


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    for name in ("SLACK_WEBHOOK_URL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    server = FakeSlack(channels=list(CHANNELS)).start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", server.token)
    try:
        yield server
    finally:
        server.stop()


class SlowLink:
    """A TCP relay in front of the fake Slack that holds the answers to the first `slow_posts`
    chat.postMessage calls for HELD_S seconds: a network fault, not a Slack behaviour. With
    reach_slack=False the request is swallowed instead (Slack never sees it)."""

    def __init__(self, upstream_port: int, *, slow_posts: int, reach_slack: bool) -> None:
        self.upstream_port = upstream_port
        self.slow_left = slow_posts
        self.reach_slack = reach_slack
        self.held = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with client:
            first = client.recv(65536)
            with self._lock:
                slow = b"/api/chat.postMessage" in first.split(b"\r\n", 1)[0] and self.slow_left > 0
                if slow:
                    self.slow_left -= 1
                    self.held += 1
            if slow and not self.reach_slack:
                time.sleep(HELD_S)
                return
            with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
                upstream.sendall(first)
                threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
                answer = _read_all(upstream)  # urllib sends Connection: close, so the fake closes
            if slow:
                time.sleep(HELD_S)
            with contextlib.suppress(OSError):  # the client gave up long ago
                client.sendall(answer)


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# -- the alerts, made by real checks ---------------------------------------------------------------------
def site_and_config(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeSlack
) -> tuple[Site, Config]:
    use_loopback_only_guard(monkeypatch)
    site = Site(http_server, "list", tmp_path)
    site.serve_good()
    return site, site.config(base_url=fake.base_url, **SLACK)


def failure_streak(site: Site, config: Config, engine: Engine, *, healthy_version: int = 2) -> None:
    """The victim fails twice (the threshold) while the healthy sources change, then recovers."""
    site.serve_victim(Resp(500, "Internal Server Error"))
    check(config, engine)
    if healthy_version == 2:
        site.change_healthy()
    else:  # a later round: one more item and one more amendment
        later = (106, "Guidelines on serious incident reporting for high-risk AI systems", "Article 73.")
        site.server.route("/feed.rss", Resp(body=rss(later, FEED_NEW, *FEED_ITEMS), content_type=RSS_TYPE))
        site.server.route("/rules.html", Resp(body=DOC_V2.replace("twentieth day", "first day of August")))
    check(config, engine)
    site.restore_victim()
    check(config, engine)


def queued_by_checks(site: Site, config: Config, engine: Engine) -> None:
    check(config, engine)  # silent baseline
    failure_streak(site, config, engine)
    kinds = sorted(a.kind for a in alerts(engine))
    assert kinds == ["change", "change", "ops", "ops"], kinds


def deliver_until_settled(
    engine: Engine, config: Config, notifier: SlackBotNotifier, now: datetime, *, step: timedelta
) -> tuple[datetime, list[DeliveryReport]]:
    """Deliver, advancing the clock by `step`, until nothing is pending; twice more must send nothing."""
    reports = []
    for _ in range(40):
        reports.append(deliver_pending(engine, config, notifier, now=now))
        now += step
        if reports[-1].pending == 0:
            break
    for _ in range(2):
        assert deliver_pending(engine, config, notifier, now=now).sent == 0
        now += step
    return now, reports


def assert_each_alert_once(engine: Engine, fake: FakeSlack, *, in_order: bool = True) -> None:
    rows = alerts(engine)
    assert [a.status for a in rows] == ["sent"] * len(rows), [(a.id, a.status, a.last_error) for a in rows]
    for channel in CHANNELS:
        delivered = alert_ids_in(fake.posted(channel))
        expected = [a.id for a in rows if a.channel == f"#{channel}"]
        assert len(delivered) == len(set(delivered)), f"duplicate in #{channel}: {delivered}"
        assert (delivered if in_order else sorted(delivered)) == expected
        for row in rows:  # the ts we stored is the message Slack holds
            if row.channel == f"#{channel}":
                assert row.slack_ts in {m["ts"] for m in fake.posted(channel)}
    notices = [m for m in fake.posted("ops") if m["text"].startswith(("Source failing", "Source recovered"))]
    assert notices and len(notices) % 2 == 0
    for failing, recovered in zip(notices[::2], notices[1::2], strict=True):
        assert failing["text"].startswith("Source failing") and failing.get("thread_ts") is None
        assert recovered["thread_ts"] == failing["ts"]  # each recovery answers its own failure notice


# -- transient faults --------------------------------------------------------------------------------------
TRANSIENT = [
    "rate_limited_429_short",
    "rate_limited_429_long",
    "server_error_500",
    "timeout_unanswered",
    "timeout_after_post",
]


@pytest.mark.parametrize("fault", TRANSIENT)
def test_transient_slack_fault_delivers_every_alert_once(
    fault: str,
    http_server: FixtureServer,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeSlack,
) -> None:
    engine = make_engine(db_url)
    site, config = site_and_config(http_server, tmp_path, monkeypatch, fake)
    queued_by_checks(site, config, engine)
    link = None
    if fault == "rate_limited_429_short":  # waited out inline by slack-sdk
        fake.rate_limit(retry_after=1, times=2)
    elif fault == "rate_limited_429_long":  # rescheduled: the outbox waits, nobody sleeps
        fake.rate_limit(retry_after=120, times=3)
    elif fault == "server_error_500":
        fake.server_error(500, times=2)
        fake.server_error(500, after=True)  # posted, but the answer is an error page
    else:
        monkeypatch.setattr("tracker.alerts.slack.TIMEOUT_S", CLIENT_TIMEOUT_S)
        link = SlowLink(fake.port, slow_posts=2, reach_slack=fault == "timeout_after_post")
        config = config.model_copy(
            update={"slack": config.slack.model_copy(update={"base_url": link.base_url})}
        )
    try:
        notifier = SlackBotNotifier(fake.token, config)
        _, reports = deliver_until_settled(engine, config, notifier, utcnow(), step=timedelta(minutes=5))
    finally:
        if link:
            link.close()

    assert_each_alert_once(engine, fake)
    statuses = [c.status for c in fake.calls_to("chat.postMessage")]
    if fault.startswith("timeout"):
        assert link is not None and link.held == 2  # the fault did happen, to two posts
        # Held answers: Slack has those posts and the retry finds them. Swallowed ones: posted on retry.
        # Either way four posts in all, and the retries looked for an earlier copy before posting.
        assert statuses == [200] * 4
        lookups = fake.calls_to("conversations.history") + fake.calls_to("conversations.replies")
        assert len(lookups) >= 2
    else:
        assert any(s != 200 for s in statuses), statuses  # the fault did happen
    if fault != "rate_limited_429_short":
        assert sum(r.retried_later for r in reports) >= 1
    assert not [a for a in alerts(engine) if payload(a).get("subject", "").startswith("slack:")]


# -- permanent faults: failed, reported, and delivered once after the operator's fix -----------------------
def test_invalid_auth_then_fixed_token_delivers_every_alert_once(
    http_server: FixtureServer, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeSlack
) -> None:
    engine = make_engine(db_url)
    site, config = site_and_config(http_server, tmp_path, monkeypatch, fake)
    queued_by_checks(site, config, engine)
    revoked = SlackBotNotifier("xoxb-revoked-0000-token", config)

    report = deliver_pending(engine, config, revoked)

    rows = alerts(engine)
    assert report.sent == 0 and {a.status for a in rows} == {"failed"}
    assert {a.last_error for a in rows} == {"invalid_auth"}
    refused = [a for a in rows if payload(a).get("subject") == "slack:#ai-regulation"]
    assert len(refused) == 1  # one notice for the refusing channel, not one per alert
    assert fake.messages == {}

    # The operator installs a valid token and retries everything that failed.
    assert retry_alerts(engine, all_failed=True) == len(rows)
    deliver_until_settled(
        engine, config, SlackBotNotifier(fake.token, config), utcnow(), step=timedelta(minutes=5)
    )
    assert_each_alert_once(engine, fake, in_order=False)


def test_channel_not_found_then_created_delivers_every_alert_once(
    http_server: FixtureServer, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeSlack
) -> None:
    engine = make_engine(db_url)
    site, config = site_and_config(http_server, tmp_path, monkeypatch, fake)
    config = config.model_copy(
        update={"slack": config.slack.model_copy(update={"default_channel": "#ai-law"})}
    )
    queued_by_checks(site, config, engine)
    notifier = SlackBotNotifier(fake.token, config)

    deliver_pending(engine, config, notifier)

    content = [a for a in alerts(engine) if a.kind == "change"]
    assert {(a.status, a.last_error) for a in content} == {("failed", "channel_not_found")}
    notices = [a for a in alerts(engine) if payload(a).get("subject") == "slack:#ai-law"]
    assert [a.status for a in notices] == ["sent"]  # the operations channel works: it hears about it
    # The source notices went out meanwhile, in order: another channel's trouble holds nothing up.
    assert [a.status for a in alerts(engine) if a.kind == "ops"] == ["sent"] * 3

    fake.add_channel("ai-law")
    assert retry_alerts(engine, all_failed=True) == len(content)
    deliver_until_settled(engine, config, notifier, utcnow(), step=timedelta(minutes=5))
    rows = alerts(engine)
    assert all(a.status == "sent" for a in rows)
    delivered = alert_ids_in(fake.posted("ai-law"))
    assert sorted(delivered) == [a.id for a in content] and len(set(delivered)) == len(delivered)
    ops_ids = alert_ids_in(fake.posted("ops"))
    assert ops_ids == [a.id for a in rows if a.channel == "#ops"]


# -- a long outage, with checks still queueing alerts ------------------------------------------------------
def test_outage_of_many_minutes_delivers_every_alert_once_in_order(
    http_server: FixtureServer, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeSlack
) -> None:
    engine = make_engine(db_url)
    site, config = site_and_config(http_server, tmp_path, monkeypatch, fake)
    queued_by_checks(site, config, engine)
    notifier = SlackBotNotifier(fake.token, config)
    fake.outage()  # every call answers 503 until the outage ends
    start = now = utcnow()
    retried = 0
    while now < start + timedelta(minutes=90):
        retried += deliver_pending(engine, config, notifier, now=now).retried_later
        if now - start == timedelta(minutes=30):  # checks go on during the outage
            failure_streak(site, config, engine, healthy_version=3)
        now += timedelta(minutes=5)
    assert fake.messages == {} and retried >= 8
    assert all(a.status == "pending" for a in alerts(engine))  # waiting, none given up
    assert max(a.attempts for a in alerts(engine)) < config.slack.max_attempts

    fake.failures.clear()  # Slack is back
    deliver_until_settled(engine, config, notifier, now, step=timedelta(minutes=10))

    assert len(alerts(engine)) == 8  # two rounds of: two content alerts, a failure notice, a recovery
    assert_each_alert_once(engine, fake)

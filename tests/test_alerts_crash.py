"""A deliverer killed around the post: nothing lost, nothing duplicated (metadata check before a resend).

The kill is real: a child process runs deliver_pending with SlackBotNotifier.post wrapped to os._exit()
right after Slack accepted the message (before the commit that records it), or right before the post.
The child is gone (and reaped) when the parent delivers: its claim is void at once (tracker.alerts.lease).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.alerts_support import add_change, alert, alert_ids_in, slack_config
from tests.fake_slack import FakeSlack
from tests.paths import REPO
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.outbox import LEASE, claim
from tracker.alerts.slack import SlackBotNotifier
from tracker.store.db import make_engine, transaction
from tracker.store.models import utcnow

# a sending process killed mid-delivery, per backend: `pytest -m "not slow"` leaves them out
pytestmark = pytest.mark.slow

CHILD = r"""
import os, sys
from tracker.alerts import slack
from tracker.alerts.deliver import deliver_pending
from tracker.config import Config, SlackSection
from tracker.store.db import make_engine

db_url, mode, base_url = sys.argv[1:4]
real_post = slack.SlackBotNotifier.post

def post_then_die(self, *args, **kwargs):
    if mode == "before":
        os._exit(17)
    real_post(self, *args, **kwargs)
    os._exit(17)  # Slack has the message; the commit that records it never happens

slack.SlackBotNotifier.post = post_then_die
slack_section = SlackSection(base_url=base_url, per_channel_interval=0, default_channel="#ai-regulation")
config = Config(slack=slack_section)
deliver_pending(make_engine(db_url), config, slack.SlackBotNotifier(os.environ["SLACK_BOT_TOKEN"], config))
sys.exit(0)
"""


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    server = FakeSlack(channels=["ai-regulation"]).start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", server.token)
    try:
        yield server
    finally:
        server.stop()


def _killed_delivery(db_url: str, fake: FakeSlack, mode: str) -> None:
    env = {**os.environ, "SLACK_BOT_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, db_url, mode, fake.base_url],
        env=env,
        cwd=REPO,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 17, done.stderr


def test_killed_after_post_before_commit_is_not_posted_twice(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)

    _killed_delivery(db_url, fake, "after")

    row = alert(engine, alert_id)
    assert (row.status, row.attempts, row.slack_ts) == ("sending", 1, None)  # Slack has it, we don't know
    assert len(fake.posted("ai-regulation")) == 1
    # The claim's holder is dead: its lease is void now, not in 5 minutes (issue 14, finding 5).
    report = deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    (message,) = fake.posted("ai-regulation")
    row = alert(engine, alert_id)
    assert report.sent == 1
    assert (row.status, row.slack_ts, row.attempts) == ("sent", message["ts"], 2)
    assert len(fake.calls_to("chat.postMessage")) == 1
    (history,) = fake.calls_to("conversations.history")
    assert history.args["channel"] == fake.channel_ids["ai-regulation"]  # looked up by id, with metadata
    assert str(history.args["include_all_metadata"]).lower() in ("1", "true")


def test_a_killed_post_does_not_hold_back_the_rest_of_its_channel(db_url: str, fake: FakeSlack) -> None:
    """Issue 14, finding 5: a kill during a post held every later alert of the channel for the 5-minute
    lease of the interrupted one. Now the next delivery, right away, finds the interrupted one in the
    history and sends the others after it, in order, each once."""
    engine, config = make_engine(db_url), slack_config(fake)
    _, (interrupted,) = add_change(engine, config, document_key="a")
    _, (later,) = add_change(engine, config, document_key="b")

    _killed_delivery(db_url, fake, "after")
    assert alert(engine, later).status == "pending"
    report = deliver_pending(engine, config, SlackBotNotifier(fake.token, config), now=utcnow())

    assert (report.sent, report.pending) == (2, 0)
    assert alert_ids_in(fake.posted("ai-regulation")) == [interrupted, later]
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_a_claim_of_a_living_process_is_respected(db_url: str, fake: FakeSlack) -> None:
    """The lease is only cut short when its holder is certainly dead: a claim by a process that still runs
    (here this one, as another thread's deliverer would be) keeps its channel waiting, as before."""
    engine, config = make_engine(db_url), slack_config(fake)
    _, (claimed,) = add_change(engine, config, document_key="a")
    add_change(engine, config, document_key="b")
    with transaction(engine) as session:
        assert claim(session, claimed, utcnow()) is not None  # held by this (living) process

    held = deliver_pending(engine, config, SlackBotNotifier(fake.token, config))
    expired = deliver_pending(
        engine, config, SlackBotNotifier(fake.token, config), now=utcnow() + LEASE + timedelta(seconds=1)
    )

    assert (held.sent, held.pending) == (0, 2)
    assert expired.sent == 2 and len(fake.posted("ai-regulation")) == 2


def test_killed_after_a_thread_reply_is_found_in_the_thread(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (first,) = add_change(engine, config, document_key="eu_eurlex/ai_act")
    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))
    _, (reply,) = add_change(engine, config, document_key="eu_eurlex/ai_act", kind="document_changed")

    _killed_delivery(db_url, fake, "after")
    report = deliver_pending(
        engine, config, SlackBotNotifier(fake.token, config), now=utcnow() + LEASE + timedelta(seconds=1)
    )

    parent, child = fake.posted("ai-regulation")
    assert report.sent == 1
    assert child["thread_ts"] == parent["ts"]
    assert alert_ids_in([parent, child]) == [first, reply]
    assert alert(engine, reply).slack_ts == child["ts"]
    assert len(fake.calls_to("conversations.replies")) == 1  # replies are not in the channel history


def test_killed_before_the_post_is_delivered_later_exactly_once(db_url: str, fake: FakeSlack) -> None:
    engine, config = make_engine(db_url), slack_config(fake)
    _, (alert_id,) = add_change(engine, config)

    _killed_delivery(db_url, fake, "before")
    assert fake.posted("ai-regulation") == []
    report = deliver_pending(
        engine, config, SlackBotNotifier(fake.token, config), now=utcnow() + LEASE + timedelta(seconds=1)
    )

    assert report.sent == 1
    assert alert_ids_in(fake.posted("ai-regulation")) == [alert_id]

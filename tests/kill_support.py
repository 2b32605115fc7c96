"""Helpers for the kill tests (tests/test_kill.py): a fake Slack that is sometimes slow, feeds that grow
by AI items, the config of three endpoints in two sources, and what the database holds between kills."""

from __future__ import annotations

import random
import socket
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.fake_slack import FakeSlack
from tests.fixture_server import FixtureServer, Resp
from tests.service_support import write_config
from tests.test_check_e2e import ITEMS_V1, feed
from tracker.alerts.outbox import SENDING, UNSENT
from tracker.store.models import Alert, Change, SourceState, utcnow

CHANNEL = "ai-regulation"


@dataclass
class SlowSlack(FakeSlack):
    """The fake Slack, with a share of chat.postMessage calls held up before or after the post is stored.

    Held up after: the message is in the channel while the tracker waits for the answer, so a kill lands
    between post and commit. Held up before: the request is still on its way; when its client dies
    meanwhile, the post never reaches the channel (a kill after the claim, before the post).
    """

    seed: int = 0
    slow_share: float = 0.5  # of posts; half held up before the post is stored, half after
    max_delay: float = 0.8  # well under the client's 10 s timeout: a delay is never a send error

    def __post_init__(self) -> None:
        self._connection = threading.local()  # the socket of the request being handled, per thread
        super().__post_init__()
        self._rng = random.Random(self.seed)
        self._in_flight = 0
        self._flight_lock = threading.Lock()
        self.slow_posts = 0
        self.dropped_posts = 0
        # The killed client is gone when the held-up answer is written: not an error worth a traceback.
        self._server.handle_error = _quiet_on_disconnect  # type: ignore[method-assign]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        connection = self._connection

        class Tracked(super()._handler()):  # type: ignore[misc]
            def handle_one_request(self) -> None:
                connection.sock = self.connection
                super().handle_one_request()

        return Tracked

    def _client_gone(self) -> bool:
        """The client of the current request closed its connection (it was killed)."""
        sock: socket.socket | None = getattr(self._connection, "sock", None)
        if sock is None:
            return False
        try:
            return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:  # open, nothing to read: the client waits for the answer
            return False
        except OSError:  # reset
            return True

    def api(
        self, method: str, args: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        with self._flight_lock:
            self._in_flight += 1
        try:
            if method != "chat.postMessage":
                return super().api(method, args, headers)
            roll, delay = self._rng.random(), self._rng.uniform(0.1, self.max_delay)
            self.slow_posts += roll < self.slow_share
            if roll < self.slow_share / 2:
                time.sleep(delay)
                if self._client_gone():
                    self.dropped_posts += 1
                    return 200, {}, {"ok": False, "error": "request_lost"}  # nobody reads it
            answer = super().api(method, args, headers)
            if self.slow_share / 2 <= roll < self.slow_share:
                time.sleep(delay)
            return answer
        finally:
            with self._flight_lock:
                self._in_flight -= 1

    def idle(self) -> bool:
        """No API call is being handled (a dead client's post has landed, or never will)."""
        with self._flight_lock:
            return self._in_flight == 0

    def alert_messages(self) -> Counter[int]:
        """Messages in the channel per alert id, from the metadata the deliverer attaches."""
        counts: Counter[int] = Counter()
        for message in self.posted(CHANNEL):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            counts[int(payload.get("alert_id", -1))] += 1
        return counts

    def ts_by_alert(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for message in self.posted(CHANNEL):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            found.setdefault(int(payload.get("alert_id", -1)), []).append(message["ts"])
        return found


def _quiet_on_disconnect(_request: object, _client_address: object) -> None:
    exc = sys.exc_info()[1]
    if not isinstance(exc, ConnectionError):
        traceback.print_exc()


def quiet_disconnects(server: FixtureServer) -> None:
    """A killed client resets its connections: no traceback per kill in the test output."""
    server._server.handle_error = _quiet_on_disconnect  # type: ignore[method-assign]


@dataclass
class Feed:
    key: str  # endpoint key, "source/endpoint"
    path: str
    items: list[tuple[int, str, str]] = field(default_factory=list)  # newest first


class GrowingFeeds:
    """Feeds on the fixture server that only ever gain items; each added item is AI news to alert on."""

    def __init__(self, server: FixtureServer, feeds: list[Feed], rng: random.Random) -> None:
        self.server = server
        self.feeds = feeds
        self.rng = rng
        self.added: dict[tuple[str, str], str] = {}  # (endpoint key, guid) -> title
        self._next_guid = 5000
        for index, f in enumerate(feeds):  # the baseline: the usual two items, guids unique per feed
            f.items = [(n + 100 * index, title, summary) for n, title, summary in ITEMS_V1]
            self._serve(f, delay=0.0)

    def _serve(self, f: Feed, delay: float) -> None:
        # The delay holds up every fetch of this version: kills land in the middle of a fetch too.
        self.server.route(f.path, Resp(body=feed(*f.items), content_type="application/rss+xml", delay=delay))

    def add_round(self) -> int:
        """Add one or two AI items to one or more feeds (a new version of each); returns how many."""
        count = self.rng.choice([1, 1, 2])
        for _ in range(count):
            f = self.rng.choice(self.feeds)
            self._next_guid += 1
            guid = self._next_guid
            title = f"Authority consults on artificial intelligence regulation, notice {guid}"
            f.items.insert(0, (guid, title, "Draft guidance on AI systems under the AI Act."))
            self.added[(f.key, str(guid))] = title
            self._serve(f, delay=self.rng.choice([0.0, 0.0, 0.1, 0.3]))
        return count


def write_kill_config(tmp_path: Path, server: FixtureServer, db_url: str, slack: FakeSlack) -> Path:
    """The service test's config (svcreg/news every second, Slack at the fake) plus two more endpoints:
    a second one of svcreg (one check job, two endpoints) and a second source (two jobs in parallel)."""
    path = write_config(tmp_path, server, db_url, slack=slack, feed_path="/news.rss")
    extra = f"""
[[custom_sources.endpoints]]
id = "consultations"
url = "{server.url("/consultations.rss")}"
parser = {{ kind = "feed" }}

[[custom_sources]]
id = "killreg"
jurisdiction = "EU"
regulator = "Kill Test Agency"
interval = "1s"
[[custom_sources.endpoints]]
id = "press"
url = "{server.url("/press.rss")}"
parser = {{ kind = "feed" }}
"""
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


KILL_FEEDS = [
    ("svcreg/news", "/news.rss"),
    ("svcreg/consultations", "/consultations.rss"),
    ("killreg/press", "/press.rss"),
]


# -- the database between kills -------------------------------------------------------------------


def baselines_done(engine: Engine, keys: list[str]) -> bool:
    with Session(engine) as session:
        done = session.exec(
            select(SourceState.endpoint_key).where(
                col(SourceState.endpoint_key).in_(keys), col(SourceState.baseline_done)
            )
        ).all()
    return set(done) == set(keys)


def detected_items(engine: Engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(Change.endpoint_key, Change.stable_id).where(Change.kind == "new_item"))
        return {(key, sid or "") for key, sid in rows}


def unsent_alerts(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Alert.id).where(col(Alert.status).in_(UNSENT))).all())


def expire_dead_leases(engine: Engine) -> int:
    """End the leases of alerts a killed process had claimed, as if their 5 minutes had passed.

    Only called while no tracker process is alive, so every "sending" row belongs to a dead process;
    the row is left exactly as the lease expiry leaves it (status "sending", due now).
    """
    now = utcnow()
    with Session(engine) as session:
        rows = list(session.exec(select(Alert).where(Alert.status == SENDING)))
        for alert in rows:
            alert.next_attempt_at = now
            session.add(alert)
        session.commit()
    return len(rows)


def change_alerts(engine: Engine) -> tuple[list[Change], list[Alert], list[Alert]]:
    """(every change, the change alerts, every alert) at the end of the test."""
    with Session(engine, expire_on_commit=False) as session:
        changes = list(session.exec(select(Change).order_by(col(Change.id))))
        alerts = list(session.exec(select(Alert).order_by(col(Alert.id))))
    return changes, [a for a in alerts if a.kind == "change"], alerts

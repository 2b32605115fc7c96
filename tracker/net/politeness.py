"""Being a good guest: robots.txt per host, few requests at a time per host, a pause between them.

Regulators run small servers and some (EUR-Lex, .gov.cn) block clients that hurry. HostLimiter spaces
request starts per host and bounds concurrency per host and overall; RobotsCache fetches each host's
robots.txt once per TTL and answers "may we fetch this URL?" with the rule that decided it; a RobotsStore
keeps those answers across check cycles (the service's jobs) so that the TTL, not the cycle, decides.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from tracker.speedups import refusing_rule

log = logging.getLogger(__name__)

ROBOTS_TTL_S = 24 * 3600.0  # RFC 9309 asks crawlers not to cache longer than 24 h
ROBOTS_FAILURE_TTL_S = 15 * 60.0  # retry an unreachable robots.txt sooner
# RFC 9309 2.3.1.4: while robots.txt answers server errors, a copy read earlier may be used for about 30
# days; without one, everything is disallowed.
ROBOTS_KEEP_COPY_S = 30 * 86400.0
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB, the rest may be ignored
MAX_CRAWL_DELAY_S = 60.0  # a larger Crawl-delay would stall a check cycle; honour up to this


def host_key(url: str) -> str:
    """'https://Example.org:443/x' -> 'https://example.org:443': the unit of politeness and robots."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme.lower()}://{host}:{port}"


class _HostGate:
    def __init__(self, concurrency: int, delay: float) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.start_lock = asyncio.Lock()
        self.delay = delay
        self.next_start = 0.0  # monotonic time before which no request to this host may start


class HostLimiter:
    """At most `per_host_concurrency` requests per host, starts at least `per_host_delay` apart, and at
    most `max_concurrency` requests overall."""

    def __init__(self, per_host_concurrency: int, per_host_delay: float, max_concurrency: int) -> None:
        self._per_host_concurrency = per_host_concurrency
        self._per_host_delay = per_host_delay
        self._global = asyncio.Semaphore(max_concurrency)
        self._gates: dict[str, _HostGate] = {}

    def _gate(self, url: str) -> _HostGate:
        key = host_key(url)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = _HostGate(self._per_host_concurrency, self._per_host_delay)
        return gate

    def set_min_delay(self, url: str, delay: float) -> None:
        """Raise this host's delay (robots.txt Crawl-delay), never below the configured one."""
        gate = self._gate(url)
        gate.delay = max(self._per_host_delay, min(delay, MAX_CRAWL_DELAY_S))

    def delay_for(self, url: str) -> float:
        return self._gate(url).delay

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Hold a request slot for the URL's host for the duration of one HTTP exchange."""
        gate = self._gate(url)
        # Host first, then global: a request queued behind its own host must not hold a global slot.
        async with gate.semaphore, self._global:
            async with gate.start_lock:  # serialises starts so that they are spaced by the delay
                wait = gate.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                gate.next_start = time.monotonic() + gate.delay
            yield


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What fetching /robots.txt produced; status_code None = no response (unreachable, refused...)."""

    status_code: int | None
    body: bytes = b""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RobotsDecision:
    allowed: bool
    reason: str  # names the rule (or the reason robots.txt did not apply)


@dataclass(slots=True)
class _RobotsEntry:
    parser: Protego | None  # None = no rules: allow everything (4xx), unless disallow_all
    note: str
    expires_at: float
    disallow_all: bool = False  # robots.txt answered a server error and no earlier copy is usable
    read_at: float | None = None  # when rules (or their absence) were last read; None = never


RobotsFetch = Callable[[str], Awaitable[RobotsAnswer]]


class RobotsStore:
    """robots.txt answers by host, shared by the RobotsCaches of successive check cycles.

    Each run of a service's check job has a new Fetcher: without a store shared between them every run
    asked every host for robots.txt again, and the TTL never applied (when each source had a job of its
    own, a watch list of 500 pages on one host asked it 500 times an hour instead of once a day). Jobs
    run in several threads, hence the lock; the entries themselves are read-only once stored.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _RobotsEntry] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> _RobotsEntry | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, entry: _RobotsEntry) -> None:
        with self._lock:
            self._entries[key] = entry


def robots_agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ('ai-reg-tracker/0.1 (+https://...)'
    -> 'ai-reg-tracker'); matching the whole header would let a group for 'github' apply to us."""
    return user_agent.split()[0].split("/")[0] if user_agent.strip() else "*"


class RobotsCache:
    """robots.txt per host, fetched through `fetch` (the same client and guard as everything else).

    4xx (404, 410, ...) means there are no rules: allow all (RFC 9309 2.3.1.3). A server error (5xx)
    means robots.txt is unreachable: the copy read earlier stays in force (up to ROBOTS_KEEP_COPY_S),
    and without one everything is disallowed (RFC 9309 2.3.1.4); it is asked again after
    ROBOTS_FAILURE_TTL_S. No answer at all (refused, timed out) allows for now, with a warning: the request
    itself then fails with the network's own error, which says more than "robots.txt unreachable".
    """

    def __init__(
        self,
        fetch: RobotsFetch,
        user_agent: str,
        *,
        ttl: float = ROBOTS_TTL_S,
        failure_ttl: float = ROBOTS_FAILURE_TTL_S,
        store: RobotsStore | None = None,
    ) -> None:
        self._fetch = fetch
        self.agent = robots_agent_token(user_agent)
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._entries = store if store is not None else RobotsStore()
        # Per cache, not in the store: an asyncio lock belongs to one event loop, i.e. one check cycle.
        self._locks: dict[str, asyncio.Lock] = {}

    @staticmethod
    def robots_url(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/robots.txt"

    async def check(self, url: str) -> RobotsDecision:
        if urlsplit(url).path == "/robots.txt":
            return RobotsDecision(True, "robots.txt itself is always allowed")
        entry = await self._entry(url)
        if entry.disallow_all:
            return RobotsDecision(False, entry.note)
        if entry.parser is None:
            return RobotsDecision(True, entry.note)
        if entry.parser.can_fetch(url, self.agent):
            return RobotsDecision(True, "allowed by robots.txt")
        rule = refusing_rule(entry.parser, url, self.agent)
        return RobotsDecision(
            False,
            f"{self.robots_url(url)} disallows this URL for user agent {self.agent!r}"
            + (f" (rule: Disallow: {rule})" if rule else ""),
        )

    async def crawl_delay(self, url: str) -> float | None:
        entry = await self._entry(url)
        return entry.parser.crawl_delay(self.agent) if entry.parser is not None else None

    async def _entry(self, url: str) -> _RobotsEntry:
        key = host_key(url)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # concurrent requests to one host fetch robots.txt once
            entry = self._entries.get(key)
            if entry is None or entry.expires_at <= time.monotonic():
                entry = await self._load(self.robots_url(url), entry)
                self._entries.put(key, entry)
            return entry

    async def _load(self, robots_url: str, previous: _RobotsEntry | None) -> _RobotsEntry:
        answer = await self._fetch(robots_url)
        now = time.monotonic()
        code = answer.status_code
        if code is not None and 200 <= code < 300:
            text = answer.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            return _RobotsEntry(
                Protego.parse(text), f"robots.txt read from {robots_url}", now + self._ttl, read_at=now
            )
        if code is not None and 400 <= code < 500:
            return _RobotsEntry(
                None, f"{robots_url} answered {code}: no rules, all allowed", now + self._ttl, read_at=now
            )
        why = f"HTTP {code}" if code is not None else (answer.error or "no answer")
        retry_at = now + self._failure_ttl
        copy_age = now - previous.read_at if previous is not None and previous.read_at is not None else None
        if previous is not None and copy_age is not None and copy_age < ROBOTS_KEEP_COPY_S:
            log.warning("robots.txt unavailable at %s (%s); keeping the copy read earlier", robots_url, why)
            return _RobotsEntry(
                previous.parser,
                f"{robots_url} unavailable ({why}); the copy read earlier still applies",
                retry_at,
                read_at=previous.read_at,
            )
        if code is None:
            log.warning("robots.txt unavailable at %s (%s); allowing requests for now", robots_url, why)
            return _RobotsEntry(None, f"{robots_url} unavailable ({why}); allowed for now", retry_at)
        log.warning("%s answered %s; nothing on this host is fetched until it answers", robots_url, why)
        return _RobotsEntry(
            None,
            f"{robots_url} answered {why} (server error): robots.txt is unreachable, so every URL on "
            f"this host is disallowed (RFC 9309 2.3.1.4); asked again in {self._failure_ttl / 60:.0f} min",
            retry_at,
            disallow_all=True,
        )

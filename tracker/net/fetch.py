"""One HTTP exchange per FetchRequest, made safe: guard, robots, politeness, caps, retries.

Redirects are followed by hand so that every hop passes the SSRF guard, robots.txt and the redirect cap.
The body is streamed and counted after decompression, so neither a large file nor a gzip bomb is held
in memory. Fetcher.fetch never raises for network or HTTP trouble: it returns a FetchResult whose
error_class says what went wrong, and classify_response turns that into a Verdict.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from tracker.config import FetchSection
from tracker.net import stream as netstream
from tracker.net.guard import NetGuard, PrivateAddressError, ResolveError
from tracker.net.politeness import HostLimiter, RobotsAnswer, RobotsCache, RobotsStore
from tracker.net.tls import fetch_context
from tracker.redact import redact
from tracker.types import ErrorClass, FetchRequest, FetchResult

log = logging.getLogger(__name__)

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_AFTER_STATUSES = {429, 503}
# Worth another try: the network, an overloaded server (5xx) or a rate limit (429).
RETRYABLE_ERRORS = {ErrorClass.CONNECT, ErrorClass.TIMEOUT, ErrorClass.HTTP_5XX, ErrorClass.RATE_LIMITED}
TRANSIENT_NETWORK_ERRORS = {ErrorClass.CONNECT, ErrorClass.TIMEOUT}
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309
# Request headers that must not follow a redirect to another origin.
_CREDENTIAL_HEADERS = {"authorization", "cookie", "proxy-authorization"}
_BODY_HEADERS = {"content-type", "content-length"}


@dataclass
class _Outcome:
    """One attempt (all its redirect hops), before retry decisions."""

    final_url: str
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error_class: ErrorClass | None = None
    error: str | None = None


class _Failure(Exception):
    def __init__(self, error_class: ErrorClass, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message


class _TimeBudget:
    """The total timeout of one fetch: every attempt's network time and the backoff between attempts,
    not the waits for a polite turn. Per attempt, a 1 byte/s drip cost four times the timeout (14.6)."""

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self.remaining = seconds

    def spend(self, seconds: float) -> None:
        self.remaining -= seconds


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds to wait: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _has_cause(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _status_error(code: int, reason: str) -> tuple[ErrorClass | None, str | None]:
    if 200 <= code < 300 or code in (300, 304):
        return None, None
    text = f"HTTP {code} {reason}".strip()
    if code == 429:
        return ErrorClass.RATE_LIMITED, text
    if code >= 500:
        return ErrorClass.HTTP_5XX, text
    if code >= 400:
        return ErrorClass.HTTP_4XX, text
    return ErrorClass.REDIRECTS, f"{text} without a usable Location header"


class Fetcher:
    def __init__(
        self,
        settings: FetchSection,
        user_agent: str,
        *,
        guard: NetGuard | None = None,
        robots: RobotsStore | None = None,
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent
        self.max_body_bytes = int(settings.max_body_mb * 1024 * 1024)
        self.guard = guard or NetGuard(allow_private=settings.allow_private_addresses)
        self.limiter = HostLimiter(
            settings.per_host_concurrency, settings.per_host_delay, settings.max_concurrency
        )
        self.robots = RobotsCache(self._fetch_robots, user_agent, store=robots)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent},
            verify=fetch_context(),
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            follow_redirects=False,  # by hand: every hop goes through the guard and the cap
            # httpcore polls every idle pooled connection before each request: keep no more than used
            limits=httpx.Limits(max_keepalive_connections=settings.max_concurrency),
        )
        netstream.install(self._client)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- public ----------------------------------------------------------------------------------------
    async def fetch(self, request: FetchRequest) -> FetchResult:
        started = time.monotonic()
        budget = _TimeBudget(self.settings.total_timeout)
        attempts = 0
        while True:
            attempts += 1
            try:
                robots = self.settings.respect_robots
                outcome = await self._attempt(request, check_robots=robots, budget=budget)
            except Exception as exc:  # a bug must not take the whole check cycle down
                log.exception("unexpected error fetching %s", request.url)
                outcome = _Outcome(request.url, error_class=ErrorClass.INTERNAL, error=f"internal: {exc!r}")
            wait = self._retry_wait(outcome, attempts)
            if wait is None:
                break
            if wait >= budget.remaining:
                if budget.remaining > 0:  # else the error already says the total timeout ran out
                    outcome.error = (
                        f"{outcome.error}; not retried: waiting {wait:.1f}s would pass the total timeout "
                        f"of {budget.total:g}s"
                    )
                break
            log.info("retrying %s in %.2fs after: %s", request.url, wait, outcome.error)
            await asyncio.sleep(wait)
            budget.spend(wait)
        error = outcome.error
        if error and attempts > 1:
            error = f"{error} (after {attempts} attempts)"
        return FetchResult(
            url=request.url,
            final_url=redact(outcome.final_url),  # a key in the URL is never stored (redact.py)
            status_code=outcome.status_code,
            headers=outcome.headers,
            body=outcome.body,
            elapsed_s=time.monotonic() - started,
            error_class=outcome.error_class,
            error=redact(error) if error else error,
            attempts=attempts,
        )

    # -- retries ---------------------------------------------------------------------------------------
    def _retry_wait(self, outcome: _Outcome, attempts: int) -> float | None:
        """Seconds to wait before the next attempt, or None to stop. Updates outcome.error on refusal."""
        if outcome.error_class not in RETRYABLE_ERRORS or attempts > self.settings.retries:
            return None
        if outcome.status_code in RETRY_AFTER_STATUSES:
            asked = parse_retry_after(outcome.headers.get("retry-after"))
            if asked is not None:
                if asked > self.settings.backoff_max:
                    # Coming back sooner than asked is what gets clients banned: give up this cycle.
                    outcome.error = (
                        f"{outcome.error}; server asked to wait {asked:.0f}s, more than backoff_max "
                        f"({self.settings.backoff_max:.0f}s), so not retried now"
                    )
                    return None
                return asked
        # Exponential backoff with full jitter: uniform(0, min(cap, base * 2^n)).
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempts - 1))
        return random.uniform(0, ceiling)

    # -- one attempt -----------------------------------------------------------------------------------
    async def _attempt(
        self,
        request: FetchRequest,
        *,
        check_robots: bool,
        max_redirects: int | None = None,
        budget: _TimeBudget | None = None,
    ) -> _Outcome:
        limit = self.settings.max_redirects if max_redirects is None else max_redirects
        budget = budget or _TimeBudget(self.settings.total_timeout)
        url, method, form = request.url, request.method.upper(), request.form
        headers = dict(request.headers)
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        chain = [url]
        outcome = _Outcome(url)
        try:
            for hop in range(limit + 1):
                outcome = _Outcome(url)
                await self._admit(url, first=hop == 0, check_robots=check_robots)
                async with self.limiter.slot(url):
                    await self._exchange(method, url, headers, form, budget, outcome)
                location = outcome.headers.get("location")
                if outcome.status_code not in REDIRECT_STATUSES or not location:
                    return outcome
                next_url = str(httpx.URL(url).join(location))
                if hop == limit:
                    raise _Failure(ErrorClass.REDIRECTS, f"more than {limit} redirects: {' -> '.join(chain)}")
                if next_url in chain and "set-cookie" not in outcome.headers:
                    # A self-redirect that sets a cookie is a session handshake, not a loop.
                    raise _Failure(ErrorClass.REDIRECTS, f"redirect loop: {' -> '.join([*chain, next_url])}")
                if outcome.status_code == 303 or (outcome.status_code in (301, 302) and method == "POST"):
                    method, form = ("HEAD" if method == "HEAD" else "GET"), None
                    headers = {k: v for k, v in headers.items() if k.lower() not in _BODY_HEADERS}
                if host_changed(url, next_url):
                    headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIAL_HEADERS}
                chain.append(next_url)
                url = next_url
        except _Failure as failure:
            outcome.error_class, outcome.error = failure.error_class, failure.message
            outcome.body = b""
        return outcome

    async def _admit(self, url: str, *, first: bool, check_robots: bool) -> None:
        """Scheme, SSRF guard and robots.txt, before any packet goes to `url`."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            if first:
                raise _Failure(ErrorClass.INTERNAL, f"not an http(s) URL: {url!r}")
            raise _Failure(ErrorClass.REDIRECTS, f"redirect to a non-http(s) URL: {url!r}")
        try:
            async with asyncio.timeout(self.settings.connect_timeout):
                await self.guard.check_url(url)
        except PrivateAddressError as exc:
            raise _Failure(ErrorClass.PRIVATE_ADDRESS, str(exc) if first else f"redirect {exc}") from None
        except ResolveError as exc:
            raise _Failure(ErrorClass.CONNECT, str(exc)) from None
        except TimeoutError:
            raise _Failure(ErrorClass.TIMEOUT, f"DNS lookup for {parts.hostname} timed out") from None
        if check_robots:
            decision = await self.robots.check(url)
            if not decision.allowed:
                raise _Failure(ErrorClass.ROBOTS, decision.reason)
            crawl_delay = await self.robots.crawl_delay(url)
            if crawl_delay:
                self.limiter.set_min_delay(url, crawl_delay)

    async def _exchange(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        form: dict[str, str] | None,
        budget: _TimeBudget,
        outcome: _Outcome,
    ) -> None:
        """Send one request and read its body into `outcome`, within what is left of the total timeout."""
        if budget.remaining <= 0:
            raise _Failure(ErrorClass.TIMEOUT, f"total timeout of {budget.total:g}s exceeded")
        request = self._client.build_request(method, url, headers=headers, data=form)
        started = time.monotonic()
        reading_body = False
        try:
            async with asyncio.timeout(budget.remaining):
                response = await self._client.send(request, stream=True)
                try:
                    outcome.status_code = response.status_code
                    outcome.headers = {k.lower(): v for k, v in response.headers.items()}
                    outcome.error_class, outcome.error = _status_error(
                        response.status_code, response.reason_phrase
                    )
                    if response.status_code in REDIRECT_STATUSES and "location" in outcome.headers:
                        return  # the body of a redirect is never needed
                    reading_body = True
                    outcome.body = await self._read_capped(response)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise _Failure(ErrorClass.TIMEOUT, f"total timeout of {budget.total:g}s exceeded") from None
        except httpx.HTTPError as exc:
            raise _classify_transport_error(exc, reading_body, url) from None
        except (OSError, ssl.SSLError) as exc:
            raise _Failure(ErrorClass.CONNECT, _connect_error(exc, url)) from None
        finally:
            budget.spend(time.monotonic() - started)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.max_body_bytes
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > cap:
            raise _Failure(ErrorClass.TOO_LARGE, f"body of {announced} bytes announced; the cap is {cap}")
        chunks: list[bytes] = []
        size = 0
        # aiter_bytes yields decompressed bytes: counting them stops a gzip bomb as it inflates.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _Failure(ErrorClass.TOO_LARGE, f"body over the cap of {cap} bytes once decompressed")
            chunks.append(chunk)
        return b"".join(chunks)

    # -- robots.txt ------------------------------------------------------------------------------------
    async def _fetch_robots(self, robots_url: str) -> RobotsAnswer:
        """One attempt, same client, guard and politeness; a failure means "allow for now" upstream."""
        outcome = await self._attempt(
            FetchRequest(robots_url), check_robots=False, max_redirects=ROBOTS_MAX_REDIRECTS
        )
        if outcome.status_code is None or outcome.error_class in TRANSIENT_NETWORK_ERRORS:
            return RobotsAnswer(None, error=outcome.error)
        return RobotsAnswer(outcome.status_code, outcome.body, outcome.error)


def host_changed(old_url: str, new_url: str) -> bool:
    old, new = urlsplit(old_url), urlsplit(new_url)
    return (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port)


def _classify_transport_error(exc: httpx.HTTPError, reading_body: bool, url: str) -> _Failure:
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: "connect",
            httpx.ReadTimeout: "read",
            httpx.WriteTimeout: "write",
            httpx.PoolTimeout: "connection pool",
        }.get(type(exc), "network")
        return _Failure(ErrorClass.TIMEOUT, f"{phase} timeout")
    if _has_cause(exc, ssl.SSLError) or _has_cause(exc, ssl.CertificateError):
        return _Failure(ErrorClass.TLS, f"TLS handshake failed: {exc}")
    if isinstance(exc, httpx.DecodingError):
        return _Failure(ErrorClass.DECODE, f"could not decompress the body: {exc}")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) and reading_body:
        return _Failure(ErrorClass.CONNECT, f"truncated body: {exc}")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return _Failure(ErrorClass.INTERNAL, f"invalid URL: {exc}")
    return _Failure(ErrorClass.CONNECT, _connect_error(exc, url))


def _connect_error(exc: BaseException, url: str) -> str:
    """'connection refused: 127.0.0.1:18199': which address did not answer, as DNS errors say."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    where = f"{parts.hostname}:{port}" if parts.hostname and ":" not in parts.hostname else parts.netloc
    if _has_cause(exc, ConnectionRefusedError) or "refused" in str(exc).lower():
        return f"connection refused: {where}"
    return f"connection to {where} failed: {exc or type(exc).__name__}"

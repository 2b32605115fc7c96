"""tracker doctor: does every enabled endpoint still see its site? The first-deploy check.

For each endpoint: DNS, TLS, robots.txt, HTTP status, WAF/block detection, and what the extractor finds
against the endpoint's expectations, with one line of advice per failure. It runs the check pipeline's
own stages (Fetcher, classify_response, derive, check_expectations) and stores nothing: no database.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from tracker.config import Config
from tracker.extract.derive import derive
from tracker.net.fetch import Fetcher
from tracker.net.guard import ResolveError, resolve
from tracker.net.politeness import RobotsAnswer, RobotsCache
from tracker.pipeline.classify_response import classify_response
from tracker.pipeline.doctor_advice import advice
from tracker.pipeline.expectations import check_expectations, describe_expectations
from tracker.redact import redact
from tracker.specs import EndpointSpec, SourceSpec
from tracker.types import (
    DocumentExtraction,
    ErrorClass,
    Extraction,
    ExtractionError,
    FetchRequest,
    FetchResult,
    ResponseStatus,
)

UNREACHABLE = "unreachable"  # doctor's own status: no answer at all (DNS, refused, timed out)
DNS_ERROR = "dns"  # doctor's own error class: the host name did not resolve
_NO_ANSWER = {ErrorClass.CONNECT, ErrorClass.TIMEOUT}


@dataclass(frozen=True, slots=True)
class HostLookup:
    host: str
    addresses: tuple[str, ...] = ()
    error: str | None = None
    literal: bool = False  # an IP address in the URL: nothing to resolve

    def describe(self) -> str:
        if self.error:
            return f"{self.host}: failed ({self.error})"
        if self.literal:
            return f"{self.host} (an address, no lookup)"
        return f"{self.host} -> {', '.join(self.addresses)}"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One endpoint's health as an operator needs it. `as_dict` gives the stable keys of --json."""

    source: str
    endpoint: str
    url: str
    host: str
    status: str  # ok, unreachable, error, blocked, disallowed, broken, drift
    error_class: str | None  # ErrorClass value, or "dns"
    reason: str
    dns: str
    tls: str  # ok, not used (http), failed: ..., not reached
    robots: str  # allowed, disallowed: ..., robots unreachable: ..., not checked ...
    http_status: int | None
    blocked: str | None  # the WAF / captcha / auth signal, when blocked
    expectations: str
    items: int | None
    blocks: int | None
    found: str
    newest_title: str | None
    newest_date: str | None
    document_title: str | None
    advice: str | None  # one line, only when not healthy
    seconds: float

    @property
    def key(self) -> str:
        return f"{self.source}/{self.endpoint}"

    @property
    def healthy(self) -> bool:
        return self.status == ResponseStatus.OK.value

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "healthy": self.healthy, **asdict(self)}


@dataclass(frozen=True, slots=True)
class DoctorReport:
    diagnoses: tuple[Diagnosis, ...]

    @property
    def healthy(self) -> bool:
        return all(d.healthy for d in self.diagnoses)

    def offline_summary(self) -> str | None:
        """One line when nothing at all answered on two hosts or more (offline, or a proxy is needed);
        None otherwise. A single host that does not answer is that host's problem, said per endpoint."""
        hosts = {d.host for d in self.diagnoses}
        if len(hosts) < 2 or any(d.status != UNREACHABLE for d in self.diagnoses):
            return None
        dns_failed = {d.host for d in self.diagnoses if d.error_class == DNS_ERROR}
        if dns_failed == hosts:
            what = f"DNS failed for all {len(hosts)} hosts"
        elif dns_failed:
            what = (
                f"DNS failed for {len(dns_failed)} of {len(hosts)} hosts and the others refused or timed out"
            )
        else:
            what = f"all {len(hosts)} hosts refused the connection or timed out"
        return f"nothing could be reached: {what}; this machine looks offline or needs a proxy"


class _DoctorFetcher(Fetcher):
    """The pipeline's Fetcher, remembering what each robots.txt request answered (allowed by rules,
    no robots.txt, or unreachable: RobotsCache folds the last two into "allowed")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.robots_answers: dict[str, RobotsAnswer] = {}

    async def _fetch_robots(self, robots_url: str) -> RobotsAnswer:
        answer = await super()._fetch_robots(robots_url)
        self.robots_answers[robots_url] = answer
        return answer


def run_doctor(config: Config, sources: Sequence[SourceSpec]) -> DoctorReport:
    """Diagnose every endpoint of `sources` (all at once, within the Fetcher's politeness)."""
    return DoctorReport(tuple(asyncio.run(_diagnose_all(config, sources))))


async def _diagnose_all(config: Config, sources: Sequence[SourceSpec]) -> list[Diagnosis]:
    today = date.today()
    targets = [(s, e, e.resolved_url(today)) for s in sources for e in s.endpoints]
    hosts = sorted({urlsplit(url).hostname or "" for _, _, url in targets})
    found = await asyncio.gather(*(_lookup(host, config.fetch.connect_timeout) for host in hosts))
    lookups = dict(zip(hosts, found, strict=True))
    # One retry at most: a diagnosis should come back quickly, yet survive a single network blip.
    settings = config.fetch.model_copy(update={"retries": min(config.fetch.retries, 1)})
    async with _DoctorFetcher(settings, config.user_agent()) as fetcher:
        return list(
            await asyncio.gather(
                *(
                    _diagnose(fetcher, s, e, url, lookups[urlsplit(url).hostname or ""])
                    for s, e, url in targets
                )
            )
        )


async def _lookup(host: str, timeout: float) -> HostLookup:
    if not host:
        return HostLookup(host, error="the URL has no host name")
    try:
        ipaddress.ip_address(host)
        return HostLookup(host, (host,), literal=True)
    except ValueError:
        pass
    try:
        async with asyncio.timeout(timeout):
            addresses = await resolve(host, 443)
    except ResolveError as exc:  # the resolver's own words ("Name or service not known"), not ours
        return HostLookup(host, error=str(exc.__cause__ or exc))
    except TimeoutError:
        return HostLookup(host, error=f"no answer within {timeout:g}s")
    return HostLookup(host, tuple(str(a) for a in addresses))


def _proxied(url: str) -> bool:
    """A proxy from the environment (HTTPS_PROXY...) resolves names itself: local DNS may fail."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    configured = parts.scheme in proxies or "all" in proxies
    return configured and not urllib.request.proxy_bypass(parts.hostname or "")


async def _diagnose(
    fetcher: _DoctorFetcher, source: SourceSpec, endpoint: EndpointSpec, url: str, lookup: HostLookup
) -> Diagnosis:
    started = time.monotonic()
    row = _Row(source, endpoint, url, lookup, describe_expectations(endpoint), started)
    if lookup.error and not _proxied(url):
        reason = f"DNS lookup failed for {lookup.host}: {lookup.error}"
        return row.failure(UNREACHABLE, DNS_ERROR, reason, tls="not reached", robots="not checked")
    headers = dict(endpoint.headers)
    result = await fetcher.fetch(FetchRequest(url, endpoint.method, headers, endpoint.form))
    robots_answer = fetcher.robots_answers.get(RobotsCache.robots_url(url))
    robots = await _robots_verdict(fetcher, url, robots_answer)
    seen: dict[str, Any] = {"robots": robots, "tls": _tls_verdict(result), "result": result}
    verdict = classify_response(result, last_good_size=None, shrink_ratio=0)
    if verdict.status is not ResponseStatus.OK:
        error_class = verdict.error_class.value if verdict.error_class else None
        status = verdict.status.value
        robots_answered = robots_answer is not None and robots_answer.status_code is not None
        if result.status_code is None and verdict.error_class in _NO_ANSWER and not robots_answered:
            status = UNREACHABLE  # not one byte came back from this host
        blocked = verdict.reason if verdict.status is ResponseStatus.BLOCKED else None
        return row.failure(status, error_class, verdict.reason, blocked=blocked, **seen)
    return _extract(row, result, seen, ok_reason=verdict.reason)


def _extract(row: _Row, result: FetchResult, seen: dict[str, Any], *, ok_reason: str) -> Diagnosis:
    """derive + expectations on a good answer: what the endpoint sees, or why it is blind."""
    content_type = result.headers.get("content-type", "")
    try:
        _, extraction = derive(row.endpoint, result.body, content_type, result.final_url)
    except ExtractionError as exc:
        return row.failure(ResponseStatus.BROKEN.value, ErrorClass.PARSE.value, str(exc), **seen)
    except ValueError as exc:
        return row.failure(ResponseStatus.ERROR.value, ErrorClass.DECODE.value, f"undecodable: {exc}", **seen)
    breach = check_expectations(row.endpoint, extraction)
    if breach is not None:
        status, error_class, reason = breach.status.value, breach.error_class.value, breach.reason
        return row.diagnosis(status, error_class, reason, content=_content(extraction), **seen)
    return row.diagnosis(ResponseStatus.OK.value, None, ok_reason, content=_content(extraction), **seen)


@dataclass(frozen=True, slots=True)
class _Row:
    """What is known of an endpoint before its answer: builds its Diagnosis once the answer is judged."""

    source: SourceSpec
    endpoint: EndpointSpec
    url: str
    lookup: HostLookup
    expectations: str
    started: float

    def failure(self, status: str, error_class: str | None, reason: str, **seen: Any) -> Diagnosis:
        """An answer that never got as far as items or blocks."""
        return self.diagnosis(status, error_class, reason, content=_NOTHING, **seen)

    def diagnosis(
        self,
        status: str,
        error_class: str | None,
        reason: str,
        *,
        content: dict[str, Any],
        tls: str,
        robots: str,
        result: FetchResult | None = None,
        blocked: str | None = None,
    ) -> Diagnosis:
        code = result.status_code if result is not None else None
        healthy = status == ResponseStatus.OK.value
        hint = None if healthy else advice(self.source, self.endpoint, self.url, error_class, reason, code)
        return Diagnosis(
            source=self.source.id,
            endpoint=self.endpoint.id,
            url=redact(self.url),
            host=self.lookup.host,
            status=status,
            error_class=error_class,
            reason=redact(reason),
            dns=self.lookup.describe(),
            tls=tls,
            robots=robots,
            http_status=code,
            blocked=blocked,
            expectations=self.expectations,
            **content,
            advice=hint,
            seconds=round(time.monotonic() - self.started, 3),
        )


_NOTHING: dict[str, Any] = {
    "items": None,
    "blocks": None,
    "found": "nothing",
    "newest_title": None,
    "newest_date": None,
    "document_title": None,
}


def _content(extraction: Extraction) -> dict[str, Any]:
    """items / blocks, `found` for people, and the newest item (or the document's title)."""
    if isinstance(extraction, DocumentExtraction):
        return {
            **_NOTHING,
            "blocks": len(extraction.blocks),
            "found": f"document with {len(extraction.blocks)} blocks",
            "document_title": extraction.title or None,
        }
    items = extraction.items
    evidence = extraction.evidence
    found = f"{len(items)} items"
    if evidence.candidates >= 0 and evidence.candidate_kind:
        found += f" from {evidence.candidates} {evidence.candidate_kind}"
    dated = [(i.published_at, n, i) for n, i in enumerate(items) if i.published_at is not None]
    # The newest by date (the first listed on a tie); a list without dates is in the site's order.
    newest = max(dated, key=lambda t: (t[0], -t[1]))[2] if dated else (items[0] if items else None)
    published = newest.published_at if newest else None
    return {
        "items": len(items),
        "blocks": None,
        "found": found,
        "newest_title": newest.title if newest else None,
        "newest_date": published.isoformat() if published else None,
        "document_title": None,
    }


async def _robots_verdict(fetcher: _DoctorFetcher, url: str, answer: RobotsAnswer | None) -> str:
    if not fetcher.settings.respect_robots:
        return "not checked ([fetch] respect_robots = false)"
    if answer is None:  # the fetch stopped before robots.txt (a refused address, a bad URL)
        return "not checked"
    code = answer.status_code
    if code is None or code >= 500:
        return f"robots unreachable ({answer.error or f'HTTP {code}'}); allowed for now"
    if 400 <= code < 500:
        return f"allowed (no robots.txt: HTTP {code})"
    decision = await fetcher.robots.check(url)  # cached: no second request
    return "allowed" if decision.allowed else f"disallowed: {decision.reason}"


def _tls_verdict(result: FetchResult) -> str:
    if result.error_class is ErrorClass.TLS:
        return f"failed: {result.error}"
    if urlsplit(result.final_url).scheme != "https":
        return "not used (http)"
    return "ok" if result.status_code is not None else "not reached"

"""robots.txt, per-host politeness and the SSRF guard, through the real Fetcher on 127.0.0.1."""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from typing import Any

import pytest

from tests.arrivals import record_arrivals
from tests.fixture_server import FixtureServer, Resp
from tracker.config import FetchSection
from tracker.net.fetch import Fetcher
from tracker.net.guard import NetGuard, PrivateAddressError, refusal_reason
from tracker.net.politeness import HostLimiter, RobotsStore, robots_agent_token
from tracker.pipeline.classify_response import classify_response
from tracker.types import ErrorClass, FetchRequest, FetchResult, ResponseStatus

UA = "ai-reg-tracker/0.1 (+https://github.com/ai-reg-tracker/ai-reg-tracker)"


def fetch_settings(**overrides: Any) -> FetchSection:
    values: dict[str, Any] = {
        "allow_private_addresses": True,
        "backoff_base": 0.01,
        "per_host_delay": 0,
        "retries": 0,
        "connect_timeout": 2,
        "read_timeout": 5,
        "total_timeout": 10,
    }
    values.update(overrides)
    return FetchSection(**values)


def run_fetches(
    settings: FetchSection,
    *urls: str,
    concurrent: bool = False,
    guard: NetGuard | None = None,
    robots: RobotsStore | None = None,
) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(settings, UA, guard=guard, robots=robots) as fetcher:
            if concurrent:
                return list(await asyncio.gather(*(fetcher.fetch(FetchRequest(u)) for u in urls)))
            return [await fetcher.fetch(FetchRequest(u)) for u in urls]

    return asyncio.run(go())


def robots(text: str) -> Resp:
    return Resp(200, text, content_type="text/plain")


# -- robots.txt ---------------------------------------------------------------------------------------
def test_robots_disallow_refuses_without_requesting(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", robots("User-agent: *\nDisallow: /private/\n"))
    url = http_server.route("/private/doc", Resp(200, "secret"))
    [result] = run_fetches(fetch_settings(), url)
    assert (result.status_code, result.error_class) == (None, ErrorClass.ROBOTS)
    assert "Disallow: /private/" in (result.error or "")
    assert http_server.hits("/private/doc") == 0
    v = classify_response(result, last_good_size=None, shrink_ratio=0.2)
    assert (v.status, v.error_class) == (ResponseStatus.DISALLOWED, ErrorClass.ROBOTS)


def test_robots_fetched_once_for_several_requests(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", robots("User-agent: *\nDisallow: /private/\n"))
    first = http_server.route("/news", Resp(200, "news"))
    second = http_server.route("/laws", Resp(200, "laws"))
    results = run_fetches(fetch_settings(), first, second, first)
    assert [r.body for r in results] == [b"news", b"laws", b"news"]
    assert http_server.hits("/robots.txt") == 1
    assert http_server.requests[0].path == "/robots.txt"  # asked before the first page


def test_robots_answers_carry_over_to_later_cycles_through_a_store(http_server: FixtureServer) -> None:
    """Every check cycle has a Fetcher of its own; with the service's RobotsStore a host is asked once per
    TTL, and a rule learnt in one cycle refuses a URL in the next without asking again."""
    http_server.route("/robots.txt", robots("User-agent: *\nDisallow: /private/\n"))
    page = http_server.route("/page", Resp(200, "ok"))
    private = http_server.route("/private/doc", Resp(200, "secret"))
    store = RobotsStore()

    first = run_fetches(fetch_settings(), page, robots=store)
    second = run_fetches(fetch_settings(), page, private, robots=store)
    asked_with_store = http_server.hits("/robots.txt")
    run_fetches(fetch_settings(), page)  # a Fetcher without the store asks again

    assert [r.status_code for r in (*first, second[0])] == [200, 200]
    assert (second[1].status_code, second[1].error_class) == (None, ErrorClass.ROBOTS)
    assert asked_with_store == 1 and http_server.hits("/robots.txt") == 2
    assert http_server.hits("/private/doc") == 0


def test_robots_group_for_our_product_token_applies(http_server: FixtureServer) -> None:
    text = "User-agent: ai-reg-tracker\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    http_server.route("/robots.txt", robots(text))
    url = http_server.route("/page", Resp(200, "x"))
    [result] = run_fetches(fetch_settings(), url)
    assert result.error_class is ErrorClass.ROBOTS


def test_robots_group_matching_only_our_contact_url_does_not_apply(http_server: FixtureServer) -> None:
    # Our User-Agent header contains "github.com"; a group for a crawler named "github" is not ours.
    http_server.route("/robots.txt", robots("User-agent: github\nDisallow: /\n"))
    url = http_server.route("/page", Resp(200, "x"))
    [result] = run_fetches(fetch_settings(), url)
    assert (result.status_code, result.body) == (200, b"x")
    assert robots_agent_token(UA) == "ai-reg-tracker"


@pytest.mark.parametrize("status", [404, 410])  # 5xx: tests/test_first_hour_robots.py
def test_missing_or_broken_robots_allows(http_server: FixtureServer, status: int) -> None:
    http_server.route("/robots.txt", Resp(status, "", content_type="text/plain"))
    url = http_server.route("/page", Resp(200, "x"))
    [result] = run_fetches(fetch_settings(), url)
    assert (result.status_code, result.body) == (200, b"x")


def test_respect_robots_off_fetches_disallowed_url(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", robots("User-agent: *\nDisallow: /\n"))
    url = http_server.route("/page", Resp(200, "x"))
    [result] = run_fetches(fetch_settings(respect_robots=False), url)
    assert result.body == b"x"
    assert http_server.hits("/robots.txt") == 0


def test_redirect_into_disallowed_path_is_refused(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", robots("User-agent: *\nDisallow: /private/\n"))
    http_server.route("/public", Resp(302, "", headers={"Location": "/private/x"}))
    http_server.route("/private/x", Resp(200, "secret"))
    [result] = run_fetches(fetch_settings(), http_server.url("/public"))
    assert result.error_class is ErrorClass.ROBOTS
    assert http_server.hits("/private/x") == 0


# -- politeness ---------------------------------------------------------------------------------------
def test_per_host_delay_spaces_request_starts(http_server: FixtureServer) -> None:
    arrivals = record_arrivals(http_server)
    urls = [http_server.route(f"/p{i}", Resp(200, str(i))) for i in range(3)]
    results = run_fetches(fetch_settings(per_host_delay=0.3), *urls, concurrent=True)
    assert all(r.status_code == 200 for r in results)
    assert len(arrivals) == 4  # robots.txt and three pages, all to the same host
    # Measured where the requests arrive: a little scheduling noise, never half the delay.
    assert min(arrivals.gaps()) >= 0.25


def test_one_request_at_a_time_per_host(http_server: FixtureServer) -> None:
    arrivals = record_arrivals(http_server)
    urls = [http_server.route(f"/slow{i}", Resp(200, str(i), delay=0.3)) for i in range(2)]
    run_fetches(fetch_settings(per_host_concurrency=1, respect_robots=False), *urls, concurrent=True)
    # The second request reaches the server only after the first has been answered.
    assert arrivals.gaps()[0] >= 0.25


def test_crawl_delay_from_robots_raises_the_host_delay(http_server: FixtureServer) -> None:
    arrivals = record_arrivals(http_server)
    http_server.route("/robots.txt", robots("User-agent: *\nCrawl-delay: 0.4\n"))
    urls = [http_server.route(f"/c{i}", Resp(200, str(i))) for i in range(2)]
    run_fetches(fetch_settings(per_host_delay=0), *urls)
    assert arrivals.at("/c1")[0] - arrivals.at("/c0")[0] >= 0.35


def run_limiter(limiter: HostLimiter, hosts: list[str]) -> tuple[Counter[str], int]:
    """Peak concurrent holders per host and overall while tasks hold slots for a moment."""
    active: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    peak_total = 0

    async def hold(host: str) -> None:
        nonlocal peak_total
        async with limiter.slot(f"https://{host}/x"):
            active[host] += 1
            peak[host] = max(peak[host], active[host])
            peak_total = max(peak_total, sum(active.values()))
            await asyncio.sleep(0.02)
            active[host] -= 1

    async def go() -> None:
        await asyncio.gather(*(hold(h) for h in hosts))

    asyncio.run(go())
    return peak, peak_total


def test_limiter_bounds_per_host_and_global_concurrency() -> None:
    hosts = ["a.example"] * 6 + ["b.example"] * 6 + ["c.example"] * 6
    peak, peak_total = run_limiter(HostLimiter(2, 0.0, 10), hosts)
    assert peak == Counter({"a.example": 2, "b.example": 2, "c.example": 2}) and peak_total == 6
    peak, peak_total = run_limiter(HostLimiter(2, 0.0, 3), hosts)
    assert peak_total == 3


# -- SSRF guard ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.5",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "100.64.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["147.67.34.30", "2606:4700::6810:84e5"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_guard_resolves_names_before_judging() -> None:
    guard = NetGuard(allow_private=False)
    with pytest.raises(PrivateAddressError, match="loopback"):
        asyncio.run(guard.check_url("http://localhost:8080/"))
    asyncio.run(NetGuard(allow_private=True).check_url("http://localhost:8080/"))  # allowed: no error


def test_fetch_to_loopback_refused_when_private_not_allowed(http_server: FixtureServer) -> None:
    url = http_server.route("/page", Resp(200, "x"))
    [result] = run_fetches(fetch_settings(allow_private_addresses=False), url)
    assert (result.status_code, result.error_class, result.attempts) == (None, ErrorClass.PRIVATE_ADDRESS, 1)
    assert http_server.requests == []  # not even robots.txt was asked
    assert classify_response(result, last_good_size=None, shrink_ratio=0.2).status is ResponseStatus.ERROR


def test_redirect_to_metadata_address_is_refused(http_server: FixtureServer) -> None:
    # Only the fixture server's own address is admitted; every other non-public address is refused.
    guard = NetGuard(allow_private=False, allowed_networks=["127.0.0.1/32"])
    metadata = "http://169.254.169.254/latest/meta-data/"
    http_server.route("/jump", Resp(302, "", headers={"Location": metadata}))
    settings = fetch_settings(allow_private_addresses=False)
    [result] = run_fetches(settings, http_server.url("/jump"), guard=guard)
    assert (result.status_code, result.error_class) == (None, ErrorClass.PRIVATE_ADDRESS)
    assert result.final_url == metadata
    assert "169.254.169.254" in (result.error or "")

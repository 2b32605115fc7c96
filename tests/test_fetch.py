"""Fetcher against a real HTTP server on 127.0.0.1 through the real httpx client."""

from __future__ import annotations

import asyncio
import gzip
import io
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from tests.arrivals import record_arrivals
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import SAMPLES
from tracker.config import FetchSection
from tracker.net.fetch import Fetcher, parse_retry_after
from tracker.pipeline.classify_response import classify_response
from tracker.types import ErrorClass, FetchRequest, FetchResult, ResponseStatus

UA = "ai-reg-tracker/0.1 (+https://github.com/ai-reg-tracker/ai-reg-tracker)"
EU = SAMPLES / "eu"


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


def run_fetches(settings: FetchSection, *requests: FetchRequest) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(settings, UA) as fetcher:
            return [await fetcher.fetch(r) for r in requests]

    return asyncio.run(go())


def fetch_one(url: str, **overrides: Any) -> FetchResult:
    return run_fetches(fetch_settings(**overrides), FetchRequest(url))[0]


def verdict(result: FetchResult):
    return classify_response(result, last_good_size=None, shrink_ratio=0.2)


def page_requests(server: FixtureServer, path: str):
    return [r for r in server.requests if r.path == path]


# -- plain answers ------------------------------------------------------------------------------------
def test_200_returns_body_lowercased_headers_and_sends_user_agent(http_server: FixtureServer) -> None:
    url = http_server.route("/page", Resp(200, "<p>hello</p>", headers={"X-Custom-Thing": "1"}))
    result = fetch_one(url)
    assert (result.status_code, result.body, result.error_class) == (200, b"<p>hello</p>", None)
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.headers["x-custom-thing"] == "1"
    assert result.attempts == 1 and result.final_url == url
    assert page_requests(http_server, "/page")[0].headers["user-agent"] == UA
    assert verdict(result).status is ResponseStatus.OK


def test_304_when_conditional_headers_match(http_server: FixtureServer) -> None:
    stamp = "Wed, 09 Sep 2026 10:00:00 GMT"
    url = http_server.route("/doc", Resp(200, "v1", etag='"v1"', last_modified=stamp))
    result = run_fetches(fetch_settings(), FetchRequest(url, etag='"v1"', last_modified=stamp))[0]
    sent = page_requests(http_server, "/doc")[0].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp
    assert (result.status_code, result.body, result.error_class) == (304, b"", None)
    assert verdict(result).status is ResponseStatus.NOT_MODIFIED


def test_changed_etag_gets_the_full_body(http_server: FixtureServer) -> None:
    url = http_server.route("/doc", Resp(200, "v2", etag='"v2"'))
    result = run_fetches(fetch_settings(), FetchRequest(url, etag='"v1"'))[0]
    assert (result.status_code, result.body) == (200, b"v2")


def test_post_form_and_extra_headers_are_sent(http_server: FixtureServer) -> None:
    url = http_server.route("/cms/JsonList", Resp(200, '{"list": []}', content_type="application/json"))
    form = {"channelCode": "A093702", "perPage": "20", "pageno": "1"}
    request = FetchRequest(url, method="POST", form=form, headers={"Referer": "https://www.cac.gov.cn/"})
    result = run_fetches(fetch_settings(), request)[0]
    seen = page_requests(http_server, "/cms/JsonList")[0]
    assert seen.method == "POST"
    assert seen.body == b"channelCode=A093702&perPage=20&pageno=1"
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen.headers["referer"] == "https://www.cac.gov.cn/"
    assert result.body == b'{"list": []}'


def test_gzip_body_is_decompressed(http_server: FixtureServer) -> None:
    url = http_server.route("/gz", Resp(200, "<p>" + "compressible " * 500 + "</p>", gzip=True))
    result = fetch_one(url)
    assert result.body.startswith(b"<p>compressible ") and len(result.body) == 7 + 13 * 500


# -- retries ------------------------------------------------------------------------------------------
def test_500_then_200_is_retried(http_server: FixtureServer) -> None:
    url = http_server.route("/flaky", Resp(500, "oops"), Resp(200, "fine"))
    result = fetch_one(url, retries=3)
    assert (result.status_code, result.body, result.attempts) == (200, b"fine", 2)
    assert http_server.hits("/flaky") == 2


def test_500_after_all_retries_is_http_5xx(http_server: FixtureServer) -> None:
    url = http_server.route("/down", Resp(500, "oops"))
    result = fetch_one(url, retries=2)
    assert (result.status_code, result.error_class, result.attempts) == (500, ErrorClass.HTTP_5XX, 3)
    assert http_server.hits("/down") == 3
    assert verdict(result).status is ResponseStatus.ERROR


def test_503_retry_after_seconds_is_honoured(http_server: FixtureServer) -> None:
    arrivals = record_arrivals(http_server)
    url = http_server.route("/busy", Resp(503, "busy", headers={"Retry-After": "1"}), Resp(200, "ok"))
    result = fetch_one(url, retries=2, backoff_max=5)
    assert (result.status_code, result.attempts) == (200, 2)
    # backoff_base is 0.01 s: only the Retry-After header explains a gap of a second.
    assert arrivals.gaps("/busy")[0] >= 0.95


def test_429_retry_after_then_rate_limited(http_server: FixtureServer) -> None:
    url = http_server.route("/limited", Resp(429, "slow down", headers={"Retry-After": "1"}))
    result = fetch_one(url, retries=1, backoff_max=5)
    assert (result.status_code, result.error_class, result.attempts) == (429, ErrorClass.RATE_LIMITED, 2)
    assert http_server.hits("/limited") == 2
    assert verdict(result).error_class is ErrorClass.RATE_LIMITED


def test_retry_after_beyond_backoff_max_is_not_cut_short(http_server: FixtureServer) -> None:
    url = http_server.route("/limited", Resp(429, "come back in an hour", headers={"Retry-After": "3600"}))
    result = fetch_one(url, retries=3, backoff_max=5)
    assert (result.error_class, result.attempts) == (ErrorClass.RATE_LIMITED, 1)
    assert "3600" in (result.error or "")


def test_parse_retry_after_http_date_and_seconds() -> None:
    now = datetime(2026, 9, 11, 12, 0, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert parse_retry_after("soon", now) is None


@pytest.mark.parametrize("status", [404, 410])
def test_4xx_is_not_retried(http_server: FixtureServer, status: int) -> None:
    url = http_server.route("/gone", Resp(status, "nope"))
    result = fetch_one(url, retries=3)
    assert (result.status_code, result.error_class, result.attempts) == (status, ErrorClass.HTTP_4XX, 1)
    assert http_server.hits("/gone") == 1
    assert verdict(result).status is ResponseStatus.ERROR


def test_403_is_blocked_auth(http_server: FixtureServer) -> None:
    url = http_server.route("/secret", Resp(403, "<h1>Forbidden</h1>"))
    result = fetch_one(url, retries=3)
    assert (result.status_code, result.attempts) == (403, 1)
    assert (verdict(result).status, verdict(result).error_class) == (ResponseStatus.BLOCKED, ErrorClass.AUTH)


# -- the real EUR-Lex WAF answers ---------------------------------------------------------------------
def resp_from_recorded_headers(text: str) -> Resp:
    """Status line and headers of a recorded answer -> a Resp with an empty body."""
    status_line, *lines = [line for line in text.splitlines() if line.strip()]
    headers = dict(line.split(": ", 1) for line in lines)
    content_type = headers.pop("content-type", None)
    headers.pop("content-length")  # the server writes its own, from the (empty) body
    return Resp(int(status_line.split()[1]), b"", headers=headers, content_type=content_type)


def test_eurlex_202_waf_answer_is_blocked(http_server: FixtureServer) -> None:
    recorded = (EU / "eurlex_frontend_http202_waf_challenge_headers_2026-09-11.txt").read_text()
    url = http_server.route("/legal-content/EN/TXT/", resp_from_recorded_headers(recorded))
    result = fetch_one(url)
    assert (result.status_code, result.body, result.error_class) == (202, b"", None)
    assert result.headers["x-amzn-waf-action"] == "challenge"
    v = verdict(result)
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)
    assert "x-amzn-waf-action" in v.reason


def test_eurlex_challenge_stub_page_is_blocked(http_server: FixtureServer) -> None:
    stub = EU / "eurlex_legal-content_aws_waf_challenge_stub.html"
    url = http_server.route("/legal-content/EN/TXT/HTML/", file_resp(stub))
    result = fetch_one(url)
    assert (result.status_code, result.body) == (200, stub.read_bytes())
    v = classify_response(result, last_good_size=None, shrink_ratio=0.2)
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)


# -- timeouts, truncation, caps -------------------------------------------------------------------------
def test_slow_response_hits_read_timeout(http_server: FixtureServer) -> None:
    url = http_server.route("/slow", Resp(200, "late", delay=1.5))
    result = fetch_one(url, read_timeout=0.3)
    assert (result.status_code, result.error_class) == (None, ErrorClass.TIMEOUT)
    assert "read timeout" in (result.error or "")


def test_slow_trickle_hits_total_timeout(http_server: FixtureServer) -> None:
    # Each byte arrives well within the read timeout; only the total timeout can stop this.
    url = http_server.route("/trickle", Resp(200, "x" * 400, trickle=0.02))
    result = fetch_one(url, read_timeout=2, total_timeout=0.5)
    assert result.error_class is ErrorClass.TIMEOUT
    assert "total timeout" in (result.error or "")
    assert verdict(result).status is ResponseStatus.ERROR


def test_timeouts_are_retried(http_server: FixtureServer) -> None:
    url = http_server.route("/slow-once", Resp(200, "late", delay=1.0), Resp(200, "quick"))
    result = fetch_one(url, read_timeout=0.3, retries=1)
    assert (result.status_code, result.body, result.attempts) == (200, b"quick", 2)


def test_truncated_body_is_a_connect_error(http_server: FixtureServer) -> None:
    url = http_server.route("/cut", Resp(200, "x" * 1000, truncate_to=100))
    result = fetch_one(url)
    assert result.error_class is ErrorClass.CONNECT
    assert "truncated body" in (result.error or "")
    assert verdict(result).status is ResponseStatus.ERROR


def gzip_of_zeros(megabytes: int) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb") as gz:
        chunk = bytes(1024 * 1024)
        for _ in range(megabytes):
            gz.write(chunk)
    return out.getvalue()


def test_gzip_bomb_is_too_large(http_server: FixtureServer) -> None:
    bomb = gzip_of_zeros(50)
    assert len(bomb) < 1024 * 1024  # the announced length passes the cap: only decompressed counting helps
    url = http_server.route("/bomb", Resp(200, raw_gzip=bomb, content_type="text/html"))
    result = fetch_one(url, max_body_mb=1)
    assert (result.status_code, result.error_class, result.body) == (200, ErrorClass.TOO_LARGE, b"")
    assert verdict(result).error_class is ErrorClass.TOO_LARGE


def test_plain_body_over_cap_is_too_large(http_server: FixtureServer) -> None:
    url = http_server.route("/huge", Resp(200, b"a" * (2 * 1024 * 1024), content_type="text/plain"))
    result = fetch_one(url, max_body_mb=1)
    assert (result.error_class, result.body) == (ErrorClass.TOO_LARGE, b"")


# -- redirects ----------------------------------------------------------------------------------------
def test_redirect_is_followed(http_server: FixtureServer) -> None:
    http_server.route("/old", Resp(301, "", headers={"Location": "/new"}))
    url_new = http_server.route("/new", Resp(200, "moved here"))
    result = fetch_one(http_server.url("/old"))
    assert (result.status_code, result.body, result.final_url) == (200, b"moved here", url_new)


def test_redirect_loop(http_server: FixtureServer) -> None:
    http_server.route("/a", Resp(302, "", headers={"Location": "/b"}))
    http_server.route("/b", Resp(302, "", headers={"Location": "/a"}))
    result = fetch_one(http_server.url("/a"), max_redirects=10)
    assert result.error_class is ErrorClass.REDIRECTS
    assert "loop" in (result.error or "")
    assert http_server.hits("/a") == 1 and http_server.hits("/b") == 1


def test_too_many_redirects(http_server: FixtureServer) -> None:
    for i in range(4):
        http_server.route(f"/r{i}", Resp(302, "", headers={"Location": f"/r{i + 1}"}))
    http_server.route("/r4", Resp(200, "end"))
    result = fetch_one(http_server.url("/r0"), max_redirects=2)
    assert result.error_class is ErrorClass.REDIRECTS
    assert http_server.hits("/r3") == 0  # the cap stops before a fourth request


def test_303_after_post_switches_to_get(http_server: FixtureServer) -> None:
    http_server.route("/submit", Resp(303, "", headers={"Location": "/result"}))
    http_server.route("/result", Resp(200, "done"))
    request = FetchRequest(http_server.url("/submit"), method="POST", form={"q": "ai"})
    result = run_fetches(fetch_settings(), request)[0]
    assert result.body == b"done"
    assert page_requests(http_server, "/result")[0].method == "GET"


# -- connection failures ------------------------------------------------------------------------------
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_connect_and_retried() -> None:
    result = fetch_one(f"http://127.0.0.1:{closed_port()}/", retries=1)
    assert (result.status_code, result.error_class, result.attempts) == (None, ErrorClass.CONNECT, 2)
    assert verdict(result).status is ResponseStatus.ERROR


def test_tls_failure_is_tls_and_not_retried(http_server: FixtureServer) -> None:
    http_server.route("/", Resp(200, "plain http"))
    https_url = http_server.url("/").replace("http://", "https://")
    result = fetch_one(https_url, retries=2, respect_robots=False)
    assert (result.status_code, result.error_class, result.attempts) == (None, ErrorClass.TLS, 1)

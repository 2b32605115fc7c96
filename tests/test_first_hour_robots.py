"""robots.txt answering a server error (issue 17, point 14; RFC 9309 2.3.1.4): with no copy read earlier
every URL of the host is disallowed; a copy read earlier stays in force; 4xx still means no rules."""

from __future__ import annotations

import asyncio

from tests.fixture_server import FixtureServer, Resp
from tests.test_fetch_politeness import UA, fetch_settings, run_fetches
from tracker.net.politeness import RobotsAnswer, RobotsCache
from tracker.types import ErrorClass


def test_a_server_error_on_robots_txt_disallows_the_host(http_server: FixtureServer) -> None:
    http_server.route("/robots.txt", Resp(503, "busy", content_type="text/plain"))
    page = http_server.route("/page", Resp(200, "x"))
    [result] = run_fetches(fetch_settings(), page)
    assert (result.status_code, result.error_class) == (None, ErrorClass.ROBOTS)
    assert "answered HTTP 503" in (result.error or "") and "RFC 9309" in (result.error or "")
    assert http_server.hits("/page") == 0  # nothing was asked of a host that cannot say what it allows


def test_a_copy_read_earlier_outlives_a_server_error() -> None:
    answers = [
        RobotsAnswer(200, b"User-agent: *\nDisallow: /private/\n"),
        RobotsAnswer(500, b"oops"),
        RobotsAnswer(None, error="connection refused: 127.0.0.1:1"),
        RobotsAnswer(503, b"busy"),
    ]
    asked: list[str] = []

    async def fetch(url: str) -> RobotsAnswer:
        asked.append(url)
        return answers[len(asked) - 1]

    async def decisions() -> list[tuple[bool, str]]:
        # ttl 0: every check asks again, as a day later would
        cache = RobotsCache(fetch, UA, ttl=0, failure_ttl=0)
        out = []
        for path in ("/page", "/private/a", "/private/b", "/page"):
            decision = await cache.check(f"https://regulator.example{path}")
            out.append((decision.allowed, decision.reason))
        return out

    first, after_500, after_no_answer, after_503 = asyncio.run(decisions())
    assert len(asked) == 4
    assert first[0] is True
    assert after_500[0] is False and "Disallow: /private/" in after_500[1]  # the earlier rules still apply
    assert after_no_answer[0] is False
    assert after_503 == (True, "allowed by robots.txt")


def test_without_an_earlier_copy_a_server_error_disallows_and_a_4xx_allows() -> None:
    async def decide(answer: RobotsAnswer) -> bool:
        async def fetch(_url: str) -> RobotsAnswer:
            return answer

        return (await RobotsCache(fetch, UA).check("https://regulator.example/page")).allowed

    assert asyncio.run(decide(RobotsAnswer(500, b""))) is False
    assert asyncio.run(decide(RobotsAnswer(502, b""))) is False
    assert asyncio.run(decide(RobotsAnswer(404, b""))) is True
    assert asyncio.run(decide(RobotsAnswer(410, b""))) is True

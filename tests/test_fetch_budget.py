"""[fetch].total_timeout bounds a whole fetch, retries and backoff included (issue 14.6): a 1 byte/s drip
once took 367 s for one endpoint, the total timeout applying to each of four attempts."""

from __future__ import annotations

from tests.fixture_server import FixtureServer, Resp
from tests.test_fetch import fetch_one
from tracker.types import ErrorClass


def test_a_drip_is_one_attempt_bounded_by_the_total_timeout(http_server: FixtureServer) -> None:
    # Each byte comes well within the read timeout, so only the total timeout stops the drip; with three
    # retries allowed, a per-attempt budget would spend it four times over.
    url = http_server.route("/drip", Resp(200, "x" * 2000, trickle=0.02))
    total = 1.5
    result = fetch_one(url, read_timeout=5, total_timeout=total, retries=3, backoff_base=0.01)
    assert result.error_class is ErrorClass.TIMEOUT
    assert "total timeout of 1.5s exceeded" in (result.error or "")
    assert result.attempts == 1 and http_server.hits("/drip") == 1
    # Generous: four attempts would take at least 4 x 1.5 s.
    assert result.elapsed_s < 2 * total


def test_slow_failures_are_retried_only_while_the_budget_lasts(http_server: FixtureServer) -> None:
    # Every answer is a 500 after 0.4 s: a 1 s budget has room for at most three of them, not eleven.
    url = http_server.route("/slow-500", Resp(500, "oops", delay=0.4))
    result = fetch_one(url, read_timeout=5, total_timeout=1.0, retries=10, backoff_base=0.01)
    assert result.error_class in (ErrorClass.HTTP_5XX, ErrorClass.TIMEOUT)
    assert 1 <= result.attempts <= 3
    assert http_server.hits("/slow-500") == result.attempts


def test_a_backoff_longer_than_what_is_left_is_not_waited(http_server: FixtureServer) -> None:
    # The server asks for 3 s (allowed by backoff_max) but only 2 s of the total timeout remain.
    url = http_server.route("/busy", Resp(503, "busy", headers={"Retry-After": "3"}), Resp(200, "ok"))
    result = fetch_one(url, total_timeout=2, retries=2, backoff_max=10)
    assert (result.status_code, result.error_class, result.attempts) == (503, ErrorClass.HTTP_5XX, 1)
    assert "would pass the total timeout of 2s" in (result.error or "")
    assert http_server.hits("/busy") == 1


def test_a_backoff_within_the_budget_is_still_waited(http_server: FixtureServer) -> None:
    url = http_server.route("/busy", Resp(503, "busy", headers={"Retry-After": "1"}), Resp(200, "ok"))
    result = fetch_one(url, total_timeout=5, retries=2, backoff_max=10)
    assert (result.status_code, result.body, result.attempts) == (200, b"ok", 2)

"""tracker/speedups.py: each private-API assumption holds and each fast path is taken.

These tests fail, naming the assumption, when a dependency upgrade moves what a speed-up relies on: the
code itself would quietly fall back to the slower public path, so nothing else would notice.
"""

from __future__ import annotations

import asyncio
import platform
import subprocess
import sys

import httpcore
import httpx
import pytest
from protego import Protego

from tests.fixture_server import FixtureServer, Resp
from tests.test_fetch import UA, fetch_settings
from tracker import speedups
from tracker.net.fetch import Fetcher
from tracker.net.stream import LivenessBackend, LivenessStream
from tracker.relevance.terms import LATIN_CHARS
from tracker.types import FetchRequest


def test_httpx_exposes_the_pool_backend_the_probe_replaces() -> None:
    client = httpx.AsyncClient()
    try:
        pool = client._transport._pool  # type: ignore[attr-defined]
        assert isinstance(pool, httpcore.AsyncConnectionPool), "httpx moved its connection pool"
        assert isinstance(pool._network_backend, httpcore.AsyncNetworkBackend), "httpcore moved its backend"
    finally:
        asyncio.run(client.aclose())


def test_the_fetcher_sends_its_requests_through_the_probing_streams(http_server: FixtureServer) -> None:
    """The fast path is taken: the Fetcher's pool has our backend and its connections our streams."""
    http_server.route("/robots.txt", Resp(404, b""))
    http_server.route("/page", Resp(200, b"<p>x</p>", {"Content-Type": "text/html"}))
    seen: list[object] = []

    async def fetch() -> int | None:
        async with Fetcher(fetch_settings(), UA) as fetcher:
            pool = fetcher._client._transport._pool  # type: ignore[attr-defined]
            assert isinstance(pool._network_backend, LivenessBackend)
            result = await fetcher.fetch(FetchRequest(url=http_server.url("/page")))
            seen.extend(connection._connection._network_stream for connection in pool.connections)
            return result.status_code

    assert asyncio.run(fetch()) == 200
    assert seen and all(isinstance(stream, LivenessStream) for stream in seen)


def test_cpython_exposes_its_regex_parser() -> None:
    assert speedups.regex_parser_available(), "re._parser / re._constants moved: term matching is slow"
    assert speedups.first_chars(r"(?i:ab)c|d[xy]") == frozenset("aAd")  # the flag covers its group
    assert speedups.first_chars(r"\w+") is None  # a category is not bounded
    word_end = f"(?![{LATIN_CHARS}])"
    assert speedups.ends_with_lookahead(f"AI{word_end}", word_end)
    assert not speedups.ends_with_lookahead(f"A|B{word_end}", word_end)
    # tests/test_relevance.py checks that every built-in term gets its first characters this way.


def test_protego_exposes_the_rule_that_refused() -> None:
    parser = Protego.parse("User-agent: *\nAllow: /private/open\nDisallow: /private/\n")
    assert hasattr(parser, "_get_matching_rule_set"), "Protego renamed _get_matching_rule_set"
    rule_set = parser._get_matching_rule_set("tracker")
    assert rule_set is not None and hasattr(rule_set, "_rules"), "Protego moved _RuleSet._rules"
    assert speedups.refusing_rule(parser, "https://x.example/private/a", "tracker") == "/private/"
    assert speedups.refusing_rule(parser, "https://x.example/private/open", "tracker") is None


def test_the_cli_tunes_the_collector_and_freezes_start_up() -> None:
    code = (
        "import gc, sys; sys.argv = ['tracker', '--version']\n"
        "import tracker.cli\n"
        "try:\n    tracker.cli.main()\nexcept SystemExit:\n    pass\n"
        "print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == f"{speedups.GC_THRESHOLDS} True"


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's"
)
def test_glibc_malloc_trim_is_found() -> None:
    trim = speedups._malloc_trim()
    assert trim is not None, "malloc_trim not found in the C library"
    assert trim(0) in (0, 1)  # 1: memory was released, 0: there was none to release

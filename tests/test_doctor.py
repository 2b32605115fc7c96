"""`tracker doctor` as an operator runs it on a first deploy: a real process, a config.toml declaring
endpoints on the loopback server (healthy, blocked, broken, disallowed) and endpoints that cannot be
reached (a closed port on 127.0.0.1, a `.invalid` host name, which never resolves)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from sources import builtin_sources
from tests.cli_support import run_tracker
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import SAMPLES

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

WAF_STUB = SAMPLES / "eu/eurlex_legal-content_aws_waf_challenge_stub.html"

# Dates out of order on purpose: the newest item is the second one listed. Its title carries a stray rich
# closing tag, which must be shown as text (unescaped, rich would refuse to print it).
FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Regulator news</title>
<link>https://reg.example/</link><description>news</description>
<item><title>Older notice on AI audits</title><link>https://reg.example/n/1</link>
<guid isPermaLink="false">1</guid><pubDate>Mon, 14 Sep 2026 08:00:00 +0000</pubDate></item>
<item><title>Guidelines on general-purpose AI models [/red]</title><link>https://reg.example/n/2</link>
<guid isPermaLink="false">2</guid><pubDate>Fri, 18 Sep 2026 09:30:00 +0000</pubDate></item>
<item><title>Merger of two steel companies approved</title><link>https://reg.example/n/3</link>
<guid isPermaLink="false">3</guid><pubDate>Tue, 01 Sep 2026 12:00:00 +0000</pubDate></item>
</channel></rss>"""

DOCUMENT = """<html><head><title>AI rules</title></head><body><nav>Home</nav><main>
<h1>Rules on artificial intelligence</h1>
<p>Article 1. Providers of AI systems shall keep logs.</p>
<p>Article 2. Deployers shall inform natural persons.</p></main></body></html>"""

# Document links where the site keeps them; a pattern written for another path finds none of them.
DOCUMENTS_PAGE = """<html><body><main><h1>Reports</h1>
<a href="/sites/un2.un.org/files/governing_ai_for_humanity_final_report_en.pdf">Final report</a>
<a href="/sites/un2.un.org/files/ai_advisory_body_interim_report.pdf">Interim report</a>
<a href="/about">About</a></main></body></html>"""

# A list page after a redesign: the items are now cards, the declared `ul.news > li` matches nothing.
REDESIGNED_LIST = """<html><body><div class="cards">
<article><a href="/n/1">First</a></article><article><a href="/n/2">Second</a></article>
</div></body></html>"""

ROBOTS = "User-agent: *\nDisallow: /private/\n"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tracker(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_tracker(*args, cwd=cwd, env=env)


def _endpoint(eid: str, url: str, parser: str) -> str:
    return f'[[custom_sources.endpoints]]\nid = "{eid}"\nurl = "{url}"\nparser = {parser}\n'


def _source(sid: str, jurisdiction: str, *endpoints: str) -> str:
    head = f'[[custom_sources]]\nid = "{sid}"\njurisdiction = "{jurisdiction}"\nregulator = "{sid}"\n'
    return head + "".join(endpoints)


def write_config(tmp_path: Path, *sources: str, extra: str = "") -> Path:
    """A config whose only enabled sources are `sources`: every built-in one is switched off, so that a
    bare `tracker doctor` diagnoses exactly these (and never tries the real regulators)."""
    builtins = "".join(f"[sources.{s.id}]\nenabled = false\n" for s in builtin_sources())
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[tracker]
database = "{tmp_path / "never-created.sqlite3"}"
[fetch]
allow_private_addresses = true
per_host_delay = 0
retries = 0
connect_timeout = 2
total_timeout = 5
{builtins}{extra}
{"".join(sources)}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def site(http_server: FixtureServer) -> FixtureServer:
    http_server.route("/robots.txt", Resp(body=ROBOTS, content_type="text/plain"))
    http_server.route("/news.rss", Resp(body=FEED, content_type="application/rss+xml"))
    http_server.route("/rules.html", Resp(body=DOCUMENT))
    http_server.route("/reports.html", Resp(body=DOCUMENTS_PAGE))
    http_server.route("/list.html", Resp(body=REDESIGNED_LIST))
    http_server.route("/private/page.html", Resp(body=DOCUMENT))
    # EUR-Lex's answer to a script: 202 Accepted, empty, x-amzn-waf-action (recorded headers, MANIFEST.md)
    http_server.route(
        "/act-202.html", Resp(202, b"", headers={"x-amzn-waf-action": "challenge"}, content_type=None)
    )
    http_server.route("/act.html", file_resp(WAF_STUB))  # the recorded ~2 KB JavaScript challenge page
    return http_server


def healthy_source(server: FixtureServer) -> str:
    return _source(
        "good_reg",
        "ZA",
        _endpoint("news", server.url("/news.rss"), '{ kind = "feed" }'),
        _endpoint("rules", server.url("/rules.html"), '{ kind = "document", dialect = "html" }'),
        _endpoint("reports", server.url("/reports.html"),
                  '{ kind = "links", link_pattern = "/files/.*\\\\.pdf$" }'),
    )  # fmt: skip


def troubled_source(server: FixtureServer) -> str:
    return _source(
        "bad_reg",
        "ZB",
        _endpoint("waf_202", server.url("/act-202.html"), '{ kind = "document", dialect = "html" }'),
        _endpoint("waf_page", server.url("/act.html"), '{ kind = "document", dialect = "html" }'),
        _endpoint("moved_docs", server.url("/reports.html"),
                  '{ kind = "links", link_pattern = "/sites/default/files/.*\\\\.pdf$" }'),
        _endpoint("redesigned", server.url("/list.html"), '{ kind = "html_list", item = "ul.news > li" }'),
        _endpoint("private", server.url("/private/page.html"), '{ kind = "document", dialect = "html" }'),
        _endpoint("closed", f"http://127.0.0.1:{closed_port()}/feed.xml", '{ kind = "feed" }'),
        _endpoint("no_dns", "http://nonexistent.invalid/feed.xml", '{ kind = "feed" }'),
    )  # fmt: skip


def rows_by_endpoint(stdout: str) -> dict[str, dict[str, Any]]:
    rows = json.loads(stdout)
    assert isinstance(rows, list)
    return {row["endpoint"]: row for row in rows}


def test_every_kind_of_endpoint_gets_its_diagnosis_and_one_line_of_advice(
    site: FixtureServer, tmp_path: Path
) -> None:
    config = write_config(tmp_path, healthy_source(site), troubled_source(site))
    before = set(tmp_path.iterdir())
    run = tracker("doctor", "--json", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    rows = rows_by_endpoint(run.stdout)
    assert set(rows) == {
        "news", "rules", "reports", "waf_202", "waf_page", "moved_docs", "redesigned", "private",
        "closed", "no_dns",
    }  # fmt: skip
    keys = set(rows["news"])
    assert all(set(row) == keys for row in rows.values())  # stable keys, whatever happened
    assert {"dns", "tls", "robots", "http_status", "blocked", "expectations", "advice"} <= keys

    news = rows["news"]
    assert news["healthy"] is True and news["status"] == "ok" and news["advice"] is None
    assert news["http_status"] == 200 and news["items"] == 3
    assert news["newest_title"] == "Guidelines on general-purpose AI models [/red]"  # by date, not position
    assert news["newest_date"].startswith("2026-09-18T09:30")
    assert news["dns"] == "127.0.0.1 (an address, no lookup)"
    assert news["tls"] == "not used (http)" and news["robots"] == "allowed"
    assert news["expectations"].startswith("at least 1 item")
    rules = rows["rules"]
    assert rules["healthy"] and rules["blocks"] >= 2
    assert rules["document_title"] == "Rules on artificial intelligence"
    assert rows["reports"]["healthy"] and rows["reports"]["items"] == 2

    for eid in ("waf_202", "waf_page"):
        waf = rows[eid]
        assert waf["status"] == "blocked" and waf["error_class"] == "waf" and not waf["healthy"]
        assert waf["advice"] == f"behind a WAF: set a mirror URL in [sources.bad_reg.endpoints.{eid}] url"
    assert rows["waf_202"]["http_status"] == 202 and "x-amzn-waf-action" in rows["waf_202"]["blocked"]
    assert "AWS WAF challenge" in rows["waf_page"]["blocked"]

    moved = rows["moved_docs"]
    assert moved["status"] == "broken" and moved["error_class"] == "expectation"
    assert moved["http_status"] == 200 and moved["found"] == "0 items from 2 document links"
    assert moved["advice"].startswith("0 of 2 document links match the document pattern")
    assert moved["advice"].endswith("the site changed, update the link_pattern (or content selector)")
    redesigned = rows["redesigned"]
    assert redesigned["status"] == "broken" and "'ul.news > li' matched nothing" in redesigned["reason"]
    assert redesigned["advice"].endswith("the site changed, update the selectors")

    private = rows["private"]
    assert private["status"] == "disallowed" and private["http_status"] is None
    assert private["robots"].startswith("disallowed:") and "Disallow: /private/" in private["robots"]
    assert private["advice"].startswith("robots.txt disallows this URL")

    closed = rows["closed"]
    assert closed["status"] == "unreachable" and closed["error_class"] == "connect"
    assert closed["robots"].startswith("robots unreachable")
    netloc = urlsplit(closed["url"]).netloc
    assert closed["advice"].startswith(f"cannot connect to {netloc}: check the network")
    no_dns = rows["no_dns"]
    assert no_dns["status"] == "unreachable" and no_dns["error_class"] == "dns"
    assert no_dns["dns"].startswith("nonexistent.invalid: failed")
    assert no_dns["advice"] == "DNS failed for nonexistent.invalid: check the network or proxy"
    # Nothing stored, no database created: the only file is the config.
    assert set(tmp_path.iterdir()) == before


def test_exit_0_only_when_every_endpoint_is_healthy(site: FixtureServer, tmp_path: Path) -> None:
    config = str(write_config(tmp_path, healthy_source(site), troubled_source(site)))
    # A database that cannot be opened does not matter: doctor never needs one.
    env = {"DATABASE_URL": f"postgresql://nobody@127.0.0.1:{closed_port()}/none"}
    good = tracker("doctor", "good_reg", "--config", config, cwd=tmp_path, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    lines = good.stdout.splitlines()
    assert len(lines) == 4 and lines[-1] == "all 3 endpoints healthy"  # piped: one plain line each
    news = next(line for line in lines if line.startswith("good_reg/news\t"))
    assert news.split("\t")[1] == "ok" and "HTTP 200" in news and "3 items" in news
    assert "newest: “Guidelines on general-purpose AI models [/red]” (2026-09-18)" in news

    one_bad = tracker("doctor", "good_reg", "bad_reg/waf_202", "--config", config, cwd=tmp_path, env=env)
    assert one_bad.returncode == 1
    assert one_bad.stdout.splitlines()[-1] == "3 of 4 endpoints healthy; 1 need attention"
    waf = next(line for line in one_bad.stdout.splitlines() if line.startswith("bad_reg/waf_202\t"))
    assert waf.endswith("advice: behind a WAF: set a mirror URL in [sources.bad_reg.endpoints.waf_202] url")


def test_offline_says_so_in_one_line(tmp_path: Path) -> None:
    config = str(
        write_config(
            tmp_path,
            _source("far_a", "ZC",
                    _endpoint("a", "https://nonexistent.invalid/feed.xml", '{ kind = "feed" }'),
                    _endpoint("b", "https://nonexistent.invalid/other.xml", '{ kind = "feed" }')),
            _source("far_b", "ZC", _endpoint("c", "https://regulator.invalid/news.rss", '{ kind = "feed" }')),
            _source("near", "ZD", _endpoint("d", f"http://127.0.0.1:{closed_port()}/x", '{ kind = "feed" }')),
        )
    )  # fmt: skip
    dns_only = tracker("doctor", "ZC", "--config", config, cwd=tmp_path)
    assert dns_only.returncode == 1
    assert dns_only.stdout == (
        "nothing could be reached: DNS failed for all 2 hosts; this machine looks offline or needs a proxy\n"
    )
    everything = tracker("doctor", "--config", config, cwd=tmp_path)
    assert everything.returncode == 1
    assert everything.stdout.splitlines() == [
        "nothing could be reached: DNS failed for 2 of 3 hosts and the others refused or timed out; "
        "this machine looks offline or needs a proxy"
    ]
    as_json = tracker("doctor", "--json", "--config", config, cwd=tmp_path)
    assert as_json.returncode == 1
    rows = rows_by_endpoint(as_json.stdout)  # every row still there for scripts
    assert [rows[e]["status"] for e in "abcd"] == ["unreachable"] * 4
    assert [rows[e]["error_class"] for e in "abcd"] == ["dns", "dns", "dns", "connect"]
    assert "nothing could be reached" in as_json.stderr


def test_one_unreachable_host_is_reported_per_endpoint_not_as_offline(tmp_path: Path) -> None:
    far = _source("far", "ZE", _endpoint("a", "http://nonexistent.invalid/", '{ kind = "feed" }'))
    config = str(write_config(tmp_path, far))
    run = tracker("doctor", "--config", config, cwd=tmp_path)
    assert run.returncode == 1
    assert "nothing could be reached" not in run.stdout
    assert run.stdout.splitlines()[0].startswith("far/a\tunreachable\tdns nonexistent.invalid: failed")
    assert "advice: DNS failed for nonexistent.invalid: check the network or proxy" in run.stdout


def test_a_terminal_gets_a_block_per_endpoint_with_markup_escaped(
    site: FixtureServer, tmp_path: Path
) -> None:
    config = str(write_config(tmp_path, healthy_source(site), troubled_source(site)))
    run = tracker(
        "doctor", "good_reg/news", "bad_reg/waf_page", "--config", config, cwd=tmp_path,
        env={"TTY_COMPATIBLE": "1", "COLUMNS": "200", "NO_COLOR": "1"},
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    out = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)  # rich's bold and dim; the words are what count
    assert "✓ ok  good_reg/news" in out and "✗ blocked  bad_reg/waf_page" in out
    assert "DNS 127.0.0.1 (an address, no lookup) · TLS not used (http) · robots allowed · HTTP 200" in out
    assert "found 3 items; expected at least 1 item" in out
    assert "→ behind a WAF: set a mirror URL in [sources.bad_reg.endpoints.waf_page] url" in out
    assert "1 of 2 endpoints healthy; 1 need attention" in out
    assert "newest: “Guidelines on general-purpose AI models [/red]” (2026-09-18)" in out  # as text


def test_a_source_left_without_its_key_is_told_to_get_one(http_server: FixtureServer, tmp_path: Path) -> None:
    # Not law.go.kr's real answer to a missing key: the advice comes from the placeholder in the URL,
    # whatever the server says.
    http_server.route("/DRF/lawService.do", Resp(body="<html><body>no key</body></html>"))
    url = http_server.url("/DRF/lawService.do?OC=SET_YOUR_LAW_GO_KR_OC_KEY&target=law&ID=014820&type=XML")
    extra = f'[sources.kr_law]\nenabled = true\n[sources.kr_law.endpoints.ai_basic_act]\nurl = "{url}"\n'
    # The built-in switch-off written by write_config comes first: override it by writing our own file.
    config = write_config(tmp_path)
    text = config.read_text("utf-8").replace("[sources.kr_law]\nenabled = false\n", extra)
    config.write_text(text, "utf-8")
    run = tracker("doctor", "--json", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    row = rows_by_endpoint(run.stdout)["ai_basic_act"]
    assert row["status"] == "broken"
    assert row["advice"] == (
        "needs a key: set the environment variable LAW_GO_KR_OC to your own "
        "(it fills SET_YOUR_LAW_GO_KR_OC_KEY in the URL; the README says where to get one)"
    )


def test_usage_and_config_errors_exit_2(site: FixtureServer, tmp_path: Path) -> None:
    config = write_config(tmp_path, healthy_source(site))
    unknown = tracker("doctor", "atlantis", "--config", str(config), cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown source 'atlantis'" in unknown.stderr
    no_endpoint = tracker("doctor", "good_reg/nothing", "--config", str(config), cwd=tmp_path)
    assert no_endpoint.returncode == 2 and "has no endpoint 'nothing'" in no_endpoint.stderr
    nothing_enabled = tracker("doctor", "--config", str(write_config(tmp_path)), cwd=tmp_path)
    assert nothing_enabled.returncode == 2 and "no enabled endpoint" in nothing_enabled.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[fetch]\nretries = 'many'\n", "utf-8")
    invalid = tracker("doctor", "--config", str(broken), cwd=tmp_path)
    assert invalid.returncode == 2 and "fetch.retries" in invalid.stderr

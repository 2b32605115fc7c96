"""`tracker watch import`: a URL list becomes custom_sources that `tracker check` watches and alerts on."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.fixture_server import FixtureServer, Resp
from tests.test_check_e2e import ITEMS_V1, NEW_ITEM, feed
from tests.test_cli import tracker
from tracker.cli.watch import parse_watch_list, source_id
from tracker.config import load_config
from tracker.specs import DocumentParser, FeedParser

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

PAGE_V1 = """<html><head><title>Notices</title><script>var t = 1;</script></head><body>
<nav><a href="/">Home</a></nav><main id="content"><ul class="news"><li>First notice</li>
<li>Second notice</li></ul></main><footer>Build 1</footer></body></html>"""
PAGE_V2 = PAGE_V1.replace("<li>Second notice</li>", "<li>Second notice</li><li>Third notice</li>").replace(
    "Build 1", "Build 2"
)


def test_plain_text_list_with_comments_selectors_and_feeds() -> None:
    text = """# watched pages
https://a.example/news   main .list
https://a.example/page#part

https://b.example/feed
https://c.example/en/rss.xml
"""
    entries = parse_watch_list(text, selector="article", feeds_as_feeds=True)
    assert [(e.url, e.feed, e.selector) for e in entries] == [
        ("https://a.example/news", False, "main .list"),
        ("https://a.example/page#part", False, "article"),
        ("https://b.example/feed", True, None),
        ("https://c.example/en/rss.xml", True, None),
    ]
    # Without --feeds-as-feeds a plain list is all pages.
    assert not any(e.feed for e in parse_watch_list(text, selector=None, feeds_as_feeds=False))


def test_harness_json_list() -> None:
    data = [
        {"id": 0, "url": "http://127.0.0.1:1/site/0000/p.html", "kind": "list", "selector": "ul.news"},
        {"id": 1, "url": "http://127.0.0.1:1/feeds/feed-0.xml", "kind": "feed", "selector": "item"},
        {"id": 2, "url": "http://127.0.0.1:1/docs/r.html", "kind": "doc", "selector": "main#regulation"},
    ]
    entries = parse_watch_list(json.dumps(data), selector=None, feeds_as_feeds=False)
    assert [(e.feed, e.selector) for e in entries] == [
        (False, "ul.news"),
        (True, None),
        (False, "main#regulation"),
    ]


@pytest.mark.parametrize("bad", ["ftp://a.example/x", "not a url", '[{"kind": "list"}]'])
def test_bad_input_is_refused_with_its_place(bad: str) -> None:
    with pytest.raises(ValueError, match=r"line 1|entry 0"):
        parse_watch_list(bad, selector=None, feeds_as_feeds=False)


def test_source_ids_are_valid_and_distinct() -> None:
    long = "https://very-long-host-name.example.org/" + "segment/" * 20 + "page.html"
    ids = {source_id(u) for u in (long, long + "?x=1", "https://a.example/", "https://A.example/")}
    assert len(ids) == 4
    assert all(len(i) <= 63 and i[0].isalpha() and i.replace("_", "").isalnum() for i in ids)


def test_import_writes_a_valid_config_and_appends_without_duplicates(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text('https://a.example/news\nhttps://b.example/feed.rss\nhttps://c.example/q?a="x"\\y\n')
    config = tmp_path / "config.toml"
    config.write_text('[tracker]\ndatabase = "t.sqlite3"\n')

    first = tracker(
        "watch",
        "import",
        str(urls),
        "--selector",
        "main",
        "--feeds-as-feeds",
        "--only",
        "--out",
        str(config),
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert "3 watches added (1 feeds)" in first.stderr
    loaded = load_config(config)
    assert loaded.tracker.database == "t.sqlite3"  # the existing file is kept
    enabled = loaded.enabled_sources()
    assert len(enabled) == 3  # --only: no built-in regulator left
    by_url = {s.endpoints[0].url: s for s in enabled}
    assert set(by_url) == {
        "https://a.example/news",
        "https://b.example/feed.rss",
        'https://c.example/q?a="x"\\y',
    }
    page = by_url["https://a.example/news"]
    assert page.alert == "all" and page.regulator == "https://a.example/news"
    assert page.endpoints[0].parser == DocumentParser(dialect="html", content="main")
    assert isinstance(by_url["https://b.example/feed.rss"].endpoints[0].parser, FeedParser)

    urls.write_text("https://a.example/news\nhttps://d.example/\n")
    second = tracker("watch", "import", str(urls), "--out", str(config), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "1 watches added (0 feeds), 1 already watched" in second.stderr
    assert len(tomllib.loads(config.read_text())["custom_sources"]) == 4
    new = next(s for s in load_config(config).custom_sources if s.endpoints[0].url == "https://d.example/")
    assert new.endpoints[0].parser == DocumentParser(dialect="auto")  # no selector: the whole page


def test_import_refuses_bad_input_and_leaves_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[tracker]\n")
    urls = tmp_path / "urls.txt"
    urls.write_text("https://a.example/\nfile:///etc/passwd\n")
    result = tracker("watch", "import", str(urls), "--out", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "line 2" in result.stderr
    assert config.read_text() == "[tracker]\n"


def test_watched_page_and_feed_alert_with_their_urls(http_server: FixtureServer, tmp_path: Path) -> None:
    """Silent baseline; then one alert per changed watch, naming the watched URL; volatile parts ignored."""
    http_server.route("/notices.html", Resp(body=PAGE_V1))
    http_server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    http_server.route("/hook", Resp(body="ok", content_type="text/plain"))
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{http_server.url('/notices.html')} main#content\n{http_server.url('/news.rss')}\n")
    config = tmp_path / "config.toml"
    config.write_text(
        '[tracker]\ndatabase = "t.sqlite3"\n[fetch]\nallow_private_addresses = true\nper_host_delay = 0\n'
        "retries = 0\n[slack]\nper_channel_interval = 0\n"
    )
    assert (
        tracker(
            "watch", "import", str(urls), "--feeds-as-feeds", "--only", "--out", str(config), cwd=tmp_path
        ).returncode
        == 0
    )
    env = {"SLACK_WEBHOOK_URL": http_server.url("/hook")}

    baseline = tracker("check", "--json", "--config", str(config), cwd=tmp_path, env=env)
    assert baseline.returncode == 0, baseline.stderr
    assert all(e["baseline"] for e in json.loads(baseline.stdout)["endpoints"])
    assert http_server.hits("/hook") == 0  # a first look is silent

    http_server.route("/notices.html", Resp(body=PAGE_V2))
    http_server.route("/news.rss", Resp(body=feed(NEW_ITEM, *ITEMS_V1), content_type="application/rss+xml"))
    changed = tracker("check", "--json", "--config", str(config), cwd=tmp_path, env=env)
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["alerts"]["sent"] == 2
    slack = [json.loads(r.body) for r in http_server.requests if r.path == "/hook"]
    texts = [json.dumps(p) for p in slack]
    page_alert = next(t for t in texts if "Third notice" in t)
    assert http_server.url("/notices.html") in page_alert
    assert "Build 2" not in page_alert  # outside the watched region
    feed_alert = next(t for t in texts if NEW_ITEM[1] in t)
    assert http_server.url("/news.rss") in feed_alert

    http_server.route("/notices.html", Resp(body=PAGE_V2.replace("Build 2", "Build 3")))
    quiet = tracker("check", "--json", "--config", str(config), cwd=tmp_path, env=env)
    assert json.loads(quiet.stdout)["alerts"]["sent"] == 0

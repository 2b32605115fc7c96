"""Never blind: an endpoint that stops seeing its site says so (broken / drift, with the numbers, an
operations notice, no content alert), and normal news flow never trips it.

Every test runs the real pipeline: a loopback server, the real httpx client, run_checks, a real database.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from tests.fixture_server import FixtureServer, Resp
from tests.paths import SAMPLES
from tracker.config import Config
from tracker.pipeline.check import EndpointReport, run_checks
from tracker.store.db import make_engine
from tracker.store.models import Alert, Change, SourceState

ROBOTS = Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain")
RSS = "application/rss+xml"


def make_config(server: FixtureServer, tmp_path: Path, endpoints: list[dict[str, Any]]) -> Config:
    return Config.model_validate(
        {
            "tracker": {"database": str(tmp_path / "unused.sqlite3")},
            "fetch": {
                "allow_private_addresses": True,
                "per_host_delay": 0,
                "retries": 0,
                "connect_timeout": 2,
                "read_timeout": 5,
                "total_timeout": 10,
            },
            "check": {"removal_after": 2},
            "custom_sources": [
                {
                    "id": "reg",
                    "jurisdiction": "EU",
                    "regulator": "Test Regulator",
                    "alert": "all",
                    "endpoints": endpoints,
                }
            ],
            "sources": {},
        }
    )


def check(config: Config, db_url: str) -> EndpointReport:
    (report,) = run_checks(config, make_engine(db_url), ["reg"])
    return report


def rows(db_url: str, model: type) -> list[Any]:
    with Session(make_engine(db_url)) as session:
        return list(session.exec(select(model)))


def ops_alerts(db_url: str) -> list[str]:
    """Each operations notice's rendered content (its blocks and fallback text), as one string."""
    return [
        json.dumps(json.loads(a.payload), ensure_ascii=False) for a in rows(db_url, Alert) if a.kind == "ops"
    ]


def change_alerts(db_url: str) -> list[Alert]:
    return [a for a in rows(db_url, Alert) if a.kind == "change"]


def rss(items: list[tuple[str, str]], padding: str = "") -> str:
    body = "".join(
        f"<item><title>{title}</title><link>https://reg.example/news/{guid}</link>"
        f'<guid isPermaLink="false">{guid}</guid><description>Text of {title}.{padding}</description></item>'
        for guid, title in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{body}</channel></rss>'


def numbered(start: int, count: int) -> list[tuple[str, str]]:
    return [(str(n), f"Regulator decision number {n} on market conduct") for n in range(start, start + count)]


# -- expectations: what a healthy answer looks like -----------------------------------------------------


def un_like_page(file_paths: list[str]) -> str:
    links = "".join(f'<li><a href="{path}">Document {n}</a></li>' for n, path in enumerate(file_paths))
    return (
        f"<html><body><main><h1>Reports</h1><ul>{links}</ul><a href='/about'>About</a></main></body></html>"
    )


def test_a_links_page_whose_pattern_matches_nothing_is_broken_not_empty(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    # The UN Advisory Body's reports live under /sites/un2.un.org/files/, not /sites/default/files/.
    paths = [f"/sites/un2.un.org/files/report_{n}.pdf" for n in range(37)]
    http_server.route("/robots.txt", ROBOTS)
    http_server.route("/body", Resp(body=un_like_page(paths)))
    endpoint = {
        "id": "documents",
        "url": http_server.url("/body"),
        "parser": {"kind": "links", "link_pattern": r"/sites/default/files/.+\.pdf$"},
    }
    report = check(make_config(http_server, tmp_path, [endpoint]), db_url)

    assert (report.status, report.error_class) == ("broken", "expectation")
    assert "0 of 37 document links match the document pattern" in report.reason
    assert rows(db_url, Change) == []
    (notice,) = ops_alerts(db_url)  # at the first broken check, not after three
    assert "reg/documents" in notice and "0 of 37" in notice
    (state,) = rows(db_url, SourceState)
    assert state.status == "broken" and "0 of 37" in (state.error_message or "")


def test_a_links_page_with_no_documents_yet_is_healthy_unless_declared(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    http_server.route("/robots.txt", ROBOTS)
    http_server.route("/body", Resp(body=un_like_page([])))
    endpoint: dict[str, Any] = {
        "id": "documents",
        "url": http_server.url("/body"),
        "parser": {"kind": "links"},
    }
    assert check(make_config(http_server, tmp_path, [endpoint]), db_url).status == "ok"
    endpoint["expect"] = {"min_items": 1}
    report = check(make_config(http_server, tmp_path, [endpoint]), db_url)
    assert report.status == "broken" and "0 item(s) where at least 1 are expected" in report.reason


def listing(rows_html: str) -> str:
    return f"<html><body><main>{rows_html}</main></body></html>"


def test_a_list_page_whose_selector_breaks_after_a_redesign_removes_nothing(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    before = "".join(
        f'<div class="views-row"><h3><a href="/press/{n}">AI decision {n}</a></h3></div>' for n in range(8)
    )
    after = "".join(
        f'<article class="card"><a href="/press/{n}">AI decision {n}</a></article>' for n in range(8)
    )
    http_server.route("/robots.txt", ROBOTS)
    http_server.route("/press", Resp(body=listing(before)), Resp(body=listing(after)))
    endpoint = {
        "id": "press",
        "url": http_server.url("/press"),
        "parser": {"kind": "html_list", "item": ".views-row", "link": "h3 a"},
    }
    config = make_config(http_server, tmp_path, [endpoint])
    assert check(config, db_url).baseline
    for _ in range(3):  # removal_after is 2: a blind endpoint must never age its items out
        report = check(config, db_url)
        assert report.status == "broken" and "'.views-row' matched nothing" in report.reason
    assert rows(db_url, Change) == []
    assert len(ops_alerts(db_url)) == 1  # one notice for the streak


def fr_answer(entries: list[dict[str, str]]) -> str:
    return json.dumps({"count": len(entries), "results": entries})


def test_a_json_api_that_renames_a_field_is_broken_not_twenty_changed_titles(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    entries = [
        {
            "document_number": f"2026-{n:05d}",
            "title": f"Artificial intelligence notice {n}",
            "date": "2026-09-01",
        }
        for n in range(20)
    ]
    renamed = [{("headline" if k == "title" else k): v for k, v in e.items()} for e in entries]
    http_server.route("/robots.txt", ROBOTS)
    http_server.route(
        "/api",
        Resp(body=fr_answer(entries), content_type="application/json"),
        Resp(body=fr_answer(renamed), content_type="application/json"),
    )
    endpoint = {
        "id": "api",
        "url": http_server.url("/api"),
        "parser": {
            "kind": "json",
            "items_path": "results",
            "id_field": "document_number",
            "title_field": "title",
            "date_field": "date",
        },
    }
    config = make_config(http_server, tmp_path, [endpoint])
    assert check(config, db_url).baseline
    report = check(config, db_url)
    assert (report.status, report.error_class) == ("broken", "expectation")
    assert "'title' missing in 20 of 20 entries" in report.reason
    assert rows(db_url, Change) == []


# -- drift: the answer against the endpoint's own history --------------------------------------------


def feed_endpoint(server: FixtureServer) -> dict[str, Any]:
    return {"id": "news", "url": server.url("/feed"), "parser": {"kind": "feed"}}


def test_a_feed_that_suddenly_lists_2_of_its_usual_30_is_drift_then_recovers(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    usual = [Resp(body=rss(numbered(n, 30)), content_type=RSS) for n in (1, 2, 3)]  # one new item a check
    collapsed = Resp(body=rss(numbered(4, 2)), content_type=RSS)
    back = Resp(body=rss(numbered(5, 30)), content_type=RSS)
    http_server.route("/robots.txt", ROBOTS)
    http_server.route("/feed", *usual, collapsed, collapsed, back)
    config = make_config(http_server, tmp_path, [feed_endpoint(http_server)])
    assert [check(config, db_url).status for _ in usual] == ["ok", "ok", "ok"]
    alerts_before = len(change_alerts(db_url))
    changes_before = len(rows(db_url, Change))  # the oldest item dropped out by normal churn meanwhile

    for _ in range(2):  # removal_after is 2: without drift, 28 items would now be "removed"
        report = check(config, db_url)
        assert (report.status, report.error_class) == ("drift", "drift")
        assert "2 items where the last 3 good checks had 30 (median)" in report.reason
    assert len(rows(db_url, Change)) == changes_before  # not 28 removals
    assert len(change_alerts(db_url)) == alerts_before
    (notice,) = ops_alerts(db_url)
    assert "no longer sees its site" in notice and "reg/news" in notice

    recovered = check(config, db_url)
    assert recovered.status == "ok" and recovered.new == 2  # numbers 33 and 34, nothing lost meanwhile
    assert any("recovered" in text for text in ops_alerts(db_url))


def test_every_id_renumbered_at_once_is_drift_not_thirty_new_items(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    items = numbered(1, 12)
    renumbered = [(f"node-{guid}", title) for guid, title in items]
    http_server.route("/robots.txt", ROBOTS)
    http_server.route(
        "/feed", Resp(body=rss(items), content_type=RSS), Resp(body=rss(renumbered), content_type=RSS)
    )
    config = make_config(http_server, tmp_path, [feed_endpoint(http_server)])
    assert check(config, db_url).baseline
    report = check(config, db_url)
    assert report.status == "drift"
    assert "every item id changed at once (0 of 12 known) while 12 titles are the same" in report.reason
    assert change_alerts(db_url) == []


def test_a_legal_text_that_loses_most_of_its_articles_is_drift(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    text = (SAMPLES / "eu/eurlex_cellar_ai-act_32024R1689_oj_EN.xhtml").read_bytes()
    # A partial answer: the act cut after its first articles (a truncated render, a new template).
    cut = text[: text.index(b'id="art_10"')] + b"</div></div></body></html>"
    xhtml = "application/xhtml+xml"
    http_server.route("/robots.txt", ROBOTS)
    http_server.route(
        "/act",
        *[
            Resp(body=text.replace(b"</body>", f"<!-- {n} --></body>".encode()), content_type=xhtml)
            for n in range(3)
        ],
        Resp(body=cut, content_type=xhtml),
    )
    endpoint = {
        "id": "act",
        "url": http_server.url("/act"),
        "parser": {"kind": "document", "dialect": "eurlex_oj"},
    }
    config = make_config(http_server, tmp_path, [endpoint])
    assert [check(config, db_url).status for _ in range(3)] == ["ok", "ok", "ok"]
    report = check(config, db_url)
    assert report.status == "drift"
    assert re.search(r"\b9 articles where the last 3 good checks had 113 \(median\)", report.reason)
    assert [c.kind for c in rows(db_url, Change)] == []


# -- normal churn never trips it ------------------------------------------------------------------


def recorded_ftc_items() -> list[str]:
    feed = (SAMPLES / "ftc/ftc_feed_press-release-competition_2026-07.xml").read_text("utf-8")
    head, rest = feed.split("<item>", 1)
    items = ["<item>" + part for part in rest.split("<item>")]
    items[-1] = items[-1].split("</channel>")[0]
    return [head, *items]


def test_the_real_feeds_churn_never_reads_as_drift(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    """The recorded FTC feed (30 real items, newest first) replayed as it grew: from its 10 oldest items,
    one to three new releases a check, the feed capped at 20 as a feed is; then a day where the feed
    carried fewer items than usual (14). Every answer is content: no drift, every new release seen."""
    head, *items = recorded_ftc_items()
    oldest_first = items[::-1]
    answers: list[str] = []
    shown = 10
    steps = [1, 3, 2, 1, 1, 2, 3, 1, 2, 1, 1, 2]
    for step in steps:
        shown += step
        window = oldest_first[max(0, shown - 20) : shown][::-1]
        answers.append(head + "".join(window) + "</channel></rss>")
    answers.insert(
        6, head + "".join(oldest_first[max(0, shown - 14) : shown][::-1][:14]) + "</channel></rss>"
    )
    first = head + "".join(oldest_first[:10][::-1]) + "</channel></rss>"
    http_server.route("/robots.txt", ROBOTS)
    http_server.route("/feed", *[Resp(body=a, content_type=RSS) for a in [first, *answers]])
    config = make_config(http_server, tmp_path, [feed_endpoint(http_server)])

    statuses = [check(config, db_url).status for _ in range(len(answers) + 1)]
    assert set(statuses) == {"ok"}, statuses
    assert ops_alerts(db_url) == []
    new_items = [c for c in rows(db_url, Change) if c.kind == "new_item"]
    assert len({c.stable_id for c in new_items}) == sum(steps)  # every release after the first look


# -- the shrink rule: one odd answer never locks an endpoint -----------------------------------------


def test_one_huge_answer_does_not_lock_the_endpoint_out(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    normal = numbered(1, 20)
    huge = rss(normal, padding=" padding" * 62_500)  # a valid 10 MB answer
    http_server.route("/robots.txt", ROBOTS)
    http_server.route(
        "/feed",
        *[Resp(body=rss(normal), content_type=RSS) for _ in range(3)],
        Resp(body=huge, content_type=RSS),
        Resp(body=huge, content_type=RSS),
        Resp(body=rss(numbered(1, 21)), content_type=RSS),
    )
    config = make_config(http_server, tmp_path, [feed_endpoint(http_server)])
    config.fetch.max_body_mb = 20
    statuses = [check(config, db_url) for _ in range(6)]
    assert [r.status for r in statuses] == ["ok"] * 6, [r.reason for r in statuses]
    assert statuses[-1].new == 1


def test_a_stub_in_place_of_a_feed_is_still_held_back(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    stub = "<html><head><title>Maintenance</title></head><body>Back soon.</body></html>"
    http_server.route("/robots.txt", ROBOTS)
    http_server.route(
        "/feed", *[Resp(body=rss(numbered(1, 20)), content_type=RSS) for _ in range(3)], Resp(body=stub)
    )
    config = make_config(http_server, tmp_path, [feed_endpoint(http_server)])
    for _ in range(3):
        check(config, db_url)
    report = check(config, db_url)
    assert (report.status, report.error_class) == ("blocked", "shrunk")
    assert not [c for c in rows(db_url, Change) if c.kind == "removed_item"]

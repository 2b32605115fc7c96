"""The engine end to end against a loopback server: silent baseline, new item, changed document, no repeats,
WAF answers that never become changes, GB18030 without a charset header, 304s, dry runs, removals."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from tests.fixture_server import FixtureServer, Resp
from tests.paths import SAMPLES
from tracker.config import Config
from tracker.pipeline.check import run_checks
from tracker.pipeline.endpoint_health import QuietSuccess, record_quiet_successes
from tracker.store.db import make_engine, transaction
from tracker.store.models import Alert, Change, Item, Snapshot, SourceState, utcnow
from tracker.types import FetchResult

FEED_ITEM = """<item><title>{title}</title><link>https://reg.example/news/{n}</link>
<guid isPermaLink="false">{n}</guid><pubDate>Mon, 14 Sep 2026 08:00:00 -0400</pubDate>
<description>{summary}</description></item>"""


def feed(*items: tuple[int, str, str]) -> str:
    body = "".join(FEED_ITEM.format(n=n, title=t, summary=s) for n, t, s in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Regulator news</title>'
        f"<link>https://reg.example/</link><description>news</description>{body}</channel></rss>"
    )


ITEMS_V1 = [
    (101, "Commission publishes guidelines on general-purpose AI models", "Guidelines under the AI Act."),
    (102, "Regulator approves merger of two steel companies", "A merger decision."),
]
NEW_ITEM = (
    103,
    "Commission adopts implementing act on AI regulatory sandboxes",
    "The AI Act requires sandboxes.",
)

DOC_V1 = """<html><head><title>AI rules</title><style>p{color:red}</style><script>var t=1;</script></head>
<body><nav>Home | About</nav><main><h1>Rules on artificial intelligence</h1>
<p>Article 1. Providers of AI systems shall keep logs.</p>
<p>Article 2. Deployers shall inform  natural persons.</p>
<p>Article 3. This regulation enters into force on the twentieth day.</p></main>
<footer>Cookie settings</footer></body></html>"""
DOC_V1_REFORMATTED = DOC_V1.replace("<p>Article 1.", "<p   >Article\n 1.").replace("var t=1", "var t=2")
DOC_V2 = DOC_V1.replace(
    "Article 2. Deployers shall inform  natural persons.",
    "Article 2. Deployers shall inform natural persons and the market surveillance authority.",
)


def make_config(server: FixtureServer, tmp_path: Path, **check: object) -> Config:
    return Config.model_validate(
        {
            "tracker": {"database": str(tmp_path / "unused.sqlite3")},
            "fetch": {
                "allow_private_addresses": True,
                "per_host_delay": 0,
                "retries": 0,
                "backoff_base": 0.01,
                "connect_timeout": 2,
                "read_timeout": 2,
                "total_timeout": 5,
            },
            "check": {"removal_after": 2, **check},
            "custom_sources": [
                {
                    "id": "testreg",
                    "jurisdiction": "EU",
                    "regulator": "Test Regulator",
                    "language": "en",
                    "endpoints": [
                        {"id": "news", "url": server.url("/news.rss"), "parser": {"kind": "feed"}},
                        {
                            "id": "rules",
                            "url": server.url("/rules.html"),
                            "parser": {"kind": "document", "dialect": "html", "content": "main"},
                            "relevance": "assume_ai_rule",
                            "doc_type": "law",
                        },
                    ],
                }
            ],
            # Only the test source: the built-ins would try the internet.
            "sources": {},
        }
    )


def rows(db_url: str, model: type) -> list:  # type: ignore[type-arg]
    with Session(make_engine(db_url)) as session:
        return list(session.exec(select(model)))


def check(config: Config, db_url: str, names: list[str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    return {
        f"{r.source}/{r.endpoint}": r
        for r in run_checks(config, make_engine(db_url), names or ["testreg"], **kw)
    }


def serve_v1(server: FixtureServer) -> None:
    server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    server.route("/rules.html", Resp(body=DOC_V1))
    server.route("/robots.txt", Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain"))


def test_baseline_then_new_item_and_changed_document(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)

    first = check(config, db_url)
    assert all(r.ok and r.baseline for r in first.values()), first
    assert first["testreg/news"].items == 2
    assert rows(db_url, Change) == [] and rows(db_url, Alert) == []  # silent baseline
    assert len(rows(db_url, Item)) == 2

    # Same content again, re-serialised with other whitespace and a changed script: no change.
    http_server.route("/rules.html", Resp(body=DOC_V1_REFORMATTED))
    again = check(config, db_url)
    assert all(r.ok and not r.baseline for r in again.values())
    assert rows(db_url, Change) == []

    http_server.route("/news.rss", Resp(body=feed(NEW_ITEM, *ITEMS_V1), content_type="application/rss+xml"))
    http_server.route("/rules.html", Resp(body=DOC_V2))
    second = check(config, db_url)
    assert second["testreg/news"].new == 1
    assert second["testreg/rules"].document_changed
    changes = {c.kind: c for c in rows(db_url, Change)}
    assert set(changes) == {"new_item", "document_changed"}
    new = changes["new_item"]
    assert new.stable_id == "103"
    assert new.title == NEW_ITEM[1]
    assert new.url == "https://reg.example/news/103"
    assert new.relevance != "not_ai"
    assert new.published_at is not None and new.published_at.isoformat().startswith("2026-09-14")
    doc = changes["document_changed"]
    assert doc.changed == 1 and doc.added == 0 and doc.removed == 0
    assert "+" in doc.diff and "market surveillance authority" in doc.diff
    assert "-" in doc.diff and "Deployers shall inform natural persons." in doc.diff
    alerts = rows(db_url, Alert)
    assert sorted(a.change_id for a in alerts) == sorted(c.id for c in changes.values())
    newest = {}  # each change points at the snapshot its check stored: the endpoint's newest
    for snap in sorted(rows(db_url, Snapshot), key=lambda s: s.id):
        newest[snap.endpoint_key] = snap
    assert {c.kind: c.snapshot_id for c in changes.values()} == {
        "new_item": newest["testreg/news"].id,
        "document_changed": newest["testreg/rules"].id,
    }
    assert newest["testreg/rules"].produced_change and b"market surveillance" in gzip.decompress(
        newest["testreg/rules"].raw_gz
    )

    # Running it again on unchanged input creates nothing.
    check(config, db_url)
    assert len(rows(db_url, Change)) == 2
    assert len(rows(db_url, Alert)) == 2


def test_eurlex_waf_answers_never_become_changes(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    check(config, db_url)
    head = (SAMPLES / "eu" / "eurlex_frontend_http202_waf_challenge_headers_2026-09-11.txt").read_text()
    lines = head.strip().splitlines()
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    headers = {
        k: v
        for k, v in headers.items()
        if k.lower() not in {"content-length", "connection", "content-type", "date", "server"}
    }
    stub = (SAMPLES / "eu" / "eurlex_legal-content_aws_waf_challenge_stub.html").read_bytes()
    for resp in (Resp(status=202, body=b"", headers=headers), Resp(status=200, body=stub)):
        http_server.route("/rules.html", resp)
        http_server.route("/news.rss", resp)
        reports = check(config, db_url)
        assert {r.status for r in reports.values()} == {"blocked"}, reports
    assert rows(db_url, Change) == []
    assert all(i.gone_since is None and i.missing_count == 0 for i in rows(db_url, Item))
    states = {s.endpoint_key: s for s in rows(db_url, SourceState)}
    assert states["testreg/rules"].consecutive_failures == 2
    assert states["testreg/rules"].error_class == "waf"
    # and when the real page is back, nothing is reported either
    serve_v1(http_server)
    check(config, db_url)
    assert rows(db_url, Change) == []


def test_gb18030_page_without_charset_header(http_server: FixtureServer, tmp_path: Path, db_url: str) -> None:
    text = (
        "国家互联网信息办公室关于《人工智能生成合成内容标识办法》的通知。"
        "生成式人工智能服务提供者应当对生成合成内容添加标识。"
    )
    html = (
        '<html><head><meta charset="gb2312"><title>通知</title></head>'
        f"<body><main><p>{text}</p></main></body></html>"
    )
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    http_server.route("/rules.html", Resp(body=html.encode("gb18030"), content_type="text/html"))
    (report,) = check(config, db_url, ["testreg/rules"]).values()
    assert report.ok
    (snap,) = rows(db_url, Snapshot)
    assert snap.encoding.lower().replace("-", "") in {"gb18030", "gbk", "gb2312"}
    assert "人工智能生成合成内容标识办法" in json.loads(snap.extracted)["blocks"][0][2]


def test_not_modified_costs_no_parsing_and_sends_validators(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    http_server.route("/rules.html", Resp(body=DOC_V1, etag='"v1"'))
    check(config, db_url)
    (report,) = check(config, db_url, ["testreg/rules"]).values()
    assert report.status == "not_modified"
    assert http_server.requests[-1].headers.get("if-none-match") == '"v1"'
    assert len(rows(db_url, Snapshot)) == 2  # one per endpoint from the baseline, none from the 304


def test_not_modified_answers_are_recorded_and_an_open_ops_alert_still_recovers(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    """304s are written in batches (endpoint_health.record_quiet_successes); one on an endpoint whose
    operations alert is open takes the full path, so the recovery notice goes out."""
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    http_server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml", etag='"f"'))
    http_server.route("/rules.html", Resp(body=DOC_V1, etag='"v1"'))
    check(config, db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:  # the document's source failed often enough to open an ops alert
        session.execute(
            sa.update(SourceState)
            .where(SourceState.endpoint_key == "testreg/rules")  # type: ignore[arg-type]
            .values(ops_alert_open=True, consecutive_failures=5, status="error", error_class="timeout")
        )
        session.execute(
            sa.update(SourceState)
            .where(SourceState.endpoint_key == "testreg/news")  # type: ignore[arg-type]
            .values(status="error", consecutive_failures=1, error_message="earlier")
        )
        session.commit()
        before = {s.endpoint_key: s.last_success_at for s in session.exec(select(SourceState))}
    reports = check(config, db_url)
    assert {r.status for r in reports.values()} == {"not_modified"}
    states = {s.endpoint_key: s for s in rows(db_url, SourceState)}
    for key, state in states.items():
        assert (state.status, state.consecutive_failures, state.error_message) == ("not_modified", 0, None)
        assert state.last_success_at > before[key]
    assert states["testreg/rules"].ops_alert_open is False
    ops = [a for a in rows(db_url, Alert) if a.kind == "ops"]
    assert len(ops) == 1 and "recovered" in ops[0].payload

    # Another process opens the feed's ops alert after this one read the states: the batched write of
    # the feed's 304 must not overwrite it silently.
    with Session(engine) as session:
        session.execute(
            sa.update(SourceState)
            .where(SourceState.endpoint_key == "testreg/news")  # type: ignore[arg-type]
            .values(ops_alert_open=True, consecutive_failures=4)
        )
        session.commit()
    not_modified = FetchResult(url="u", final_url="u", status_code=304, headers={}, body=b"", elapsed_s=0)
    with transaction(engine) as session:
        record_quiet_successes(
            session, [QuietSuccess("testreg", "testreg/news", not_modified, utcnow())], config
        )
    news = next(s for s in rows(db_url, SourceState) if s.endpoint_key == "testreg/news")
    assert (news.ops_alert_open, news.consecutive_failures) == (False, 0)
    recovered = [a.payload for a in rows(db_url, Alert) if a.kind == "ops"]
    assert len(recovered) == 2 and "testreg/news recovered after 4" in recovered[1]


def test_a_document_served_again_byte_for_byte_refreshes_its_state_and_validators(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)  # no ETag at first
    check(config, db_url)
    snapshots = len(rows(db_url, Snapshot))
    http_server.route("/rules.html", Resp(body=DOC_V1, etag='"late"'))  # the site starts sending one
    (report,) = check(config, db_url, ["testreg/rules"]).values()
    assert (report.status, report.unchanged, report.document_changed) == ("ok", True, False)
    state = next(s for s in rows(db_url, SourceState) if s.endpoint_key == "testreg/rules")
    assert (state.status, state.etag, state.last_good_size) == ("ok", '"late"', len(DOC_V1.encode()))
    assert len(rows(db_url, Snapshot)) == snapshots  # nothing parsed, nothing stored
    (report,) = check(config, db_url, ["testreg/rules"]).values()
    assert report.status == "not_modified"
    assert http_server.requests[-1].headers.get("if-none-match") == '"late"'


def test_dry_run_stores_nothing(http_server: FixtureServer, tmp_path: Path, db_url: str) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    reports = check(config, db_url, dry_run=True)
    assert all(r.ok for r in reports.values())
    assert reports["testreg/news"].items == 2
    for model in (Item, Snapshot, Change, Alert, SourceState):
        assert rows(db_url, model) == []


def test_item_removed_only_after_consecutive_misses(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)  # removal_after = 2
    serve_v1(http_server)
    check(config, db_url)
    http_server.route("/news.rss", Resp(body=feed(ITEMS_V1[0]), content_type="application/rss+xml"))
    check(config, db_url, ["testreg/news"])
    assert rows(db_url, Change) == []  # one miss is paging jitter
    http_server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    check(config, db_url, ["testreg/news"])  # back: the count starts again
    http_server.route("/news.rss", Resp(body=feed(ITEMS_V1[0]), content_type="application/rss+xml"))
    check(config, db_url, ["testreg/news"])
    assert rows(db_url, Change) == []
    check(config, db_url, ["testreg/news"])
    (removed,) = rows(db_url, Change)
    assert removed.kind == "removed_item" and removed.stable_id == "102"
    assert rows(db_url, Alert) == []  # removals are history, not alerts


def test_changed_extractor_rederives_silently(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    check(config, db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:  # as if the snapshots had been made by an older extractor
        conn.execute(sa.update(Snapshot).values(extractor_version="old-0", extracted='{"type": "garbage"}'))
        conn.execute(sa.update(SourceState).values(last_extractor_version="old-0"))
    reports = check(config, db_url)
    assert all(r.ok for r in reports.values())
    assert rows(db_url, Change) == []
    latest = max(rows(db_url, Snapshot), key=lambda s: s.id)
    assert latest.extractor_version != "old-0"


def test_broken_list_is_a_status_not_a_removal(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    serve_v1(http_server)
    check(config, db_url)
    http_server.route("/news.rss", Resp(body=feed(), content_type="application/rss+xml"))
    for _ in range(3):
        (report,) = check(config, db_url, ["testreg/news"]).values()
        assert report.status == "broken"
    assert rows(db_url, Change) == []
    ops = [a for a in rows(db_url, Alert) if a.kind == "ops"]
    assert len(ops) == 1  # once at the threshold, not per failed check
    serve_v1(http_server)
    check(config, db_url, ["testreg/news"])
    assert len([a for a in rows(db_url, Alert) if a.kind == "ops"]) == 2  # and once on recovery


def test_same_release_on_two_endpoints_alerts_once(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    config = make_config(http_server, tmp_path)
    source = config.custom_sources[0]
    mirror = source.endpoints[0].model_copy(update={"id": "topic", "url": http_server.url("/topic.rss")})
    config.custom_sources[0] = source.model_copy(update={"endpoints": (*source.endpoints, mirror)})
    serve_v1(http_server)
    http_server.route("/topic.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    check(config, db_url)
    for path in ("/news.rss", "/topic.rss"):
        http_server.route(path, Resp(body=feed(NEW_ITEM, *ITEMS_V1), content_type="application/rss+xml"))
    check(config, db_url)
    changes = [c for c in rows(db_url, Change) if c.kind == "new_item"]
    assert len(changes) == 2  # history keeps both sightings
    assert len([a for a in rows(db_url, Alert) if a.kind == "change"]) == 1  # the team hears it once

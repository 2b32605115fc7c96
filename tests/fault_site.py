"""The small web the fault matrices run against: a victim source and two healthy ones on one loopback server.

The victim is the source a fault is served to; `goodfeed` (RSS) and `gooddoc` (an HTML document) stay healthy
beside it. Every source is a custom source of the config, exactly as a user would declare it. The content is
written for these tests (the structures follow tests/test_check_e2e.py); the WAF answers come from the real
EUR-Lex samples.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.fixture_server import FixtureServer, Resp
from tracker.config import Config
from tracker.net.fetch import Fetcher
from tracker.net.guard import NetGuard
from tracker.pipeline.check import EndpointReport, run_checks
from tracker.store.models import Alert, Change

VICTIM, FEED, DOC = "victim/page", "goodfeed/news", "gooddoc/rules"
SOURCE_IDS = ["victim", "goodfeed", "gooddoc"]
RSS_TYPE = "application/rss+xml"

# -- content ----------------------------------------------------------------------------------------------
_RSS_ITEM = """<item><title>{title}</title><link>https://reg.example/news/{n}</link>
<guid isPermaLink="false">{n}</guid><pubDate>Mon, 14 Sep 2026 08:00:00 -0400</pubDate>
<description>{summary}</description></item>"""


def rss(*items: tuple[int, str, str], prolog: str = "") -> str:
    body = "".join(_RSS_ITEM.format(n=n, title=t, summary=s) for n, t, s in items)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<rss version="2.0"><channel><title>Regulator news'
        f"</title><link>https://reg.example/</link><description>news</description>{body}</channel></rss>"
    )


FEED_ITEMS = [
    (101, "Commission publishes guidelines on general-purpose AI models", "Guidelines under the AI Act."),
    (102, "Regulator approves merger of two steel companies", "A merger decision."),
    (103, "Consultation on transparency obligations for AI-generated content", "Article 50 AI Act."),
    (104, "Annual report on competition enforcement", "The yearly report."),
]
FEED_NEW = (105, "Commission adopts implementing act on AI regulatory sandboxes", "The AI Act requires it.")

DOC_V1 = """<html><head><title>AI rules</title><script>var build = 1;</script></head>
<body><nav>Home | About</nav><main><h1>Rules on artificial intelligence</h1>
<p>Article 1. Providers of AI systems shall keep logs.</p>
<p>Article 2. Deployers shall inform natural persons.</p>
<p>Article 3. This regulation enters into force on the twentieth day.</p></main></body></html>"""
DOC_V2 = DOC_V1.replace(
    "inform natural persons.", "inform natural persons and the market surveillance authority."
)

_LIST_ROW = '<li><a href="/news/{n}">{title}</a> <time datetime="2026-09-{d:02d}">{d} Sep 2026</time></li>'
LIST_ROWS = [
    (7001, "Guidance on the use of AI systems by public bodies", 14),
    (7002, "Decision on a telecoms merger", 13),
    (7003, "Opinion on facial recognition in public spaces", 12),
]
LIST_NEW = (7004, "Draft code of practice on AI-generated content labelling", 15)


def html_list(rows: list[tuple[int, str, int]], *, redesigned: bool = False) -> str:
    if redesigned:  # the site's new layout: cards instead of <ul class="news">
        cards = "".join(f'<article class="card"><a href="/news/{n}">{t}</a></article>' for n, t, _ in rows)
        listing = f'<div class="news-grid">{cards}</div>'
    else:
        listing = (
            '<ul class="news">' + "".join(_LIST_ROW.format(n=n, title=t, d=d) for n, t, d in rows) + "</ul>"
        )
    return f"<html><head><title>News</title></head><body><main><h1>News</h1>{listing}</main></body></html>"


ZH_PARAGRAPHS = [
    "国家互联网信息办公室关于《人工智能生成合成内容标识办法》的通知。",
    "第一条 生成式人工智能服务提供者应当对生成合成内容添加标识。",
    "第二条 本办法自发布之日起施行。",
]


def zh_page(paragraphs: list[str], *, spacing: str = "") -> bytes:
    """A GB18030 page that declares gb2312 in <meta>, as CAC pages do; `spacing` re-serialises it."""
    body = "".join(f"<p>{spacing}{p}{spacing}</p>{spacing}" for p in paragraphs)
    return (
        '<html><head><meta charset="gb2312"><title>通知</title></head>'
        f"<body><main>{body}</main></body></html>"
    ).encode("gb18030")


ZH_TYPE = "text/html; charset=gb2312"

# The victim's parser, first good answer and a later real change, per kind of endpoint.
VICTIMS: dict[str, dict[str, Any]] = {
    "list": {
        "parser": {
            "kind": "html_list",
            "item": "ul.news li",
            "date": "time",
            "date_attr": "datetime",
            "id_pattern": r"/news/(\d+)$",
        },
        "v1": Resp(body=html_list(LIST_ROWS)),
        "v2": Resp(body=html_list([LIST_NEW, *LIST_ROWS])),
    },
    "feed": {
        "parser": {"kind": "feed"},
        "v1": Resp(body=rss(*FEED_ITEMS), content_type=RSS_TYPE),
        "v2": Resp(body=rss(FEED_NEW, *FEED_ITEMS), content_type=RSS_TYPE),
    },
    "doc": {
        "parser": {"kind": "document", "dialect": "html", "content": "main"},
        "v1": Resp(body=DOC_V1),
        "v2": Resp(body=DOC_V2),
    },
    "doc_zh": {
        "parser": {"kind": "document", "dialect": "html", "content": "main"},
        "v1": Resp(body=zh_page(ZH_PARAGRAPHS), content_type=ZH_TYPE),
        "v2": Resp(body=zh_page([*ZH_PARAGRAPHS, "第三条 提供者应当保存日志。"]), content_type=ZH_TYPE),
    },
}

# Only 127.0.0.1 may be contacted: the fixture server is there, anything else a fault points to is refused
# before a packet leaves (config's allow_private_addresses stays False, so nothing else slips through).
LOOPBACK_ONLY = NetGuard(allow_private=False, allowed_networks=["127.0.0.1/32"])


def use_loopback_only_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker builds its own Fetcher; give it the guard that admits 127.0.0.1 alone."""
    monkeypatch.setattr("tracker.pipeline.check.Fetcher", partial(Fetcher, guard=LOOPBACK_ONLY))


class Site:
    """The three sources on one fixture server, and the config that watches them."""

    def __init__(self, server: FixtureServer, victim_kind: str, tmp_path: Path) -> None:
        self.server = server
        self.kind = victim_kind
        self.tmp_path = tmp_path
        self.victim_url = server.url("/victim")

    def serve_good(self) -> None:
        """Everything healthy, the victim at its first version."""
        self.server.route("/feed.rss", Resp(body=rss(*FEED_ITEMS), content_type=RSS_TYPE))
        self.server.route("/rules.html", Resp(body=DOC_V1))
        self.restore_victim()

    def restore_victim(self) -> None:
        """The victim's first version again, byte for byte, and a robots.txt that allows everything."""
        self.server.route("/robots.txt", Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain"))
        self.serve_victim(VICTIMS[self.kind]["v1"])

    def serve_victim(self, *responses: Resp) -> None:
        self.server.route("/victim", *responses)

    def change_victim(self) -> None:
        self.serve_victim(VICTIMS[self.kind]["v2"])

    def change_healthy(self) -> None:
        """A new feed item and an amended article: what the healthy sources must still report."""
        self.server.route("/feed.rss", Resp(body=rss(FEED_NEW, *FEED_ITEMS), content_type=RSS_TYPE))
        self.server.route("/rules.html", Resp(body=DOC_V2))

    def config(self, victim_url: str | None = None, **slack: Any) -> Config:
        custom = [
            _source(
                "victim",
                "page",
                victim_url or self.victim_url,
                VICTIMS[self.kind]["parser"],
                language="zh" if self.kind == "doc_zh" else "en",
            ),
            _source("goodfeed", "news", self.server.url("/feed.rss"), {"kind": "feed"}),
            _source(
                "gooddoc",
                "rules",
                self.server.url("/rules.html"),
                VICTIMS["doc"]["parser"],
                relevance="assume_ai_rule",
                doc_type="law",
            ),
        ]
        return Config.model_validate(
            {
                "tracker": {"database": str(self.tmp_path / "unused.sqlite3")},
                "fetch": {
                    "allow_private_addresses": False,  # LOOPBACK_ONLY admits 127.0.0.1
                    "per_host_delay": 0,
                    "per_host_concurrency": 4,
                    "retries": 1,
                    "backoff_base": 0.01,
                    "backoff_max": 5,
                    "connect_timeout": 1,
                    "read_timeout": 1,
                    "total_timeout": 2,
                    "max_body_mb": 0.5,
                },
                "check": {"removal_after": 2},
                "slack": {"ops_failure_threshold": 2, "per_channel_interval": 0, **slack},
                "custom_sources": custom,
            }
        )


def _source(
    sid: str, eid: str, url: str, parser: dict[str, Any], language: str = "en", **endpoint: Any
) -> dict[str, Any]:
    return {
        "id": sid,
        "jurisdiction": "EU",
        "regulator": f"Regulator {sid}",
        "language": language,
        "endpoints": [{"id": eid, "url": url, "parser": parser, **endpoint}],
    }


def check(config: Config, engine: Engine) -> dict[str, EndpointReport]:
    return {f"{r.source}/{r.endpoint}": r for r in run_checks(config, engine, SOURCE_IDS)}


def changes(engine: Engine) -> list[Change]:
    with Session(engine) as session:
        return list(session.exec(select(Change).order_by(col(Change.id))))


def alerts_of_kind(engine: Engine, kind: str) -> list[Alert]:
    with Session(engine) as session:
        return list(session.exec(select(Alert).where(Alert.kind == kind).order_by(col(Alert.id))))


def change_alert_keys(engine: Engine) -> list[str]:
    """The endpoint of the change behind every content alert, in queue order."""
    with Session(engine) as session:
        rows = session.exec(
            select(Change.endpoint_key)
            .join(Alert, col(Alert.change_id) == col(Change.id))
            .where(Alert.kind == "change")
            .order_by(col(Alert.id))
        )
        return list(rows)

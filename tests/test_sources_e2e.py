"""Acceptance: every built-in source served from the loopback server, checked before and after.

Every endpoint of every regulator gets a realistic answer (a recorded sample where one exists, else a
reconstruction). The first check is a silent baseline; then one new AI rule and one new item that is not
about AI appear for each regulator: exactly one relevant new item per regulator is reported, the other
is recorded as not_ai and not alerted. For CAC the new consultation is relevant only by its body, which
the detail stage fetches. A third check with nothing new reports nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from sqlmodel import Session, select

from sources import builtin_sources
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import FIXTURES, SAMPLES
from tests.regulators_served import SERVED_NEW
from tracker.config import Config
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine
from tracker.store.models import Alert, Change, Item

RSS = "application/rss+xml"
JSON = "application/json"
CAC = SAMPLES / "cac/trimmed"
MINORS, APPS = "2026-09/18/c_1791482017777471", "2026-06/26/c_1784217637474922"

# What each endpoint serves: (file, content type). Any endpoint not listed here fails the test, so no
# check can ever leave the loopback interface.
SERVED: dict[str, tuple[Path, str]] = {
    "eu_eurlex/oj_l": (FIXTURES / "eu/eurlex_oj_l.reconstructed.rss", RSS),
    "eu_eurlex/com_proposals": (FIXTURES / "eu/eurlex_oj_l.reconstructed.rss", RSS),
    "eu_ai_act/oj_text": (
        SAMPLES / "eu/eurlex_cellar_ai-act_32024R1689_oj_EN.xhtml",
        "application/xhtml+xml",
    ),
    "eu_ai_act/consolidated": (
        FIXTURES / "eu/cellar_sparql_consolidations.reconstructed.json",
        "application/sparql-results+json",
    ),
    # The text of the newest consolidation (the fallback URL, then {id} of the list's newest: below).
    "eu_ai_act/consolidated_text": (
        SAMPLES / "eu/eurlex_ai-act_02024R1689-20240712_consolidated_NL_frontoffice.html",
        "text/html",
    ),
    "eu_presscorner/ai_search": (
        SAMPLES / "eu/presscorner_api_search_response_2026-09-24_trimmed.json",
        JSON,
    ),
    "eu_ai_office/news": (FIXTURES / "eu/digital_strategy.reconstructed.rss", RSS),
    "eu_edpb/news": (FIXTURES / "eu/edpb_news.reconstructed.rss", RSS),
    "eu_edpb/publications": (FIXTURES / "eu/edpb_news.reconstructed.rss", RSS),
    "eu_parliament/ai_procedures": (
        FIXTURES / "eu/ep_opendata_procedures_list.reconstructed.json",
        "application/ld+json",
    ),
    "us_ftc/press_releases": (FIXTURES / "us/ftc_press_release.reconstructed.xml", RSS),
    "us_ftc/consumer_protection": (SAMPLES / "ftc/ftc_feed_press-release-competition_2026-07.xml", RSS),
    "us_ftc/competition": (SAMPLES / "ftc/ftc_feed_press-release-competition_2026-07.xml", RSS),
    "us_ftc/ai_topic": (FIXTURES / "us/ftc_ai_topic_page.reconstructed.html", "text/html"),
    "us_federal_register/ai_documents": (SAMPLES / "fedreg/search-oldest-page-one.json", JSON),
    "us_federal_register/presidential": (SAMPLES / "fedreg/fr_documents_presidential_2026-07.json", JSON),
    "cn_cac/consultations": (CAC / "list.html", "text/html"),
    "un_news/all": (FIXTURES / "un/un_news_all.reconstructed.rss", RSS),
    "un_press/press_releases": (FIXTURES / "un/press_un_org.reconstructed.rss", RSS),
    "kr_msit/press_releases": (FIXTURES / "kr/korea_kr_dept_msit.reconstructed.xml", RSS),
    "kr_law/ai_basic_act": (SAMPLES / "kr/lawgokr_ai_basic_act_lawService_21311.xml", "application/xml"),
}
for _key in ("ai_framework_page", "ai_office_page", "gpai_code_page"):
    SERVED[f"eu_ai_office/{_key}"] = (
        FIXTURES / "eu/digital_strategy_policy_page.reconstructed.html",
        "text/html",
    )
for _channel in (
    "wxfb",
    "zcfg_laws",
    "zcfg_admin_regulations",
    "zcfg_department_rules",
    "zcfg_judicial_interpretations",
    "zcfg_normative_documents",
    "zcfg_policy_documents",
):
    SERVED[f"cn_cac/{_channel}"] = (FIXTURES / "cn/cac_jsonlist_wxfb.reconstructed.json", JSON)
for _body in ("advisory_body", "scientific_panel", "global_dialogue", "digital_office"):
    for _kind in ("documents", "page"):
        SERVED[f"un_ai_bodies/{_body}_{_kind}"] = (
            FIXTURES / f"un/{_body}_page.reconstructed.html",
            "text/html",
        )
# The regulators added for issue 19 (their own table: tests/regulators_served.py).
SERVED.update(SERVED_NEW)
# The Parliament's procedures the list names, followed next to it (2026-0120 answers 404: carried on).
FOLLOWED = {
    "/eu_parliament/procedures/2025-0359": FIXTURES / "eu/ep_opendata_procedure_2025-0359.reconstructed.json",
    "/eu_parliament/procedures/2026-0118": FIXTURES / "eu/ep_opendata_procedure_2026-0118.reconstructed.json",
    "/eu_ai_act/02024R1689-20260727": SAMPLES
    / "eu/eurlex_ai-act_02024R1689-20240712_consolidated_NL_frontoffice.html",
    "/eu_parliament/procedures/2023-0156": SAMPLES
    / "eu/ep_opendata_api_v2_procedure_2023-0156_trimmed_2026-09-11.json",
}


def _rss_item(guid: str, title: str, link: str, summary: str, date: str) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><description>{summary}</description>"
        f'<pubDate>{date}</pubDate><guid isPermaLink="false">{guid}</guid></item>\n'
    )


def _prepend_items(text: str, *items: str) -> str:
    return text.replace("<item>", "".join(items) + "<item>", 1)


def _after_eurlex(text: str) -> str:
    return _prepend_items(
        text,
        _rss_item(
            "OJ:L_202602101",
            "Commission Implementing Regulation (EU) 2026/2101 of 26 October 2026 laying down detailed "
            "arrangements for the establishment and operation of AI regulatory sandboxes pursuant to "
            "Regulation (EU) 2024/1689",
            "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202602101",
            "OJ L, 2026/2101, 27.10.2026",
            "Tue, 27 Oct 2026 06:00:00 +0100",
        ),
        _rss_item(
            "OJ:L_202602098",
            "Commission Implementing Regulation (EU) 2026/2098 of 26 October 2026 concerning the "
            "authorisation of a preparation of Bacillus subtilis as a feed additive for chickens "
            "for fattening",
            "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202602098",
            "OJ L, 2026/2098, 27.10.2026",
            "Tue, 27 Oct 2026 06:00:00 +0100",
        ),
    )


def _after_ftc(text: str) -> str:
    base = "https://www.ftc.gov/news-events/news/press-releases/2026/07/"
    return _prepend_items(
        text,
        _rss_item(
            "334602",
            "FTC Takes Action Against Company That Deceived Consumers With AI-Generated Fake Reviews",
            base + "ftc-takes-action-against-company-ai-generated-fake-reviews",
            "&lt;p&gt;The company used an artificial intelligence tool to generate fake consumer "
            "reviews.&lt;/p&gt;",
            "Thu, 16 Jul 2026 08:00:00 -0400",
        ),
        _rss_item(
            "334599",
            "FTC Approves Final Consent Order in Pool Supplies Merger",
            base + "ftc-approves-final-consent-order-pool-supplies-merger",
            "&lt;p&gt;The order requires the divestiture of 12 distribution centers.&lt;/p&gt;",
            "Thu, 16 Jul 2026 08:00:00 -0400",
        ),
    )


def _after_fedreg(text: str) -> str:
    data = json.loads(text)
    new = [
        {
            "title": "Safety and Transparency Requirements for Artificial Intelligence in Medical Devices",
            "type": "Proposed Rule",
            "abstract": "The Food and Drug Administration proposes requirements for artificial intelligence-"
            "enabled device software functions, including transparency to users and performance monitoring.",
            "document_number": "2024-00007",
            "html_url": "https://www.federalregister.gov/documents/2024/01/03/2024-00007/safety-and-transparency",
            "pdf_url": "https://www.govinfo.gov/content/pkg/FR-2024-01-03/pdf/2024-00007.pdf",
            "publication_date": "2024-01-03",
            "agencies": [{"name": "Food and Drug Administration"}],
        },
        {
            "title": "Agency Information Collection Activities; Proposed Collection; Comment Request; "
            "Boat Survey",
            "type": "Notice",
            "abstract": "The Coast Guard requests comments on the National Recreational Boating Survey.",
            "document_number": "2024-00008",
            "html_url": "https://www.federalregister.gov/documents/2024/01/03/2024-00008/boat-survey",
            "pdf_url": "https://www.govinfo.gov/content/pkg/FR-2024-01-03/pdf/2024-00008.pdf",
            "publication_date": "2024-01-03",
            "agencies": [{"name": "Coast Guard"}],
        },
    ]
    data["results"] = new + data["results"]
    return json.dumps(data)


def _before_cac_column(text: str) -> str:
    """The column before the minors' and the apps consultations were published."""
    for path in (MINORS, APPS):
        text, count = re.subn(rf"<li><h5><a href=\"{path}\.htm\".*?</li>", "", text, flags=re.S)
        assert count == 1
    return text


def _after_un_news(text: str) -> str:
    return _prepend_items(
        text,
        _rss_item(
            "https://news.un.org/feed/view/en/story/2026/09/1166090",
            "Scientific Panel on AI presents first report with recommendations for governing artificial "
            "intelligence",
            "https://news.un.org/en/story/2026/09/1166090",
            "The Independent International Scientific Panel on Artificial Intelligence issued "
            "recommendations.",
            "Thu, 24 Sep 2026 11:00:00 -0400",
        ),
        _rss_item(
            "https://news.un.org/feed/view/en/story/2026/09/1166088",
            "Floods in South Asia: UN agencies scale up relief as monsoon rains continue",
            "https://news.un.org/en/story/2026/09/1166088",
            "Relief convoys reached flooded districts.",
            "Thu, 24 Sep 2026 09:30:00 -0400",
        ),
    )


def _after_msit(text: str) -> str:
    link = "https://www.korea.kr/briefing/pressReleaseView.do?newsId={}&amp;call_from=rsslink"
    return _prepend_items(
        text,
        _rss_item(
            "",
            "과기정통부, 「인공지능기본법 시행령」 일부개정령안 입법예고",
            link.format(156720101),
            "고영향 인공지능 판단 기준과 사업자 책무를 구체화하는 시행령 개정안을 입법예고한다.",
            "Thu, 24 Sep 2026 12:00:00 +0900",
        ),
        _rss_item(
            "",
            "과기정통부, 2026년 우주항공 연구개발 성과 발표회 개최",
            link.format(156720100),
            "위성·발사체 분야 연구개발 성과를 공유한다.",
            "Thu, 24 Sep 2026 10:00:00 +0900",
        ),
    )


# endpoint -> how its "after" answer is made from its "before" one
AFTER = {
    "eu_eurlex/oj_l": _after_eurlex,
    "us_ftc/press_releases": _after_ftc,
    "us_federal_register/ai_documents": _after_fedreg,
    "un_news/all": _after_un_news,
    "kr_msit/press_releases": _after_msit,
}
NEW_RELEVANT = {
    "eu_eurlex": "OJ:L_202602101",
    "us_ftc": "334602",
    "us_federal_register": "2024-00007",
    "cn_cac": MINORS,
    "un_news": "1166090",
    "kr_msit": "156720101",
}
NEW_NOT_AI = {
    "eu_eurlex": "OJ:L_202602098",
    "us_ftc": "334599",
    "us_federal_register": "2024-00008",
    "cn_cac": APPS,
    "un_news": "1166088",
    "kr_msit": "156720100",
}


def _serve(server: FixtureServer) -> dict[str, dict[str, object]]:
    """Route every endpoint (before, then after) and return the [sources] overrides pointing at them."""
    overrides: dict[str, dict[str, object]] = {}
    for source in builtin_sources():
        for endpoint in source.endpoints:
            key = f"{source.id}/{endpoint.id}"
            path, content_type = SERVED[key]
            before = path.read_text("utf-8")
            if key == "cn_cac/consultations":
                before, after = _before_cac_column(before), before
            else:
                after = AFTER[key](before) if key in AFTER else before
            # A third answer with other bytes but the same content, so the third check parses it again.
            again = after + "\n<!-- served again -->\n" if content_type == "text/html" else after
            server.route(
                f"/{key}",
                Resp(body=before, content_type=content_type),
                Resp(body=after, content_type=content_type),
                Resp(body=again, content_type=content_type),
            )
            # Sources that are off by default (kr_law needs a key) are switched on: all are served here.
            endpoints = overrides.setdefault(source.id, {"enabled": True, "endpoints": {}})["endpoints"]
            endpoints[endpoint.id] = {"url": server.url(f"/{key}")}  # type: ignore[index]
    # The column's relative links resolve next to it: the detail pages of the two new consultations.
    for path in (MINORS, APPS):
        server.route(f"/cn_cac/{path}.htm", file_resp(CAC / f"{path}.htm"))
    for route, record in FOLLOWED.items():
        server.route(
            route, file_resp(record, "text/html" if record.suffix == ".html" else "application/ld+json")
        )
    return overrides


def _config(server: FixtureServer, db_url: str) -> Config:
    config = Config.model_validate(
        {
            "tracker": {"database": db_url},
            "fetch": {
                "allow_private_addresses": True,
                "respect_robots": False,
                "per_host_delay": 0,
                "retries": 0,
                "connect_timeout": 5,
                "read_timeout": 10,
                "total_timeout": 20,
                "per_host_concurrency": 4,
            },
            "sources": _serve(server),
        }
    )
    urls = [e.url for s in config.enabled_sources() for e in s.endpoints]
    assert len(urls) == sum(len(s.endpoints) for s in builtin_sources())
    assert all(url.startswith(server.url("/")) for url in urls)  # nothing leaves 127.0.0.1
    return config


def test_every_regulator_baseline_then_exactly_one_relevant_new_item(
    http_server: FixtureServer, db_url: str
) -> None:
    config = _config(http_server, db_url)
    engine = make_engine(db_url)

    first = run_checks(config, engine)
    assert [f"{r.source}/{r.endpoint}: {r.reason}" for r in first if r.status != "ok"] == []
    assert all(r.baseline for r in first)
    with Session(engine) as session:
        assert session.exec(select(Change)).all() == []

    second = run_checks(config, engine)
    assert [f"{r.source}/{r.endpoint}: {r.reason}" for r in second if r.status != "ok"] == []
    with Session(engine) as session:
        changes = session.exec(select(Change)).all()
        assert {c.kind for c in changes} == {"new_item"}
        relevant = [c for c in changes if c.relevance != "not_ai"]
        assert Counter(c.source_id for c in relevant) == dict.fromkeys(NEW_RELEVANT, 1)
        assert {c.source_id: c.stable_id for c in relevant} == NEW_RELEVANT
        assert all(c.alerted for c in relevant)
        not_ai = {c.source_id: c for c in changes if c.relevance == "not_ai"}
        assert {sid: c.stable_id for sid, c in not_ai.items()} == NEW_NOT_AI
        assert not any(c.alerted for c in not_ai.values())
        alerted_changes = {a.change_id for a in session.exec(select(Alert))}
        assert alerted_changes == {c.id for c in relevant}

        by_source = {c.source_id: c for c in relevant}
        assert by_source["eu_eurlex"].relevance == "ai_rule"
        assert by_source["us_ftc"].relevance == "ai_enforcement"
        assert (by_source["us_federal_register"].relevance, by_source["us_federal_register"].doc_type) == (
            "ai_rule",
            "proposal",
        )
        assert by_source["kr_msit"].language == "ko" and by_source["kr_msit"].jurisdiction == "KR"
        minors = by_source["cn_cac"]
        # Relevant by article 5 of its draft, which only the detail page carries.
        assert (minors.relevance, minors.doc_type, minors.language) == ("ai_rule", "consultation", "zh")
        assert "人工智能" in json.loads(minors.matched)
        assert minors.summary.endswith("（三）可能影响未成年人认知的人工智能服务；")
        item = session.exec(select(Item).where(Item.stable_id == MINORS)).one()
        assert json.loads(item.meta)["detail_url"] == http_server.url(f"/cn_cac/{MINORS}.htm")
        apps = session.exec(select(Item).where(Item.stable_id == APPS)).one()
        assert apps.relevance == "not_ai" and "编制说明" in json.loads(apps.meta)["attachments"]
    detail_hits = http_server.hits(f"/cn_cac/{MINORS}.htm") + http_server.hits(f"/cn_cac/{APPS}.htm")
    assert detail_hits == 2

    # Nothing new: nothing reported, and the completed CAC items are not seen as changed.
    third = run_checks(config, engine)
    assert all(r.status == "ok" and r.new == r.changed == r.removed == 0 for r in third)
    with Session(engine) as session:
        assert len(session.exec(select(Change)).all()) == len(changes)
    assert http_server.hits(f"/cn_cac/{MINORS}.htm") + http_server.hits(f"/cn_cac/{APPS}.htm") == 2

"""Korea: MSIT press releases (reconstructed feed) and the AI Basic Act (recorded law.go.kr XML)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from sources.kr import kr_law
from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import document, items, judged
from tracker.diff.core import diff_documents
from tracker.types import Block, RelevanceLabel

KST = timezone(timedelta(hours=9))
ACT = SAMPLES / "kr/lawgokr_ai_basic_act_lawService_21311.xml"


def test_msit_press_releases() -> None:
    result = items(
        "kr_msit/press_releases", FIXTURES / "kr/korea_kr_dept_msit.reconstructed.xml", "application/rss+xml"
    )
    assert [i.stable_id for i in result.items] == ["156718223", "156702941", "156699870"]
    act = result.items[1]
    assert act.title == "「인공지능기본법」 일부개정법률 시행…고영향 인공지능 사업자 책무 구체화"
    assert act.published_at == datetime(2026, 7, 20, 9, 0, tzinfo=KST)
    assert parse_qs(urlsplit(act.url).query)["newsId"] == ["156702941"]
    labels = [v[0].label for v in judged("kr_msit/press_releases", result).values()]
    assert labels == [RelevanceLabel.NOT_AI, RelevanceLabel.AI_RULE, RelevanceLabel.NOT_AI]


def test_ai_basic_act_by_article() -> None:
    endpoint = kr_law.endpoint("ai_basic_act")
    assert parse_qs(urlsplit(endpoint.url).query)["ID"] == ["014820"]
    assert endpoint.relevance == "assume_ai_rule"
    doc = document("kr_law/ai_basic_act", ACT, "application/xml")
    assert doc.title == "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"
    assert doc.version == "제21311호 2026-07-21"
    labels = [b.label for b in doc.blocks]
    assert len(labels) == 46
    assert {"제17조의2", "제22조의2", "제22조의3"} <= set(labels)
    assert doc.blocks[0].text.startswith("제1조(목적) 이 법은 인공지능의 건전한 발전과 신뢰 기반 조성에")


def test_an_amended_article_is_reported_by_its_number() -> None:
    doc = document("kr_law/ai_basic_act", ACT, "application/xml")
    blocks = list(doc.blocks)
    index = next(n for n, b in enumerate(blocks) if b.label == "제17조의2")
    blocks[index] = Block(blocks[index].key, blocks[index].label, blocks[index].text + " 단서 신설.")
    diff = diff_documents(doc.blocks, tuple(blocks))
    assert diff.headline() == "제17조의2 changed"

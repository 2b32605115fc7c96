"""CAC: the recorded column and detail pages, and the reconstructed JsonList answer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest

from sources.cn import DETAIL, cn_cac
from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import endpoint, items, judged
from tracker.extract.decode import decode_body
from tracker.pipeline.detail import detail_summary, extract_detail
from tracker.relevance.classifier import RelevanceClassifier
from tracker.types import DocType, RelevanceLabel

BEIJING = ZoneInfo("Asia/Shanghai")
CAC = SAMPLES / "cac/trimmed"
MINORS = "2026-09/18/c_1791482017777471"
APPS = "2026-06/26/c_1784217637474922"
CYBERBULLYING = "2026-07/29/c_1787072711938509"


def test_consultation_column_page() -> None:
    result = items(
        "cn_cac/consultations",
        CAC / "list.html",
        "text/html",
        url="https://www.cac.gov.cn/hdfw/wxan/A093802index_1.htm",
    )
    assert [i.stable_id for i in result.items] == [
        MINORS,
        APPS,
        CYBERBULLYING,
        "2026-09/03/c_1790185079976128",
    ]
    first = result.items[0]
    assert first.title == (
        "国家互联网信息办公室关于《国务院关于保障未成年人健康安全使用网络的规定（征求意见稿）》公开征求意见的通知"
    )
    # The recorder made hrefs relative and replaced dates by tokens: a token is no date, not an error.
    assert first.url == f"https://www.cac.gov.cn/hdfw/wxan/{MINORS}.htm"
    assert all(i.published_at is None for i in result.items)
    verdicts = judged("cn_cac/consultations", result)
    assert [v[1] for v in verdicts.values()][:3] == [DocType.CONSULTATION] * 3
    # From the titles alone none of these is about AI: the detail stage is what finds article 5.
    assert {v[0].label for v in verdicts.values()} == {RelevanceLabel.NOT_AI}


def test_column_dates_are_beijing_time() -> None:
    html = (CAC / "list.html").read_text("utf-8").replace("{{DATE-3}}", "2026-09-18")
    from tracker.extract.derive import derive

    _, result = derive(
        endpoint("cn_cac/consultations"), html.encode(), "text/html", "https://www.cac.gov.cn/"
    )
    assert result.items[0].published_at == datetime(2026, 9, 18, tzinfo=BEIJING)  # type: ignore[union-attr]


def test_jsonlist_channels_are_posts_with_a_referer() -> None:
    wxfb = endpoint("cn_cac/wxfb")
    assert (wxfb.method, wxfb.url) == ("POST", "https://www.cac.gov.cn/cms/JsonList")
    assert wxfb.form == {"channelCode": "A093702", "perPage": "20", "pageno": "1"}
    assert wxfb.headers["Referer"] == "https://www.cac.gov.cn/wxzw/wxfb/A093702index_1.htm"
    codes = [e.form["channelCode"] for e in cn_cac.endpoints if e.form]
    assert codes == ["A093702", *(f"A093703{n:02d}" for n in range(1, 7))]
    assert all(e.detail == DETAIL for e in cn_cac.endpoints)
    assert DETAIL.only_relevant is False


def test_jsonlist_answer() -> None:
    result = items("cn_cac/wxfb", FIXTURES / "cn/cac_jsonlist_wxfb.reconstructed.json", "application/json")
    assert [i.url for i in result.items] == [
        "https://www.cac.gov.cn/2026-09/25/c_1792011836452871.htm",
        "https://www.cac.gov.cn/2026-09/12/c_1790963275034416.htm",
        "https://www.cac.gov.cn/2025-03/14/c_1743654684782215.htm",
        "https://www.cac.gov.cn/2023-07/13/c_1690898327029107.htm",
    ]
    assert result.items[2].stable_id == "//www.cac.gov.cn/2025-03/14/c_1743654684782215.htm"
    assert result.items[2].published_at == datetime(2025, 3, 14, 15, 50, tzinfo=BEIJING)
    verdicts = judged("cn_cac/wxfb", result)
    assert [v[0].label for v in verdicts.values()] == [
        RelevanceLabel.AI_RULE,  # 深度合成服务算法备案: a filing notice under an AI rule
        RelevanceLabel.NOT_AI,
        RelevanceLabel.AI_RULE,
        RelevanceLabel.AI_RULE,
    ]


def _detail(path: Path, replacements: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    text = path.read_text("utf-8")
    for token, value in (replacements or {}).items():
        text = text.replace(token, value)
    url = "https://www.cac.gov.cn/" + path.relative_to(CAC).as_posix()
    decoded = decode_body(text.encode("utf-8"), "text/html", url)
    return extract_detail(decoded, DETAIL, url, "Asia/Shanghai")


def test_detail_of_the_minors_consultation() -> None:
    fields = _detail(CAC / f"{MINORS}.htm", {"{{CN_DATE-3}}": "2026年09月18日"})
    assert fields.title.startswith("国家互联网信息办公室关于《国务院关于保障未成年人健康安全使用网络的规定")
    assert fields.published_at == datetime(2026, 9, 18, 17, 0, tzinfo=BEIJING)
    assert fields.lines[0].startswith("为了加强未成年人网络保护")
    assert "（三）可能影响未成年人认知的人工智能服务；" in fields.lines
    assert fields.attachments == ()  # this notice inlines its draft instead
    # As recorded (date token in place), the date is simply unknown.
    assert _detail(CAC / f"{MINORS}.htm").published_at is None


def test_minors_consultation_is_an_ai_rule_by_its_body() -> None:
    fields = _detail(CAC / f"{MINORS}.htm")
    classifier = RelevanceClassifier()
    summary = detail_summary(fields.title, "", fields.lines, classifier, cn_cac)
    assert summary.endswith("第五条 … （三）可能影响未成年人认知的人工智能服务；")
    assert summary.startswith("为了加强未成年人网络保护")
    verdict = classifier.classify(fields.title, summary, language="zh", jurisdiction="CN")
    assert verdict.label is RelevanceLabel.AI_RULE
    assert "人工智能" in verdict.matched


def test_apps_standard_detail_attachments_and_no_ai() -> None:
    fields = _detail(CAC / f"{APPS}.htm", {"{{CN_DATE-87}}": "2026年06月26日"})
    assert fields.published_at == datetime(2026, 6, 26, 18, 25, tzinfo=BEIJING)
    names = [name for name, _ in fields.attachments]
    assert names == ["政务移动互联网应用程序管理要求（征求意见稿）", "编制说明", "强制性国家标准反馈意见表"]
    for name, url in fields.attachments:
        parts = urlsplit(url)
        assert (
            parts.path == "/2026-06/26/cms/pub/interact/downloadfile.jsp"
        )  # relative, as the recorder left it
        assert unquote(parse_qs(parts.query)["fText"][0]) == name
        assert parse_qs(parts.query)["filepath"][0].startswith("NUtqEIwGiCjGm2Bhl20cvNPc8redKh~z2D4PL4t")
    classifier = RelevanceClassifier()
    summary = detail_summary(fields.title, "", fields.lines, classifier, cn_cac)
    assert len(summary) <= 600 and summary.startswith("根据国家标准化管理委员会下达的强制性国家标准制订计划")
    assert classifier.classify(fields.title, summary, language="zh").label is RelevanceLabel.NOT_AI


def test_cyberbullying_draft_detail() -> None:
    fields = _detail(CAC / f"{CYBERBULLYING}.htm")
    assert (
        fields.title
        == "国家互联网信息办公室关于《中华人民共和国反网络暴力法（征求意见稿）》公开征求意见的通知"
    )
    articles = [line for line in fields.lines if line.startswith("第") and "条" in line[:6]]
    assert len(articles) == 60  # "7 chapters, 60 articles"


def test_older_template_body_is_read_too() -> None:
    html = (
        "<html><body><h1 class='title'>关于印发《人工智能生成合成内容标识办法》的通知</h1>"
        "<span id='pubtime'>2025年03月14日 15:50</span>"
        "<div class='TRS_Editor'><p>各省、自治区、直辖市网信办：</p>"
        "<p>现将办法印发给你们。</p></div></body></html>"
    )
    decoded = decode_body(html.encode(), "text/html", "https://www.cac.gov.cn/x.htm")
    fields = extract_detail(decoded, DETAIL, "https://www.cac.gov.cn/x.htm", "Asia/Shanghai")
    assert fields.lines == ("各省、自治区、直辖市网信办：", "现将办法印发给你们。")
    assert fields.published_at == datetime(2025, 3, 14, 15, 50, tzinfo=BEIJING)


def test_page_that_is_not_a_detail_page_is_refused() -> None:
    from tracker.types import ExtractionError

    decoded = decode_body(b"<html><body><p>Not found</p></body></html>", "text/html", "https://x.cn/")
    with pytest.raises(ExtractionError):
        extract_detail(decoded, DETAIL, "https://x.cn/", "Asia/Shanghai")

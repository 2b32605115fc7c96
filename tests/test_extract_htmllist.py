"""HTML list pages: the CAC column (real, trimmed) and reconstructed variants."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.paths import SAMPLES
from tracker.extract import extract
from tracker.specs import EndpointSpec, HtmlListParser
from tracker.types import DecodedBody, ExtractionError, ItemsExtraction

CAC_LIST = SAMPLES / "cac" / "trimmed" / "list.html"
CAC = HtmlListParser(
    item="#loadingInfoPage > li",
    link="h5 > a",
    title_attr="title",
    date=".times",
    id_pattern=r"(/\d{4}-\d{2}/\d{2}/c_\d+\.htm)",
    timezone="Asia/Shanghai",
)


def _run(html: str, parser: HtmlListParser, base_url: str) -> ItemsExtraction:
    decoded = DecodedBody(text=html, encoding="utf-8", kind="html")
    result = extract(
        decoded, html.encode("utf-8"), EndpointSpec(id="list", url=base_url, parser=parser), base_url
    )
    assert isinstance(result, ItemsExtraction)
    return result


def test_cac_column_page() -> None:
    # The recorder made hrefs relative to the site root it mirrored; resolve them against the site root.
    result = _run(CAC_LIST.read_text("utf-8"), CAC, "https://www.cac.gov.cn/")
    assert [i.stable_id for i in result.items] == [
        "/2026-09/18/c_1791482017777471.htm",
        "/2026-06/26/c_1784217637474922.htm",
        "/2026-07/29/c_1787072711938509.htm",
        "/2026-09/03/c_1790185079976128.htm",
    ]
    first = result.items[0]
    assert first.title == (
        "国家互联网信息办公室关于《国务院关于保障未成年人健康安全使用网络的规定（征求意见稿）》公开征求意见的通知"
    )
    assert first.url == "https://www.cac.gov.cn/2026-09/18/c_1791482017777471.htm"
    assert result.items[3].title == "关于全国网络安全标准化技术委员会换届及征集委员的通知"
    # the trimmed sample replaced dates by tokens such as {{DATE-3}}: no date, and no error
    assert all(i.published_at is None for i in result.items)


def test_title_attribute_wins_over_truncated_text_and_dates_use_the_zone() -> None:
    html = """<ul id="loadingInfoPage"><li><h5><a href="//www.cac.gov.cn/2026-09/18/c_1791482017777471.htm"
    title="国家互联网信息办公室关于《规定（征求意见稿）》公开征求意见的通知">国家互联网信息办公室关于《规定…</a></h5>
    <div class="times">2026-09-18</div></li></ul>"""
    item = _run(html, CAC, "https://www.cac.gov.cn/hdfw/wxan/A093802index_1.htm").items[0]
    assert item.title == "国家互联网信息办公室关于《规定（征求意见稿）》公开征求意见的通知"
    assert item.url == "https://www.cac.gov.cn/2026-09/18/c_1791482017777471.htm"
    assert item.published_at == datetime(2026, 9, 18, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_drupal_rows_with_time_datetime() -> None:
    # Reconstructed after SOURCES.md's FTC listing: rows .views-row, title h3 a, date time[datetime].
    html = """<div class="view-content">
      <div class="views-row"><h3><a href="/news-events/news/press-releases/2026/07/ftc-acts?utm_campaign=x">
        FTC  acts on AI</a></h3><time datetime="2026-07-14T12:00:00Z">July 14, 2026</time>
        <div class="summary"><p>Short <b>teaser</b>.</p></div></div>
      <div class="views-row"><h3>No link here</h3></div>
    </div>"""
    parser = HtmlListParser(
        item=".views-row", link="h3 a", date="time", date_attr="datetime", summary=".summary"
    )
    result = _run(html, parser, "https://www.ftc.gov/news-events/news/press-releases")
    assert len(result.items) == 1
    item = result.items[0]
    assert item.stable_id == "https://www.ftc.gov/news-events/news/press-releases/2026/07/ftc-acts"
    assert item.url == item.stable_id
    assert item.title == "FTC acts on AI"
    assert item.published_at == datetime(2026, 7, 14, 12, tzinfo=UTC)
    assert item.summary == "Short teaser."


def test_item_selector_matching_nothing_names_the_selector() -> None:
    with pytest.raises(ExtractionError, match=r"selector '#loadingInfoPage > li' matched nothing"):
        _run("<html><body><p>改版了</p></body></html>", CAC, "https://www.cac.gov.cn/")


def test_items_without_links_are_an_error() -> None:
    with pytest.raises(ExtractionError, match="none had a link"):
        _run('<ul id="loadingInfoPage"><li><h5>no link</h5></li></ul>', CAC, "https://www.cac.gov.cn/")


def test_invalid_css_is_reported() -> None:
    with pytest.raises(ExtractionError, match="not valid CSS"):
        _run("<ul><li><a href='/x'>x</a></li></ul>", HtmlListParser(item="li >> a"), "https://example.org/")

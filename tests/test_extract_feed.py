"""Feeds: the FTC competition feed (real), and reconstructed edge cases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.paths import SAMPLES
from tracker.extract import extract
from tracker.specs import EndpointSpec, FeedParser
from tracker.types import DecodedBody, ExtractionError, ItemsExtraction

FTC = SAMPLES / "ftc" / "ftc_feed_press-release-competition_2026-07.xml"
FTC_URL = "https://www.ftc.gov/feeds/press-release-competition.xml"


def _run(body: bytes | str, parser: FeedParser | None = None, url: str = FTC_URL) -> ItemsExtraction:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    decoded = DecodedBody(text=raw.decode("utf-8", "replace"), encoding="utf-8", kind="rss")
    endpoint = EndpointSpec(id="feed", url=url, parser=parser or FeedParser())
    result = extract(decoded, raw, endpoint, url)
    assert isinstance(result, ItemsExtraction)
    return result


def _rss(items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


@pytest.fixture(scope="module")
def ftc() -> ItemsExtraction:
    return _run(FTC.read_bytes())


def test_ftc_feed_items(ftc: ItemsExtraction) -> None:
    assert len(ftc.items) == 30
    first, last = ftc.items[0], ftc.items[-1]
    assert first.stable_id == "334513"
    assert first.title == (
        "FTC Secures Major Settlement with Caremark, Resolving Antitrust Case Against Second Drug Middleman"
    )
    assert first.url == (
        "https://www.ftc.gov/news-events/news/press-releases/2026/07/"
        "ftc-secures-major-settlement-caremark-resolving-antitrust-case-against-second-drug-middleman"
    )
    assert last.stable_id == "330004"
    assert last.title == "FTC Chairman Andrew N. Ferguson Launches Healthcare Task Force"
    assert len({item.stable_id for item in ftc.items}) == 30


def test_ftc_pubdate_offset(ftc: ItemsExtraction) -> None:
    first = ftc.items[0]  # <pubDate>Tue, 14 Jul 2026 08:00:00 -0400</pubDate>
    assert first.published_at is not None
    assert first.published_at.utcoffset() == timedelta(hours=-4)
    assert first.published_at.astimezone(UTC) == datetime(2026, 7, 14, 12, 0, tzinfo=UTC)
    assert ftc.items[-1].published_at == datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def test_ftc_summary_is_plain_text_and_capped(ftc: ItemsExtraction) -> None:
    summary = ftc.items[0].summary
    assert summary.startswith(
        "The Federal Trade Commission secured a settlement agreement with one of the nation’s"
    )
    assert "<p>" not in summary and "&nbsp;" not in summary and "\u00a0" not in summary
    assert len(summary) <= 1000 and summary.endswith("…")
    last = ftc.items[-1].summary  # an inline link keeps its punctuation: "memorandum, Chairman"
    assert "In a memorandum, Chairman Ferguson directed" in last


def test_dc_creator_is_never_exposed(ftc: ItemsExtraction) -> None:
    creators = set(re.findall(r"<dc:creator>([^<]+)</dc:creator>", FTC.read_text("utf-8")))
    assert "vgraham" in creators
    for item in ftc.items:
        exposed = " ".join([item.title, item.summary, item.url, *item.meta.keys(), *item.meta.values()])
        assert not any(re.search(rf"\b{re.escape(c)}\b", exposed) for c in creators), item.stable_id


def test_id_from_link_and_id_pattern() -> None:
    body = _rss(
        "<item><title>Story</title><link>/feed/view/en/story/2026/07/1165432?utm_source=rss</link>"
        "<guid>https://news.un.org/feed/view/en/story/2026/07/1165432</guid></item>"
    )
    by_link = _run(body, FeedParser(id_from="link"), url="https://news.un.org/feed/rss.xml")
    assert by_link.items[0].stable_id == "https://news.un.org/feed/view/en/story/2026/07/1165432"
    assert by_link.items[0].url == "https://news.un.org/feed/view/en/story/2026/07/1165432"
    by_pattern = _run(body, FeedParser(id_pattern=r"/story/\d{4}/\d{2}/(\d+)$"))
    assert by_pattern.items[0].stable_id == "1165432"


def test_missing_guid_falls_back_to_link_and_date_to_none() -> None:
    result = _run(_rss("<item><title>No guid</title><link>https://example.org/a</link></item>"))
    assert result.items[0].stable_id == "https://example.org/a"
    assert result.items[0].published_at is None


def test_atom_feed() -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
    <entry><id>tag:example.org,2026:1</id><title>Entry</title><link href="https://example.org/1"/>
    <updated>2026-09-18T09:00:00+02:00</updated><summary>Plain &amp; simple</summary></entry></feed>"""
    item = _run(atom).items[0]
    assert (item.stable_id, item.title, item.summary) == ("tag:example.org,2026:1", "Entry", "Plain & simple")
    assert item.published_at == datetime(2026, 9, 18, 7, tzinfo=UTC)


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(ExtractionError, match="malformed feed"):
        _run("<html><body><p>Access denied</p><div>unclosed</body>")


def test_well_formed_but_empty_feed_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="no entries"):
        _run(_rss(""))


def test_path_like_body_is_not_opened_as_a_file() -> None:
    with pytest.raises(ExtractionError):
        _run("/etc/passwd")


def test_billion_laughs_is_harmless() -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' if i > 0 else '<!ENTITY lol0 "lol">' for i in range(10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>t</title>'
        "<item><title>&lol9;</title><link>https://example.org/a</link><guid>a</guid></item></channel></rss>"
    )
    # Refused before any parser sees it: a feed with entity declarations is a broken source.
    with pytest.raises(ExtractionError, match="entities"):
        _run(body)


def test_feed_cut_off_mid_item_is_broken() -> None:
    body = FTC.read_bytes()
    with pytest.raises(ExtractionError, match="truncated"):
        _run(body[: len(body) // 2])

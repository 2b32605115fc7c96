"""The web view's pieces without a server: diffs as side-by-side rows, public links, the e-mail digest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree
from lxml import html as lxml_html

from tests.digest_support import HOSTILE, change, seed, seeded_engine
from tests.web_support import amendment
from tracker.diff.core import diff_documents
from tracker.digest.collect import Period, collect
from tracker.digest.render import render_html
from tracker.web import change_url, changes_url, roundup_url, sources_url
from tracker.web.diffview import parse_unified, word_segments

SEOUL = ZoneInfo("Asia/Seoul")


def marked(segments: tuple) -> list[str]:  # type: ignore[type-arg]
    return [s.text for s in segments if s.marked]


def test_document_diff_becomes_units_with_typography_apart() -> None:
    old, new = amendment()
    units = parse_unified(diff_documents(old, new).unified)
    assert [(u.label, u.op, u.typographic) for u in units] == [
        ("Article 5", "changed", False),
        ("Article 112a", "added", False),
        ("Article 113", "changed", False),
        ("Article 3", "changed", True),
    ]
    article_113 = units[2]
    assert [r.kind for r in article_113.rows] == ["changed", "context"]
    first = article_113.rows[0]
    assert marked(first.old) == ["August 2026"] and marked(first.new) == ["December 2027"]
    assert units[1].rows[0].old is None and marked(units[1].rows[0].new)  # added: nothing on the left
    assert marked(units[3].rows[0].old) == ["'", "'"] and marked(units[3].rows[0].new) == ["‘", "’"]


def test_distant_hunks_and_item_diffs() -> None:
    diff = "@@ Article 9 (changed) @@\n a\n-b\n+c\n …\n d\n-e\n+f\n+g"
    rows = parse_unified(diff)[0].rows
    assert [r.kind for r in rows] == ["context", "changed", "gap", "context", "changed", "added"]
    item = "--- before\n+++ after\n@@ -1,2 +1,2 @@\n-Old title\n+New title\n Same summary"
    units = parse_unified(item, item_label="Entry")
    assert [(u.label, [r.kind for r in u.rows]) for u in units] == [("Entry", ["changed", "context"])]
    assert marked(units[0].rows[0].old) == ["Old"] and marked(units[0].rows[0].new) == ["New"]


def test_words_of_unspaced_scripts_are_compared_one_character_at_a_time() -> None:
    old, new = word_segments("国家互联网信息办公室起草了办法", "国家互联网信息办公室修订了办法")
    assert marked(old) == ["起草"] and marked(new) == ["修订"]
    old, new = word_segments("고영향 인공지능의 판단 기준", "고영향 인공지능의 확인 기준")
    assert marked(old) == ["판단"] and marked(new) == ["확인"]
    old, new = word_segments("a  b", "a b")
    assert marked(old) == [] and marked(new) == []  # spacing alone is not a change


def test_public_links() -> None:
    assert change_url("https://tracker.example.org/reg/", 12) == "https://tracker.example.org/reg/changes/12"
    assert (
        roundup_url("https://t.example", date(2026, 11, 16), date(2026, 11, 29), "ko")
        == "https://t.example/roundups/2026-11-16--2026-11-29?lang=ko"
    )
    assert changes_url("https://t.example", jurisdiction="EU", q="high risk", page=1) == (
        "https://t.example/changes?jurisdiction=EU&q=high+risk&page=1"
    )
    assert sources_url("https://t.example", "us_ftc/press_releases") == (
        "https://t.example/sources#source-us_ftc/press_releases"
    )


def test_email_digest_has_a_glance_table_inline_styles_and_named_links(tmp_path: Path, db_url: str) -> None:
    now = datetime.now(UTC)
    engine = seeded_engine(db_url, now)
    seed(
        engine,
        [
            change(
                now, 1, endpoint_key="eu_edpb/news", source_id="eu_edpb", stable_id="hostile", title=HOSTILE,
                url="https://www.edpb.europa.eu/x", jurisdiction="EU", regulator="EDPB", doc_type="guidance",
                relevance="ai_other", summary="<img src=x onerror=alert(1)> said the page.",
            )
        ],
    )  # fmt: skip
    period = Period.ending(now, 14 * 86400, SEOUL)
    for lang, header, total in (("en", "Jurisdiction", "Total"), ("ko", "지역", "합계")):
        text = render_html(collect(engine, period, lang, SEOUL), "https://tracker.example.org")
        etree.fromstring(text.encode("utf-8"))  # well-formed
        doc = lxml_html.document_fromstring(text)
        assert doc.xpath("//style|//link|//script|//img|//*[@onerror]") == []  # mail clients drop <style>
        assert all(el.get("style") for el in doc.xpath("//h1|//h2|//h3|//p|//td|//th|//a"))
        table = doc.xpath("//table[contains(@class, 'glance')]")[0]
        cells = [[c.text_content() for c in row.xpath("./th|./td")] for row in table.xpath(".//tr")]
        assert cells[0][0] == header and cells[-1][0] == total
        by_name = {row[0]: [int(n) for n in row[1:]] for row in cells[1:]}
        names = (
            ("European Union (EU)", "United States", "Korea")
            if lang == "en"
            else ("유럽연합(EU)", "미국", "한국")
        )
        assert by_name[names[0]] == [1, 0, 1, 2]  # the AI Act (a rule) and the EDPB guidance
        assert by_name[names[1]] == [1, 1, 1, 3]  # proposed rule, enforcement, guidance
        assert by_name[names[2]] == [1, 0, 0, 1]  # the decree's draft
        assert by_name[total] == [3, 1, 5, 9]  # a consultation (CN) counts with guidance
        act_link = doc.xpath("//p[contains(@class, 'source')]/a[contains(@href, 'eur-lex')]")[0]
        assert (
            act_link.text_content()
            == "Regulation (EU) 2024/1689 (Artificial Intelligence Act) (eur-lex.europa.eu)"
        )
        web_links = doc.xpath("//a[starts-with(@href, 'https://tracker.example.org/changes/')]")
        assert len(web_links) == 9  # every entry links to its page in the web view
        assert HOSTILE in doc.text_content()

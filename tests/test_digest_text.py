"""The digest's text stages without a database: sentences, wording, dates, periods, ordering, escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.digest_support import CAC_FIRST, CAC_SECOND, KR_FIRST
from tracker.digest.collect import Category, Period, category
from tracker.digest.i18n import (
    empty_line,
    format_date,
    format_period,
    heading,
    jurisdiction_group,
    opening_line,
    translate_headline,
    translate_op_prefixes,
)
from tracker.digest.render import md
from tracker.digest.sentences import lead, split_sentences
from tracker.digest.summarise import completions_url, needs_translation, script_language

SEOUL = ZoneInfo("Asia/Seoul")


def test_sentences_english_abbreviations_and_list_markers() -> None:
    text = (
        "The U.S. Federal Trade Commission sued Acme Inc. today. Under Art. 5 of Regulation No. 2024/1689, "
        "e.g. manipulation is banned. It costs 1.5 million. Listed in Annex III. Providers shall comply: "
        "1. The following practices are prohibited. Done!"
    )
    assert split_sentences(text) == [
        "The U.S. Federal Trade Commission sued Acme Inc. today.",
        "Under Art. 5 of Regulation No. 2024/1689, e.g. manipulation is banned.",
        "It costs 1.5 million.",
        "Listed in Annex III.",
        "Providers shall comply: 1. The following practices are prohibited.",
        "Done!",
    ]


def test_sentences_chinese_and_korean() -> None:
    assert split_sentences(CAC_FIRST + CAC_SECOND + "1.通过电子邮件将意见发送至：weibao@cac.gov.cn。") == [
        CAC_FIRST,
        CAC_SECOND + "1.通过电子邮件将意见发送至：weibao@cac.gov.cn。",
    ]
    korean = f"{KR_FIRST} 이번 제정안은 판단 기준을 담았다. 2026년 1월부터 시행된다."
    assert split_sentences(korean) == [
        KR_FIRST,
        "이번 제정안은 판단 기준을 담았다.",
        "2026년 1월부터 시행된다.",
    ]
    assert split_sentences("첫째 줄\n둘째 줄") == ["첫째 줄", "둘째 줄"]


def test_lead_is_one_or_two_sentences_of_the_source() -> None:
    long_first = (
        "The Commission adopted guidelines on the prohibited practices of the AI Act at its meeting today."
    )
    assert lead(f"{long_first} More follows. And more.") == long_first
    # A short first sentence takes the second with it; Chinese joins without a space.
    assert lead("Short one. Second sentence here. Third.") == "Short one. Second sentence here."
    assert lead("短句。第二句。第三句。") == "短句。第二句。"
    # A description that starts by repeating the title skips that sentence.
    assert lead("AI Act guidance. The guidance explains Article 5.", title="AI Act guidance") == (
        "The guidance explains Article 5."
    )
    cut = lead("word " * 200 + ".", limit=100)
    assert len(cut) <= 100 and cut.endswith("…") and cut.startswith("word word")
    assert lead("") == ""


def test_korean_and_english_dates_and_periods() -> None:
    assert format_date(date(2026, 11, 28), "ko") == "2026년 11월 28일"
    assert format_date(date(2026, 11, 28), "en") == "28 November 2026"
    assert format_period(date(2026, 11, 14), date(2026, 11, 28), "ko") == "2026년 11월 14일 ~ 11월 28일"
    assert format_period(date(2026, 12, 20), date(2027, 1, 3), "en") == "20 December 2026 – 3 January 2027"
    assert heading(date(2026, 11, 14), date(2026, 11, 28), "ko").startswith("「법/규제」 AI 규제 동향 (")
    assert empty_line(date(2026, 11, 14), date(2026, 11, 28), "ko") == (
        "「법/규제」 2026년 11월 14일 ~ 11월 28일: 이번 기간에는 새로운 AI 규제 소식이 없습니다."
    )


def test_opening_line_counts_in_both_languages() -> None:
    counts = [("EU", 2), ("CN", 1), ("OTHER", 1)]
    assert opening_line(counts, "ko") == "이번 기간 AI 규제 소식 4건: 유럽연합(EU) 2건, 중국 1건, 기타 1건."
    assert opening_line(counts, "en") == (
        "4 AI regulation updates this period: European Union (EU) 2, China 1, Others 1."
    )


def test_headline_words_are_translated_labels_are_not() -> None:
    parts = ["Article 5 changed", "Article 112a added", "제17조의2 removed", "and 3 more"]
    assert translate_headline(parts, "ko") == "Article 5 변경, Article 112a 신설, 제17조의2 삭제, 외 3건"
    assert (
        translate_headline(parts, "en")
        == "Article 5 changed, Article 112a added, 제17조의2 removed, and 3 more"
    )
    assert translate_op_prefixes("Article 5 changed: text\nAnnex III added: more", "ko") == (
        "Article 5 (변경): text\nAnnex III (신설): more"
    )


def test_period_of_calendar_days_in_the_digest_time_zone() -> None:
    period = Period.days(date(2026, 11, 14), date(2026, 11, 27), SEOUL)
    assert period.start == datetime(2026, 11, 13, 15, 0, tzinfo=UTC)  # midnight in Seoul
    assert period.end == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # the last day is included
    ending = Period.ending(datetime(2026, 11, 30, 0, 0, tzinfo=UTC), 14 * 86400, SEOUL)
    assert (ending.first_day, ending.last_day) == (date(2026, 11, 16), date(2026, 11, 30))
    with pytest.raises(ValueError):
        Period.days(date(2026, 11, 28), date(2026, 11, 1), SEOUL)


@pytest.mark.parametrize(
    ("relevance", "doc_type", "expected"),
    [
        ("ai_rule", "law", Category.RULE),
        ("ai_rule", "proposal", Category.RULE),
        ("ai_enforcement", "news", Category.ENFORCEMENT),
        ("ai_other", "enforcement", Category.ENFORCEMENT),
        ("ai_rule", "consultation", Category.GUIDANCE),
        ("ai_other", "guidance", Category.GUIDANCE),
        ("ai_other", "report", Category.OTHER),
        ("ai_other", "law", Category.OTHER),
    ],
)
def test_category_order(relevance: str, doc_type: str, expected: Category) -> None:
    assert category(relevance, doc_type) is expected


def test_jurisdiction_groups() -> None:
    assert [jurisdiction_group(c) for c in ("eu", "US", "CN", "UN", "KR", "UK", "BR", "")] == [
        "EU", "US", "CN", "UN", "KR", "UK", "OTHER", "OTHER",
    ]  # fmt: skip


def test_markdown_escape_leaves_no_markup() -> None:
    assert md("*bold* [x](javascript:alert(1)) <script> a_b `c` &amp;") == (
        r"\*bold\* \[x\](javascript:alert(1)) \<script\> a\_b \`c\` \&amp;"
    )
    assert md("# not a heading") == r"\# not a heading"
    assert md("1. not a list") == r"1\. not a list"
    assert md("line one\nline two") == "line one line two"


def test_which_titles_need_translation() -> None:
    assert script_language("人工智能生成合成内容标识办法（征求意见稿）", "zh") == "zh"
    assert needs_translation("人工智能生成合成内容标识办法（征求意见稿）", "zh", "ko")
    assert needs_translation("FTC Announces Crackdown on Deceptive AI Claims", "en", "ko")
    assert not needs_translation("FTC Announces Crackdown on Deceptive AI Claims", "en", "en")
    assert not needs_translation("인공지능 기본법 시행령 제정안 입법예고", "ko", "ko")
    assert needs_translation("Lignes directrices sur l'IA", "fr", "en")
    assert completions_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1/chat/completions"
    assert completions_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"

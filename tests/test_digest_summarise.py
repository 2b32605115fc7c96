"""The optional summariser against a local fake chat completions API (tests/fake_llm.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.digest_support import CAC_FIRST, CAC_SECOND, CAC_TITLE, run_tracker, seeded_engine, write_config
from tests.fake_llm import TRANSLATIONS, FakeLLM
from tracker.digest.collect import Category, Digest, Entry, Period
from tracker.digest.i18n import Lang
from tracker.digest.render import render_html, render_markdown
from tracker.digest.render_slack import render_slack
from tracker.digest.summarise import ChatSummariser

KEY = "sk-digest-secret-key-123456"
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    fake = FakeLLM(api_key=KEY).start()
    try:
        yield fake
    finally:
        fake.stop()


def entry(title: str, language: str, summary: str, regulator: str, group: str = "CN") -> Entry:
    when = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    return Entry(
        document_key=f"k/{title}", kind="new_item", title=title, url="https://www.cac.gov.cn/a.htm",
        jurisdiction=group, group=group, regulator=regulator, language=language, doc_type="consultation",
        relevance="ai_rule", category=Category.GUIDANCE, when=when, day=when.date(), summary=summary,
        headline=[], change_ids=[1], extract=summary.split("。")[0] + "。" if "。" in summary else summary,
    )  # fmt: skip


def digest_of(lang: Lang, *entries: Entry) -> Digest:
    period = Period.days(date(2026, 11, 14), date(2026, 11, 27), SEOUL)
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    return Digest(period=period, lang=lang, groups=list(groups.items()))


def cac() -> Entry:
    return entry(CAC_TITLE, "zh", CAC_FIRST + CAC_SECOND, "国家互联网信息办公室")


def ftc() -> Entry:
    return entry(
        "FTC Announces Crackdown on Deceptive AI Claims and Schemes", "en",
        "The Federal Trade Commission is taking action against multiple companies.",
        "Federal Trade Commission", group="US",
    )  # fmt: skip


def test_success_adds_marked_summary_and_translation(llm: FakeLLM) -> None:
    digest = digest_of("ko", cac(), ftc())

    with ChatSummariser(llm.url, "fake-model", KEY) as summariser:
        assert summariser.apply(digest) == 2

    cac_entry, ftc_entry = digest.entries
    assert cac_entry.translated_title == TRANSLATIONS[(CAC_TITLE, "Korean")]
    assert cac_entry.generated_summary == "国家互联网信息办公室이(가) 발표한 항목입니다."
    assert (
        ftc_entry.translated_title
        == "번역된 제목: FTC Announces Crackdown on Deceptive AI Claims and Schemes"
    )
    markdown = render_markdown(digest)
    assert (
        f"#### {CAC_TITLE}\n\n- *제목 번역 (자동 생성):* {TRANSLATIONS[(CAC_TITLE, 'Korean')]}\n" in markdown
    )
    assert "- *요약 (자동 생성):* 国家互联网信息办公室이(가) 발표한 항목입니다." in markdown
    assert f"- {CAC_FIRST}\n" in markdown  # the source's own sentence stays
    assert "(자동 생성)" in render_html(digest) and "(자동 생성)" in str(render_slack(digest))
    first = llm.requests[0]
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert first.body["model"] == "fake-model" and first.language == "Korean"
    assert first.item == {
        "title": CAC_TITLE, "regulator": "国家互联网信息办公室", "text": CAC_FIRST + CAC_SECOND,
        "translate_title": True,
    }  # fmt: skip


def test_english_digest_translates_only_foreign_titles(llm: FakeLLM) -> None:
    digest = digest_of("en", cac(), ftc())

    with ChatSummariser(llm.base_url, "fake-model", KEY) as summariser:  # the API base works too
        summariser.apply(digest)

    cac_entry, ftc_entry = digest.entries
    assert cac_entry.translated_title == TRANSLATIONS[(CAC_TITLE, "English")]
    assert ftc_entry.translated_title is None
    assert [r.item["translate_title"] for r in llm.requests] == [True, False]
    assert "- *Summary (machine-generated):* An item published by Federal Trade Commission." in (
        render_markdown(digest)
    )


@pytest.mark.parametrize("behaviour", ["timeout", "error", "refusal", "apology", "prose", "wrong_language"])
def test_failures_fall_back_to_the_extractive_entry(
    llm: FakeLLM, behaviour: str, caplog: pytest.LogCaptureFixture
) -> None:
    llm.behaviours = [behaviour]
    llm.delay = 3.0
    digest = digest_of("ko", cac())
    extractive = render_markdown(digest_of("ko", cac()))

    with (
        caplog.at_level(logging.WARNING, "tracker.digest"),
        ChatSummariser(llm.url, "fake-model", KEY, timeout=0.5) as summariser,
    ):
        assert summariser.apply(digest) == 0

    (only,) = digest.entries
    assert only.generated_summary is None and only.translated_title is None
    assert render_markdown(digest) == extractive
    assert "자동 생성" not in render_markdown(digest)
    assert "keeping the extractive entry" in caplog.text
    assert KEY not in caplog.text


def test_stops_asking_after_repeated_failures_and_recovers_between(llm: FakeLLM) -> None:
    llm.behaviours = ["error", "ok", "error", "error", "error", "ok"]
    entries = [entry(f"人工智能规定{i}", "zh", f"第{i}条。", "CAC") for i in range(6)]
    digest = digest_of("ko", *entries)

    with ChatSummariser(llm.url, "m", KEY, max_failures=3) as summariser:
        assert summariser.apply(digest) == 1

    assert [e.generated_summary is not None for e in digest.entries] == [
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert len(llm.requests) == 5  # the sixth entry was not asked about after three failures in a row


def test_unreachable_summariser_falls_back(llm: FakeLLM) -> None:
    port = llm.port
    llm.stop()  # nothing listens there any more
    digest = digest_of("ko", cac())

    with ChatSummariser(f"http://127.0.0.1:{port}/v1", "m", KEY, timeout=2) as summariser:
        assert summariser.apply(digest) == 0

    assert digest.entries[0].generated_summary is None


def test_cli_with_configured_summariser(tmp_path: Path, db_url: str, llm: FakeLLM) -> None:
    seeded_engine(db_url, datetime.now(UTC))
    config = write_config(tmp_path, db_url, summariser_url=llm.url, summariser_model="fake-model")

    result = run_tracker(
        "digest", "--since", "14d", "--lang", "ko", "--config", str(config), cwd=tmp_path,
        env={"DIGEST_API_KEY": KEY},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"- *제목 번역 (자동 생성):* {TRANSLATIONS[(CAC_TITLE, 'Korean')]}" in out
    assert out.count("- *요약 (자동 생성):* ") == 8  # every entry, each marked
    assert "제목 번역 (자동 생성):* 번역된 제목: 인공지능" not in out  # Korean titles are not translated
    assert KEY not in out + result.stderr
    assert len(llm.requests) == 8

    without_key = run_tracker("digest", "--since", "14d", "--config", str(config), cwd=tmp_path)
    assert without_key.returncode == 0  # 401 from the API: the extractive digest, a warning
    assert "자동 생성" not in without_key.stdout and "HTTP 401" in without_key.stderr

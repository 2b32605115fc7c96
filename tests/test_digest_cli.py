"""`tracker digest` as a user runs it: a real process, a config file, a database of the sources' changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.digest_support import (
    AI_ACT_URL,
    CAC_FIRST,
    CAC_SECOND,
    CAC_TITLE,
    HOSTILE,
    KR_FIRST,
    KR_TITLE,
    LEFT_OUT,
    UN_EXCERPT,
    change,
    run_tracker,
    seed,
    seeded_engine,
    write_config,
)
from tracker.store.db import make_engine

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

SEOUL = ZoneInfo("Asia/Seoul")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
ENTRY_ORDER = [
    "Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
    "Safeguards for Automated Decision Systems; Proposed Rule",  # US: rule (oldest) ...
    "FTC Announces Crackdown on Deceptive AI Claims and Schemes",  # ... enforcement ...
    "Keep your AI claims in check",  # ... guidance (newest)
    CAC_TITLE,
    "Secretary-General welcomes the final report of the High-level Advisory Body on AI",
    KR_TITLE,
    "Guidance on AI and data protection updated",
]


def ko_date(moment: datetime) -> str:
    day = moment.astimezone(SEOUL)
    return f"{day.year}년 {day.month}월 {day.day}일"


def entry_block(markdown: str, title: str) -> str:
    """The lines of one entry: from its #### heading to the next heading."""
    start = markdown.index(f"#### {title}\n")
    rest = markdown[start + 5 :]
    end = re.search(r"^#{2,4} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def test_korean_markdown_grouped_ordered_and_sourced(tmp_path: Path, db_url: str) -> None:
    now = datetime.now(UTC)
    seeded_engine(db_url, now)
    config = write_config(tmp_path, db_url)

    result = run_tracker("digest", "--since", "14d", "--lang", "ko", "--config", str(config), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    first_day = (now - timedelta(days=14)).astimezone(SEOUL)
    assert out.startswith(f"## 「법/규제」 AI 규제 동향 ({ko_date(first_day)} ~ ")
    assert (
        "이번 기간 AI 규제 소식 8건: 유럽연합(EU) 1건, 미국 3건, 중국 1건, 유엔 1건, 한국 1건, 영국 1건."
        in out
    )
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == ["### 유럽연합(EU)", "### 미국", "### 중국", "### 유엔", "### 한국", "### 영국"]
    titles = [line[5:] for line in out.splitlines() if line.startswith("#### ")]
    assert titles == ENTRY_ORDER  # the AI Act's two changes are one entry
    for left_out in LEFT_OUT:
        assert left_out not in out

    ai_act = entry_block(out, ENTRY_ORDER[0])
    assert f"- EUR-Lex · {ko_date(now - timedelta(days=2))} · 법률·규정 · 개정" in ai_act
    assert "- **변경 사항:** Article 5 변경, Article 112a 신설" in ai_act
    assert "Article 5 (변경): 1. The following AI practices shall be prohibited" in ai_act
    assert f"- 원문: <{AI_ACT_URL}>" in ai_act

    ftc = entry_block(out, ENTRY_ORDER[2])  # dated by publication, not detection
    assert f"Federal Trade Commission · {ko_date(now - timedelta(days=6))} · 집행·제재 · 신규" in ftc
    assert "relied on artificial intelligence as a way to supercharge deceptive" in ftc
    assert "Operation AI Comply" not in ftc  # the first sentence is long enough on its own

    cac = entry_block(out, CAC_TITLE)  # the first Chinese sentence, cut at 。
    assert f"- {CAC_FIRST}\n" in cac and CAC_SECOND not in cac
    assert "- 国家互联网信息办公室 · " in cac and " · 의견수렴 · 신규" in cac
    assert KR_FIRST in entry_block(out, KR_TITLE)
    un_first_line = UN_EXCERPT.read_text(encoding="utf-8").splitlines()[0]
    assert un_first_line in entry_block(out, ENTRY_ORDER[5])
    assert "- Information Commissioner's Office · " in entry_block(out, ENTRY_ORDER[7])  # under 영국
    assert "자동 생성" not in out  # no summariser configured: nothing generated


def test_english_wording_and_dates(tmp_path: Path, db_url: str) -> None:
    now = datetime.now(UTC)
    seeded_engine(db_url, now)
    config = write_config(tmp_path, db_url, language="ko")

    result = run_tracker("digest", "--since", "14d", "--lang", "en", "--config", str(config), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## Law & regulation: AI regulation digest (")
    assert [line for line in out.splitlines() if line.startswith("### ")] == [
        "### European Union (EU)", "### United States", "### China", "### United Nations", "### Korea",
        "### United Kingdom",
    ]  # fmt: skip
    day = (now - timedelta(days=2)).astimezone(SEOUL)
    month = MONTHS[day.month - 1]
    assert f"- EUR-Lex · {day.day} {month} {day.year} · Law / regulation · Amended" in out
    assert "- **What changed:** Article 5 changed, Article 112a added" in out
    assert "Article 5 (changed): 1. The following" in out
    assert "8 AI regulation updates this period: European Union (EU) 1, United States 3," in out


def test_html_is_well_formed_and_escaped(tmp_path: Path, db_url: str) -> None:
    now = datetime.now(UTC)
    engine = seeded_engine(db_url, now)
    seed(
        engine,
        [
            change(
                now, 1, endpoint_key="eu_edpb/news", source_id="eu_edpb", stable_id="hostile", title=HOSTILE,
                url="javascript:alert(1)", jurisdiction="EU", regulator="<b>EDPB</b>", doc_type="guidance",
                relevance="ai_other", summary="<img src=x onerror=alert(1)> is what the page said.",
            )
        ],
    )  # fmt: skip
    config = write_config(tmp_path, db_url)
    out_file = tmp_path / "digest.html"

    result = run_tracker(
        "digest", "--since", "14d", "--lang", "en", "--format", "html", "--out", str(out_file),
        "--config", str(config), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = out_file.read_text(encoding="utf-8")
    root = etree.fromstring(text.encode("utf-8"))  # well-formed: parses as XML too
    assert root.tag == "html" and root.get("lang") == "en"
    doc = lxml_html.document_fromstring(text)
    assert doc.xpath("//script|//img|//b") == []
    assert [h.text_content() for h in doc.xpath("//h2")] == [
        "European Union (EU)", "United States", "China", "United Nations", "Korea", "United Kingdom",
    ]  # fmt: skip
    titles = [h.text_content() for h in doc.xpath("//h3")]
    assert titles[0] == ENTRY_ORDER[0]  # a rule before guidance
    assert HOSTILE in titles  # shown literally
    hrefs = doc.xpath("//a/@href")
    assert AI_ACT_URL in hrefs and all(h.startswith("https://") for h in hrefs)
    assert doc.xpath("//h3[@lang='zh']")[0].text_content() == CAC_TITLE
    assert "<img src=x onerror=alert(1)> is what the page said." in doc.text_content()


def test_days_out_file_and_usage_errors(tmp_path: Path, db_url: str) -> None:
    now = datetime.now(UTC)
    seeded_engine(db_url, now)
    config = str(write_config(tmp_path, db_url))
    # Only the days of the FTC enforcement item's detection (5 days ago) and the CAC one (4 days ago).
    first = (now - timedelta(days=5)).astimezone(SEOUL).date()
    last = (now - timedelta(days=4)).astimezone(SEOUL).date()
    out_file = tmp_path / "out" / "digest.md"

    result = run_tracker(
        "digest", "--from", first.isoformat(), "--to", last.isoformat(), "--out", str(out_file),
        "--config", config, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    text = out_file.read_text(encoding="utf-8")
    titles = [line[5:] for line in text.splitlines() if line.startswith("#### ")]
    assert titles == ["FTC Announces Crackdown on Deceptive AI Claims and Schemes", CAC_TITLE]
    assert "digest written to" in result.stderr
    for bad in (
        ("--since", "14d", "--from", "2026-01-01"),
        ("--to", "2026-01-01"),
        ("--from", "2026-02-01", "--to", "2026-01-01"),
        ("--from", "yesterday"),
        ("--lang", "fr"),
        ("--format", "pdf"),
        ("--post",),  # no Slack credentials in the environment
    ):
        refused = run_tracker("digest", *bad, "--config", config, cwd=tmp_path)
        assert refused.returncode == 2, (bad, refused.stdout, refused.stderr)


def test_empty_fortnight_is_one_line(tmp_path: Path, db_url: str) -> None:
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    old = change(
        now, 30, endpoint_key="a/b", source_id="a", stable_id="old", title="Old AI rule",
        url="https://a.example/old", jurisdiction="EU", regulator="R", relevance="ai_rule",
    )  # fmt: skip
    seed(engine, [old])
    config = str(write_config(tmp_path, db_url))

    for lang, needle in (
        ("ko", "이번 기간에는 새로운 AI 규제 소식이 없습니다."),
        ("en", "no new AI regulation items"),
    ):
        result = run_tracker("digest", "--since", "14d", "--lang", lang, "--config", config, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("\n") == 1 and needle in result.stdout
        assert "Old AI rule" not in result.stdout

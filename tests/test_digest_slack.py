"""The digest in Slack: Block Kit within Slack's limits, posted through slack-sdk to the fake Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.digest_support import (
    CAC_TITLE,
    HOSTILE,
    change,
    many_changes,
    run_tracker,
    seed,
    seeded_engine,
    write_config,
)
from tests.fake_slack import FakeSlack
from tests.fake_slack_wire import validate_blocks
from tracker.config import Config, DigestSection, SlackSection, TrackerSection
from tracker.digest import build_digest
from tracker.digest.collect import Period
from tracker.digest.post import post_digest
from tracker.digest.render_slack import INLINE_ENTRIES, block_chars, render_slack
from tracker.store.db import make_engine

TOKEN = "xoxb-digest-test-token-42"
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=TOKEN, channels=["ai-regulation", "digest"]).start()
    try:
        yield fake
    finally:
        fake.stop()


def slack_config(fake: FakeSlack, db_url: str, channel: str = "#digest") -> Config:
    return Config(
        tracker=TrackerSection(database=db_url),
        slack=SlackSection(base_url=fake.base_url, per_channel_interval=0),
        digest=DigestSection(channel=channel),
    )


def section_texts(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def test_cli_posts_parent_and_entries_in_its_thread(tmp_path: Path, db_url: str, slack: FakeSlack) -> None:
    now = datetime.now(UTC)
    seeded_engine(db_url, now)
    config = tmp_path / "config.toml"
    write_config(tmp_path, db_url, channel="#digest")
    config.write_text(
        config.read_text() + f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n'
    )

    result = run_tracker(
        "digest", "--since", "14d", "--lang", "ko", "--format", "slack", "--post", "--config", str(config),
        cwd=tmp_path, env={"SLACK_BOT_TOKEN": TOKEN},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    posted = slack.posted("#digest")
    assert len(posted) == len(printed) == 2  # 8 entries: more than fit in one message
    parent, reply = posted
    assert parent["thread_ts"] is None and reply["thread_ts"] == parent["ts"]
    assert parent["blocks"][0]["text"]["text"].startswith("「법/규제」 AI 규제 동향 (")
    assert "유럽연합(EU) 1건, 미국 3건, 중국 1건, 유엔 1건, 한국 1건, 영국 1건" in section_texts(parent)[0]
    headers = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "header"]
    assert headers == ["유럽연합(EU)", "미국", "중국", "유엔", "한국", "영국"]
    entries = section_texts(reply)
    assert entries[0].startswith("*Regulation (EU) 2024/1689 (Artificial Intelligence Act)*")
    assert "*변경 사항:* Article 5 변경, Article 112a 신설" in entries[0]
    assert (
        "<https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:32024R1689|eur-lex.europa.eu>"
        in (entries[0])
    )
    assert any(text.startswith(f"*{CAC_TITLE}*") for text in entries)
    assert "posted to #digest: 2 message(s)" in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert all(m["metadata"]["event_type"] == "tracker_alert" for m in posted)  # sent through the outbox


def test_empty_fortnight_posts_one_line(tmp_path: Path, db_url: str, slack: FakeSlack) -> None:
    make_engine(db_url)
    config = write_config(tmp_path, db_url, channel="#digest")
    config.write_text(
        config.read_text() + f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n'
    )

    result = run_tracker(
        "digest", "--since", "14d", "--lang", "ko", "--post", "--config", str(config), cwd=tmp_path,
        env={"SLACK_BOT_TOKEN": TOKEN},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    posted = slack.posted("#digest")
    assert len(posted) == 1
    assert posted[0]["blocks"] == []
    assert posted[0]["text"].endswith("이번 기간에는 새로운 AI 규제 소식이 없습니다.")
    assert posted[0]["text"] == result.stdout.strip()


def test_refused_post_exits_1_and_says_what_to_do(tmp_path: Path, db_url: str, slack: FakeSlack) -> None:
    seeded_engine(db_url, datetime.now(UTC))
    config = write_config(tmp_path, db_url, channel="#nowhere")
    config.write_text(
        config.read_text() + f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n'
    )

    result = run_tracker(
        "digest", "--since", "14d", "--post", "--config", str(config), cwd=tmp_path,
        env={"SLACK_BOT_TOKEN": TOKEN},
    )  # fmt: skip

    assert result.returncode == 1
    assert "channel_not_found" in result.stderr and "tracker alerts retry" in result.stderr
    assert result.stdout.startswith("## 「법/규제」")  # the digest itself was still written


def test_long_digest_splits_within_slack_limits(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    seed(engine, many_changes(now, 130))
    config = slack_config(slack, db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    digest = build_digest(config, engine, Period.ending(now, 14 * 86400, SEOUL), "en")

    messages = render_slack(digest)
    report = post_digest(engine, config, messages, "#digest")

    assert report.ok, report.errors
    posted = slack.posted("#digest")
    assert len(posted) == len(messages) >= 4  # a parent and several thread messages
    parent, *replies = posted
    assert all(m["thread_ts"] == parent["ts"] for m in replies)
    for message in messages:
        assert validate_blocks(message["blocks"]) == []
        assert len(message["blocks"]) <= 50
        assert 0 < len(message["text"]) <= 300
        # Slack refuses messages over ~13,200 characters of block text (msg_blocks_too_long).
        assert sum(block_chars(b) for b in message["blocks"]) <= 13_000
    # Every entry exactly once, in digest order, each section cut to fit.
    shown = [text for m in replies for text in section_texts(m)]
    expected = [e.title[:30] for e in digest.entries]
    assert [text[1:31] for text in shown] == expected
    assert all(len(text) <= 3000 for text in shown)
    assert any(text.rstrip().endswith("…") or "…" in text for text in shown)  # long texts were cut, marked
    continued = [b["text"]["text"] for m in replies for b in m["blocks"] if b["type"] == "header"]
    assert any(h.endswith("(continued)") for h in continued)


def test_short_digest_is_one_message(db_url: str, slack: FakeSlack) -> None:
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    seed(engine, many_changes(now, INLINE_ENTRIES))
    config = slack_config(slack, db_url)
    digest = build_digest(config, engine, Period.ending(now, 14 * 86400, SEOUL), "ko")

    messages = render_slack(digest)

    assert len(messages) == 1
    blocks = messages[0]["blocks"]
    assert blocks[0]["type"] == "header" and validate_blocks(blocks) == []
    assert sum(1 for b in blocks if b["type"] == "section") == INLINE_ENTRIES + 1  # opening line + entries


def test_scraped_text_cannot_ping_or_hide_links(db_url: str, slack: FakeSlack) -> None:
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    hostile = change(
        now, 1, endpoint_key="eu_edpb/news", source_id="eu_edpb", stable_id="x", title=HOSTILE,
        url="https://edpb.europa.eu/news?a=1&b=<2>|x", jurisdiction="EU", regulator="<!here> EDPB @channel",
        doc_type="guidance", relevance="ai_other",
        summary="See <https://evil.example|the official text> now.",
    )  # fmt: skip
    seed(engine, [hostile])
    config = slack_config(slack, db_url)
    digest = build_digest(config, engine, Period.ending(now, 14 * 86400, SEOUL), "en")

    (message,) = render_slack(digest)
    entry = section_texts(message)[1]

    assert "<!channel>" not in entry and "&lt;!channel&gt;" in entry
    assert "<!here>" not in entry and "@\u200dchannel" in entry
    assert "<https://evil.example|" not in entry and "&lt;https://evil.example|the official text&gt;" in entry
    assert entry.endswith("Source: <https://edpb.europa.eu/news?a=1&amp;b=%3C2%3E%7Cx|edpb.europa.eu>")
    assert message["blocks"][0]["text"]["type"] == "plain_text"

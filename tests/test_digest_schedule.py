"""run_scheduled_digest: the file in [digest].out_dir, the post to [digest].channel, every other week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.digest_support import CAC_TITLE, seeded_engine
from tests.fake_slack import FakeSlack
from tracker.config import Config, DigestSection, SlackSection, TrackerSection
from tracker.digest import last_digest_date, run_scheduled_digest

TOKEN = "xoxb-scheduled-digest-token"
# A Monday, 09:00 in Seoul: when the default cron ("0 9 * * mon", Asia/Seoul) fires.
MONDAY_9_SEOUL = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    fake = FakeSlack(token=TOKEN, channels=["ai-regulation", "digest"]).start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    try:
        yield fake
    finally:
        fake.stop()


def config(tmp_path: Path, db_url: str, fake: FakeSlack, **digest: object) -> Config:
    return Config(
        tracker=TrackerSection(database=db_url),
        slack=SlackSection(base_url=fake.base_url, per_channel_interval=0),
        digest=DigestSection(out_dir="digests", **digest),  # type: ignore[arg-type]
        base_dir=tmp_path,
    )


def test_writes_posts_and_waits_a_fortnight(tmp_path: Path, db_url: str, slack: FakeSlack) -> None:
    engine = seeded_engine(db_url, MONDAY_9_SEOUL)
    cfg = config(tmp_path, db_url, slack, channel="#digest")

    path = run_scheduled_digest(cfg, engine, now=MONDAY_9_SEOUL)

    assert path == tmp_path / "digests" / "digest-2026-11-30.ko.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("## 「법/규제」 AI 규제 동향 (2026년 11월 16일 ~ 11월 30일)")
    assert f"#### {CAC_TITLE}" in text and "- **변경 사항:** Article 5 변경, Article 112a 신설" in text
    posted = slack.posted("#digest")
    assert len(posted) == 2 and posted[1]["thread_ts"] == posted[0]["ts"]
    assert last_digest_date(tmp_path / "digests") == MONDAY_9_SEOUL.date()

    # The job runs again the same morning (a restart): nothing new is written or posted.
    assert run_scheduled_digest(cfg, engine, now=MONDAY_9_SEOUL + timedelta(minutes=5)) is None
    # A week later: not a digest week.
    assert run_scheduled_digest(cfg, engine, now=MONDAY_9_SEOUL + timedelta(days=7)) is None
    assert len(slack.posted("#digest")) == 2
    assert sorted(p.name for p in (tmp_path / "digests").iterdir()) == ["digest-2026-11-30.ko.md"]

    # Two weeks later: the next digest. Nothing was detected since, so it says so in one line.
    later = run_scheduled_digest(cfg, engine, now=MONDAY_9_SEOUL + timedelta(days=14))
    assert later == tmp_path / "digests" / "digest-2026-12-14.ko.md"
    assert later.read_text(encoding="utf-8") == (
        "「법/규제」 2026년 11월 30일 ~ 12월 14일: 이번 기간에는 새로운 AI 규제 소식이 없습니다.\n"
    )
    posted = slack.posted("#digest")
    assert len(posted) == 3 and posted[2]["blocks"] == [] and posted[2]["thread_ts"] is None
    assert posted[2]["text"].endswith("새로운 AI 규제 소식이 없습니다.")


def test_weekly_when_not_every_other_week_and_no_channel_no_post(
    tmp_path: Path, db_url: str, slack: FakeSlack
) -> None:
    engine = seeded_engine(db_url, MONDAY_9_SEOUL)
    cfg = config(tmp_path, db_url, slack, every_other_week=False, period="7d", language="en")

    first = run_scheduled_digest(cfg, engine, now=MONDAY_9_SEOUL)
    second = run_scheduled_digest(cfg, engine, now=MONDAY_9_SEOUL + timedelta(days=7))

    assert first is not None and first.name == "digest-2026-11-30.en.md"
    assert second is not None and second.name == "digest-2026-12-07.en.md"
    text = first.read_text(encoding="utf-8")
    assert text.startswith("## Law & regulation: AI regulation digest (23 November – 30 November 2026)")
    # A 7-day period: the rule detected 11 days before is not in it, the enforcement 5 days before is.
    assert "Safeguards for Automated Decision Systems" not in text
    assert "FTC Announces Crackdown on Deceptive AI Claims and Schemes" in text
    assert slack.posted("#digest") == [] and slack.posted("#ai-regulation") == []

"""The regulators added in December (UK, Japan, international fora) get their own digest sections in both
languages, not "Others"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.alerts_support import make_change
from tracker.digest.collect import Period, collect
from tracker.digest.render import render
from tracker.store.db import make_engine, transaction

SEOUL = ZoneInfo("Asia/Seoul")


def test_uk_japan_and_international_have_sections(db_url: str) -> None:
    engine = make_engine(db_url)
    now = datetime.now(UTC)
    with transaction(engine) as session:
        for n, (jurisdiction, regulator) in enumerate(
            (("UK", "ICO"), ("JP", "Cabinet Office"), ("INT", "Council of Europe"), ("XX", "Elsewhere"))
        ):
            session.add(
                make_change(
                    endpoint_key=f"s{n}/e",
                    source_id=f"s{n}",
                    document_key=f"s{n}/e#{n}",
                    stable_id=str(n),
                    url=f"https://reg{n}.example/{n}",
                    title=f"Guidance on artificial intelligence number {n}",
                    jurisdiction=jurisdiction,
                    regulator=regulator,
                    detected_at=now - timedelta(hours=1),
                )
            )
    period = Period.ending(now, 14 * 86400, SEOUL)
    english = collect(engine, period, "en", SEOUL)
    assert [group for group, _ in english.groups] == ["UK", "JP", "INT", "OTHER"]
    markdown = render(english, "markdown")
    assert (
        "### United Kingdom" in markdown
        and "### Japan" in markdown
        and "### International organisations" in markdown
    )
    korean = render(collect(engine, period, "ko", SEOUL), "markdown")
    assert "### 영국" in korean and "### 일본" in korean and "### 국제기구" in korean and "### 기타" in korean

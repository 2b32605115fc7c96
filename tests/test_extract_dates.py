"""parse_date: the forms regulators write, always timezone-aware, None when unreadable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tracker.extract.dates import from_timestamp, parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 14 Jul 2026 08:00:00 -0400", datetime(2026, 7, 14, 8, tzinfo=timezone(timedelta(hours=-4)))),
        ("Tue, 14 Jul 2026 08:00:00 GMT", datetime(2026, 7, 14, 8, tzinfo=UTC)),
        ("2026-09-29T12:45:00Z", datetime(2026, 9, 29, 12, 45, tzinfo=UTC)),
        ("2026-09-29T10:15:06-04:00", datetime(2026, 9, 29, 10, 15, 6, tzinfo=timezone(timedelta(hours=-4)))),
        ("2026-09-18", datetime(2026, 9, 18, tzinfo=UTC)),
        ("2026-09-18 17:00:00", datetime(2026, 9, 18, 17, tzinfo=UTC)),
        ("2026年09月18日 17:00", datetime(2026, 9, 18, 17, tzinfo=UTC)),
        ("2026年9月18日", datetime(2026, 9, 18, tzinfo=UTC)),
        ("2026. 10. 1", datetime(2026, 10, 1, tzinfo=UTC)),
        ("2026.10.01", datetime(2026, 10, 1, tzinfo=UTC)),
        ("12.7.2024", datetime(2024, 7, 12, tzinfo=UTC)),
        ("20260721", datetime(2026, 7, 21, tzinfo=UTC)),
        ("13 June 2024", datetime(2024, 6, 13, tzinfo=UTC)),
        ("July 14, 2026", datetime(2026, 7, 14, tzinfo=UTC)),
    ],
)
def test_common_forms(text: str, expected: datetime) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


def test_rfc822_offset_is_kept_and_converts_correctly() -> None:
    parsed = parse_date("Tue, 14 Jul 2026 08:00:00 -0400")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=-4)
    assert parsed.astimezone(UTC) == datetime(2026, 7, 14, 12, tzinfo=UTC)


def test_naive_values_take_the_default_zone() -> None:
    parsed = parse_date("2026年09月18日 17:00", default_tz="Asia/Shanghai")
    assert parsed == datetime(2026, 9, 18, 17, tzinfo=SHANGHAI)
    assert parsed is not None and parsed.astimezone(UTC) == datetime(2026, 9, 18, 9, tzinfo=UTC)
    assert parse_date("2026-09-18", default_tz=SHANGHAI) == datetime(2026, 9, 18, tzinfo=SHANGHAI)
    # an explicit offset wins over the default zone
    assert parse_date("2026-09-18T17:00:00+00:00", default_tz=SHANGHAI) == datetime(
        2026, 9, 18, 17, tzinfo=UTC
    )


def test_explicit_format() -> None:
    assert parse_date("24092026", "%d%m%Y") == datetime(2026, 9, 24, tzinfo=UTC)
    # a failing format falls back to the usual forms
    assert parse_date("2026-09-24", "%d%m%Y") == datetime(2026, 9, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["{{DATE-3}}", "{{CN_DATE+26}}", "", "   ", "yesterday", "2026-02-30", "99.99.2026"]
)
def test_unreadable_is_none(text: str) -> None:
    assert parse_date(text) is None


def test_from_timestamp_seconds_and_milliseconds() -> None:
    assert from_timestamp(1_782_000_000) == datetime.fromtimestamp(1_782_000_000, tz=UTC)
    assert from_timestamp(1_782_000_000_000) == datetime.fromtimestamp(1_782_000_000, tz=UTC)

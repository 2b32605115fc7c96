"""Dates as regulators write them, parsed to timezone-aware datetimes.

Never raises: an unparseable value (including the `{{DATE-3}}` tokens of trimmed samples) is None,
because a missing date must not make a whole list unreadable.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_TIME = r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
# 2026年09月18日 17:00 / 2026年9月18日 (CAC); 2026. 10. 1 / 2026.10.01 / 2026/10/01 (Korea, misc.)
_CJK = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + _TIME + r"\s*$")
_YMD = re.compile(r"^(\d{4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\.?" + _TIME + r"\s*$")
# 12.7.2024 (the Official Journal's header), 18/09/2026: day first, as in Europe
_DMY = re.compile(r"^(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})" + _TIME + r"\s*$")
_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")  # 20260721 (law.go.kr)
_DAY_MONTH_YEAR = re.compile(r"^(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})" + _TIME + r"\s*$")
_MONTH_DAY_YEAR = re.compile(r"^(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME + r"\s*$")


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _as_tz(default_tz: str | tzinfo | None) -> tzinfo:
    if default_tz is None:
        return UTC
    return _zone(default_tz) if isinstance(default_tz, str) else default_tz


def _aware(value: datetime, tz: tzinfo) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _build(
    y: str, mo: str | int, d: str, hh: str | None = None, mm: str | None = None, ss: str | None = None
) -> datetime:
    return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))


def parse_date(text: str, fmt: str | None = None, default_tz: str | tzinfo | None = "UTC") -> datetime | None:
    """Parse a date or date-time; naive values are read in `default_tz`. None when unreadable.

    `fmt` is a strptime format (e.g. "%d%m%Y" for the Press Corner's DDMMYYYY); when it fails, the
    usual forms are still tried.
    """
    if text is None:
        return None
    value = str(text).strip()
    if not value or len(value) > 100:
        return None
    tz = _as_tz(default_tz)
    if fmt:
        try:
            return _aware(datetime.strptime(value, fmt), tz)
        except ValueError:
            pass
    try:
        return _parse_common(value, tz)
    except (ValueError, OverflowError):
        return None


def _parse_common(value: str, tz: tzinfo) -> datetime | None:
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        return _aware(datetime.fromisoformat(iso), tz)
    except ValueError:
        pass
    if m := _COMPACT.match(value):
        return _build(*m.groups()).replace(tzinfo=tz)
    for pattern in (_CJK, _YMD):
        if m := pattern.match(value):
            return _build(*m.groups()).replace(tzinfo=tz)
    if m := _DMY.match(value):
        d, mo, y, hh, mm, ss = m.groups()
        return _build(y, mo, d, hh, mm, ss).replace(tzinfo=tz)
    if value[:1].isalpha() or value[:1].isdigit():
        rfc = _parse_rfc822(value, tz)
        if rfc is not None:
            return rfc
    if m := _DAY_MONTH_YEAR.match(value):
        d, month, y, hh, mm, ss = m.groups()
        if (mo := _MONTHS.get(month.lower())) is not None:
            return _build(y, mo, d, hh, mm, ss).replace(tzinfo=tz)
    if m := _MONTH_DAY_YEAR.match(value):
        month, d, y, hh, mm, ss = m.groups()
        if (mo := _MONTHS.get(month.lower())) is not None:
            return _build(y, mo, d, hh, mm, ss).replace(tzinfo=tz)
    return None


def _parse_rfc822(value: str, tz: tzinfo) -> datetime | None:
    """RFC 822 / 2822 ("Tue, 14 Jul 2026 08:00:00 -0400"); "-0000" means UTC, no zone means `tz`."""
    if not re.search(r"\d{1,2}:\d{2}", value):
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        # "-0000" is the RFC's "zone unknown, the value is UTC"; a value without any zone is local
        return parsed.replace(tzinfo=UTC if value.rstrip().endswith("-0000") else tz)
    return parsed


def from_timestamp(value: float) -> datetime | None:
    """Epoch seconds, or milliseconds when the number is too large to be seconds."""
    try:
        seconds = value / 1000 if abs(value) > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None

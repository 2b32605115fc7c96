"""The roundups: digest periods listed newest first, each built by tracker.digest from the database.

A period is named by its days, /roundups/2026-11-16--2026-11-29, so any link stays valid. The list
offers the periods of `[digest].period` (14 days by default) counted from a fixed Monday in the digest's
time zone, newest (the running one, so far) first, back to the oldest relevant change. Building a page
never calls the summariser: a page view sends nothing anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from tracker.config import Config
from tracker.digest.collect import Digest, Period
from tracker.digest.i18n import LANGUAGES, Lang

ANCHOR = date(2024, 1, 1)  # a Monday: fortnights run Monday to Sunday
MAX_LISTED = 52
MAX_DAYS = 366  # the longest period a URL may ask for
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})--(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class PeriodLink:
    first: date
    last: date
    running: bool  # today is in it: the roundup so far
    changes: int  # relevant changes detected in it

    @property
    def name(self) -> str:
        return f"{self.first.isoformat()}--{self.last.isoformat()}"


def period_days(config: Config) -> int:
    return max(1, round(config.digest.period / 86400))


def parse_name(name: str) -> tuple[date, date] | None:
    """'2026-11-16--2026-11-29' -> the two days, or None when it names no sensible period."""
    match = _NAME.match(name)
    if not match:
        return None
    try:
        first, last = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError:
        return None
    if last < first or (last - first).days >= MAX_DAYS:
        return None
    return first, last


def language(value: str | None, config: Config) -> Lang:
    return value if value in LANGUAGES else config.digest.language


def list_periods(config: Config, engine: Engine, now: datetime) -> list[PeriodLink]:
    from tracker.digest.collect import relevant_changes
    from tracker.web.queries import oldest_relevant_change

    tz = ZoneInfo(config.digest.timezone)
    today = now.astimezone(tz).date()
    days = period_days(config)
    oldest = oldest_relevant_change(engine)
    oldest_day = oldest.astimezone(tz).date() if oldest else today
    first = ANCHOR + timedelta(days=((today - ANCHOR).days // days) * days)
    spans: list[tuple[date, date]] = []
    while len(spans) < MAX_LISTED and first + timedelta(days=days - 1) >= oldest_day:
        spans.append((first, first + timedelta(days=days - 1)))
        first -= timedelta(days=days)
    if not spans:
        return []
    whole = Period.days(spans[-1][0], spans[0][1], tz)
    counts = dict.fromkeys(spans, 0)
    for change in relevant_changes(engine, whole):  # one query for the whole list
        day = change.detected_at.astimezone(tz).date()
        for span in spans:
            if span[0] <= day <= span[1]:
                counts[span] += 1
                break
    return [PeriodLink(a, b, a <= today <= b, counts[(a, b)]) for a, b in spans]


def build(config: Config, engine: Engine, first: date, last: date, lang: Lang) -> Digest:
    from tracker.digest import build_digest

    period = Period.days(first, last, ZoneInfo(config.digest.timezone))
    return build_digest(config, engine, period, lang, summariser=False)

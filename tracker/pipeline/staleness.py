"""Staleness: an endpoint whose newest item is far older than its usual rhythm may have lost its list.

A site that moves its press releases to a new page often leaves the old one in place, frozen: every
check is "ok", nothing is ever new. The rhythm is learnt from the endpoint's own items (the median gap
between consecutive publication dates) or declared (`expect.max_age`); the endpoint is stale when its
newest item is older than stale_factor x that gap, and never before [check].stale_min.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker.config import CheckSection, parse_duration
from tracker.specs import SourceSpec, endpoint_key
from tracker.store.models import Item

RHYTHM_DATES = 31  # the newest dates the rhythm is learnt from (30 gaps)
MIN_GAPS = 3  # fewer gaps than this teach no rhythm: only a declared max_age applies


@dataclass(frozen=True, slots=True)
class Staleness:
    newest: datetime | None
    usual_gap: timedelta | None  # None: not enough dated items to know
    limit: timedelta | None  # how old the newest item may be; None: no rhythm known, nothing declared
    stale: bool
    reason: str  # for people: why it is (or would be) stale


def _median(gaps: Sequence[timedelta]) -> timedelta:
    """statistics.median's rule (the middle gap, or the mean of the two middle ones), typed for timedeltas:
    its stubs take numbers only."""
    ordered = sorted(gaps)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _days(delta: timedelta) -> str:
    days = delta.total_seconds() / 86400
    return f"{days:.0f} days" if days >= 2 else f"{delta.total_seconds() / 3600:.0f} hours"


def assess(
    dates: Sequence[datetime], now: datetime, *, check: CheckSection, declared_max_age: str | None = None
) -> Staleness:
    """Staleness of one endpoint from the publication dates of its items (any order)."""
    if not dates:
        return Staleness(None, None, None, False, "no dated items")
    ordered = sorted(set(dates), reverse=True)[:RHYTHM_DATES]
    newest = ordered[0]
    gaps = [later - earlier for later, earlier in itertools.pairwise(ordered)]
    usual = _median(gaps) if len(gaps) >= MIN_GAPS else None
    if declared_max_age is not None:
        limit: timedelta | None = timedelta(seconds=parse_duration(declared_max_age))
        basis = "declared"
    elif usual is not None:
        limit = max(usual * check.stale_factor, timedelta(seconds=check.stale_min))
        basis = f"usually one every {_days(usual)}"
    else:
        return Staleness(newest, None, None, False, "too few dated items to learn a rhythm")
    assert limit is not None
    age = now - newest
    stale = age > limit
    reason = f"newest item {newest:%Y-%m-%d} is {_days(age)} old ({basis}; limit {_days(limit)})"
    return Staleness(newest, usual, limit, stale, reason)


def staleness_by_endpoint(
    session: Session, sources: Sequence[SourceSpec], now: datetime, check: CheckSection
) -> dict[str, Staleness]:
    """Every item endpoint of these sources that has dated items, by endpoint key."""
    declared = {endpoint_key(s.id, e.id): e.expect.max_age for s in sources for e in s.endpoints}
    dates: dict[str, list[datetime]] = defaultdict(list)
    keys = list(declared)
    for chunk in (keys[i : i + 500] for i in range(0, len(keys), 500)):
        rows = session.exec(
            select(Item.endpoint_key, Item.published_at).where(
                col(Item.endpoint_key).in_(chunk), col(Item.published_at).is_not(None)
            )
        )
        for key, published in rows:
            if published is not None:
                dates[key].append(published)
    return {
        key: assess(found, now, check=check, declared_max_age=declared[key]) for key, found in dates.items()
    }


__all__ = ["Staleness", "assess", "staleness_by_endpoint"]

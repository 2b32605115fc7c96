"""What a detail page added to a listed item, and how a later check keeps it.

The CAC's lists give a title cut short ("…") and no text; the detail stage (tracker.pipeline.detail)
completes the item from its own page. When the list is read again (or re-derived from a snapshot), the
completed fields carry forward unless the list itself now says something else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tracker.types import ExtractedItem

# meta keys the detail stage owns; "detail_url" also marks an item as completed
DETAIL_URL, ATTACHMENTS = "detail_url", "attachments"
_TRUNCATED = ("...", "…")


def completed_title(list_title: str, detail_title: str, stable_id: str, url: str) -> str:
    """The list's title unless it is missing or cut short ("…") and the detail page has the whole one."""
    if not detail_title:
        return list_title
    if not list_title or list_title in (stable_id, url):
        return detail_title
    stem = list_title.rstrip(".…").rstrip()
    if list_title.endswith(_TRUNCATED) and detail_title.startswith(stem):
        return detail_title
    return list_title


def carry_forward(item: ExtractedItem, stored: ExtractedItem) -> ExtractedItem:
    """A listed item that was completed before: keep what its detail page gave it, unless the list
    itself now says something else (a new title or summary is a real change)."""
    if DETAIL_URL not in stored.meta:
        return item
    if item.summary and not stored.summary.startswith(item.summary):
        return item
    meta = {**item.meta, **{k: v for k, v in stored.meta.items() if k in (DETAIL_URL, ATTACHMENTS)}}
    return replace(
        item,
        title=completed_title(item.title, stored.title, item.stable_id, item.url),
        summary=stored.summary,
        # the list's date first: SQLite gives stored times back without their offset
        published_at=item.published_at or _aware(stored.published_at),
        meta=meta,
    )


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


__all__ = ["ATTACHMENTS", "DETAIL_URL", "carry_forward", "completed_title"]

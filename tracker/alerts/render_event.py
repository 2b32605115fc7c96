"""The thread reply for a change that is part of an event already alerted: "also published by …".

One event, one top-level message: the Federal Register notice of an FTC action, the UN News story of a
report already announced, the 政策法规 listing of a CAC measure, reply in the first alert's thread.
"""

from __future__ import annotations

from typing import Any

from tracker.alerts.escape import escape_mrkdwn, fit, one_line
from tracker.alerts.render import FALLBACK_MAX, _button, _context, _mrkdwn
from tracker.store.models import Change


def render_event_reply(change: Change, reason: str) -> dict[str, Any]:
    """Block Kit payload {"text", "blocks"} for a reply in the event's thread (change.id must be set)."""
    where = escape_mrkdwn(one_line(change.regulator))
    title = escape_mrkdwn(one_line(change.title))
    published = f" · published {change.published_at.date().isoformat()}" if change.published_at else ""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": _mrkdwn(f"*Also published by {where}:* {title}{published}")},
        _context(f"one event: {escape_mrkdwn(one_line(reason))}", f"Change #{change.id}"),
    ]
    button = _button(change.url)
    if button:
        blocks.append(button)
    fallback = f"Also published by {one_line(change.regulator)}: {one_line(change.title)}"
    return {"text": fit(escape_mrkdwn(fallback), FALLBACK_MAX), "blocks": blocks}


__all__ = ["render_event_reply"]

"""Messages that stand for several alerts: a flood summary, the rest of its list, grouped notices.

A flood summary (more than `[slack].flood_threshold` change alerts due at once in one channel):
  header   "42 new entries from 3 sources"
  context  per endpoint counts
  section  the first SHOWN titles, each linked to its page
  section  where the rest is: this message's thread (bot token), and `tracker history` / `tracker show`
  context  the change ids it stands for
The thread then lists the rest, PART_SIZE entries per message. Grouped operations notices list one line per
notice. Scraped text goes through `escape_mrkdwn` as in render.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from tracker.alerts.escape import escape, escape_code, escape_mrkdwn, fit, fit_lines, one_line
from tracker.alerts.render import (
    CONTEXT_ELEMENT_MAX,
    FALLBACK_MAX,
    HEADER_MAX,
    MAX_BLOCKS,
    SECTION_MAX,
    safe_link,
)
from tracker.store.models import Change
from tracker.types import ChangeKind

SHOWN = 10  # titles in the summary itself
PART_SIZE = 100  # titles per thread reply
TITLE_MAX = 150
LINK_URL_MAX = 500  # a longer address is left out of the list line (the title stays)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(fit(text, CONTEXT_ELEMENT_MAX))]}


def entry_line(change: Change) -> str:
    """ "• <url|title> · EU · European Commission": one list entry in mrkdwn, scraped text neutralised."""
    title = fit(escape_mrkdwn(one_line(change.title)) or "(untitled)", TITLE_MAX)
    link = safe_link(change.url)
    if link and len(link) <= LINK_URL_MAX and not any(c in link for c in "<>|"):
        title = f"<{link.replace('&', '&amp;')}|{title}>"
    where = " · ".join(
        escape_mrkdwn(one_line(part)) for part in (change.jurisdiction, change.regulator) if part
    )
    updated = "updated: " if change.kind == ChangeKind.CHANGED_ITEM else ""
    return f"• {updated}{title}" + (f" · {where}" if where else "") + f" · #{change.id}"


def _sections(lines: list[str], max_sections: int) -> list[dict[str, Any]]:
    """Lines packed into sections of at most SECTION_MAX characters, cut at a line."""
    sections: list[dict[str, Any]] = []
    current: list[str] = []
    for line in lines:
        line = fit(line, SECTION_MAX)
        if current and len("\n".join([*current, line])) > SECTION_MAX:
            sections.append({"type": "section", "text": _mrkdwn("\n".join(current))})
            current = []
        current.append(line)
    if current:
        sections.append({"type": "section", "text": _mrkdwn("\n".join(current))})
    return sections[:max_sections]


def _change_ids(changes: Sequence[Change]) -> str:
    ids = sorted(c.id for c in changes if c.id is not None)
    if not ids:
        return ""
    return f"#{ids[0]}" if len(ids) == 1 else f"#{ids[0]}–#{ids[-1]}"


def render_flood_summary(changes: Sequence[Change], *, rest_in_thread: bool) -> dict[str, Any]:
    """The one message that stands for many change alerts of a channel."""
    total = len(changes)
    new = sum(1 for c in changes if c.kind == ChangeKind.NEW_ITEM)
    sources = Counter(c.endpoint_key for c in changes)
    what = "new entries" if new == total else "new or updated entries"
    noun = "source" if len({c.source_id for c in changes}) == 1 else "sources"
    header = f"{total} {what} from {len({c.source_id for c in changes})} {noun}"
    per_endpoint = ", ".join(f"{escape_mrkdwn(key)}: {n}" for key, n in sources.most_common(6))
    if len(sources) > 6:
        per_endpoint += f", {len(sources) - 6} more"
    shown = list(changes[:SHOWN])
    rest = total - len(shown)
    if rest and rest_in_thread:
        where = f"The other {rest} are listed in this message's thread."
    elif rest:
        where = f"The other {rest} are in `tracker history`."
    else:
        where = "All of them are above."
    where += " Each in full: `tracker show ID`."
    blocks = [
        {"type": "header", "text": _plain(fit(escape(header), HEADER_MAX))},
        _context(f"*:new: Summary* (too many to post one by one) · {per_endpoint}"),
        *_sections([entry_line(c) for c in shown], 3),
        {"type": "section", "text": _mrkdwn(where)},
        _context(f"Changes {_change_ids(changes)} · `tracker history`"),
    ]
    return {
        "text": fit(escape_mrkdwn(f"{header}: {one_line(shown[0].title)} …"), FALLBACK_MAX),
        "blocks": blocks,
    }


def render_flood_part(changes: Sequence[Change], *, first: int, total: int) -> dict[str, Any]:
    """A thread reply listing entries `first`..`first + len - 1` (1-based) of a summary."""
    last = first + len(changes) - 1
    text = f"Entries {first}–{last} of {total}"
    blocks = [_context(text), *_sections([entry_line(c) for c in changes], MAX_BLOCKS - 1)]
    return {"text": escape(text), "blocks": blocks}


def render_ops_group(notices: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several operations notices (one delivery's worth) in one message, grouped by title."""
    ok = all(n.get("ok") for n in notices)
    icon = ":white_check_mark:" if ok else ":rotating_light:"
    by_title: dict[str, list[dict[str, Any]]] = {}
    for notice in notices:
        by_title.setdefault(str(notice.get("title") or "Operations notice"), []).append(notice)
    lines: list[str] = []
    for title, group in by_title.items():
        lines.append(f"{icon} *{escape(title)}: {len(group)}*")
        for notice in group:
            subject = escape_code(one_line(str(notice.get("subject") or "")))
            detail = escape_mrkdwn(one_line(str(notice.get("detail") or "")))
            lines.append(f"• `{subject}` {fit(detail, 300)}")
    body, _ = fit_lines(lines, SECTION_MAX, "… (more: `tracker status`, `tracker alerts`)")
    summary = ", ".join(f"{title} ×{len(group)}" for title, group in by_title.items())
    return {
        "text": fit(escape(f"Operations: {summary}"), FALLBACK_MAX),
        "blocks": [{"type": "section", "text": _mrkdwn(body)}, _context("tracker operations")],
    }

"""Alert messages: Slack Block Kit built from a Change, and the same payload read back for a terminal.

Layout of a change alert (5 blocks, far below Slack's 50):
  header   the document title (plain_text, ≤150 characters)
  context  kind · jurisdiction · regulator · document type · published date · relevance
  section  the summary, or for a changed document what changed: articles named (Change.headline), then
           the changed text with additions first; ≤2,900 characters, cut at a line with a marker that
           names `tracker show ID` - never cut silently
  context  change id and the `tracker show` command
  actions  one button to the document (http/https URLs only, labelled with the real host)
plus a fallback `text` for notifications. Every scraped string goes through `escape` (the plain-text
header) or `escape_mrkdwn` (mrkdwn: a page's `*`, `_`, `~` and backticks format nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tracker.alerts.escape import escape, escape_code, escape_mrkdwn, fit, fit_lines, one_line, unescape
from tracker.alerts.links import change_url, sources_url
from tracker.store.models import Change
from tracker.types import ChangeKind

HEADER_MAX = 150
SECTION_MAX = 2900  # Slack allows 3,000; the margin absorbs the marker and closing fences
CONTEXT_ELEMENT_MAX = 300
FALLBACK_MAX = 300
BUTTON_TEXT_MAX = 75
URL_MAX = 3000
MAX_BLOCKS = 50
DIFF_FILE_THRESHOLD = SECTION_MAX  # a diff longer than a section also goes into the thread as a file

KIND_LABELS = {
    ChangeKind.NEW_ITEM: ":new: New",
    ChangeKind.CHANGED_ITEM: ":pencil2: Updated",
    ChangeKind.DOCUMENT_CHANGED: ":memo: Changed",
    ChangeKind.REMOVED_ITEM: ":wastebasket: No longer listed",
}
DOC_TYPE_LABELS = {
    "law": "Law / regulation",
    "proposal": "Proposal / draft",
    "consultation": "Consultation",
    "guidance": "Guidance",
    "enforcement": "Enforcement",
    "report": "Report / recommendation",
    "news": "News",
}
RELEVANCE_LABELS = {
    "ai_rule": "AI rule",
    "ai_enforcement": "AI enforcement",
    "ai_other": "AI (other)",
    "not_ai": "not AI",
}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not auto-link channel names or parse mentions in what we send.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def safe_link(url: str | None) -> str | None:
    """The URL if it is a plain http(s) address a button may point to; otherwise None (no button)."""
    if not url or len(url) > URL_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:  # "https://gov.example@evil.example"
        return None
    return url


def _header(title: str) -> dict[str, Any]:
    return {"type": "header", "text": _plain(fit(escape(one_line(title)) or "(untitled)", HEADER_MAX))}


def _context(*parts: str) -> dict[str, Any]:
    text = " · ".join(p for p in parts if p)
    return {"type": "context", "elements": [_mrkdwn(fit(text, CONTEXT_ELEMENT_MAX))]}


def _button(url: str | None) -> dict[str, Any] | None:
    link = safe_link(url)
    if link is None:
        return None
    host = urlsplit(link).hostname or "source"
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": _plain(fit(escape(f"Open on {host}"), BUTTON_TEXT_MAX)),
                "url": link,
                "action_id": "open_document",
            }
        ],
    }


def _counts(change: Change) -> str:
    parts = [
        f"{n} {word}"
        for n, word in ((change.added, "added"), (change.changed, "changed"), (change.removed, "removed"))
        if n
    ]
    return f" ({', '.join(parts)})" if parts else ""


def _diff_lines(diff: str) -> list[str]:
    """Lines of a unified diff, additions first, for when a change carries no ready summary."""
    lines = diff.splitlines()
    added = [ln for ln in lines if ln.startswith("+") and not ln.startswith("+++")]
    removed = [ln for ln in lines if ln.startswith("-") and not ln.startswith("---")]
    return added + removed


def _section_text(change: Change) -> tuple[str, bool]:
    show = f"`tracker show {change.id}`"
    headline = escape_mrkdwn(one_line(change.headline))
    lines: list[str] = []
    if change.kind == ChangeKind.DOCUMENT_CHANGED:
        lines.append(f"*What changed:* {headline or 'text changed'}{_counts(change)}")
        body = [ln for ln in (change.summary or "").splitlines() if ln.strip()]
        if body:
            lines.extend(f"• {escape_mrkdwn(ln)}" for ln in body)
        elif change.diff:
            lines.extend(["```", *(escape_code(ln) for ln in _diff_lines(change.diff)), "```"])
        marker = f"… (truncated; full diff: {show})"
    else:
        if change.kind == ChangeKind.CHANGED_ITEM:
            lines.append(f"*Updated:* {headline}" if headline else "*Updated entry*")
        elif change.kind == ChangeKind.REMOVED_ITEM:
            lines.append(f"*No longer listed*{': ' + headline if headline else ''}")
        summary = escape_mrkdwn(change.summary)
        lines.extend(summary.splitlines() if summary else ["_No summary on the source page._"])
        marker = f"… (truncated; full text: {show})"
    return fit_lines(lines, SECTION_MAX, marker)


def needs_diff_file(change: Change) -> bool:
    """A changed document whose diff does not fit a message gets the full diff as a file in the thread."""
    return change.kind == ChangeKind.DOCUMENT_CHANGED and len(change.diff or "") > DIFF_FILE_THRESHOLD


def render_change_message(
    change: Change, *, diff_in_thread: bool = False, public_url: str | None = None
) -> dict[str, Any]:
    """Block Kit payload {"text", "blocks"} for one change (change.id must be set).

    diff_in_thread: the full diff will follow as a file in the message's thread (say so in the footer).
    public_url: the web view's address ([web].public_url): the message links to the change's page there
    instead of naming a command the reader in Slack cannot run.
    """
    kind = KIND_LABELS.get(change.kind, change.kind)  # type: ignore[call-overload]
    published = f"published {change.published_at.date().isoformat()}" if change.published_at else ""
    context = _context(
        f"*{kind}*",
        escape_mrkdwn(change.jurisdiction),
        escape_mrkdwn(one_line(change.regulator)),
        escape_mrkdwn(DOC_TYPE_LABELS.get(change.doc_type, change.doc_type)),
        published,
        escape_mrkdwn(RELEVANCE_LABELS.get(change.relevance, change.relevance)),
    )
    section_text, _ = _section_text(change)
    footer = f"Change #{change.id} · details: `tracker show {change.id}`"
    page = safe_link(change_url(public_url, change.id)) if public_url and change.id is not None else None
    if page:
        footer = f"Change #{change.id} · <{page}|Open the diff>"
    if diff_in_thread:
        footer += " · full diff attached in the thread"
    blocks = [
        _header(change.title),
        context,
        {"type": "section", "text": _mrkdwn(section_text)},
        _context(footer),
    ]
    button = _button(change.url)
    if button:
        blocks.append(button)
    plain_kind = kind.split(" ", 1)[-1]
    fallback = f"{plain_kind}: {one_line(change.title)} ({change.jurisdiction}, {one_line(change.regulator)})"
    return {"text": fit(escape_mrkdwn(fallback), FALLBACK_MAX), "blocks": blocks}


def render_ops_message(
    *, title: str, subject: str, text: str, ok: bool, public_url: str | None = None
) -> dict[str, Any]:
    """An operations notice (source failing / recovered, Slack refusing alerts); with the web view's
    address, a link to the endpoint's row on its sources page."""
    icon = ":white_check_mark:" if ok else ":rotating_light:"
    page = safe_link(sources_url(public_url, subject)) if public_url and "/" in subject else None
    body, _ = fit_lines(
        [f"{icon} *{escape(title)}:* `{escape_code(one_line(subject))}`", *escape_mrkdwn(text).splitlines()],
        SECTION_MAX,
        "… (truncated)",
    )
    return {
        "text": fit(escape(f"{title}: {subject}"), FALLBACK_MAX),
        "blocks": [
            {"type": "section", "text": _mrkdwn(body)},
            _context("tracker operations", f"<{page}|Open the sources page>" if page else ""),
        ],
    }


def render_test_message(channel: str) -> dict[str, Any]:
    text = f"Test message from tracker: alerts routed to {channel} will arrive here."
    return {"text": escape(text), "blocks": [{"type": "section", "text": _mrkdwn(f":wave: {escape(text)}")}]}


# The emoji codes and mrkdwn emphasis we write ourselves, turned into what Slack would show.
_EMOJI = {
    ":new:": "🆕",
    ":pencil2:": "✏️",
    ":memo:": "📝",
    ":wastebasket:": "🗑️",
    ":rotating_light:": "🚨",
    ":white_check_mark:": "✅",
    ":wave:": "👋",
}
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC_LINE = re.compile(r"^_(.+)_$", re.MULTILINE)


def _for_terminal(mrkdwn: str) -> str:
    for code, emoji in _EMOJI.items():
        mrkdwn = mrkdwn.replace(code, emoji)
    return unescape(_ITALIC_LINE.sub(r"\1", _BOLD.sub(r"\1", mrkdwn)))


@dataclass
class ConsoleView:
    """A payload read back as plain text for a terminal."""

    title: str = ""
    meta: list[str] = field(default_factory=list)  # the context line(s) above the body
    body: str = ""
    footer: list[str] = field(default_factory=list)  # context line(s) below it
    link: str | None = None

    def as_text(self) -> str:
        lines = [self.title, "-" * min(len(self.title), 80)] if self.title else []
        lines += self.meta
        if self.body:
            lines += ["", self.body]
        if self.footer:
            lines += ["", *self.footer]
        if self.link:
            lines += [f"Link: {self.link}"]
        return "\n".join(lines)


def render_console(payload: dict[str, Any]) -> ConsoleView:
    view = ConsoleView()
    bodies: list[str] = []
    for block in payload.get("blocks") or []:
        kind = block.get("type")
        if kind == "header":
            view.title = unescape(block["text"]["text"])
        elif kind == "context":
            line = " · ".join(_for_terminal(e.get("text", "")) for e in block.get("elements", []))
            (view.footer if bodies else view.meta).append(line)
        elif kind == "section":
            bodies.append(_for_terminal(block["text"]["text"]))
        elif kind == "actions":
            urls = [e.get("url") for e in block.get("elements", []) if e.get("url")]
            view.link = urls[0] if urls else None
    view.body = "\n\n".join(bodies) or unescape(payload.get("text", ""))
    return view

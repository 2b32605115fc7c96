"""The digest as Slack messages (Block Kit), within Slack's limits.

A short digest is one message: header (the period), the opening line with counts, then per jurisdiction a
header block and one section per entry. A long one (more than INLINE_ENTRIES entries, or more than one
message may hold) is a parent message - header, opening line, a note - followed by messages that carry
the entries, posted into the parent's thread; a jurisdiction cut between two messages repeats its header
marked "(continued)". An empty period is one line of text.

Limits kept: 50 blocks per message (MESSAGE_BLOCKS used), header text ≤150 characters, section text
≤3,000 (2,900 used), fallback `text` short, and at most MESSAGE_CHARS characters of block text per
message: Slack answers msg_blocks_too_long above roughly 13,200 characters in all, a limit its reference
does not state (reported in slackapi/bolt-js#2509). Every scraped string goes through
tracker.alerts.escape.escape; links are written by us, only for http(s) URLs, labelled with the real host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tracker.alerts.escape import escape, fit, fit_lines
from tracker.alerts.render import FALLBACK_MAX, HEADER_MAX, MAX_BLOCKS, SECTION_MAX
from tracker.digest.collect import Digest, Entry
from tracker.digest.i18n import Lang, empty_line, heading, jurisdiction_name, opening_line, word
from tracker.digest.render import entry_view, generated_label

INLINE_ENTRIES = 6  # more than this and the entries go into the thread
MESSAGE_BLOCKS = 45  # below the 50-block limit, so a header plus a few entries never tip it over
MESSAGE_CHARS = 12_000  # block text per message, below Slack's undocumented ~13,200 (see above)
TITLE_MAX = 300
LINE_MAX = 700

Message = dict[str, Any]


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": _plain(fit(escape(text), HEADER_MAX))}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def slack_link(url: str) -> str:
    """<url|host>: the label is the link's real host, so a title cannot pose as another site."""
    host = urlsplit(url).hostname or "link"
    target = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{target}|{escape(host)}>"


def entry_section(entry: Entry, lang: Lang) -> dict[str, Any]:
    view = entry_view(entry, lang)
    lines = [f"*{fit(escape(view.title), TITLE_MAX)}*"]
    if view.translated_title:
        label = generated_label("title_translation", lang)
        lines.append(f"_{label}:_ {fit(escape(view.translated_title), TITLE_MAX)}")
    lines.append(fit(escape(view.meta), LINE_MAX))
    if view.what_changed:
        lines.append(f"*{word('what_changed', lang)}:* {fit(escape(view.what_changed), LINE_MAX)}")
    if view.extract:
        lines.append(f">{fit(escape(view.extract), LINE_MAX)}")
    if view.generated_summary:
        lines.append(f"_{generated_label('summary', lang)}:_ {fit(escape(view.generated_summary), LINE_MAX)}")
    if view.url:
        lines.append(f"{word('source', lang)}: {slack_link(view.url)}")
    if view.also:
        also = ", ".join(f"{escape(regulator)} {slack_link(link)}" for regulator, link in view.also)
        lines.append(fit(f"{word('also', lang)}: {also}", LINE_MAX))
    text, _ = fit_lines(lines, SECTION_MAX, "…")
    return _section(text)


def _fallback(text: str) -> str:
    return fit(escape(text), FALLBACK_MAX)


def render_slack(digest: Digest, *, inline_entries: int = INLINE_ENTRIES) -> list[Message]:
    """Message payloads {"text", "blocks"} in posting order; all after the first go into its thread
    when there is more than one."""
    lang, period = digest.lang, digest.period
    if digest.is_empty:
        return [{"text": escape(empty_line(period.first_day, period.last_day, lang))}]
    title = heading(period.first_day, period.last_day, lang)
    opening = opening_line(digest.counts(), lang)
    top = [_header(title), _section(escape(opening))]
    groups: list[tuple[str, list[dict[str, Any]]]] = [
        (group, [entry_section(e, lang) for e in entries]) for group, entries in digest.groups
    ]
    body_blocks = sum(1 + len(sections) for _, sections in groups)
    body_chars = sum(block_chars(_header(jurisdiction_name(g, lang))) for g, _ in groups) + sum(
        block_chars(section) for _, sections in groups for section in sections
    )
    fits = len(top) + body_blocks <= MAX_BLOCKS and sum(map(block_chars, top)) + body_chars <= MESSAGE_CHARS
    if len(digest.entries) <= inline_entries and fits:
        blocks = list(top)
        for group, sections in groups:
            blocks += [_header(jurisdiction_name(group, lang)), *sections]
        return [{"text": _fallback(f"{title}: {opening}"), "blocks": blocks}]
    parent = {
        "text": _fallback(f"{title}: {opening}"),
        "blocks": [*top, {"type": "context", "elements": [_mrkdwn(escape(word("thread_note", lang)))]}],
    }
    return [parent, *_thread_messages(groups, title, lang)]


def block_chars(block: dict[str, Any]) -> int:
    """Characters of text a block carries (what Slack's overall size limit counts, near enough)."""
    texts = [block.get("text") or {}, *(block.get("elements") or [])]
    return sum(len(t.get("text") or "") for t in texts if isinstance(t, dict))


def _thread_messages(groups: list[tuple[str, list[dict[str, Any]]]], title: str, lang: Lang) -> list[Message]:
    chunks: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    chars = 0

    def room(*blocks: dict[str, Any]) -> bool:
        more = sum(map(block_chars, blocks))
        return len(current) + len(blocks) <= MESSAGE_BLOCKS and chars + more <= MESSAGE_CHARS

    def add(block: dict[str, Any]) -> None:
        nonlocal chars
        current.append(block)
        chars += block_chars(block)

    for group, sections in groups:
        name = jurisdiction_name(group, lang)
        for i, section in enumerate(sections):
            header = _header(name if i == 0 else f"{name} {word('continued', lang)}")
            wanted = (header, section) if i == 0 else (section,)  # a group starts with a header + entry
            if current and not room(*wanted):
                chunks.append(current)
                current, chars = [], 0
            if i == 0 or not current:
                add(header)
            add(section)
    if current:
        chunks.append(current)
    total = len(chunks)
    return [
        {"text": _fallback(f"{title} ({n}/{total})"), "blocks": blocks}
        for n, blocks in enumerate(chunks, start=1)
    ]

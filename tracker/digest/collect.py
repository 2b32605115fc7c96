"""What goes into a digest: the relevant changes of a period, one entry per document, grouped and ordered.

Relevant = relevance other than not_ai. Kinds: new items, changed items and changed documents (a removal
is not news for a roundup). Several changes of one document in the period (document_key) become one
entry: its newest title, link and text, the article names of every change, and "new" if it first
appeared in the period.

Order: jurisdictions EU, US, CN, UN, KR, then the rest; within one, rules (ai_rule law or proposal),
then enforcement, then guidance and consultations, then everything else; newest first within those.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.digest.i18n import (
    JURISDICTION_ORDER,
    OTHER,
    Lang,
    headline_parts,
    jurisdiction_group,
    translate_note,
    translate_op_prefixes,
)
from tracker.digest.sentences import lead
from tracker.store.models import Change
from tracker.types import ChangeKind, DocType, RelevanceLabel

DIGEST_KINDS = (ChangeKind.NEW_ITEM, ChangeKind.CHANGED_ITEM, ChangeKind.DOCUMENT_CHANGED)
HEADLINE_PARTS_MAX = 8


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; everything stored is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the calendar days it covers in the digest's time zone (both inclusive)."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date

    @classmethod
    def ending(cls, end: datetime, seconds: float, tz: ZoneInfo) -> Period:
        """The `seconds` before `end` (e.g. the last 14 days)."""
        end = as_utc(end)
        start = end - timedelta(seconds=seconds)
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        return cls(start, end, min(start.astimezone(tz).date(), last), last)

    @classmethod
    def days(cls, first: date, last: date, tz: ZoneInfo) -> Period:
        """Whole calendar days, first to last inclusive, in `tz`."""
        if last < first:
            raise ValueError(f"the period ends ({last}) before it starts ({first})")
        start = datetime.combine(first, time(), tz).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC)
        return cls(start, end, first, last)


class Category(enum.IntEnum):
    RULE = 0
    ENFORCEMENT = 1
    GUIDANCE = 2  # guidance and consultations
    OTHER = 3


def category(relevance: str, doc_type: str) -> Category:
    if relevance == RelevanceLabel.AI_RULE and doc_type in (DocType.LAW, DocType.PROPOSAL):
        return Category.RULE
    if relevance == RelevanceLabel.AI_ENFORCEMENT or doc_type == DocType.ENFORCEMENT:
        return Category.ENFORCEMENT
    if doc_type in (DocType.GUIDANCE, DocType.CONSULTATION):
        return Category.GUIDANCE
    return Category.OTHER


@dataclass
class Entry:
    """One document of the digest. `extract` is the item's own text; the generated fields stay None
    unless a summariser answered."""

    document_key: str
    kind: str  # ChangeKind: new_item when the document first appeared in the period
    title: str
    url: str
    jurisdiction: str  # as stored ("EU", "UK", ...)
    group: str  # digest group: EU, US, CN, UN, KR or OTHER
    regulator: str
    language: str
    doc_type: str
    relevance: str
    category: Category
    when: datetime  # published, else detected (UTC)
    day: date  # `when` in the digest's time zone
    summary: str  # the newest change's own text
    headline: list[str]  # what changed: "Article 5 changed", ... (documents) or "title"/"content" (items)
    change_ids: list[int]
    extract: str = ""
    translated_title: str | None = None
    generated_summary: str | None = None
    # The same event published elsewhere (tracker.store.events): (regulator, url), in the order seen.
    also: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Digest:
    period: Period
    lang: Lang
    groups: list[tuple[str, list[Entry]]] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [e for _, entries in self.groups for e in entries]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def counts(self) -> list[tuple[str, int]]:
        return [(group, len(entries)) for group, entries in self.groups]


# A legal text's note ("3 articles amended (4, 5, 7), 1 inserted (4a), 0 deleted; Annex III amended; …",
# tracker.diff.legal_note) is one statement: never split at its commas.
_LEGAL_NOTE = re.compile(
    r"^(?:\d+ articles? amended|Annex|\d+ recitals? changed|\d+ other units? changed|no substantive change"
    r"|typography only)"
)


def _merge_headlines(changes: list[Change]) -> list[str]:
    """Article names of every document change, oldest first, each block once (its first op wins); a legal
    text's notes whole, one per version."""
    notes = [c.headline for c in changes if _LEGAL_NOTE.match(c.headline or "")]
    if notes:
        return notes
    parts: list[str] = []
    seen: set[str] = set()
    more = 0
    for change in changes:
        for part in headline_parts(change.headline):
            if part.startswith("and ") and part.endswith(" more"):
                more += int(part.split()[1]) if part.split()[1].isdigit() else 0
                continue
            label = part.rsplit(" ", 1)[0]
            if label not in seen:
                seen.add(label)
                parts.append(part)
    more += max(0, len(parts) - HEADLINE_PARTS_MAX)
    parts = parts[:HEADLINE_PARTS_MAX]
    return [*parts, f"and {more} more"] if more else parts


def _entry(changes: list[Change], lang: Lang, tz: ZoneInfo) -> Entry:
    newest = changes[-1]
    kinds = {c.kind for c in changes}
    if ChangeKind.NEW_ITEM in kinds:
        kind = ChangeKind.NEW_ITEM.value
    elif ChangeKind.DOCUMENT_CHANGED in kinds:
        kind = ChangeKind.DOCUMENT_CHANGED.value
    else:
        kind = ChangeKind.CHANGED_ITEM.value
    if kind == ChangeKind.DOCUMENT_CHANGED:
        headline = _merge_headlines([c for c in changes if c.kind == ChangeKind.DOCUMENT_CHANGED])
    elif kind == ChangeKind.CHANGED_ITEM:
        headline = sorted({c.headline for c in changes if c.headline})
    else:
        headline = []
    published = next((c.published_at for c in reversed(changes) if c.published_at), None)
    when = as_utc(published or newest.detected_at)
    summary = newest.summary or ""
    text = summary
    if kind == ChangeKind.DOCUMENT_CHANGED:
        text = translate_note(newest.headline or "", translate_op_prefixes(summary, lang), lang)
    group = jurisdiction_group(newest.jurisdiction)
    return Entry(
        document_key=newest.document_key,
        kind=kind,
        title=newest.title,
        url=newest.url,
        jurisdiction=newest.jurisdiction,
        group=group,
        regulator=newest.regulator,
        language=newest.language,
        doc_type=newest.doc_type,
        relevance=newest.relevance,
        category=category(newest.relevance, newest.doc_type),
        when=when,
        day=when.astimezone(tz).date(),
        summary=summary,
        headline=headline,
        change_ids=[c.id for c in changes if c.id is not None],
        extract=lead(text, title=newest.title),
    )


def relevant_changes(engine: Engine, period: Period) -> list[Change]:
    """Relevant new/changed items and document changes detected in the period, oldest first."""
    with Session(engine) as session:
        query = (
            select(Change)
            .where(
                col(Change.detected_at) >= period.start,
                col(Change.detected_at) < period.end,
                col(Change.relevance) != RelevanceLabel.NOT_AI.value,
                col(Change.kind).in_([k.value for k in DIGEST_KINDS]),
            )
            .order_by(col(Change.detected_at), col(Change.id))
        )
        return list(session.exec(query).all())


def _event_entry(entries: list[Entry], root: int) -> Entry:
    """One entry for an event seen by several endpoints: the entry it started with, every other source
    as a link under it, and the earliest publication date any of them gives."""
    first = next((e for e in entries if root in e.change_ids), entries[0])
    others = [e for e in entries if e is not first]
    first.also = [(e.regulator, e.url) for e in others if e.url != first.url]
    first.change_ids = sorted(cid for e in entries for cid in e.change_ids)
    first.kind = (
        ChangeKind.NEW_ITEM.value if any(e.kind == ChangeKind.NEW_ITEM for e in entries) else first.kind
    )
    when = min(e.when for e in entries)
    first.when, first.day = when, min(e.day for e in entries)
    return first


def collect(engine: Engine, period: Period, lang: Lang, tz: ZoneInfo) -> Digest:
    by_document: dict[str, list[Change]] = {}
    for change in relevant_changes(engine, period):
        by_document.setdefault(change.document_key, []).append(change)
    # Documents of one event (tracker.store.events) make one entry: the event's first change names it.
    by_event: dict[int, list[Entry]] = {}
    for changes in by_document.values():
        root = min((c.event_id or c.id or 0) for c in changes)
        by_event.setdefault(root, []).append(_entry(changes, lang, tz))
    entries = [_event_entry(group, root) for root, group in by_event.items()]
    order = {code: i for i, code in enumerate((*JURISDICTION_ORDER, OTHER))}
    entries.sort(key=lambda e: (order[e.group], e.category, -e.when.timestamp(), e.title))
    digest = Digest(period=period, lang=lang)
    per_group = Counter(e.group for e in entries)
    for group in sorted(per_group, key=order.__getitem__):
        digest.groups.append((group, [e for e in entries if e.group == group]))
    return digest

"""Typed values that flow between the pipeline stages.

source -> fetch (FetchResult) -> classify (Verdict) -> extract (Extraction) -> normalise -> diff
(ItemDiff / DocumentDiff) -> relevance (Relevance) -> store -> alert.

Every stage takes and returns these frozen dataclasses; none of them touches the database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class ResponseStatus(enum.StrEnum):
    """What a fetch amounted to, decided before anything is diffed."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    BLOCKED = "blocked"  # WAF, challenge, captcha, 401/403/451, suspiciously small body
    ERROR = "error"  # network, timeout, 4xx/5xx, too large, undecodable
    DISALLOWED = "disallowed"  # robots.txt says no
    BROKEN = "broken"  # a 200 whose content no longer matches the extractor (zero items, selector gone)
    DRIFT = "drift"  # a 200 that breaks with the endpoint's own history (30 items -> 2, every id renumbered)


class ErrorClass(enum.StrEnum):
    """Why a fetch was not OK. Stable strings: they are stored and shown to operators."""

    CONNECT = "connect"  # refused, DNS, reset
    TIMEOUT = "timeout"
    TLS = "tls"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    RATE_LIMITED = "rate_limited"  # 429 after retries
    TOO_LARGE = "too_large"  # over the body cap, before or after decompression
    REDIRECTS = "redirects"  # loop or too many
    PRIVATE_ADDRESS = "private_address"  # SSRF guard
    DECODE = "decode"  # bytes that no charset explains, malformed XML/JSON
    WAF = "waf"  # 202-empty, x-amzn-waf-action, challenge script markers
    CAPTCHA = "captcha"
    AUTH = "auth"  # 401/403/451
    SHRUNK = "shrunk"  # body far smaller than the last good one
    ROBOTS = "robots"
    PARSE = "parse"  # the extractor failed or found nothing
    EXPECTATION = "expectation"  # extracted, but not what a healthy answer of this endpoint looks like
    DRIFT = "drift"  # far from the endpoint's own history: a redesign, not news
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # POST form body (CAC JsonList)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The raw outcome of one HTTP exchange (after retries and redirects)."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status_code: int | None  # None when no response arrived
    headers: dict[str, str]  # lower-cased names
    body: bytes  # decompressed, capped
    elapsed_s: float
    error_class: ErrorClass | None = None
    error: str | None = None  # human-readable, never contains secrets
    attempts: int = 1

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class Verdict:
    """classify_response's answer: may this body be diffed?"""

    status: ResponseStatus
    error_class: ErrorClass | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DecodedBody:
    text: str
    encoding: str  # what we decoded with, e.g. "utf-8", "gb18030"
    kind: str  # "html", "xml", "rss", "json", "pdf", "text"


@dataclass(frozen=True, slots=True)
class ExtractedItem:
    """One entry of a list endpoint, as the extractor saw it (before relevance)."""

    stable_id: str  # the regulator's own id: guid, document_number, refCode, CAC path, UN symbol
    title: str
    url: str  # absolute
    published_at: datetime | None = None  # timezone-aware
    summary: str = ""
    doc_type: str | None = None  # see DocType; None = the endpoint's default
    meta: dict[str, str] = field(default_factory=dict)  # small, JSON-serialisable, no volatile fields


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of a document: an article, recital, annex, paragraph, or 조문."""

    key: str  # stable within a document: "art_5", "rct_12", "anx_III", "p_0007", "jo_17의2"
    label: str  # for people: "Article 5", "Recital 12", "Annex III", "제17조의2"
    text: str  # normalised text


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an extractor looked at beside what it kept, so an empty answer can be told from a blind one.

    Not part of the content: never hashed, never stored with the extraction.
    """

    candidates: int = -1  # elements / links / entries considered (-1: not counted)
    candidate_kind: str = ""  # what they were: "document links", "entries", "elements"
    # JSON lists: (field, number of entries lacking it) for each field the parser reads
    missing_fields: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class KnownItem:
    """An item the endpoint listed at its last good check (what drift compares a new answer with)."""

    stable_id: str
    title: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class ItemsExtraction:
    items: tuple[ExtractedItem, ...]
    evidence: Evidence = field(default_factory=Evidence, compare=False)


@dataclass(frozen=True, slots=True)
class DocumentExtraction:
    blocks: tuple[Block, ...]
    title: str = ""
    version: str | None = None  # e.g. a consolidated version date from <link rel=canonical>
    links: tuple[str, ...] = ()  # attachment / document links found in the main content
    evidence: Evidence = field(default_factory=Evidence, compare=False)
    # What the page calls each link (url, anchor text): a new report on a page is announced by its name.
    # Not content (never hashed): a reworded anchor is no change of the document.
    link_titles: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # A consolidated text's list of the acts it consolidates ("M1 Regulation (EU) 2026/1744 …", "C1
    # Corrigendum …"): what a new version's alert names. Not content (never hashed).
    amendments: tuple[str, ...] = field(default=(), compare=False)


Extraction = ItemsExtraction | DocumentExtraction


class ExtractionError(Exception):
    """The body is not what the extractor expects (selector gone, zero items, malformed)."""


class DocType(enum.StrEnum):
    LAW = "law"  # law or regulation
    PROPOSAL = "proposal"  # proposal or draft
    CONSULTATION = "consultation"
    GUIDANCE = "guidance"
    ENFORCEMENT = "enforcement"
    REPORT = "report"  # report or recommendation
    NEWS = "news"


class RelevanceLabel(enum.StrEnum):
    AI_RULE = "ai_rule"
    AI_ENFORCEMENT = "ai_enforcement"
    AI_OTHER = "ai_other"
    NOT_AI = "not_ai"


@dataclass(frozen=True, slots=True)
class Relevance:
    label: RelevanceLabel
    score: float
    matched: tuple[str, ...] = ()

    @property
    def is_ai(self) -> bool:
        return self.label is not RelevanceLabel.NOT_AI


class ChangeKind(enum.StrEnum):
    NEW_ITEM = "new_item"
    CHANGED_ITEM = "changed_item"
    REMOVED_ITEM = "removed_item"
    DOCUMENT_CHANGED = "document_changed"


@dataclass(frozen=True, slots=True)
class BlockChange:
    op: str  # "added" | "removed" | "changed"
    key: str
    label: str
    old: str = ""
    new: str = ""
    # index in the new block sequence (added / changed) or the old one (removed), within the compared
    # blocks; lets tracker.diff.core.apply_document_diff rebuild the new text. -1 = unknown.
    position: int = -1


@dataclass(frozen=True, slots=True)
class DocumentDiff:
    changes: tuple[BlockChange, ...]
    added: int
    removed: int
    changed: int
    unified: str  # readable unified rendering
    # Units whose only difference is typographic (quotation marks, dashes, spaces): reported apart, in
    # one line, never among the changes above. op "changed", with positions like the changes.
    typographic: tuple[BlockChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No substantive change (typography alone is not news)."""
        return not self.changes

    def headline(self, limit: int = 6) -> str:
        """'Article 5 changed, Article 112a added' (named blocks, capped)."""
        parts = [f"{c.label} {c.op}" for c in self.changes[:limit]]
        if len(self.changes) > limit:
            parts.append(f"and {len(self.changes) - limit} more")
        return ", ".join(parts)

"""RSS 2.0 / Atom feeds via feedparser.

Stable id: the guid (or the link) per FeedParser.id_from, optionally narrowed by id_pattern. The
author field (`dc:creator`) is never read: the FTC puts staff logins there.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from tracker.extract.dates import parse_date
from tracker.extract.html_text import html_to_text, truncate
from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.specs import FeedParser
from tracker.types import DecodedBody, ExtractedItem, ExtractionError, ItemsExtraction

SUMMARY_LIMIT = 1000
# feedparser would otherwise fetch nothing but still resolve relative links against the feed's own
# xml:base; we resolve against the URL we actually fetched, which is what people can open.
_feedparser_options = {"resolve_relative_uris": False, "sanitize_html": True}


def _published(entry: Mapping[str, Any]) -> datetime | None:
    """The entry's own date string first (it keeps the publisher's offset), feedparser's UTC as fallback."""
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        raw = entry.get(raw_key)
        if raw:
            when = parse_date(raw)
            if when is not None:
                return when
        parsed: time.struct_time | None = entry.get(parsed_key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def _stable_id(entry: Mapping[str, Any], spec: FeedParser, url: str) -> str | None:
    source = (entry.get("id") or entry.get("guid") or "") if spec.id_from == "guid" else ""
    source = source.strip() or url
    if not source:
        return None
    if spec.id_pattern:
        m = re.search(spec.id_pattern, source)
        if m is not None:
            return m.group(1) if m.groups() else m.group(0)
    return source


def _title_text(entry: Mapping[str, Any]) -> str:
    """feedparser marks a title whose markup the feed escaped as text/plain: a "<" there is a character
    ("<https://x|label> AI rule" is the title, not a tag to drop with its text)."""
    title = entry.get("title") or ""
    if (entry.get("title_detail") or {}).get("type") == "text/plain":
        return title
    return html_to_text(title)


def _summary(entry: Mapping[str, Any]) -> str:
    html = entry.get("summary") or ""
    if not html:
        content = entry.get("content") or []
        html = content[0].get("value", "") if content else ""
    text = html_to_text(html) if "<" in html or "&" in html else clean_text(html)
    return truncate(text, SUMMARY_LIMIT)


# An entity can only be declared in a DTD; any "<!ENTITY" in the whole document refuses it. Searching the
# whole body (not a head, not "the prolog before the first <rss") leaves no padding or decoy to hide behind;
# the price is that a feed quoting "<!ENTITY" inside CDATA is refused too (reported broken, never silent).
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ROOT_END = re.compile(
    rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>\s*(?:<!--.*?-->\s*)*$", re.IGNORECASE | re.DOTALL
)
_ROOT_MARKERS = (b"<rss", b"<feed", b"<rdf:RDF", b"<RDF")


def _refuse_unsafe_or_truncated(body: bytes) -> None:
    """Entity declarations (billion laughs) and cut-off feeds are broken sources, never content.

    feedparser is lenient: it would expand entities up to the XML parser's limits, and it keeps the
    items before a cut, which would turn every item after it into a removal.
    """
    if _ENTITY_DECL.search(body):
        raise ExtractionError("feed declares XML entities (refused: entity expansion)")
    # A feed's root opens near the top: the head is enough to know the body claims to be a feed.
    head = body[:65536]
    opened = any(marker in head for marker in _ROOT_MARKERS)
    if opened and not _ROOT_END.search(body[-4096:]):
        raise ExtractionError("feed is truncated: the root element is never closed")


def extract_feed(decoded: DecodedBody, raw: bytes, spec: FeedParser, base_url: str) -> ItemsExtraction:
    # Always a stream: given a str or bytes, feedparser would treat a URL- or path-like body as
    # something to fetch or open.
    body = raw if raw else decoded.text.encode("utf-8")
    _refuse_unsafe_or_truncated(body)
    parsed = feedparser.parse(io.BytesIO(body), **_feedparser_options)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise ExtractionError(f"malformed feed: {parsed.get('bozo_exception')}")
        raise ExtractionError("feed has no entries")
    items: list[ExtractedItem] = []
    for entry in entries:
        link = (entry.get("link") or "").strip()
        url = strip_tracking_query(urljoin(base_url, link)) if link else ""
        stable_id = _stable_id(entry, spec, url)
        if stable_id is None:
            continue
        title = clean_text(_title_text(entry)) or stable_id
        items.append(
            ExtractedItem(
                stable_id=stable_id,
                title=title,
                url=url or base_url,
                published_at=_published(entry),
                summary=_summary(entry),
            )
        )
    if not items:
        raise ExtractionError("feed entries carry neither a guid nor a link")
    return ItemsExtraction(items=tuple(items))

"""Detail stage: complete new list items from their own page (CAC: title, date, body, attachments).

tracker.pipeline.check calls `complete_items` for endpoints declared with `detail`, between extraction and the
store. Rules:

- Only items not stored yet are fetched, one at a time through the check's Fetcher (its politeness,
  robots and SSRF guard apply), at most MAX_DETAILS_PER_CHECK per endpoint and check.
- A first check (nothing stored) fetches nothing: it records a silent baseline, and twenty detail pages
  per channel of a slow host for items nobody is alerted about is load for nothing.
- With `only_relevant`, an item is fetched only when its list title and summary are already about AI.
  CAC declares `only_relevant=False`: its consultation on minors' online safety names AI only in
  article 5 of the draft. The body is what the relevance stage then reads: the summary is the start
  of the body, plus the first passage that is about AI when the start is not (see `detail_summary`).
- A detail page that cannot be fetched or read leaves the list item as it was; the check never fails
  because of it.
- Items already stored keep what their detail page gave them (`carry_forward`): the title, summary and
  URL are part of an item's hash, so an item completed once and listed again uncompleted would
  otherwise be reported as changed at every check.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from tracker.extract.completed import ATTACHMENTS, DETAIL_URL, carry_forward, completed_title
from tracker.extract.dates import parse_date
from tracker.extract.document import extract_html_document
from tracker.extract.html_text import element_text, parse_page, truncate
from tracker.extract.links import filename_title
from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.extract.urls import absolute_url
from tracker.pipeline.linked import fetch_and_read
from tracker.relevance.classifier import RelevanceClassifier
from tracker.specs import DetailSpec, DocumentParser, EndpointSpec, SourceSpec
from tracker.types import (
    DecodedBody,
    ExtractedItem,
    ExtractionError,
    FetchRequest,
    ItemsExtraction,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.net.fetch import Fetcher
    from tracker.store.apply import EndpointContext

log = logging.getLogger("tracker.pipeline.detail")

MAX_DETAILS_PER_CHECK = 20  # a CAC JsonList page; more new items than that at once is a burst
SUMMARY_CHARS = 600
PASSAGE_CHARS = 300
# "第五条", "第十七条之一", "제17조의2": the article a passage belongs to
_ARTICLE_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百千零〇两\d]+条(?:之[一二三四五六七八九十]+)?"  # Chinese
    r"|제\d+조(?:의\d+)?)"  # Korean
)


@dataclass(frozen=True)
class DetailFields:
    """What a detail page says about its item."""

    title: str = ""
    published_at: datetime | None = None
    lines: tuple[str, ...] = ()  # the body, paragraph by paragraph
    attachments: tuple[tuple[str, str], ...] = ()  # (name, absolute url)


def extract_detail(
    decoded: DecodedBody, spec: DetailSpec, base_url: str, timezone: str = "UTC"
) -> DetailFields:
    """Read a detail page with the declared selectors. Raises ExtractionError when nothing matches."""
    page = parse_page(decoded.text)
    title = ""
    if spec.title and (node := page.first(None, spec.title, "detail title")) is not None:
        title = element_text(node)
    published = None
    if spec.date and (node := page.first(None, spec.date, "detail date")) is not None:
        published = parse_date(element_text(node), spec.date_format, timezone)
    lines: tuple[str, ...] = ()
    if spec.body and (node := page.first(None, spec.body, "detail body")) is not None:
        # The first match only (a later selector is a fallback template), read as a page of its own
        # with the document extractor's paragraph rules.
        markup = etree.tostring(node, encoding="unicode", method="html", with_tail=False)
        fragment = DecodedBody(text=markup, encoding=decoded.encoding, kind="html")
        try:
            doc = extract_html_document(fragment, DocumentParser(dialect="html"), base_url)
            lines = tuple(block.text for block in doc.blocks)
        except ExtractionError:
            lines = ()
    attachments: list[tuple[str, str]] = []
    for anchor in page.select(spec.attachments, "detail attachments") if spec.attachments else ():
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = strip_tracking_query(absolute_url(href, base_url))
        if url not in (u for _, u in attachments):
            attachments.append((_attachment_name(anchor_text=element_text(anchor), url=url), url))
    if not (title or published or lines or attachments):
        raise ExtractionError("the detail page matches none of the declared selectors")
    return DetailFields(title=title, published_at=published, lines=lines, attachments=tuple(attachments))


def _attachment_name(anchor_text: str, url: str) -> str:
    """The link text; else CAC's `fText=` parameter (the file's display name); else the file name."""
    if anchor_text:
        return anchor_text
    names = parse_qs(urlsplit(url).query).get("fText")
    return clean_text(names[0]) if names else filename_title(url)


def detail_summary(
    title: str,
    base: str,
    lines: tuple[str, ...],
    classifier: RelevanceClassifier,
    source: SourceSpec,
) -> str:
    """`base` (the list's summary, else the start of the body), plus the first AI passage of the body
    when `base` and the title alone are not about AI: the relevance stage and the alert then show why."""
    start = base or truncate(clean_text(" ".join(lines)), SUMMARY_CHARS)

    def about_ai(title: str, text: str) -> bool:
        return classifier.classify(
            title, text, language=source.language, jurisdiction=source.jurisdiction
        ).is_ai

    if about_ai(title, start):
        return start
    heading = ""
    for line in lines:
        if m := _ARTICLE_HEADING.match(line):
            heading = m.group(1)
        if about_ai("", line):
            passage = truncate(line, PASSAGE_CHARS)
            if heading and not passage.startswith(heading):
                passage = f"{heading} … {passage}"
            return f"{start} … {passage}" if start else passage
    return start


def complete(
    item: ExtractedItem,
    fields: DetailFields,
    detail_url: str,
    classifier: RelevanceClassifier,
    source: SourceSpec,
) -> ExtractedItem:
    title = completed_title(item.title, fields.title, item.stable_id, item.url)
    meta = dict(item.meta)
    meta[DETAIL_URL] = detail_url
    if fields.attachments:
        meta[ATTACHMENTS] = "\n".join(f"{name}\t{url}" for name, url in fields.attachments)
    return replace(
        item,
        title=title,
        published_at=fields.published_at or item.published_at,
        summary=detail_summary(title, item.summary, fields.lines, classifier, source),
        meta=meta,
    )


def _wanted(item: ExtractedItem, ctx: EndpointContext, classifier: RelevanceClassifier) -> bool:
    detail = ctx.endpoint.detail
    if detail is None or not detail.only_relevant or ctx.endpoint.relevance != "classify":
        return True
    source = ctx.source
    verdict = classifier.classify(
        item.title, item.summary, language=source.language, jurisdiction=source.jurisdiction
    )
    return verdict.is_ai


async def fetch_detail(fetcher: Fetcher, endpoint: EndpointSpec, url: str) -> tuple[DetailFields, str] | None:
    """Fetch and read one detail page; None (logged) when it cannot be had."""
    detail = endpoint.detail
    assert detail is not None
    timezone = getattr(endpoint.parser, "timezone", None) or "UTC"

    def read(decoded: DecodedBody, final_url: str) -> tuple[DetailFields, str]:
        return extract_detail(decoded, detail, final_url, timezone), final_url

    # A plain GET, as a browser following the list's link would send: the list's own headers (a JSON
    # API's Referer and X-Requested-With) describe the list request, not this one.
    return await fetch_and_read(fetcher, FetchRequest(url=url), read, "detail", log)


async def complete_items(
    fetcher: Fetcher,
    ctx: EndpointContext,
    extraction: ItemsExtraction,
    known: Mapping[str, ExtractedItem] | Set[str],
    classifier: RelevanceClassifier,
) -> ItemsExtraction:
    """Complete the new items of one list from their detail pages (see the module docstring).

    `known` maps the stored items' ids to their stored form (see `stored_items`); a bare set of ids also
    works, but then completed items cannot be carried forward."""
    if not known:
        return extraction
    out: list[ExtractedItem] = []
    fetched = 0
    for item in extraction.items:
        if item.stable_id in known:
            stored = known.get(item.stable_id) if isinstance(known, Mapping) else None
            out.append(carry_forward(item, stored) if stored is not None else item)
            continue
        if fetched >= MAX_DETAILS_PER_CHECK or not _wanted(item, ctx, classifier):
            out.append(item)
            continue
        fetched += 1
        try:
            found = await fetch_detail(fetcher, ctx.endpoint, item.url)
        except Exception:  # a detail page must never fail the check of its list
            log.exception("detail %s failed", item.url)
            found = None
        out.append(item if found is None else complete(item, found[0], found[1], classifier, ctx.source))
    return ItemsExtraction(items=tuple(out))


def stored_items(engine: Engine, endpoint_key: str) -> dict[str, ExtractedItem]:
    """The endpoint's stored items as the extractor would give them, for `complete_items`."""
    import json

    from sqlmodel import Session, select

    from tracker.store.models import Item

    with Session(engine) as session:
        rows = session.exec(select(Item).where(Item.endpoint_key == endpoint_key)).all()
    return {
        row.stable_id: ExtractedItem(
            stable_id=row.stable_id,
            title=row.title,
            url=row.url,
            published_at=row.published_at,
            summary=row.summary,
            meta=json.loads(row.meta or "{}"),
        )
        for row in rows
    }

"""HTML list pages read with CSS selectors (CAC columns, FTC press listing, Drupal views).

Selectors are relative to each item element. The stable id is id_pattern's first group on the
absolute link, else the link without tracking parameters. An unreadable date is None, not an error.
"""

from __future__ import annotations

import re
from datetime import datetime

from tracker.extract.css import Page
from tracker.extract.dates import parse_date
from tracker.extract.html_text import element_text, parse_page, truncate
from tracker.extract.markup import Element
from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.extract.urls import absolute_url, stable_id_for
from tracker.specs import HtmlListParser
from tracker.types import DecodedBody, ExtractedItem, ExtractionError, ItemsExtraction

SUMMARY_LIMIT = 1000


def _title(page: Page, element: Element, link: Element, spec: HtmlListParser) -> str:
    source = page.first(element, spec.title, "title") if spec.title else link
    if source is None:
        source = link
    if spec.title_attr:
        value = clean_text(source.get(spec.title_attr) or "")
        if value:
            return value
    return element_text(source)


def _date(page: Page, element: Element, spec: HtmlListParser) -> datetime | None:
    if not spec.date and not spec.date_attr:
        return None
    source = page.first(element, spec.date, "date") if spec.date else element
    if source is None:
        return None
    raw = source.get(spec.date_attr) if spec.date_attr else element_text(source)
    return parse_date(clean_text(raw or ""), spec.date_format, spec.timezone or "UTC")


def _href(link: Element | None, spec: HtmlListParser) -> str:
    """The link's href; or, for script links (link_template), the template filled with the id found in
    link_attr ("" when the attribute does not carry one)."""
    if link is None:
        return ""
    raw = (link.get(spec.link_attr) or "").strip()
    if spec.link_template is None or spec.id_pattern is None:
        return raw
    match = re.search(spec.id_pattern, raw)
    if match is None:
        return ""
    return spec.link_template.format(id=match.group(1) if match.groups() else match.group(0))


def extract_html_list(decoded: DecodedBody, spec: HtmlListParser, base_url: str) -> ItemsExtraction:
    page = parse_page(decoded.text)
    elements = page.select(spec.item, "item")
    if not elements:
        raise ExtractionError(f"selector {spec.item!r} matched nothing")
    items: list[ExtractedItem] = []
    for element in elements:
        link = page.first(element, spec.link, "link")
        href = _href(link, spec)
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = strip_tracking_query(absolute_url(href, base_url))
        summary = ""
        if spec.summary and (node := page.first(element, spec.summary, "summary")) is not None:
            summary = truncate(element_text(node), SUMMARY_LIMIT)
        items.append(
            ExtractedItem(
                stable_id=stable_id_for(url, spec.id_pattern),
                title=_title(page, element, link, spec) or url,
                url=url,
                published_at=_date(page, element, spec),
                summary=summary,
            )
        )
    if not items:
        raise ExtractionError(f"selector {spec.item!r} matched {len(elements)} elements but none had a link")
    return ItemsExtraction(items=tuple(items))

"""HTML list pages read with CSS selectors (CAC columns, FTC press listing, Drupal views).

Selectors are relative to each item element. The stable id is id_pattern's first group on the
absolute link, else the link without tracking parameters. An unreadable date is None, not an error.
"""

from __future__ import annotations

from datetime import datetime

import soupsieve
from bs4 import BeautifulSoup, Tag

from tracker.extract.dates import parse_date
from tracker.extract.html_text import make_soup, soup_text, truncate
from tracker.extract.urls import absolute_url, stable_id_for
from tracker.normalise import clean_text, strip_tracking_query
from tracker.specs import HtmlListParser
from tracker.types import DecodedBody, ExtractedItem, ExtractionError, ItemsExtraction

SUMMARY_LIMIT = 1000


def parse_soup(text: str) -> BeautifulSoup:
    soup = make_soup(text)
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup


def select(node: Tag, selector: str, what: str) -> list[Tag]:
    try:
        return node.select(selector)
    except soupsieve.SelectorSyntaxError as exc:
        raise ExtractionError(f"{what} selector {selector!r} is not valid CSS: {exc}") from exc


def select_one(node: Tag, selector: str, what: str) -> Tag | None:
    try:
        if node.name and soupsieve.match(selector, node):  # the item itself may be the link (a.card)
            return node
        return node.select_one(selector)
    except soupsieve.SelectorSyntaxError as exc:
        raise ExtractionError(f"{what} selector {selector!r} is not valid CSS: {exc}") from exc


def _title(element: Tag, link: Tag, spec: HtmlListParser) -> str:
    source = select_one(element, spec.title, "title") if spec.title else link
    if source is None:
        source = link
    if spec.title_attr:
        value = clean_text(str(source.get(spec.title_attr) or ""))
        if value:
            return value
    return soup_text(source)


def _date(element: Tag, spec: HtmlListParser) -> datetime | None:
    if not spec.date and not spec.date_attr:
        return None
    source = select_one(element, spec.date, "date") if spec.date else element
    if source is None:
        return None
    raw = source.get(spec.date_attr) if spec.date_attr else soup_text(source)
    return parse_date(clean_text(str(raw or "")), spec.date_format, spec.timezone or "UTC")


def extract_html_list(decoded: DecodedBody, spec: HtmlListParser, base_url: str) -> ItemsExtraction:
    soup = parse_soup(decoded.text)
    elements = select(soup, spec.item, "item")
    if not elements:
        raise ExtractionError(f"selector {spec.item!r} matched nothing")
    items: list[ExtractedItem] = []
    for element in elements:
        link = select_one(element, spec.link, "link")
        href = str(link.get("href") or "").strip() if link is not None else ""
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = strip_tracking_query(absolute_url(href, base_url))
        summary = ""
        if spec.summary and (node := select_one(element, spec.summary, "summary")) is not None:
            summary = truncate(soup_text(node), SUMMARY_LIMIT)
        items.append(
            ExtractedItem(
                stable_id=stable_id_for(url, spec.id_pattern),
                title=_title(element, link, spec) or url,
                url=url,
                published_at=_date(element, spec),
                summary=summary,
            )
        )
    if not items:
        raise ExtractionError(f"selector {spec.item!r} matched {len(elements)} elements but none had a link")
    return ItemsExtraction(items=tuple(items))

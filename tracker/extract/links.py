"""The set of document links on a page (UN AI bodies): each link matching link_pattern is an item.

A page with no matching link may be a valid (empty) answer; the extraction counts the links that look
like documents beside the ones that matched, so tracker.pipeline.expectations can tell "no documents yet" from
"0 of 37 document links match the pattern" (a redesign or a wrong pattern: broken). A page where the
`content` selector finds nothing is broken here already.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from tracker.extract.html_text import element_text, parse_page
from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.extract.urls import DOCUMENT_EXTENSIONS, absolute_url, stable_id_for
from tracker.extract.volatile import volatile_parts
from tracker.specs import LinksParser
from tracker.types import DecodedBody, Evidence, ExtractedItem, ExtractionError, ItemsExtraction


def filename_title(url: str) -> str:
    """'/sites/default/files/2024-09/governing_ai_for_humanity_final_report_en.pdf' -> the file name."""
    name = posixpath.basename(unquote(urlsplit(url).path))
    return clean_text(name) or url


# What a link to a document looks like whatever the site's file layout: a document's file extension.
DOCUMENT_LINK = re.compile(rf"\.({DOCUMENT_EXTENSIONS})$", re.IGNORECASE)


def extract_links(decoded: DecodedBody, spec: LinksParser, base_url: str) -> ItemsExtraction:
    page = parse_page(decoded.text)
    containers = page.select(spec.content, "content")
    if not containers:
        raise ExtractionError(f"selector {spec.content!r} matched nothing")
    pattern = re.compile(spec.link_pattern, re.IGNORECASE)  # ".PDF" is as much a PDF as ".pdf"
    items: list[ExtractedItem] = []
    seen: set[str] = set()
    document_links: set[str] = set()
    for container in containers:
        if not page.attached(container):
            continue  # inside a volatile part of an earlier container
        page.remove(volatile_parts(container))
        for anchor in container.iterdescendants("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            url = strip_tracking_query(absolute_url(href, base_url))
            if DOCUMENT_LINK.search(urlsplit(url).path):
                document_links.add(url)
            if not pattern.search(url):
                continue
            stable_id = stable_id_for(url, spec.id_pattern)
            if stable_id in seen:
                continue
            seen.add(stable_id)
            title = element_text(anchor) or clean_text(anchor.get("title") or "") or filename_title(url)
            items.append(ExtractedItem(stable_id=stable_id, title=title, url=url))
    evidence = Evidence(candidates=len(document_links), candidate_kind="document links")
    return ItemsExtraction(items=tuple(items), evidence=evidence)

"""United Nations: UN News, press releases (press.un.org) and the pages of the UN's AI bodies.

Endpoints and formats: ../shared/SOURCES.md, section United Nations. No AI topic feed is known, so the
news feeds are filtered by relevance; the AI bodies' pages are about AI by construction.
"""

from __future__ import annotations

from tracker.specs import (
    DocumentParser,
    EndpointSpec,
    FeedParser,
    LinksParser,
    RelevanceMode,
    SourceSpec,
)
from tracker.types import DocType

un_news = SourceSpec(
    id="un_news",
    jurisdiction="UN",
    regulator="UN News",
    homepage="https://news.un.org/en/",
    endpoints=(
        EndpointSpec(
            id="all",
            url="https://news.un.org/feed/subscribe/en/news/all/rss.xml",
            # guid ".../feed/view/en/story/2026/09/1165432": the story number is the id
            parser=FeedParser(id_pattern=r"/story/\d{4}/\d{2}/(\d+)/?$"),
        ),
    ),
)

un_press = SourceSpec(
    id="un_press",
    jurisdiction="UN",
    regulator="UN Secretariat (press.un.org)",
    homepage="https://press.un.org/en",
    endpoints=(
        EndpointSpec(
            id="press_releases",
            url="https://press.un.org/en/rss.xml",
            # "/en/2025/sgsm22776.doc.htm": the document symbol SG/SM/22776 as a slug
            parser=FeedParser(id_from="link", id_pattern=r"/([^/]+)\.doc\.htm"),
        ),
    ),
)

# (endpoint prefix, page, relevance of what it publishes)
_AI_BODIES: tuple[tuple[str, str, RelevanceMode], ...] = (
    ("advisory_body", "https://www.un.org/ai-advisory-body", "assume_ai_other"),
    (
        "scientific_panel",
        "https://www.un.org/independent-international-scientific-panel-ai/en",
        "assume_ai_other",
    ),
    ("global_dialogue", "https://www.un.org/global-dialogue-ai-governance/en", "assume_ai_other"),
    # The digital office covers more than AI (the Global Digital Compact, connectivity): judged per document.
    ("digital_office", "https://www.un.org/digital-emerging-technologies/", "classify"),
)


def _body_endpoints(prefix: str, url: str, relevance: RelevanceMode) -> tuple[EndpointSpec, EndpointSpec]:
    """A body's uploaded documents as items (a new report is a new item), and its main text as a document."""
    return (
        EndpointSpec(
            id=f"{prefix}_documents",
            url=url,
            parser=LinksParser(link_pattern=r"/sites/default/files/.+\.(pdf|docx?)($|\?)"),
            relevance=relevance,
            doc_type=DocType.REPORT,
        ),
        EndpointSpec(
            id=f"{prefix}_page",
            url=url,
            parser=DocumentParser(dialect="html"),
            relevance=relevance,
            doc_type=DocType.NEWS,
        ),
    )


un_ai_bodies = SourceSpec(
    id="un_ai_bodies",
    jurisdiction="UN",
    regulator="UN AI bodies",
    homepage="https://www.un.org/ai-advisory-body",
    endpoints=tuple(e for body in _AI_BODIES for e in _body_endpoints(*body)),
)

SOURCES: tuple[SourceSpec, ...] = (un_news, un_press, un_ai_bodies)

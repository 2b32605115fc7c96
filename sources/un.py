"""United Nations: UN News, press releases (press.un.org) and the pages of the UN's AI bodies.

Endpoints and formats: docs/sources.md, section United Nations. No AI topic feed is known, so the
news feeds are filtered by relevance; the AI bodies' pages are about AI by construction.
"""

from __future__ import annotations

from tracker.specs import (
    DocumentParser,
    EndpointSpec,
    Expectations,
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

# The microsites' file directories (docs/sources.md, United Nations, corrected 2026-12). Each body has
# its own: the Advisory Body's reports sit in the main un.org site's files, the digital office's in its
# own Drupal site's, and only the two bodies set up in 2025 use "<microsite>/sites/default/files/YYYY-MM/".
# The host is left open (mirrors, test servers); a link to another body's files is not this body's news.
_DOCUMENT = r"[^?#]+\.(pdf|docx?)($|\?)"
ADVISORY_BODY_FILES = r"^https?://[^/]+/sites/un2\.un\.org/files/" + _DOCUMENT
DIGITAL_OFFICE_FILES = (
    r"^https?://[^/]+/digital-emerging-technologies/sites/www\.un\.org\.techenvoy/files/" + _DOCUMENT
)


def _microsite_files(microsite: str) -> str:
    return rf"^https?://[^/]+/{microsite}/sites/default/files/\d{{4}}-\d{{2}}/" + _DOCUMENT


# (endpoint prefix, page, document link pattern, relevance of what it publishes, expected documents)
_AI_BODIES: tuple[tuple[str, str, str, RelevanceMode, int | None], ...] = (
    ("advisory_body", "https://www.un.org/ai-advisory-body", ADVISORY_BODY_FILES, "assume_ai_other", 1),
    (
        "scientific_panel",
        "https://www.un.org/independent-international-scientific-panel-ai/en",
        _microsite_files("independent-international-scientific-panel-ai"),
        "assume_ai_other",
        None,
    ),
    (
        "global_dialogue",
        "https://www.un.org/global-dialogue-ai-governance/en",
        _microsite_files("global-dialogue-ai-governance"),
        "assume_ai_other",
        None,
    ),
    # The digital office covers more than AI (the Global Digital Compact, connectivity): judged per document.
    (
        "digital_office",
        "https://www.un.org/digital-emerging-technologies/",
        DIGITAL_OFFICE_FILES,
        "classify",
        1,
    ),
)


def _body_endpoints(
    prefix: str, url: str, files: str, relevance: RelevanceMode, min_documents: int | None
) -> tuple[EndpointSpec, EndpointSpec]:
    """A body's uploaded documents as items (a new report is a new item), and its main text as a document.

    Bodies known to have documents declare it: a page where the pattern matches none is broken, never
    an empty list (the Advisory Body's endpoint once matched 0 of its reports for months)."""
    return (
        EndpointSpec(
            id=f"{prefix}_documents",
            url=url,
            parser=LinksParser(link_pattern=files),
            relevance=relevance,
            doc_type=DocType.REPORT,
            expect=Expectations(min_items=min_documents),
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

"""United Kingdom: DSIT and the AI Security Institute, the CMA (GOV.UK organisation Atom feeds) and the ICO.

Endpoints, formats and the evidence for each: docs/sources-evidence.md, section United Kingdom.
GOV.UK publishes an Atom feed of every organisation's activity at /government/organisations/<slug>.atom
(the search page's own "subscribe to feed" link; `gov.uk/search/all.atom` is refused by robots.txt).
"""

from __future__ import annotations

from tracker.specs import EndpointSpec, Expectations, FeedParser, LinksParser, RelevanceMode, SourceSpec

GOV_UK = "https://www.gov.uk"
# An entry's <id> may change with each update of the page; its link is the page itself. The path is the
# id, so a mirror or a test server gives the same ids as www.gov.uk.
GOV_UK_FEED = FeedParser(id_from="link", id_pattern=r"^https?://[^/]+(/[^?#]*)")
# An organisation feed lists its latest 20 entries; 3 is a floor no working feed falls under.
FEED_MINIMUM = Expectations(min_items=3)


def _organisation(source_id: str, slug: str, name: str, relevance: RelevanceMode) -> SourceSpec:
    return SourceSpec(
        id=source_id,
        jurisdiction="UK",
        regulator=name,
        homepage=f"{GOV_UK}/government/organisations/{slug}",
        endpoints=(
            EndpointSpec(
                id="activity",
                url=f"{GOV_UK}/government/organisations/{slug}.atom",
                parser=GOV_UK_FEED,
                relevance=relevance,
                expect=FEED_MINIMUM,
            ),
        ),
    )


# DSIT publishes on AI and on much else (telecoms, science funding): judged per entry.
uk_dsit = _organisation("uk_dsit", "department-for-science-innovation-and-technology", "DSIT", "classify")
# Everything the AI Security Institute publishes is about AI.
uk_aisi = _organisation("uk_aisi", "ai-security-institute", "AI Security Institute", "assume_ai_other")
# Mergers, consumer law and the AI foundation-models work: judged per entry.
uk_cma = _organisation("uk_cma", "competition-and-markets-authority", "CMA", "classify")

uk_ico = SourceSpec(
    id="uk_ico",
    jurisdiction="UK",
    regulator="ICO",
    homepage="https://ico.org.uk/about-the-ico/media-centre/news-and-blogs/",
    endpoints=(
        # No working feed is known (/rss/ and /rss/news-and-blogs answer 404, per public notes). The news
        # listing is read as its links to articles, whose paths carry year and month:
        # /about-the-ico/media-centre/news-and-blogs/2026/02/<slug>/. If the listing is drawn by script
        # and the page has no such link, the endpoint is broken at once (min_items), never empty.
        EndpointSpec(
            id="news",
            url="https://ico.org.uk/about-the-ico/media-centre/news-and-blogs/",
            parser=LinksParser(
                content="body",
                link_pattern=r"^https?://[^/]+/about-the-ico/media-centre/news-and-blogs/\d{4}/\d{2}/[^/?#]+/?$",
            ),
            expect=Expectations(min_items=5),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (uk_dsit, uk_aisi, uk_ico, uk_cma)

"""EU member states' data-protection authorities: Ireland (DPC), Italy (Garante), France (CNIL), the
Netherlands (AP). Their GDPR orders and guidance on AI training and chatbots (the Garante's OpenAI and
DeepSeek orders, the DPC's dealings with Meta and LinkedIn, the CNIL's AI recommendations, the AP's
Clearview fine) are where "the EU" decides on AI and personal data, beside the EDPB (sources/eu.py).

Endpoints, formats and the evidence for each: docs/sources-evidence.md, section EU data-protection
authorities. Jurisdiction "EU" for all four (sources/groups.py says why); languages as published.
"""

from __future__ import annotations

from tracker.specs import EndpointSpec, Expectations, FeedParser, LinksParser, SourceSpec

# The feeds answer their latest 10 items (public feed-discovery report, 2026-09): fewer than 3 is a
# broken feed, never a quiet week.
FEED_MINIMUM = Expectations(min_items=3)

ie_dpc = SourceSpec(
    id="ie_dpc",
    jurisdiction="EU",
    regulator="Data Protection Commission (Ireland)",
    homepage="https://www.dataprotection.ie/en/news-media",
    endpoints=(
        # No feed is published (the same report found none). The press-release listing is read as the
        # set of links to press releases: their paths are the regulator's stable ids
        # (/en/news-media/press-releases/<slug>, older ones /en/news-media/latest-news/<slug>). The
        # listing's markup is unknown, the links' shape is not: a page where no link has that shape is
        # broken at once (min_items), never an empty list.
        EndpointSpec(
            id="press_releases",
            url="https://www.dataprotection.ie/en/news-media/press-releases",
            parser=LinksParser(
                content="body",
                link_pattern=r"^https?://[^/]+/en/news-media/(press-releases|latest-news)/[^/?#]+/?$",
            ),
            expect=Expectations(min_items=5),
        ),
    ),
)

it_garante = SourceSpec(
    id="it_garante",
    jurisdiction="EU",
    regulator="Garante per la protezione dei dati personali (Italy)",
    language="it",
    homepage="https://www.garanteprivacy.it/",
    endpoints=(
        # Liferay RSS of the news column (newsletters, press releases, orders).
        EndpointSpec(
            id="news",
            url="https://www.garanteprivacy.it/o/gpdp-rss/rss?t=news",
            parser=FeedParser(id_from="link"),
            expect=FEED_MINIMUM,
        ),
    ),
)

fr_cnil = SourceSpec(
    id="fr_cnil",
    jurisdiction="EU",
    regulator="CNIL (France)",
    language="fr",
    homepage="https://www.cnil.fr/fr",
    endpoints=(
        EndpointSpec(
            id="news", url="https://www.cnil.fr/fr/rss.xml", parser=FeedParser(), expect=FEED_MINIMUM
        ),
    ),
)

nl_ap = SourceSpec(
    id="nl_ap",
    jurisdiction="EU",
    regulator="Autoriteit Persoonsgegevens (Netherlands)",
    language="nl",
    homepage="https://www.autoriteitpersoonsgegevens.nl/",
    endpoints=(
        EndpointSpec(
            id="news",
            url="https://autoriteitpersoonsgegevens.nl/feed/article/rss.xml",
            parser=FeedParser(id_from="link"),
            expect=FEED_MINIMUM,
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (ie_dpc, it_garante, fr_cnil, nl_ap)

"""International: the Council of Europe's Framework Convention on AI and the OECD's AI policy observatory.

Endpoints, formats and the evidence for each: docs/sources-evidence.md, section International.
Jurisdiction "INT" (group "int"), kind "international" like the UN's sources.
"""

from __future__ import annotations

from tracker.specs import DocumentParser, EndpointSpec, Expectations, FeedParser, SourceSpec
from tracker.types import DocType

COE_AI = "https://www.coe.int/en/web/artificial-intelligence"

coe_ai = SourceSpec(
    id="coe_ai",
    jurisdiction="INT",
    regulator="Council of Europe (Framework Convention on AI)",
    homepage=COE_AI,
    endpoints=(
        # The convention's page: its text changes when parties sign or ratify, or when the Committee
        # on AI adopts instruments (HUDERIA). Watched as a document; about AI by construction.
        EndpointSpec(
            id="framework_convention_page",
            url=f"{COE_AI}/the-framework-convention-on-artificial-intelligence",
            parser=DocumentParser(dialect="html"),
            relevance="assume_ai_rule",
            doc_type=DocType.LAW,
            expect=Expectations(min_items=3),
        ),
        # The AI portal's front page: news of the Committee on AI (CAI) and of the convention.
        EndpointSpec(
            id="ai_portal_page",
            url=COE_AI,
            parser=DocumentParser(dialect="html"),
            relevance="assume_ai_other",
            expect=Expectations(min_items=3),
        ),
    ),
)

oecd_ai = SourceSpec(
    id="oecd_ai",
    jurisdiction="INT",
    regulator="OECD.AI",
    homepage="https://oecd.ai/en/",
    endpoints=(
        # OECD.AI's WordPress feed (the AI Wonk: policy news and analysis of the observatory).
        EndpointSpec(
            id="policy_news",
            url="https://wp.oecd.ai/feed/",
            parser=FeedParser(),
            relevance="assume_ai_other",
            expect=Expectations(min_items=3),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (coe_ai, oecd_ai)

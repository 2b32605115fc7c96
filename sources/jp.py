"""Japan: the Cabinet Office's AI strategy pages (the AI Promotion Act's strategy headquarters) and the
Personal Information Protection Commission (PPC, 個人情報保護委員会).

Endpoints, formats and the evidence for each: docs/sources-evidence.md, section Japan. Neither publishes
a feed (the PPC's /rss/news.xml answers 404, per public notes): pages are read as their links.
"""

from __future__ import annotations

from tracker.specs import DocumentParser, EndpointSpec, Expectations, LinksParser, SourceSpec
from tracker.types import DocType

CAO_AI = "https://www8.cao.go.jp/cstp/ai"

jp_cao = SourceSpec(
    id="jp_cao",
    jurisdiction="JP",
    regulator="Cabinet Office (AI Strategy Headquarters)",
    language="ja",
    homepage=f"{CAO_AI}/index.html",
    endpoints=(
        # 人工知能戦略本部 開催状況: each meeting's papers (議事概要, 資料, the 人工知能基本計画) are PDFs
        # under /cstp/ai/. About AI by construction.
        EndpointSpec(
            id="headquarters_documents",
            url=f"{CAO_AI}/ai_hq/kaisai.html",
            parser=LinksParser(content="body", link_pattern=r"^https?://[^/]+/cstp/ai/[^?#]+\.pdf($|\?)"),
            relevance="assume_ai_other",
            doc_type=DocType.REPORT,
            expect=Expectations(min_items=1),
        ),
        # The AI strategy top page (AI戦略トピックス, links to the AI Act and the basic plan), as text.
        EndpointSpec(
            id="ai_strategy_page",
            url=f"{CAO_AI}/index.html",
            parser=DocumentParser(dialect="html"),
            relevance="assume_ai_other",
            doc_type=DocType.NEWS,
            expect=Expectations(min_items=3),
        ),
    ),
)

jp_ppc = SourceSpec(
    id="jp_ppc",
    jurisdiction="JP",
    regulator="Personal Information Protection Commission (PPC)",
    language="ja",
    homepage="https://www.ppc.go.jp/",
    endpoints=(
        # 報道発表資料: each release is a directory /news/press/<year>/<date-slug>/ (e.g.
        # /news/press/2023/230602kouhou/, the generative-AI warning). Whether this index lists the
        # releases themselves or only the year pages is unverified: a page with year links only
        # matches none and is broken at once, never an empty list.
        EndpointSpec(
            id="press_releases",
            url="https://www.ppc.go.jp/news/press/",
            parser=LinksParser(content="body", link_pattern=r"^https?://[^/]+/news/press/\d{4}/[^/?#]+/?$"),
            expect=Expectations(min_items=3),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (jp_cao, jp_ppc)

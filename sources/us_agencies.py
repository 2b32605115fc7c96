"""United States beyond the FTC: NIST, the Copyright Office's AI work, and two state rulemakings that can
be watched reliably (California's Privacy Protection Agency, the Colorado Attorney General's AI rules).

Endpoints, formats and the evidence for each: docs/sources-evidence.md, section United States.
"""

from __future__ import annotations

from tracker.specs import DocumentParser, EndpointSpec, Expectations, FeedParser, LinksParser, SourceSpec
from tracker.types import DocType

# A link to a PDF under a path prefix, whatever the host (mirrors, test servers).
_PDF = r"[^?#]+\.pdf($|\?)"

us_nist = SourceSpec(
    id="us_nist",
    jurisdiction="US",
    regulator="NIST",
    homepage="https://www.nist.gov/artificial-intelligence",
    endpoints=(
        # All NIST news (AI, CAISI, cybersecurity, metrology): judged per item. The feed lists about 40.
        EndpointSpec(
            id="news",
            url="https://www.nist.gov/news-events/news/rss.xml",
            parser=FeedParser(),
            expect=Expectations(min_items=5),
        ),
    ),
)

us_copyright_office = SourceSpec(
    id="us_copyright_office",
    jurisdiction="US",
    regulator="U.S. Copyright Office",
    homepage="https://www.copyright.gov/ai/",
    endpoints=(
        # The Office's AI initiative page links its reports and guidance as PDFs under /ai/
        # (Copyright-and-Artificial-Intelligence-Part-2-Copyrightability-Report.pdf, ai_policy_guidance.pdf):
        # a new PDF there is a new AI report. The page has several already: none is broken.
        EndpointSpec(
            id="ai_documents",
            url="https://www.copyright.gov/ai/",
            parser=LinksParser(content="body", link_pattern=r"^https?://[^/]+/ai/" + _PDF),
            relevance="assume_ai_other",
            doc_type=DocType.REPORT,
            expect=Expectations(min_items=2),
        ),
    ),
)

us_cppa = SourceSpec(
    id="us_cppa",
    jurisdiction="US",
    regulator="California Privacy Protection Agency",
    homepage="https://cppa.ca.gov/regulations/",
    endpoints=(
        # The rulemaking page links every rulemaking document as /regulations/pdf/<name>.pdf (proposed
        # and approved texts, notices, statements of reasons; the automated decisionmaking technology
        # rules among them). Most are about privacy, not AI: judged per document.
        EndpointSpec(
            id="regulations",
            url="https://cppa.ca.gov/regulations/",
            parser=LinksParser(content="body", link_pattern=r"^https?://[^/]+/regulations/pdf/" + _PDF),
            expect=Expectations(min_items=3),
        ),
    ),
)

COLORADO_AI = "https://coag.gov/ai/"
us_colorado_ag = SourceSpec(
    id="us_colorado_ag",
    jurisdiction="US",
    regulator="Colorado Attorney General (AI rulemaking)",
    homepage=COLORADO_AI,
    endpoints=(
        # The AG's AI rulemaking page: its documents (uploads under /app/uploads/YYYY/MM/) and its text
        # (comment deadlines, hearing dates, the stage of the rules). About AI by construction.
        EndpointSpec(
            id="rulemaking_documents",
            url=COLORADO_AI,
            parser=LinksParser(
                content="body", link_pattern=r"^https?://[^/]+/app/uploads/\d{4}/\d{2}/" + _PDF
            ),
            relevance="assume_ai_other",
            doc_type=DocType.CONSULTATION,
            expect=Expectations(min_items=1),
        ),
        EndpointSpec(
            id="rulemaking_page",
            url=COLORADO_AI,
            parser=DocumentParser(dialect="html"),
            relevance="assume_ai_other",
            doc_type=DocType.CONSULTATION,
            expect=Expectations(min_items=3),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (us_nist, us_copyright_office, us_cppa, us_colorado_ag)

"""United States: the FTC (press releases, AI topic page) and the Federal Register API.

Endpoints and formats: docs/sources.md, section United States.
"""

from __future__ import annotations

from tracker.specs import EndpointSpec, FeedParser, HtmlListParser, JsonListParser, SourceSpec
from tracker.types import DocType

FTC = "https://www.ftc.gov"
FEDREG_API = "https://www.federalregister.gov/api/v1/documents.json"
# `count` is capped at 10000 and `total_pages` at 50, so every search is a date window.
_WINDOW = (
    "conditions[publication_date][gte]={since:%Y-%m-%d}&conditions[publication_date][lte]={until:%Y-%m-%d}"
    "&order=newest&per_page=100"
    # The fields read, subtype among them (an Executive Order is a rule, a Proclamation is not): the
    # default field set has no subtype. Named as the recorded presidential answer carries them.
    + "".join(
        f"&fields[]={name}"
        for name in (
            "document_number",
            "title",
            "type",
            "subtype",
            "abstract",
            "html_url",
            "pdf_url",
            "publication_date",
            "agencies",
            "executive_order_number",
        )
    )
)

us_ftc = SourceSpec(
    id="us_ftc",
    jurisdiction="US",
    regulator="FTC",
    homepage=FTC,
    endpoints=(
        # Every press release; no categories, so relevance comes from the text.
        EndpointSpec(id="press_releases", url=f"{FTC}/feeds/press-release.xml", parser=FeedParser()),
        # The mission feeds carry subsets of the main feed but reach further back. Recorded for history
        # and health, not alerted: each of their releases is already announced from the main feed.
        EndpointSpec(
            id="consumer_protection",
            url=f"{FTC}/feeds/press-release-consumer-protection.xml",
            parser=FeedParser(),
            alert="none",
        ),
        EndpointSpec(
            id="competition",
            url=f"{FTC}/feeds/press-release-competition.xml",
            parser=FeedParser(),
            alert="none",
        ),
        # Everything the FTC files under AI (releases, cases, blog posts, reports): about AI by
        # construction, even when a title ("... Must Back Up Its Claims") does not say so.
        EndpointSpec(
            id="ai_topic",
            url=f"{FTC}/industry/technology/artificial-intelligence",
            parser=HtmlListParser(item=".views-row", link="h3 a", date="time", date_attr="datetime"),
            relevance="assume_ai_other",
        ),
    ),
)

_FEDREG_TYPES = {
    "Rule": DocType.LAW,
    "Proposed Rule": DocType.PROPOSAL,
    "Presidential Document": DocType.LAW,
    # "Notice" is left to the wording: requests for comment (consultation), guidance, meetings, filings.
}


def _fedreg_list() -> JsonListParser:
    return JsonListParser(
        items_path="results",
        id_field="document_number",
        title_field="title",
        url_field="html_url",
        date_field="publication_date",
        summary_field="abstract",
        doc_type_field="type",
        doc_type_map=_FEDREG_TYPES,
        meta_fields=("type", "subtype", "agencies.name", "pdf_url"),
        empty_ok=True,  # a quiet fortnight answers {"count": 0} without results
    )


us_federal_register = SourceSpec(
    id="us_federal_register",
    jurisdiction="US",
    regulator="Federal Register",
    homepage="https://www.federalregister.gov/",
    endpoints=(
        # Rules, proposed rules and notices whose text mentions AI; the relevance stage keeps those
        # that are about it.
        EndpointSpec(
            id="ai_documents",
            url=f"{FEDREG_API}?conditions[term]=artificial+intelligence&conditions[type][]=RULE"
            f"&conditions[type][]=PRORULE&conditions[type][]=NOTICE&{_WINDOW}",
            window_days=14,
            parser=_fedreg_list(),
        ),
        # Executive orders and memoranda, all of them (few a week), judged by title and abstract.
        # conditions[type][]=PRESDOCU was seen to answer nothing: filter on the presidential type.
        EndpointSpec(
            id="presidential",
            url=f"{FEDREG_API}?conditions[presidential_document_type][]=executive_order"
            f"&conditions[presidential_document_type][]=memorandum&{_WINDOW}",
            window_days=14,
            parser=_fedreg_list(),
            doc_type=DocType.LAW,
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (us_ftc, us_federal_register)

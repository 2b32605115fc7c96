"""European Union: EUR-Lex, CELLAR (the AI Act and its consolidations), Press Corner, AI Office, EDPB, EP.

Endpoints and formats: docs/sources.md, section EU. eur-lex.europa.eu sits behind an AWS WAF, so
legal texts come from CELLAR (publications.europa.eu), which is not.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tracker.specs import (
    DocumentParser,
    EndpointSpec,
    Expectations,
    FeedParser,
    FollowSpec,
    JsonListParser,
    RelevanceMode,
    SourceSpec,
    UrlFromItems,
)
from tracker.types import DocType

AI_ACT_CELEX = "32024R1689"
# The newest consolidation known when this was written (docs/sources.md): fetched until the
# consolidations list names one.
LATEST_CONSOLIDATION = "02024R1689-20260727"
# Consolidated versions of an act are "0" + its CELEX without the sector digit: "02024R1689-20260727".
AI_ACT_CONSOLIDATED = "0" + AI_ACT_CELEX[1:]

# Consolidated versions of the AI Act, newest first. The consolidation links to its base act with
# act_consolidated_consolidates_resource_legal (consolidation -> base); a new binding = a new
# consolidated CELEX "02024R1689-YYYYMMDD", the most reliable amendment signal. The same property also
# links the consolidated versions of the 9 acts the AI Act amends (Reg. 2018/858, Dir. 2020/1828 ...):
# only CELEX numbers starting with 02024R1689 are the AI Act's own (docs/sources.md, EU, corrected
# 2026-12). Title and version are computed here so the JSON list parser needs no special case.
_CONSOLIDATIONS_QUERY = f"""PREFIX cdm: <http://publications.europa.eu/ontology/cdm#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT DISTINCT ?celex ?version ?title WHERE {{
  ?base cdm:resource_legal_id_celex "{AI_ACT_CELEX}"^^xsd:string .
  ?consolidated cdm:act_consolidated_consolidates_resource_legal ?base ;
                cdm:resource_legal_id_celex ?celex .
  FILTER(STRSTARTS(STR(?celex), "{AI_ACT_CONSOLIDATED}"))
  BIND(STRAFTER(STR(?celex), "-") AS ?version)
  BIND(CONCAT("AI Act (Regulation (EU) 2024/1689): consolidated version of ", ?version) AS ?title)
}}
ORDER BY DESC(?celex)"""

SPARQL_URL = "https://publications.europa.eu/webapi/rdf/sparql?" + urlencode(
    {"query": _CONSOLIDATIONS_QUERY, "format": "application/sparql-results+json"}
)

EURLEX_RSS = "https://eur-lex.europa.eu/EN/display-feed.rss?rssId={}"
DIGITAL_STRATEGY = "https://digital-strategy.ec.europa.eu/en"
# Europa Component Library pages: "latest news" / related-content cards and share widgets change with
# every news item and are not the policy text.
_ECL_VOLATILE = (".ecl-content-item", ".ecl-content-item-block", ".ecl-social-media-share")

eu_eurlex = SourceSpec(
    id="eu_eurlex",
    jurisdiction="EU",
    regulator="EUR-Lex",
    homepage="https://eur-lex.europa.eu/",
    endpoints=(
        EndpointSpec(id="oj_l", url=EURLEX_RSS.format(222), parser=FeedParser(), doc_type=DocType.LAW),
        EndpointSpec(
            id="com_proposals", url=EURLEX_RSS.format(161), parser=FeedParser(), doc_type=DocType.PROPOSAL
        ),
    ),
)

eu_ai_act = SourceSpec(
    id="eu_ai_act",
    jurisdiction="EU",
    regulator="EU (AI Act)",
    homepage="https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    endpoints=(
        EndpointSpec(
            id="oj_text",
            url=f"http://publications.europa.eu/resource/celex/{AI_ACT_CELEX}",
            headers={"Accept": "application/xhtml+xml", "Accept-Language": "eng"},
            parser=DocumentParser(dialect="eurlex_oj"),
            relevance="assume_ai_rule",
            doc_type=DocType.LAW,
        ),
        EndpointSpec(
            id="consolidated",
            url=SPARQL_URL,
            headers={"Accept": "application/sparql-results+json"},
            parser=JsonListParser(
                items_path="results.bindings",
                id_field="celex.value",
                title_field="title.value",
                url_template="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{id}",
                date_field="version.value",  # "20260727"
                # Defence in depth: a server (or a mirror) answering without the FILTER must still not
                # announce Reg. 2018/858's new version as the AI Act's.
                keep_if=AI_ACT_CONSOLIDATED,
            ),
            expect=Expectations(min_items=1),
            relevance="assume_ai_rule",
            doc_type=DocType.LAW,
            # The new version's text (consolidated_text below) is the alert, with what changed in it;
            # the bare listing would be the same event twice.
            alert="none",
        ),
        # The text of the newest consolidated version, fetched by CELLAR content negotiation: when the
        # list above shows a new version, this endpoint fetches it and diffs it article by article
        # against the previous one, so "the law in force changed" arrives with the change itself.
        EndpointSpec(
            id="consolidated_text",
            url=f"http://publications.europa.eu/resource/celex/{LATEST_CONSOLIDATION}",
            url_from=UrlFromItems(endpoint="consolidated", template="{id}"),  # .../resource/celex/<CELEX>
            headers={"Accept": "application/xhtml+xml", "Accept-Language": "eng"},
            # CELLAR's rendering of a consolidation is unverified: the dialect is read from the body
            # (consolidated or OJ markup), and an answer without articles is broken.
            parser=DocumentParser(dialect="auto"),
            expect=Expectations(min_articles=100),
            relevance="assume_ai_rule",
            doc_type=DocType.LAW,
        ),
    ),
)

eu_presscorner = SourceSpec(
    id="eu_presscorner",
    jurisdiction="EU",
    regulator="European Commission",
    homepage="https://ec.europa.eu/commission/presscorner/home/en",
    endpoints=(
        EndpointSpec(
            id="ai_search",
            # No pagenumber: whether pages count from 0 or 1 is unverified, and the wrong guess would
            # silently read page two. 100 hits over 30 days is far more than the Commission publishes on AI.
            url="https://ec.europa.eu/commission/presscorner/api/search?language=en&pagesize=100"
            "&datefrom={since:%d%m%Y}&dateto={until:%d%m%Y}&global=artificial+intelligence",
            window_days=30,
            parser=JsonListParser(
                items_path="docuLanguageListResources",
                id_field="refCode",
                title_field="title",
                url_template="https://ec.europa.eu/commission/presscorner/detail/en/{id_slug}",
                date_field="eventDate",
                summary_field="leadText",
                doc_type_field="docutype.code",
                # Press releases (IP) are left to the wording ("Commission proposes ...", "adopts
                # guidelines ..."); these codes say what the document is whatever it is about.
                doc_type_map={
                    "SPEECH": DocType.NEWS,
                    "STATEMENT": DocType.NEWS,
                    "MEX": DocType.NEWS,
                    "QANDA": DocType.GUIDANCE,
                    "FS": DocType.REPORT,
                },
                meta_fields=("docutype.code",),
                empty_ok=True,
            ),
        ),
    ),
)


def _policy_page(endpoint_id: str, path: str, relevance: RelevanceMode) -> EndpointSpec:
    return EndpointSpec(
        id=endpoint_id,
        url=f"{DIGITAL_STRATEGY}/policies/{path}",
        parser=DocumentParser(dialect="html", drop=_ECL_VOLATILE),
        relevance=relevance,
        doc_type=DocType.GUIDANCE,
    )


eu_ai_office = SourceSpec(
    id="eu_ai_office",
    jurisdiction="EU",
    regulator="European Commission (AI Office)",
    homepage=f"{DIGITAL_STRATEGY}/policies/ai-office",
    endpoints=(
        EndpointSpec(id="news", url=f"{DIGITAL_STRATEGY}/rss.xml", parser=FeedParser()),
        _policy_page("ai_framework_page", "regulatory-framework-ai", "assume_ai_rule"),
        _policy_page("ai_office_page", "ai-office", "assume_ai_other"),
        _policy_page("gpai_code_page", "contents-code-gpai", "assume_ai_rule"),
    ),
)

eu_edpb = SourceSpec(
    id="eu_edpb",
    jurisdiction="EU",
    regulator="EDPB",
    homepage="https://www.edpb.europa.eu/",
    endpoints=(
        EndpointSpec(id="news", url="https://www.edpb.europa.eu/feed/news_en", parser=FeedParser()),
        # Guidelines, opinions and statements: guidance unless the wording says otherwise.
        EndpointSpec(
            id="publications",
            url="https://www.edpb.europa.eu/feed/publications_en",
            parser=FeedParser(),
            doc_type=DocType.GUIDANCE,
        ),
    ),
)

OEIL_PROCEDURE = "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference={label}"
EP_API = "https://data.europarl.europa.eu/api/v2/"
# Procedures that must be followed whatever the list shows: 2025/0359(COD), the AI Act's 2026 amendment
# (COM(2025) 836, the digital omnibus on AI, adopted as Reg. 2026/1744). Later AI files are discovered.
PINNED_PROCEDURES = ("2025-0359",)
# Activity types -> words people use; any other code reads as its last segment ("plenary vote").
_EP_ACTIVITIES = {
    "def/ep-activities/TABLING_PLENARY": "report tabled for plenary",
    "def/ep-activities/REFERRAL": "referred to committee",
    "def/ep-activities/COMMITTEE_ADOPTING_REPORT": "committee vote on the report",
    "def/ep-activities/COMMITTEE_TABLING_REPORT": "draft report tabled in committee",
    "def/ep-activities/INTERINSTITUTIONAL_NEGOTIATION": "interinstitutional negotiation (trilogue)",
    "def/ep-activities/COMMITTEE_APPROVE_PROVISIONAL_AGREEMENT": "committee approves the trilogue agreement",
    "def/ep-activities/PLENARY_AMEND_PROPOSAL": "Parliament's position adopted in plenary",
}

# Legislative procedures (COD) of the Parliament: the year's list names every file but not what it is
# about, so each listed procedure is fetched once for its title, and the events of the AI ones (and of
# the pinned ones) are items "<procedure>/<activity id>" titled "2025/0359(COD): plenary vote", dated,
# linked to the OEIL procedure file (pipeline.follow). The list is a date window: last year's procedures
# leaving it is not a removal, and AI procedures already found keep being followed.
# List parameters and shapes: docs/sources.md, EU, Parliament row (public code; verify live).
eu_parliament = SourceSpec(
    id="eu_parliament",
    jurisdiction="EU",
    regulator="European Parliament",
    homepage="https://oeil.europarl.europa.eu/oeil/en/",
    endpoints=(
        EndpointSpec(
            id="ai_procedures",
            url=EP_API + "procedures?process-type=COD&year={until:%Y}"
            "&format=application%2Fld%2Bjson&offset=0&limit=500",
            window_days=365,
            headers={"Accept": "application/ld+json"},
            parser=JsonListParser(
                items_path="data", id_field="process_id", title_field="label", url_template=OEIL_PROCEDURE
            ),
            follow=FollowSpec(
                url="procedures/{id}?format=application%2Fld%2Bjson",  # next to the list
                entries=JsonListParser(
                    items_path="data.consists_of",
                    id_field="activity_id",
                    title_field="had_activity_type",
                    date_field="activity_date",
                    meta_fields=("had_activity_type", "occured_at_stage", "based_on_a_realization_of"),
                ),
                label_field="data.label",  # "2025/0359(COD)"
                title_field="data.process_title.en",
                parent_url=OEIL_PROCEDURE,
                # One URL per event (the procedure file, at the event): the alert outbox treats one URL
                # as one news item, and each event is one.
                entry_url=OEIL_PROCEDURE + "#{id}",
                title_map=_EP_ACTIVITIES,
                pinned=PINNED_PROCEDURES,
            ),
            relevance="classify",  # procedures about other things are listed, judged, not alerted
            doc_type=DocType.PROPOSAL,
            expect=Expectations(min_items=1),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (eu_eurlex, eu_ai_act, eu_presscorner, eu_ai_office, eu_edpb, eu_parliament)

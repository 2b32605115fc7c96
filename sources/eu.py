"""European Union: EUR-Lex, CELLAR (the AI Act and its consolidations), Press Corner, AI Office, EDPB, EP.

Endpoints and formats: ../shared/SOURCES.md, section EU. eur-lex.europa.eu sits behind an AWS WAF, so
legal texts come from CELLAR (publications.europa.eu), which is not.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tracker.specs import (
    DocumentParser,
    EndpointSpec,
    FeedParser,
    JsonListParser,
    RelevanceMode,
    SourceSpec,
)
from tracker.types import DocType

AI_ACT_CELEX = "32024R1689"

# Consolidated versions of the AI Act, newest first. The consolidation links to its base act with
# act_consolidated_consolidates_resource_legal (consolidation -> base); a new binding = a new
# consolidated CELEX "02024R1689-YYYYMMDD", the most reliable amendment signal. Title and version
# are computed here so the JSON list parser needs no special case.
_CONSOLIDATIONS_QUERY = f"""PREFIX cdm: <http://publications.europa.eu/ontology/cdm#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT DISTINCT ?celex ?version ?title WHERE {{
  ?base cdm:resource_legal_id_celex "{AI_ACT_CELEX}"^^xsd:string .
  ?consolidated cdm:act_consolidated_consolidates_resource_legal ?base ;
                cdm:resource_legal_id_celex ?celex .
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
            ),
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

# The AI Act's legislative procedure 2021/0106(COD): every event (tabling, votes, signature,
# corrigendum procedures) is an item. Titles are the Parliament's activity types
# ("def/ep-activities/PLENARY_VOTE"); the structure is checked on a recorded non-AI procedure.
eu_parliament = SourceSpec(
    id="eu_parliament",
    jurisdiction="EU",
    regulator="European Parliament",
    homepage="https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2021/0106(COD)",
    endpoints=(
        EndpointSpec(
            id="ai_act_procedure",
            url="https://data.europarl.europa.eu/api/v2/procedures/2021-0106?format=application%2Fld%2Bjson",
            parser=JsonListParser(
                items_path="data.consists_of",
                id_field="activity_id",
                title_field="had_activity_type",
                date_field="activity_date",
                url_template="https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file"
                "?reference=2021/0106(COD)",
                meta_fields=("occured_at_stage", "based_on_a_realization_of"),
            ),
            relevance="assume_ai_rule",
            doc_type=DocType.PROPOSAL,
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (eu_eurlex, eu_ai_act, eu_presscorner, eu_ai_office, eu_edpb, eu_parliament)

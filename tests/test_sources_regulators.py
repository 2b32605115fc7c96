"""The regulators behind the news (issue 19), each on its reconstructed fixture through decode + extract,
its declared expectations and the relevance stage, as a check runs them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sources.groups import KINDS, groups_of
from tests.regulators_served import NEW_SOURCES, SERVED_NEW
from tests.sources_support import document, endpoint, items, judged, spec
from tracker.pipeline.expectations import check_expectations
from tracker.specs import DocumentParser
from tracker.types import ItemsExtraction, RelevanceLabel

NOT_AI = RelevanceLabel.NOT_AI
CEST, BST, CST, KST = (timezone(timedelta(hours=h)) for h in (2, 1, 8, 9))


def _items(key: str) -> ItemsExtraction:
    path, content_type = SERVED_NEW[key]
    return items(key, path, content_type)


def _labels(key: str) -> dict[str, RelevanceLabel]:
    result = _items(key)
    verdicts = judged(key, result)
    return {i.title: verdicts[i.stable_id][0].label for i in result.items}


def test_every_new_endpoint_is_served_and_holds_its_declared_expectations() -> None:
    declared = {f"{s}/{e.id}" for s in NEW_SOURCES for e in spec(s).endpoints}
    assert declared == set(SERVED_NEW)
    for key, (path, content_type) in SERVED_NEW.items():
        ep = endpoint(key)
        extraction = (
            document(key, path, content_type)
            if isinstance(ep.parser, DocumentParser)
            else items(key, path, content_type)
        )
        assert check_expectations(ep, extraction) is None, key
        # Every new endpoint says what a healthy answer is: a wrong guess is broken, never silence.
        assert ep.expect.min_items is not None and ep.expect.min_items >= 1, key


def test_every_new_source_belongs_to_a_jurisdiction_and_a_kind() -> None:
    for source_id in NEW_SOURCES:
        source = spec(source_id)
        assert source_id in KINDS
        assert groups_of(source) == (source.jurisdiction.lower(), KINDS[source_id])
    assert {spec(s).jurisdiction for s in ("ie_dpc", "it_garante", "fr_cnil", "nl_ap")} == {"EU"}
    assert {spec(s).language for s in ("it_garante", "fr_cnil", "nl_ap", "jp_ppc")} == {
        "it",
        "fr",
        "nl",
        "ja",
    }


def test_eu_dpa_feeds_and_the_dpc_listing() -> None:
    cnil = _items("fr_cnil/news").items
    assert [i.stable_id for i in cnil] == [
        "148210 at https://www.cnil.fr",
        "148150 at https://www.cnil.fr",
        "148001 at https://www.cnil.fr",
    ]
    assert cnil[0].published_at == datetime(2026, 9, 14, 10, 0, tzinfo=CEST)
    garante = _items("it_garante/news").items
    assert (
        garante[0].stable_id == "https://www.garanteprivacy.it/home/docweb/-/docweb-display/docweb/10097450"
    )
    dpc = _items("ie_dpc/press_releases").items
    # Six releases; the navigation's listing links and the footer's PDF are not releases.
    assert len(dpc) == 6
    assert all("/en/news-media/press-releases/" in i.url or "/latest-news/" in i.url for i in dpc)
    assert dpc[2].title.startswith("Data Protection Commission launches inquiry into X's processing")


def test_eu_dpa_relevance_on_their_own_languages() -> None:
    garante = _labels("it_garante/news")
    assert garante["ChatGPT: il Garante privacy chiude l'istruttoria nei confronti di OpenAI e irroga una "
                   "sanzione di 15 milioni di euro"] == RelevanceLabel.AI_ENFORCEMENT  # fmt: skip
    assert (
        garante["Intelligenza artificiale: il Garante privacy blocca DeepSeek"]
        == RelevanceLabel.AI_ENFORCEMENT
    )
    assert garante["Telemarketing aggressivo: sanzione di 5 milioni a una società energetica"] == NOT_AI
    cnil = _labels("fr_cnil/news")
    assert cnil["Cybersécurité : les bons réflexes pour la rentrée scolaire"] == NOT_AI
    assert (
        cnil["IA : la CNIL publie ses recommandations sur l'intérêt légitime pour l'entraînement des modèles"]
        == RelevanceLabel.AI_RULE
    )
    assert cnil["Sanction de 40 millions d'euros à l'encontre d'une société de publicité en ligne"] == NOT_AI
    ap = _labels("nl_ap/news")
    assert ap["AP legt Clearview boete op voor illegale dataverzameling voor gezichtsherkenning"] == (
        RelevanceLabel.AI_ENFORCEMENT
    )
    assert ap["Rapportage AI- en algoritmerisico's Nederland: chatbots geven onbetrouwbaar stemadvies"] == (
        RelevanceLabel.AI_OTHER
    )
    assert ap["Datalek bij zorgverzekeraar: AP doet onderzoek"] == NOT_AI
    dpc = _labels("ie_dpc/press_releases")
    assert dpc["Data Protection Commission publishes its Annual Report for 2025"] == NOT_AI
    grok = (
        "Data Protection Commission launches inquiry into X's processing of personal data to train its Grok"
    )
    assert dpc[grok + " large language model"] == RelevanceLabel.AI_ENFORCEMENT


def test_gov_uk_organisation_feeds_use_the_page_path_as_id() -> None:
    dsit = _items("uk_dsit/activity").items
    assert [i.stable_id for i in dsit][:2] == [
        "/government/consultations/ai-regulation-bill-consultation",
        "/government/news/new-fibre-broadband-contracts-signed",
    ]
    assert dsit[0].published_at == datetime(2026, 9, 17, 10, 0, tzinfo=BST)  # <updated>, no <published>
    assert dsit[0].url == "https://www.gov.uk/government/consultations/ai-regulation-bill-consultation"
    labels = _labels("uk_dsit/activity")
    assert labels["Gigabit broadband contracts signed to connect 100,000 rural homes"] == NOT_AI
    assert labels["AI regulation: a consultation on legislation for the most advanced AI models"] == (
        RelevanceLabel.AI_RULE
    )
    # The AI Security Institute publishes on AI only: every entry is about AI, whatever its title.
    assert NOT_AI not in set(_labels("uk_aisi/activity").values())
    assert _labels("uk_cma/activity")["Pet food merger inquiry"] == NOT_AI


def test_ico_listing_keeps_only_dated_article_paths() -> None:
    ico = _items("uk_ico/news").items
    assert len(ico) == 6
    assert ico[0].url == (
        "https://ico.org.uk/about-the-ico/media-centre/news-and-blogs/2026/09/"
        "ico-consults-on-guidance-for-generative-ai-developers/"
    )
    labels = _labels("uk_ico/news")
    assert labels["ICO consults on guidance for generative AI developers"] == RelevanceLabel.AI_RULE
    # An AI product by name is AI: the investigation into Grok is enforcement.
    assert labels["ICO announces investigation into Grok"] == RelevanceLabel.AI_ENFORCEMENT
    assert labels["Data breach at housing association leads to reprimand"] == NOT_AI


def test_us_agencies() -> None:
    nist = _labels("us_nist/news")
    assert nist["New Atomic Clock Design Could Improve GPS Timing"] == NOT_AI
    assert (
        nist["NIST Releases Draft Guidelines for Evaluating the Security of AI Agents"]
        == RelevanceLabel.AI_RULE
    )
    reports = _items("us_copyright_office/ai_documents").items
    assert [i.url.rsplit("/", 1)[-1] for i in reports] == [
        "Copyright-and-Artificial-Intelligence-Part-1-Digital-Replicas-Report.pdf",
        "Copyright-and-Artificial-Intelligence-Part-2-Copyrightability-Report.pdf",
        "Copyright-and-Artificial-Intelligence-Part-3-Generative-AI-Training-Report.pdf",
        "ai_policy_guidance.pdf",
    ]  # not the annual report, which is not under /ai/
    cppa = _items("us_cppa/regulations").items
    assert len(cppa) == 4 and all("/regulations/pdf/" in i.url for i in cppa)
    colorado = _items("us_colorado_ag/rulemaking_documents").items
    assert [i.url.rsplit("/", 1)[-1] for i in colorado] == [
        "Proposed-ADMT-and-Chatbot-Safety-Rules.pdf",
        "ADMT-Chatbot-Pre-Rulemaking-Considerations-Document.pdf",
    ]
    page = document("us_colorado_ag/rulemaking_page", *SERVED_NEW["us_colorado_ag/rulemaking_page"])
    assert any("October 26, 2026" in b.text for b in page.blocks)


def test_japan_pages() -> None:
    hq = _items("jp_cao/headquarters_documents").items
    assert len(hq) == 4 and all("/cstp/ai/" in i.url and i.url.endswith(".pdf") for i in hq)
    # The headquarters' papers are about AI by construction; the basic plan (draft or adopted) is a rule,
    # the minutes are other (issue 20: national AI plans are not "other").
    assert _labels("jp_cao/headquarters_documents") == {
        "資料1 人工知能基本計画（第2期）（案）": RelevanceLabel.AI_RULE,
        "議事概要": RelevanceLabel.AI_OTHER,
        "人工知能基本計画": RelevanceLabel.AI_RULE,
    }
    ppc = _items("jp_ppc/press_releases").items
    # The year pages in the navigation are not releases.
    assert [i.url.removeprefix("https://www.ppc.go.jp") for i in ppc] == [
        "/news/press/2026/260717/",
        "/news/press/2026/260407/",
        "/news/press/2026/260325_houdou/",
        "/news/press/2023/230602kouhou/",
    ]
    # Japanese document types are read: promulgation, a cabinet decision on a bill, the PPC's response to a
    # company and its alert on generative AI services.
    verdicts = list(judged("jp_ppc/press_releases", _items("jp_ppc/press_releases")).values())
    assert [str(doc_type) for _, doc_type in verdicts] == ["law", "proposal", "enforcement", "enforcement"]
    assert [relevance.label for relevance, _ in verdicts] == [
        NOT_AI,
        NOT_AI,
        NOT_AI,
        RelevanceLabel.AI_ENFORCEMENT,
    ]


def test_tc260_rows_are_script_links_built_into_detail_urls() -> None:
    drafts = _items("cn_tc260/drafts_for_comment").items
    assert [i.stable_id for i in drafts][-1] == "3bb57023c00a464faf4c2f7b9a5524c7"
    assert (
        drafts[-1].url == "https://www.tc260.org.cn/portal/suggestion-detail/3bb57023c00a464faf4c2f7b9a5524c7"
    )
    assert (
        drafts[-1].title
        == "关于国家标准《数据安全技术 个人信息保护合规审计专业机构能力要求》征求意见稿征求意见的通知"
    )
    assert drafts[0].published_at == datetime(2026, 9, 1, tzinfo=CST)
    labels = [label for label in _labels("cn_tc260/drafts_for_comment").values()]
    assert labels == [RelevanceLabel.AI_RULE, RelevanceLabel.AI_RULE, NOT_AI]


def test_miit_columns_and_pipc() -> None:
    policy = _labels("cn_miit/policy_documents")
    assert [label == NOT_AI for label in policy.values()] == [False, True, True]
    consultations = _items("cn_miit/consultations").items
    assert consultations[0].published_at == datetime(2026, 9, 14, 15, 0, tzinfo=CST)
    pipc = _items("kr_pipc/press_releases")
    assert [i.stable_id for i in pipc.items] == ["156719001", "156718550", "156717200"]
    assert pipc.items[0].published_at == datetime(2026, 9, 16, 12, 0, tzinfo=KST)
    labels = list(judged("kr_pipc/press_releases", pipc).values())
    assert [v[0].label for v in labels] == [
        RelevanceLabel.AI_RULE,
        RelevanceLabel.AI_ENFORCEMENT,
        NOT_AI,
    ]


@pytest.mark.parametrize("key", ["coe_ai/framework_convention_page", "coe_ai/ai_portal_page"])
def test_council_of_europe_pages_are_documents(key: str) -> None:
    page = document(key, *SERVED_NEW[key])
    assert any("Framework Convention" in b.text for b in page.blocks)


def test_oecd_ai_feed() -> None:
    oecd = _items("oecd_ai/policy_news").items
    assert [i.stable_id for i in oecd] == [f"https://wp.oecd.ai/?p={n}" for n in (41210, 41150, 41090)]
    assert NOT_AI not in set(_labels("oecd_ai/policy_news").values())


def test_a_redesigned_dpc_listing_is_broken_not_empty() -> None:
    """The listing's links reshaped (e.g. /en/news/<slug>): 0 press releases is a breach, never silence."""
    ep = endpoint("ie_dpc/press_releases")
    path, content_type = SERVED_NEW["ie_dpc/press_releases"]
    from tracker.extract.derive import derive

    redesigned = path.read_bytes().replace(b"/en/news-media/press-releases/", b"/en/news/")
    redesigned = redesigned.replace(b"/en/news-media/latest-news/", b"/en/news/")
    _, extraction = derive(ep, redesigned, content_type, ep.url)
    breach = check_expectations(ep, extraction)
    assert breach is not None and "0 item(s) where at least 5 are expected" in breach.reason

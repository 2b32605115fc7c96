"""EU sources on the recorded samples and the reconstructions, through their real declarations."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import document, endpoint, items, judged
from tracker.normalise import content_hash
from tracker.types import DocType, RelevanceLabel

CEST = timezone(timedelta(hours=2))
RSS = "application/rss+xml"


def test_eurlex_oj_l_feed() -> None:
    result = items("eu_eurlex/oj_l", FIXTURES / "eu/eurlex_oj_l.reconstructed.rss", RSS)
    ids = [i.stable_id for i in result.items]
    assert ids == ["OJ:L_202602034", "OJ:L_202602029", "OJ:L_202602011", "OJ:L_202601744"]
    omnibus = result.items[3]
    assert omnibus.title.startswith("Regulation (EU) 2026/1744 of the European Parliament")
    assert omnibus.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202601744"
    assert omnibus.published_at == datetime(2026, 7, 24, 6, 0, tzinfo=CEST)
    verdicts = judged("eu_eurlex/oj_l", result)
    assert [v[0].label for v in verdicts.values()] == [RelevanceLabel.NOT_AI] * 3 + [RelevanceLabel.AI_RULE]
    assert {doc_type for _, doc_type in verdicts.values()} == {DocType.LAW}  # the endpoint's default


def test_ai_act_official_journal_text_from_cellar() -> None:
    ep = endpoint("eu_ai_act/oj_text")
    assert ep.headers == {"Accept": "application/xhtml+xml", "Accept-Language": "eng"}
    assert ep.url == "http://publications.europa.eu/resource/celex/32024R1689"
    doc = document(
        "eu_ai_act/oj_text",
        SAMPLES / "eu/eurlex_cellar_ai-act_32024R1689_oj_EN.xhtml",
        "application/xhtml+xml",
    )
    kinds = Counter(block.key.split("_")[0] for block in doc.blocks)
    assert kinds == {"rct": 180, "art": 113, "anx": 13}
    assert doc.title.startswith("REGULATION (EU) 2024/1689 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL")
    article_5 = next(b for b in doc.blocks if b.key == "art_5")
    assert article_5.label == "Article 5" and article_5.text.startswith("Prohibited AI practices")


def test_ai_act_consolidated_versions_from_sparql() -> None:
    ep = endpoint("eu_ai_act/consolidated")
    query = parse_qs(urlsplit(ep.url).query)["query"][0]
    assert '"32024R1689"' in query and "act_consolidated_consolidates_resource_legal" in query
    assert ep.headers["Accept"] == "application/sparql-results+json"
    result = items(
        "eu_ai_act/consolidated",
        FIXTURES / "eu/cellar_sparql_consolidations.reconstructed.json",
        "application/sparql-results+json",
    )
    # One CELEX answered for two works is one version (the store counts an id once).
    assert [i.stable_id for i in result.items] == [
        "02024R1689-20260727",
        "02024R1689-20260727",
        "02024R1689-20240712",
    ]
    latest = result.items[0]
    assert latest.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02024R1689-20260727"
    assert latest.published_at == datetime(2026, 7, 27, tzinfo=UTC)
    assert latest.title == "AI Act (Regulation (EU) 2024/1689): consolidated version of 20260727"
    labels = {v[0].label for v in judged("eu_ai_act/consolidated", result).values()}
    assert labels == {RelevanceLabel.AI_RULE}  # every version of the AI Act is an AI rule


def test_presscorner_search_sample() -> None:
    result = items(
        "eu_presscorner/ai_search",
        SAMPLES / "eu/presscorner_api_search_response_2026-09-24_trimmed.json",
        "application/json",
    )
    assert [(i.stable_id, i.url.rsplit("/", 1)[1]) for i in result.items] == [
        ("SPEECH/26/1968", "speech_26_1968"),
        ("SPEECH/26/1955", "speech_26_1955"),
        ("IP/26/1954", "ip_26_1954"),
        ("MEX/26/1951", "mex_26_1951"),
    ]
    assert all(
        i.url.startswith("https://ec.europa.eu/commission/presscorner/detail/en/") for i in result.items
    )
    assert result.items[0].published_at == datetime(2026, 9, 24, tzinfo=UTC)
    assert result.items[2].summary.startswith(
        "Today, President of the European Commission Ursula von der Leyen"
    )
    # Speeches and daily news are declared news; a press release is left to its wording.
    assert [i.doc_type for i in result.items] == [DocType.NEWS, DocType.NEWS, None, DocType.NEWS]
    assert result.items[0].meta == {"docutype.code": "SPEECH"}
    # The recorder's sample is not about AI: nothing in it is relevant.
    assert {v[0].label for v in judged("eu_presscorner/ai_search", result).values()} == {
        RelevanceLabel.NOT_AI
    }


def test_presscorner_empty_window_is_not_an_error() -> None:
    from tracker.derive import derive

    body = b'{"totalNumber": 0, "pageSize": 100, "pageNumber": 0, "docuLanguageListResources": []}'
    _, extraction = derive(endpoint("eu_presscorner/ai_search"), body, "application/json", "https://x.eu/")
    assert extraction.items == ()  # type: ignore[union-attr]


def test_digital_strategy_feed() -> None:
    result = items("eu_ai_office/news", FIXTURES / "eu/digital_strategy.reconstructed.rss", RSS)
    assert [i.stable_id for i in result.items] == [
        "128804 at https://digital-strategy.ec.europa.eu",
        "128771 at https://digital-strategy.ec.europa.eu",
        "128702 at https://digital-strategy.ec.europa.eu",
    ]
    verdicts = judged("eu_ai_office/news", result)
    labels = [v[0].label for v in verdicts.values()]
    assert labels == [RelevanceLabel.AI_RULE, RelevanceLabel.NOT_AI, RelevanceLabel.AI_RULE]
    assert [v[1] for v in verdicts.values()][2] == DocType.CONSULTATION


def test_ai_policy_page_keeps_the_policy_and_drops_news_cards(tmp_path: Path) -> None:
    path = FIXTURES / "eu/digital_strategy_policy_page.reconstructed.html"
    doc = document("eu_ai_office/ai_framework_page", path, "text/html")
    text = "\n".join(b.text for b in doc.blocks)
    assert doc.title == "AI Act"
    assert "obligations for high-risk AI systems apply from 2 December 2027" in text
    for volatile in ("Latest News", "AI Pact reaches", "Share this page", "official website", "Legal notice"):
        assert volatile not in text
    # New news cards and a new share count leave the watched text, and so its hash, unchanged.
    html = path.read_text("utf-8")
    busier = html.replace("1 204", "1 377").replace(
        '<section class="ecl-content-item-block">\n      <h2>Latest News</h2>',
        '<section class="ecl-content-item-block">\n      <h2>Latest News</h2>'
        '<article class="ecl-content-item"><div class="ecl-content-item__title"><a href="/en/news/x">'
        'New AI factories selected</a></div><time datetime="2026-10-20">20 October 2026</time></article>',
    )
    assert busier != html
    (tmp_path / "busier.html").write_text(busier, "utf-8")
    again = document("eu_ai_office/ai_framework_page", tmp_path / "busier.html", "text/html")
    assert content_hash(again) == content_hash(doc)


def test_edpb_news_feed() -> None:
    result = items("eu_edpb/news", FIXTURES / "eu/edpb_news.reconstructed.rss", RSS)
    assert [i.stable_id for i in result.items] == [
        "7381 at https://www.edpb.europa.eu",
        "7364 at https://www.edpb.europa.eu",
        "7302 at https://www.edpb.europa.eu",
    ]
    fine = result.items[0]
    # Title and date as on the recorded article page (its first <time>, not the related news dates)
    assert fine.title == "Health data breach: the CNIL fined Hôpital Privé de la Loire 500 000 EUR"
    assert fine.published_at == datetime(2026, 9, 9, 12, 0, tzinfo=UTC)
    page = (SAMPLES / "eu/edpb_news_article_reduced_capture_2026-09-11.html").read_text("utf-8")
    assert (
        'datetime="2026-09-09T12:00:00Z"' in page
        and fine.url.removeprefix("https://www.edpb.europa.eu") in page
    )
    labels = [v[0].label for v in judged("eu_edpb/news", result).values()]
    assert labels == [RelevanceLabel.NOT_AI, RelevanceLabel.AI_RULE, RelevanceLabel.NOT_AI]


def test_edpb_publications_are_guidance_by_default() -> None:
    assert endpoint("eu_edpb/publications").doc_type == DocType.GUIDANCE
    assert endpoint("eu_edpb/news").doc_type == DocType.NEWS


def test_parliament_procedure_events_on_the_recorded_shape() -> None:
    result = items(
        "eu_parliament/ai_act_procedure",
        SAMPLES / "eu/ep_opendata_api_v2_procedure_2023-0156_trimmed_2026-09-11.json",
        "application/ld+json",
    )
    assert len(result.items) == 18
    first = result.items[0]
    assert first.stable_id == "2023-0156-DEPOT-2024-02-28"
    assert first.title == "def/ep-activities/TABLING_PLENARY"
    assert first.published_at == datetime(2024, 2, 28, tzinfo=UTC)
    assert (
        first.url == "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2021/0106(COD)"
    )
    assert first.meta["based_on_a_realization_of"] == "eli/dl/doc/A-9-2024-0065"
    # Every event of the AI Act's procedure is about the AI Act.
    assert {v[0].label for v in judged("eu_parliament/ai_act_procedure", result).values()} == {
        RelevanceLabel.AI_RULE
    }

"""EU sources on the recorded samples and the reconstructions, through their real declarations."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from tests.fixture_server import FixtureServer, Resp
from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import document, endpoint, items, judged
from tracker.config import Config
from tracker.extract.normalise import content_hash
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine
from tracker.store.models import Change, Item
from tracker.types import DecodedBody, DocType, ExtractionError, RelevanceLabel

CEST = timezone(timedelta(hours=2))
RSS = "application/rss+xml"
SPARQL = "application/sparql-results+json"


def _loopback_config(sources: dict[str, object]) -> Config:
    fetch = {"allow_private_addresses": True, "respect_robots": False, "per_host_delay": 0, "retries": 0}
    return Config.model_validate({"fetch": fetch, "sources": sources})


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
    # The property also links the consolidations of the 9 acts the AI Act amends: only its own.
    assert 'FILTER(STRSTARTS(STR(?celex), "02024R1689"))' in query
    assert ep.headers["Accept"] == "application/sparql-results+json"
    assert ep.expect.min_items == 1
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


def test_amended_acts_consolidations_are_dropped_even_if_the_server_returns_them(
    http_server: FixtureServer, db_url: str
) -> None:
    """Defence in depth: a server (or mirror) that ignores the FILTER returns Reg. 2018/858's new
    version; the endpoint still reports only the AI Act's, through the real fetch and check."""
    path = FIXTURES / "eu/cellar_sparql_consolidations.reconstructed.json"
    data = json.loads(path.read_text("utf-8"))
    served = [b["celex"]["value"] for b in data["results"]["bindings"]]
    assert {c[:10] for c in served} >= {"02018R0858", "02020L1828", "02024R1689"}
    before = json.dumps(data)
    amended = dict(data["results"]["bindings"][5], celex={"type": "literal", "value": "02018R0858-20261015"})
    data["results"]["bindings"].insert(0, amended)
    http_server.route(
        "/sparql", Resp(body=before, content_type=SPARQL), Resp(body=json.dumps(data), content_type=SPARQL)
    )
    config = _loopback_config(
        {"eu_ai_act": {"endpoints": {"consolidated": {"url": http_server.url("/sparql")}}}}
    )
    engine = make_engine(db_url)
    (first,) = run_checks(config, engine, ["eu_ai_act/consolidated"])
    assert (first.status, first.items) == ("ok", 3)
    (second,) = run_checks(config, engine, ["eu_ai_act/consolidated"])
    assert (second.status, second.new, second.changed) == ("ok", 0, 0)
    assert len(http_server.requests) == 2  # both answers were read from the loopback server
    with Session(engine) as session:
        ids = {
            i.stable_id
            for i in session.exec(select(Item).where(Item.endpoint_key == "eu_ai_act/consolidated"))
        }
        assert ids == {"02024R1689-20260727", "02024R1689-20240712"}
        assert session.exec(select(Change)).all() == []


def test_an_answer_of_only_amended_acts_is_broken_not_empty() -> None:
    from tracker.extract.derive import derive

    body = json.dumps(
        {
            "head": {"vars": ["celex"]},
            "results": {
                "bindings": [
                    {
                        "celex": {"value": "02018R0858-20240802"},
                        "version": {"value": "20240802"},
                        "title": {"value": "x"},
                    }
                ]
            },
        }
    ).encode()
    with pytest.raises(ExtractionError, match="1 dropped by keep_if"):
        derive(endpoint("eu_ai_act/consolidated"), body, "application/sparql-results+json", "https://x.eu/")


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
    from tracker.extract.derive import derive

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


def test_parliament_follows_procedures_instead_of_one_fixed_id() -> None:
    ep = endpoint("eu_parliament/ai_procedures")
    assert "2021-0106" not in ep.url  # finished in 2024
    listed = urlsplit(ep.resolved_url(date(2026, 12, 10)))
    assert listed.path == "/api/v2/procedures"
    assert parse_qs(listed.query)["year"] == ["2026"] and parse_qs(listed.query)["process-type"] == ["COD"]
    assert ep.follow is not None and "2025-0359" in ep.follow.pinned  # the AI Act's 2026 amendment
    assert ep.expect.min_items == 1
    # The followed record is fetched next to the list, so a mirror URL for the list serves both.
    assert not ep.follow.url.startswith("http")


def test_parliament_procedure_events_on_the_recorded_shape() -> None:
    """The follow declaration on the recorded procedure record (a customs file, read as if pinned)."""
    from tracker.pipeline.follow import read_followed
    from tracker.relevance.classifier import RelevanceClassifier

    ep = endpoint("eu_parliament/ai_procedures")
    assert ep.follow is not None
    path = SAMPLES / "eu/ep_opendata_api_v2_procedure_2023-0156_trimmed_2026-09-11.json"
    decoded = DecodedBody(text=path.read_text("utf-8"), encoding="utf-8", kind="json")
    base = "https://data.europarl.europa.eu/api/v2/procedures/2023-0156?format=application%2Fld%2Bjson"
    found = read_followed(
        decoded,
        base,
        "2023-0156",
        ep.follow,
        RelevanceClassifier(),
        pinned=True,
        language="en",
        jurisdiction="EU",
    )
    parent, events = found[0], found[1:]
    assert parent.stable_id == "2023-0156"
    assert parent.title.startswith("2023/0156(COD): Establishing the Union Customs Code")
    assert parent.url == "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2023/0156(COD)"
    assert parent.published_at == datetime(2023, 10, 19, tzinfo=UTC)  # its first event
    assert len(events) == 18
    first = events[0]
    assert first.stable_id == "2023-0156/2023-0156-DEPOT-2024-02-28"
    assert first.title == "2023/0156(COD): report tabled for plenary"
    assert first.published_at == datetime(2024, 2, 28, tzinfo=UTC)
    assert first.url == (
        "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2023/0156(COD)"
        "#2023-0156-DEPOT-2024-02-28"
    )
    assert first.meta["based_on_a_realization_of"] == "eli/dl/doc/A-9-2024-0065"
    assert first.summary.startswith("Establishing the Union Customs Code")
    titles = {e.title.split(": ", 1)[1] for e in events}
    assert "plenary vote" in titles and not any("def/" in t or "_" in t for t in titles)
    assert len({e.stable_id for e in events}) == 18 and len({e.url for e in events}) == 18
    # Not pinned and not about AI: the parent is kept (judged once), its events are not followed.
    unpinned = ep.follow.model_copy(update={"pinned": ()})
    alone = read_followed(
        decoded,
        base,
        "2023-0156",
        unpinned,
        RelevanceClassifier(),
        pinned=False,
        language="en",
        jurisdiction="EU",
    )
    assert [i.stable_id for i in alone] == ["2023-0156"] and alone[0].meta["follow"] == "other"

"""FTC and Federal Register sources on the recorded samples and the reconstructions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import endpoint, items, judged
from tracker.extract.derive import derive
from tracker.types import DocType, RelevanceLabel

EDT = timezone(timedelta(hours=-4))
RSS = "application/rss+xml"
JSON = "application/json"


def test_ftc_competition_feed_sample() -> None:
    path = SAMPLES / "ftc/ftc_feed_press-release-competition_2026-07.xml"
    result = items("us_ftc/competition", path, RSS)
    assert len(result.items) == 30
    first, last = result.items[0], result.items[-1]
    assert first.stable_id == "334513"
    assert first.title == (
        "FTC Secures Major Settlement with Caremark, Resolving Antitrust Case Against Second Drug Middleman"
    )
    assert first.url == (
        "https://www.ftc.gov/news-events/news/press-releases/2026/07/"
        "ftc-secures-major-settlement-caremark-resolving-antitrust-case-against-second-drug-middleman"
    )
    assert first.published_at == datetime(2026, 7, 14, 8, 0, tzinfo=EDT)
    assert (last.stable_id, last.published_at) == ("330004", datetime(2026, 3, 20, 8, 0, tzinfo=EDT))
    assert last.title == "FTC Chairman Andrew N. Ferguson Launches Healthcare Task Force"
    assert len({i.stable_id for i in result.items}) == 30
    # No item of this feed is about AI, and staff logins never reach an item.
    verdicts = judged("us_ftc/competition", result)
    assert {v[0].label for v in verdicts.values()} == {RelevanceLabel.NOT_AI}
    assert not any("vgraham" in f"{i.title} {i.summary} {i.meta}" for i in result.items)


def test_ftc_mission_feeds_are_recorded_not_alerted() -> None:
    assert endpoint("us_ftc/competition").alert == "none"
    assert endpoint("us_ftc/consumer_protection").alert == "none"
    assert endpoint("us_ftc/press_releases").alert is None  # the source's policy: relevant items


def test_ftc_main_feed() -> None:
    result = items("us_ftc/press_releases", FIXTURES / "us/ftc_press_release.reconstructed.xml", RSS)
    assert [i.stable_id for i in result.items] == ["334513", "334488", "334401"]
    verdicts = judged("us_ftc/press_releases", result)
    assert [v[0].label for v in verdicts.values()] == [
        RelevanceLabel.NOT_AI,
        RelevanceLabel.NOT_AI,
        RelevanceLabel.AI_ENFORCEMENT,
    ]
    assert result.items[2].published_at == datetime(2026, 7, 9, 8, 0, tzinfo=EDT)


def test_ftc_ai_topic_page() -> None:
    result = items(
        "us_ftc/ai_topic",
        FIXTURES / "us/ftc_ai_topic_page.reconstructed.html",
        "text/html",
        url="https://www.ftc.gov/industry/technology/artificial-intelligence",
    )
    assert [(i.url.removeprefix("https://www.ftc.gov"), i.published_at) for i in result.items] == [
        (
            "/news-events/news/press-releases/2026/07/"
            "ftc-order-bans-company-making-unsupported-claims-about-its-ai-chatbots-accuracy",
            datetime(2026, 7, 9, 12, 0, tzinfo=UTC),
        ),
        (
            "/business-guidance/blog/2026/06/ai-and-your-claims-keep-them-substantiated",
            datetime(2026, 6, 22, 12, 0, tzinfo=UTC),
        ),
        ("/legal-library/browse/cases-proceedings/workado-matter", datetime(2026, 5, 28, 12, 0, tzinfo=UTC)),
    ]
    assert [i.stable_id for i in result.items] == [i.url for i in result.items]
    assert result.items[2].title == "Workado, LLC, In the Matter of"
    # Listed under AI by the FTC: about AI even when the title does not say so; the kind is still read (an
    # order that bans, a case the FTC brought: enforcement; business guidance without a rule's word: other).
    assert [v[0].label for v in judged("us_ftc/ai_topic", result).values()] == [
        RelevanceLabel.AI_ENFORCEMENT,
        RelevanceLabel.AI_OTHER,
        RelevanceLabel.AI_ENFORCEMENT,
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("search-newest-page-one.json", [("2024-31440", "Notice"), ("2024-31439", "Notice")]),
        ("search-newest-page-two.json", [("2024-31438", "Notice"), ("2024-31437", "Notice")]),
        ("search-oldest-page-one.json", [("2023-26792", "Notice"), ("2023-27783", "Rule")]),
        ("search-oldest-page-two.json", [("2023-27901", "Notice"), ("2023-27905", "Notice")]),
        ("search-relevance-page-one.json", [("2024-28360", "Notice"), ("2024-00413", "Notice")]),
        ("search-spaced-term-page-one.json", [("2024-31438", "Notice"), ("2024-31431", "Notice")]),
    ],
)
def test_federal_register_search_samples(name: str, expected: list[tuple[str, str]]) -> None:
    result = items("us_federal_register/ai_documents", SAMPLES / "fedreg" / name, JSON)
    assert [(i.stable_id, i.meta["type"]) for i in result.items] == expected
    for item in result.items:
        assert item.url.startswith("https://www.federalregister.gov/documents/")
        assert item.url.split("/")[-2] == item.stable_id
        assert item.published_at is not None and item.published_at.tzinfo is not None
        assert "page_views" not in item.meta


def test_federal_register_rule_fields_and_types() -> None:
    result = items("us_federal_register/ai_documents", SAMPLES / "fedreg/search-oldest-page-one.json", JSON)
    rule = result.items[1]
    assert rule.title == "Carrier Automated Tariffs"
    assert rule.published_at == datetime(2024, 1, 2, tzinfo=UTC)
    assert rule.summary.startswith("The Federal Maritime Commission (Commission) amends its regulations")
    assert rule.doc_type == DocType.LAW
    assert rule.meta["agencies.name"] == "Federal Maritime Commission"
    assert rule.meta["pdf_url"] == "https://www.govinfo.gov/content/pkg/FR-2024-01-02/pdf/2023-27783.pdf"
    assert result.items[0].doc_type is None  # a Notice is typed by its wording


def test_federal_register_presidential_documents() -> None:
    result = items(
        "us_federal_register/presidential", SAMPLES / "fedreg/fr_documents_presidential_2026-07.json", JSON
    )
    assert len(result.items) == 20
    assert (result.items[0].stable_id, result.items[-1].stable_id) == ("2026-15003", "2026-12436")
    assert result.items[-1].title == "Flag Day and National Flag Week, 2026"
    assert {i.doc_type for i in result.items} == {DocType.LAW}
    labels = judged("us_federal_register/presidential", result)
    assert {v[0].label for v in labels.values()} == {RelevanceLabel.NOT_AI}  # July 2026 had no AI order
    page = items("us_federal_register/presidential", SAMPLES / "fedreg/presidential-page-one.json", JSON)
    assert [i.stable_id for i in page.items] == ["2026-19555", "2026-19554"]


def test_federal_register_empty_terminal_page_is_an_empty_window() -> None:
    ep = endpoint("us_federal_register/ai_documents")
    body = (SAMPLES / "fedreg/search-terminal.json").read_bytes()
    _, extraction = derive(ep, body, JSON, "https://www.federalregister.gov/api/v1/documents.json")
    assert extraction.items == ()  # type: ignore[union-attr]

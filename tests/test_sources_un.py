"""UN sources: the news feeds and the AI bodies' pages (reconstructions; the samples hold text only)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sources.un import un_ai_bodies
from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import document, items, judged
from tracker.relevance import RelevanceClassifier
from tracker.types import DocType, RelevanceLabel

EDT = timezone(timedelta(hours=-4))
RSS = "application/rss+xml"


def test_un_news_story_ids() -> None:
    result = items("un_news/all", FIXTURES / "un/un_news_all.reconstructed.rss", RSS)
    assert [i.stable_id for i in result.items] == ["1166021", "1165987", "1163310"]
    story = result.items[2]
    assert story.url == "https://news.un.org/en/story/2026/07/1163310"
    assert story.published_at == datetime(2026, 7, 10, 16, 0, tzinfo=EDT)
    labels = [v[0].label for v in judged("un_news/all", result).values()]
    assert labels == [RelevanceLabel.NOT_AI, RelevanceLabel.NOT_AI, RelevanceLabel.AI_OTHER]


def test_press_release_symbols() -> None:
    result = items("un_press/press_releases", FIXTURES / "un/press_un_org.reconstructed.rss", RSS)
    assert [i.stable_id for i in result.items] == ["sgsm22776", "ga12699", "sgsm22368"]
    assert result.items[0].url == "https://press.un.org/en/2025/sgsm22776.doc.htm"
    assert result.items[0].published_at == datetime(2025, 8, 26, 18, 20, tzinfo=EDT)
    verdicts = judged("un_press/press_releases", result)
    assert all(v[0].is_ai for v in verdicts.values())
    assert verdicts["ga12699"][0].label is RelevanceLabel.AI_RULE  # a resolution establishing AI bodies


def test_press_release_texts_are_about_ai() -> None:
    # The recorded press-release texts, as a detail summary would carry them.
    classifier = RelevanceClassifier()
    for name in (
        "press.un.org_en_2025_sgsm22776.doc.htm.excerpt.txt",
        "press.un.org_en_2025_ga12699.doc.htm.excerpt.txt",
        "press.un.org_en_2024_sgsm22368.doc.htm.excerpt.txt",
    ):
        text = (SAMPLES / "un/text-excerpts" / name).read_text("utf-8")
        assert classifier.classify("", text, language="en", jurisdiction="UN").is_ai, name


def test_ai_body_endpoints() -> None:
    ids = [e.id for e in un_ai_bodies.endpoints]
    assert ids == [
        f"{body}_{kind}"
        for body in ("advisory_body", "scientific_panel", "global_dialogue", "digital_office")
        for kind in ("documents", "page")
    ]
    by_id = {e.id: e for e in un_ai_bodies.endpoints}
    assert (
        by_id["advisory_body_documents"].url
        == by_id["advisory_body_page"].url
        == "https://www.un.org/ai-advisory-body"
    )
    assert by_id["digital_office_documents"].relevance == "classify"  # its office covers more than AI
    assert by_id["scientific_panel_documents"].relevance == "assume_ai_other"


def test_scientific_panel_documents_are_items() -> None:
    path = FIXTURES / "un/scientific_panel_page.reconstructed.html"
    url = "https://www.un.org/independent-international-scientific-panel-ai/en"
    result = items("un_ai_bodies/scientific_panel_documents", path, "text/html", url=url)
    assert [(i.url, i.title) for i in result.items] == [
        (
            "https://www.un.org/sites/default/files/2025-08/a-res-79-325-terms-of-reference.pdf",
            "Resolution A/RES/79/325: terms of reference and modalities",
        ),
        (
            "https://www.un.org/sites/default/files/2026-02/call-for-nominations-scientific-panel-ai.pdf",
            "Call for nominations of Panel members",
        ),
        ("https://www.un.org/sites/default/files/2026-06/panel-members-list.pdf", "Members of the Panel"),
    ]  # not the header's brand guide, the footer's privacy notice, nor the members web page
    verdicts = judged("un_ai_bodies/scientific_panel_documents", result)
    assert {v[0].label for v in verdicts.values()} == {RelevanceLabel.AI_OTHER}


def test_scientific_panel_page_text() -> None:
    path = FIXTURES / "un/scientific_panel_page.reconstructed.html"
    doc = document("un_ai_bodies/scientific_panel_page", path, "text/html")
    assert doc.title == "Independent International Scientific Panel on Artificial Intelligence"
    texts = [b.text for b in doc.blocks]
    assert texts[1].startswith("By resolution A/RES/79/325 of 26 August 2025")
    assert not any("Privacy notice" in t or "dataLayer" in t for t in texts)


def test_advisory_body_page_of_the_extractor_tests() -> None:
    # The extractor's own reconstruction of the advisory body page, read with this source's declaration.
    path = FIXTURES / "un_ai-advisory-body.reconstructed.html"
    result = items(
        "un_ai_bodies/advisory_body_documents", path, "text/html", url="https://www.un.org/ai-advisory-body"
    )
    assert [i.url for i in result.items] == [
        "https://www.un.org/sites/default/files/governing_ai_for_humanity_final_report_en.pdf",
        "https://www.un.org/sites/default/files/2024-09/governing_ai_for_humanity_final_report_fr.PDF",
        "https://www.un.org/sites/default/files/2023-12/ai_advisory_body_interim_report.pdf",
    ]
    assert result.items[2].title == "ai_advisory_body_interim_report.pdf"  # an image link: the file name
    verdicts = judged("un_ai_bodies/advisory_body_documents", result)
    assert set(verdicts.values()) == {(verdicts[result.items[0].stable_id][0], DocType.REPORT.value)}
    assert verdicts[result.items[0].stable_id][0].label is RelevanceLabel.AI_OTHER

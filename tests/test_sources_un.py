"""UN sources: the news feeds and the AI bodies' pages (reconstructions; the samples hold text only)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from sources.un import un_ai_bodies
from tests.paths import FIXTURES, SAMPLES
from tests.sources_support import document, endpoint, items, judged
from tracker.relevance.classifier import RelevanceClassifier
from tracker.types import DocType, ItemsExtraction, RelevanceLabel

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


UN = FIXTURES / "un"
PAGES = {
    "advisory_body": ("advisory_body_page", "https://www.un.org/ai-advisory-body"),
    "scientific_panel": (
        "scientific_panel_page",
        "https://www.un.org/independent-international-scientific-panel-ai/en",
    ),
    "global_dialogue": ("global_dialogue_page", "https://www.un.org/global-dialogue-ai-governance/en"),
    "digital_office": ("digital_office_page", "https://www.un.org/digital-emerging-technologies/"),
}
# The pattern every body used until 2026-12, right only for the two microsites set up in 2025
OLD_PATTERN = r"/sites/default/files/.+\.(pdf|docx?)($|\?)"
ADVISORY_FILES = "https://www.un.org/sites/un2.un.org/files/"
TECHENVOY_FILES = "https://www.un.org/digital-emerging-technologies/sites/www.un.org.techenvoy/files/"
PANEL_FILES = "https://www.un.org/independent-international-scientific-panel-ai/sites/default/files/"


def _documents(body: str) -> ItemsExtraction:
    name, url = PAGES[body]
    return items(f"un_ai_bodies/{body}_documents", UN / f"{name}.reconstructed.html", "text/html", url=url)


def _all_links(body: str) -> list[str]:
    """Every link of the page (chrome included), resolved: what a pattern is tested against."""
    name, url = PAGES[body]
    html = (UN / f"{name}.reconstructed.html").read_text("utf-8")
    return [urljoin(url, href) for href in re.findall(r'href="([^"]+)"', html)]


def test_ai_body_endpoints() -> None:
    ids = [e.id for e in un_ai_bodies.endpoints]
    assert ids == [f"{body}_{kind}" for body in PAGES for kind in ("documents", "page")]
    by_id = {e.id: e for e in un_ai_bodies.endpoints}
    assert (
        by_id["advisory_body_documents"].url
        == by_id["advisory_body_page"].url
        == "https://www.un.org/ai-advisory-body"
    )
    assert by_id["digital_office_documents"].relevance == "classify"  # its office covers more than AI
    assert by_id["scientific_panel_documents"].relevance == "assume_ai_other"
    # Bodies known to have documents: a page where the pattern matches none is broken, not empty.
    assert by_id["advisory_body_documents"].expect.min_items == 1
    assert by_id["digital_office_documents"].expect.min_items == 1
    # Every body has its own file directory: no two share a link pattern.
    patterns = {by_id[f"{body}_documents"].parser.link_pattern for body in PAGES}  # type: ignore[union-attr]
    assert len(patterns) == 4


def test_the_old_pattern_matches_none_of_the_advisory_body_reports() -> None:
    """The bug of issue 13: 0 of the Advisory Body's reports matched /sites/default/files/."""
    reports = [u for u in _all_links("advisory_body") if u.startswith(ADVISORY_FILES) and u.endswith(".pdf")]
    assert len(reports) >= 9
    old = re.compile(OLD_PATTERN, re.IGNORECASE)
    assert [u for u in reports if old.search(u)] == []
    found = {i.url for i in _documents("advisory_body").items}
    assert found and found <= set(reports) | {
        ADVISORY_FILES + "governing_ai_for_humanity_final_report_en.pdf"
    }


def test_advisory_body_reports_are_items() -> None:
    result = _documents("advisory_body")
    files = [i.url.removeprefix(ADVISORY_FILES) for i in result.items]
    assert files == [
        "governing_ai_for_humanity_final_report_en.pdf",
        *(f"governing_ai_for_humanity_final_report_{lang}.pdf" for lang in ("ar", "es", "fr", "ru", "zh")),
        "ai_advisory_body_interim_report.pdf",
        "ai_risk_global_pulse_check.pdf",
        "ai_opportunity_scan.pdf",
    ]  # the EN link with a tracking parameter is the same report; chrome, other bodies' files and
    # OHCHR's /sites/default/files/ PDF are not the body's documents
    assert result.items[0].title == "Governing AI for Humanity - Final Report"
    verdicts = judged("un_ai_bodies/advisory_body_documents", result)
    assert {doc_type for _, doc_type in verdicts.values()} == {DocType.REPORT.value}
    # An advisory body's final recommendations are a rule-level text (issue 20); its other papers are not.
    labels = {
        item.url.removeprefix(ADVISORY_FILES): verdicts[item.stable_id][0].label for item in result.items
    }
    assert labels[files[0]] is RelevanceLabel.AI_RULE  # "Governing AI for Humanity - Final Report"
    assert {labels[name] for name in files[6:]} == {RelevanceLabel.AI_OTHER}


def test_digital_office_documents_are_its_own_files() -> None:
    result = _documents("digital_office")
    assert [i.url.removeprefix(TECHENVOY_FILES) for i in result.items] == [
        "Global-Digital-Compact_background-note.pdf",
        "general-assembly/ODET_SG_report_AI_capacity_building_2026.pdf",
        "ODET_brochure.docx",
    ]  # not the Advisory Body's report, ITU's PDF, nor the privacy notice in the footer
    old = re.compile(OLD_PATTERN, re.IGNORECASE)
    assert not any(old.search(i.url) for i in result.items)  # the old pattern dropped all three
    # Judged one by one: the office covers more than AI.
    labels = [v[0].label for v in judged("un_ai_bodies/digital_office_documents", result).values()]
    assert labels[0] is RelevanceLabel.NOT_AI and labels[1] is not RelevanceLabel.NOT_AI


def test_scientific_panel_documents_are_items() -> None:
    result = _documents("scientific_panel")
    assert [(i.url.removeprefix(PANEL_FILES), i.title) for i in result.items] == [
        (
            "2025-08/a-res-79-325-terms-of-reference.pdf",
            "Resolution A/RES/79/325: terms of reference and modalities",
        ),
        ("2026-02/call-for-nominations-scientific-panel-ai.pdf", "Call for nominations of Panel members"),
        ("2026-06/panel-members-list.pdf", "Members of the Panel"),
    ]  # not the brand guide, the privacy notice, the members web page, nor the other bodies' files
    verdicts = judged("un_ai_bodies/scientific_panel_documents", result)
    # About AI by the page's own declaration; the General Assembly's resolution is read as a rule.
    assert [v[0].label for v in verdicts.values()] == [
        RelevanceLabel.AI_RULE,
        RelevanceLabel.AI_OTHER,
        RelevanceLabel.AI_OTHER,
    ]


def test_global_dialogue_documents_are_items() -> None:
    result = _documents("global_dialogue")
    assert [i.url.rsplit("/", 2)[-2:] for i in result.items] == [
        ["2026-05", "concept-note-global-dialogue-2026.pdf"],
        ["2026-07", "global-dialogue-geneva-programme.pdf"],
    ]
    assert all("/global-dialogue-ai-governance/sites/default/files/" in i.url for i in result.items)


def test_a_pattern_matching_nothing_is_left_to_the_declared_expectations() -> None:
    # The advisory body's pattern on a page with none of its files: the extractor answers an empty list,
    # and the declared min_items=1 is what turns that into "broken" (tracker.pipeline.expectations).
    name, _ = PAGES["global_dialogue"]
    page = UN / f"{name}.reconstructed.html"
    assert sum(u.endswith(".pdf") for u in _all_links("global_dialogue")) == 6
    result = items("un_ai_bodies/advisory_body_documents", page, "text/html", url=PAGES["advisory_body"][1])
    assert result.items == ()
    assert endpoint("un_ai_bodies/advisory_body_documents").expect.min_items == 1


def test_scientific_panel_page_text() -> None:
    path = UN / "scientific_panel_page.reconstructed.html"
    doc = document("un_ai_bodies/scientific_panel_page", path, "text/html")
    assert doc.title == "Independent International Scientific Panel on Artificial Intelligence"
    texts = [b.text for b in doc.blocks]
    assert texts[1].startswith("By resolution A/RES/79/325 of 26 August 2025")
    assert not any("Privacy notice" in t or "dataLayer" in t for t in texts)


def test_advisory_body_page_text_follows_the_recorded_excerpt() -> None:
    doc = document(
        "un_ai_bodies/advisory_body_page", UN / "advisory_body_page.reconstructed.html", "text/html"
    )
    text = " ".join(b.text for b in doc.blocks)
    excerpt = (SAMPLES / "un/text-excerpts/un.org_ai-advisory-body_s08.excerpt.txt").read_text("utf-8")
    for sentence in (
        "Proposing seven recommendations to address gaps in current AI governance arrangements",
        "builds on months of work, including extensive global consultations",
    ):
        assert sentence in excerpt and sentence in text

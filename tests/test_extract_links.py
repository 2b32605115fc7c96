"""Document links on a page (UN AI bodies), from a reconstructed fixture."""

from __future__ import annotations

import pytest

from tests.paths import FIXTURES
from tracker.extract import extract
from tracker.specs import EndpointSpec, LinksParser
from tracker.types import DecodedBody, ExtractionError, ItemsExtraction

UN_PAGE = FIXTURES / "un_ai-advisory-body.reconstructed.html"
BASE = "https://www.un.org/ai-advisory-body"


def _run(html: str, parser: LinksParser) -> ItemsExtraction:
    decoded = DecodedBody(text=html, encoding="utf-8", kind="html")
    result = extract(decoded, html.encode("utf-8"), EndpointSpec(id="docs", url=BASE, parser=parser), BASE)
    assert isinstance(result, ItemsExtraction)
    return result


def test_pdf_links_in_main_content() -> None:
    result = _run(UN_PAGE.read_text("utf-8"), LinksParser())
    assert [(i.stable_id, i.title) for i in result.items] == [
        (
            "https://www.un.org/sites/default/files/governing_ai_for_humanity_final_report_en.pdf",
            "Final Report (English)",
        ),
        (
            "https://www.un.org/sites/default/files/2024-09/governing_ai_for_humanity_final_report_fr.PDF",
            "Rapport final (français)",
        ),
        (
            "https://www.un.org/sites/default/files/2023-12/ai_advisory_body_interim_report.pdf",
            "ai_advisory_body_interim_report.pdf",  # an image link: the file name is the title
        ),
    ]
    assert all(i.url == i.stable_id for i in result.items)


def test_id_pattern_and_body_scope_still_skip_page_chrome() -> None:
    parser = LinksParser(content="body", id_pattern=r"/files/(?:\d{4}-\d{2}/)?([^/?]+)\.pdf")
    ids = [i.stable_id for i in _run(UN_PAGE.read_text("utf-8"), parser).items]
    # header/nav/footer links (site map, privacy notice) are page chrome, not documents of the body
    assert ids == [
        "governing_ai_for_humanity_final_report_en",
        "https://www.un.org/sites/default/files/2024-09/governing_ai_for_humanity_final_report_fr.PDF",
        "ai_advisory_body_interim_report",
    ]


def test_page_without_documents_is_an_empty_list() -> None:
    assert _run("<main><p>No documents yet.</p></main>", LinksParser()).items == ()


def test_missing_content_container_is_an_error() -> None:
    with pytest.raises(ExtractionError, match=r"selector 'main' matched nothing"):
        _run("<html><body><p>redesigned</p></body></html>", LinksParser())

"""Extraction <-> JSON round trips (what Snapshot.extracted stores)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.paths import SAMPLES
from tracker.extract import extract
from tracker.specs import DocumentParser, EndpointSpec
from tracker.store.codec import extraction_from_json, extraction_to_json
from tracker.types import Block, DecodedBody, DocType, DocumentExtraction, ExtractedItem, ItemsExtraction


def test_items_round_trip_with_offsets_and_types() -> None:
    items = ItemsExtraction(
        (
            ExtractedItem(
                stable_id="334513",
                title="FTC “quotes” & ünïcode 人工智能",
                url="https://www.ftc.gov/a",
                published_at=datetime(2026, 7, 14, 8, tzinfo=timezone(timedelta(hours=-4))),
                summary="s",
                doc_type=DocType.ENFORCEMENT,
                meta={"agencies.name": "FTC"},
            ),
            ExtractedItem(stable_id="2", title="t", url="https://x/2"),
            ExtractedItem(
                stable_id="3",
                title="t",
                url="https://x/3",
                published_at=datetime(2026, 9, 18, 17, tzinfo=ZoneInfo("Asia/Shanghai")),
            ),
        )
    )
    text = extraction_to_json(items)
    back = extraction_from_json(text)
    assert back == items
    assert isinstance(back, ItemsExtraction)
    assert back.items[0].published_at is not None
    assert back.items[0].published_at.utcoffset() == timedelta(hours=-4)
    assert back.items[0].doc_type is DocType.ENFORCEMENT
    assert back.items[2].published_at == datetime(2026, 9, 18, 9, tzinfo=UTC)
    assert "人工智能" in text  # stored readable, not \\u-escaped


def test_document_round_trip_on_the_korean_act() -> None:
    raw = (SAMPLES / "kr" / "lawgokr_ai_basic_act_lawService_21311.xml").read_bytes()
    endpoint = EndpointSpec(id="law", url="https://www.law.go.kr/", parser=DocumentParser())
    extraction = extract(DecodedBody(raw.decode("utf-8"), "utf-8", "xml"), raw, endpoint, endpoint.url)
    assert extraction_from_json(extraction_to_json(extraction)) == extraction


def test_document_fields() -> None:
    doc = DocumentExtraction(
        blocks=(Block("art_1", "Article 1", "a\nb"),), title="T", version=None, links=("https://x/a.pdf",)
    )
    assert extraction_from_json(extraction_to_json(doc)) == doc


def test_unknown_payload_is_refused() -> None:
    with pytest.raises(ValueError, match="not a stored extraction"):
        extraction_from_json('{"type": "other"}')

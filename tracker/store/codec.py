"""Extractions <-> JSON, for Snapshot.extracted. Round trips exactly (datetimes as ISO 8601 with offset).
And the short JSON lists of numbers an endpoint's state keeps (recent good sizes, item counts)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tracker.types import Block, DocType, DocumentExtraction, ExtractedItem, Extraction, ItemsExtraction

FORMAT = 1


def _item_to_dict(item: ExtractedItem) -> dict[str, Any]:
    return {
        "id": item.stable_id,
        "title": item.title,
        "url": item.url,
        "published_at": item.published_at.isoformat() if item.published_at is not None else None,
        "summary": item.summary,
        "doc_type": item.doc_type.value if isinstance(item.doc_type, DocType) else item.doc_type,
        "meta": dict(item.meta),
    }


_DOC_TYPES = frozenset(t.value for t in DocType)  # a stored label this version does not know stays text


def _item_from_dict(data: dict[str, Any]) -> ExtractedItem:
    published = data.get("published_at")
    doc_type = data.get("doc_type")
    return ExtractedItem(
        stable_id=data["id"],
        title=data["title"],
        url=data["url"],
        published_at=datetime.fromisoformat(published) if published else None,
        summary=data.get("summary", ""),
        doc_type=DocType(doc_type) if isinstance(doc_type, str) and doc_type in _DOC_TYPES else doc_type,
        meta={str(k): str(v) for k, v in (data.get("meta") or {}).items()},
    )


def extraction_to_json(extraction: Extraction) -> str:
    if isinstance(extraction, ItemsExtraction):
        payload: dict[str, Any] = {
            "format": FORMAT,
            "type": "items",
            "items": [_item_to_dict(item) for item in extraction.items],
        }
    elif isinstance(extraction, DocumentExtraction):
        payload = {
            "format": FORMAT,
            "type": "document",
            "title": extraction.title,
            "version": extraction.version,
            "links": list(extraction.links),
            "link_titles": [list(pair) for pair in extraction.link_titles],
            "amendments": list(extraction.amendments),
            "blocks": [[b.key, b.label, b.text] for b in extraction.blocks],
        }
    else:
        raise TypeError(f"not an extraction: {type(extraction).__name__}")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def extraction_from_json(text: str) -> Extraction:
    data = json.loads(text)
    kind = data.get("type")
    if kind == "items":
        return ItemsExtraction(items=tuple(_item_from_dict(entry) for entry in data["items"]))
    if kind == "document":
        return DocumentExtraction(
            blocks=tuple(Block(key=k, label=label, text=t) for k, label, t in data["blocks"]),
            title=data.get("title", ""),
            version=data.get("version"),
            links=tuple(data.get("links") or ()),
            link_titles=tuple((str(url), str(text)) for url, text in data.get("link_titles") or ()),
            amendments=tuple(str(a) for a in data.get("amendments") or ()),
        )
    raise ValueError(f"not a stored extraction (type {kind!r})")


def json_ints(text: str | None) -> tuple[int, ...]:
    """A stored JSON list of integers; anything unreadable reads as no history (it is re-learnt)."""
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(int(v) for v in values if isinstance(v, int | float)) if isinstance(values, list) else ()

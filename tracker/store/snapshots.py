"""Snapshots: the raw body as fetched (compressed) beside the extraction derived from it.

Kept apart from the derived version, Open Terms Archive style: when an extractor changes, the stored raw
bodies are derived again instead of the change being reported.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.extract.decode import header_charset
from tracker.store.apply import EndpointContext
from tracker.store.codec import extraction_from_json, extraction_to_json
from tracker.store.models import Snapshot, SourceState
from tracker.types import Extraction, FetchResult, ItemsExtraction

_CONTENT_TYPE_MAX = 128  # the snapshot.content_type column


def raw_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _latest_snapshot(session: Session, key: str) -> Snapshot | None:
    return session.exec(
        select(Snapshot)
        .where(Snapshot.endpoint_key == key)
        .order_by(col(Snapshot.fetched_at).desc(), col(Snapshot.id).desc())
        .limit(1)
    ).first()


def previous_extraction(
    session: Session, ctx: EndpointContext, state: SourceState
) -> tuple[Extraction | None, bool]:
    """The last stored extraction, re-derived from its raw body when the extractor has changed since.

    Returns (extraction, rederived).
    """
    if not state.baseline_done:
        return None, False  # no snapshot yet: the first one is written with the baseline, in one transaction
    snap = _latest_snapshot(session, ctx.key)
    if snap is None:
        return None, False
    if snap.extractor_version == ctx.extractor_version:
        return extraction_from_json(snap.extracted), False
    from tracker.extract.derive import derive

    try:
        # The stored header keeps a charset only the server declared; the encoding the body was decoded
        # with settles the rest (and snapshots stored with the bare MIME type, before the header was kept).
        _, extraction = derive(
            ctx.endpoint,
            gzip.decompress(snap.raw_gz),
            snap.content_type,
            snap.final_url,
            language=ctx.source.language,
            previous_encoding=snap.encoding or None,
        )
    except Exception:  # the old body no longer extracts: fall back to what was stored
        return extraction_from_json(snap.extracted), False
    if ctx.endpoint.detail is not None and isinstance(extraction, ItemsExtraction):
        # Detail pages are not in the list's raw body: keep what they gave the stored items.
        from tracker.extract.completed import carry_forward

        try:
            stored = extraction_from_json(snap.extracted)
        except Exception:
            stored = None
        if isinstance(stored, ItemsExtraction):
            by_id = {i.stable_id: i for i in stored.items}
            extraction = ItemsExtraction(
                items=tuple(
                    carry_forward(i, by_id[i.stable_id]) if i.stable_id in by_id else i
                    for i in extraction.items
                )
            )
    return extraction, True


def stored_content_type(header: str) -> str:
    """The Content-Type header as the snapshot keeps it (128 characters): whole, with its charset.

    A header too long to keep whole is cut to its MIME type and charset, never mid-parameter: a cut
    label would be a wrong one.
    """
    header = " ".join(header.split())
    if len(header) <= _CONTENT_TYPE_MAX:
        return header
    mime = header.split(";", 1)[0].strip()[:_CONTENT_TYPE_MAX]
    charset = header_charset(header)
    with_charset = f"{mime}; charset={charset}"
    return with_charset if charset and len(with_charset) <= _CONTENT_TYPE_MAX else mime


def record_snapshot(
    session: Session,
    ctx: EndpointContext,
    result: FetchResult,
    encoding: str,
    extraction: Extraction,
    chash: str,
    body_sha: str,
    produced_change: bool,
    now: datetime,
) -> int:
    """The raw body (compressed) beside its extraction; `body_sha` is raw_sha256(result.body). Its id."""
    row = {
        "endpoint_key": ctx.key,
        "fetched_at": now,
        "final_url": result.final_url[:2048],
        "content_type": stored_content_type(result.headers.get("content-type", "")),
        "encoding": encoding[:32],
        # Level 3: 2.5x faster than 6 on the AI Act page (36 vs 91 ms) for 16 % more bytes (224 vs 193 kB).
        "raw_gz": gzip.compress(result.body, compresslevel=3),
        "raw_sha256": body_sha,
        "content_hash": chash,
        "extracted": extraction_to_json(extraction),
        "extractor_version": ctx.extractor_version,
        "produced_change": produced_change,
    }
    # A plain INSERT, no ORM object: nothing in this transaction reads the snapshot back but its id, and
    # the unit of work cost 0.23-0.38 ms a snapshot against 0.07-0.10 ms (bench/RESULTS.md).
    # The model's Core table (`__table__` is missing from SQLModel's types).
    table = Snapshot.metadata.tables[Snapshot.__tablename__]
    primary_key = session.exec(sa.insert(table), params=row).inserted_primary_key
    assert primary_key is not None  # a single-row INSERT always has one
    return primary_key[0]

"""Store stage: apply one endpoint's list of items to the database, in the caller's transaction.

Called by tracker.pipeline.record for every good response: new, changed and removed items become Item
rows and Change rows (documents: tracker.store.apply_document). Nothing here fetches.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.diff.core import diff_items
from tracker.extract.normalise import item_hash
from tracker.specs import EndpointSpec, SourceSpec
from tracker.store.models import Change, Item, SourceState
from tracker.types import (
    ChangeKind,
    ExtractedItem,
    ItemsExtraction,
    KnownItem,
    Relevance,
)


@dataclass
class StoreOutcome:
    items: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    document_changed: bool = False
    baseline: bool = False
    unchanged: bool = False  # skipped by hash
    rederived: bool = False  # the extractor changed; stored version re-derived silently
    change_ids: list[int] = field(default_factory=list)
    new_changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class EndpointContext:
    """Everything the store stage needs to know about the endpoint besides the data."""

    source: SourceSpec
    endpoint: EndpointSpec
    key: str
    extractor_version: str
    removal_after: int


def lock_state(session: Session, key: str, source_id: str, now: datetime) -> SourceState:
    """Take the endpoint's row lock first, so concurrent checks (service + manual) serialise.

    SQLite: the first statement is a write, which takes the database write lock before we read anything.
    PostgreSQL: SELECT ... FOR UPDATE on the row (created if missing).
    """
    upsert, select_locked = _lock_statements(session.get_bind().dialect.name)
    params = {"key": key, "source_id": source_id, "now": now}
    session.execute(upsert, params)
    state = session.execute(select_locked, params).scalar_one()
    state.last_attempt_at = now
    return state


@functools.cache
def _lock_statements(dialect: str) -> tuple[sa.Executable, sa.Executable]:
    """lock_state's two statements, built once: building them per call was 8 % of a first check."""
    # The model's Core table (`__table__` is missing from SQLModel's types).
    table = SourceState.metadata.tables[SourceState.__tablename__]
    key, now = (
        sa.bindparam("key", type_=table.c.endpoint_key.type),
        sa.bindparam("now", type_=table.c.last_attempt_at.type),
    )
    values = {
        "endpoint_key": key,
        "source_id": sa.bindparam("source_id", type_=table.c.source_id.type),
        "last_attempt_at": now,
    }
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        upsert: sa.Executable = pg_insert(table).values(values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        upsert = (
            sqlite_insert(table)
            .values(values)
            .on_conflict_do_update(index_elements=["endpoint_key"], set_={"last_attempt_at": now})
        )
    select_locked = (
        select(SourceState)
        .where(SourceState.endpoint_key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return upsert, select_locked


def _item_row(
    ctx: EndpointContext, item: ExtractedItem, rel: Relevance, doc_type: str, now: datetime
) -> Item:
    return Item(
        endpoint_key=ctx.key,
        source_id=ctx.source.id,
        stable_id=item.stable_id[:512],
        title=item.title,
        url=item.url[:2048],
        published_at=item.published_at,
        summary=item.summary,
        language=ctx.source.language,
        doc_type=doc_type,
        relevance=rel.label.value,
        relevance_score=rel.score,
        matched=json.dumps(list(rel.matched), ensure_ascii=False),
        content_hash=item_hash(item),
        first_seen=now,
        last_seen=now,
        meta=json.dumps(item.meta, ensure_ascii=False, sort_keys=True),
    )


def new_change(ctx: EndpointContext, kind: ChangeKind, now: datetime, **fields: object) -> Change:
    return Change(
        endpoint_key=ctx.key,
        source_id=ctx.source.id,
        kind=kind.value,
        detected_at=now,
        jurisdiction=ctx.source.jurisdiction,
        regulator=ctx.source.regulator,
        language=ctx.source.language,
        **fields,  # type: ignore[arg-type]
    )


def apply_items(
    session: Session,
    ctx: EndpointContext,
    state: SourceState,
    extraction: ItemsExtraction,
    rederived_previous: ItemsExtraction | None,
    judge: ItemJudge,
    now: datetime,
) -> StoreOutcome:
    """Items diff against what was stored (or, after an extractor change, against the previous raw body
    re-derived with the current extractor, so only real content changes are reported).

    `judge` is the pipeline's relevance stage, asked only for the items the store must label (new,
    changed, re-derived): the store knows no relevance rules."""
    out = StoreOutcome(items=len(extraction.items), baseline=not state.baseline_done)
    rows = {r.stable_id: r for r in session.exec(select(Item).where(Item.endpoint_key == ctx.key))}
    if rederived_previous is not None:
        previous = {i.stable_id: item_hash(i) for i in rederived_previous.items}
    else:
        previous = {sid: r.content_hash for sid, r in rows.items() if r.gone_since is None}
    result = diff_items(previous, extraction.items)
    touched: set[str] = set()
    for item in result.new:
        touched.add(item.stable_id)
        rel, doc_type = judge(item)
        row = rows.get(item.stable_id)
        if row is not None:  # it was gone and came back: no news
            row.gone_since = None
            row.missing_count = 0
            _update_row(row, item, rel, doc_type, now)
            continue
        session.add(_item_row(ctx, item, rel, doc_type, now))
        if not out.baseline:
            out.new += 1
            out.new_changes.append(_item_change(ctx, ChangeKind.NEW_ITEM, item, rel, doc_type, now, ""))
    for item, what in result.changed:
        touched.add(item.stable_id)
        rel, doc_type = judge(item)
        row = rows.get(item.stable_id)
        if row is None:
            session.add(_item_row(ctx, item, rel, doc_type, now))
            before = ""
        else:
            before = f"{row.title}\n{row.summary}"
            _update_row(row, item, rel, doc_type, now)
        out.changed += 1
        diff = _text_diff(before, f"{item.title}\n{item.summary}")
        out.new_changes.append(
            _item_change(ctx, ChangeKind.CHANGED_ITEM, item, rel, doc_type, now, diff, what)
        )
    current_ids = {i.stable_id for i in extraction.items}
    for item in extraction.items:
        if item.stable_id in touched:
            continue
        row = rows.get(item.stable_id)
        if row is None:  # unchanged against the re-derived version, but stored under an old id: adopt it
            rel, doc_type = judge(item)
            session.add(_item_row(ctx, item, rel, doc_type, now))
        elif rederived_previous is not None:
            rel, doc_type = judge(item)
            _update_row(row, item, rel, doc_type, now)
    # A date-windowed search drops items as they age out of the window: that is not a removal.
    missing = () if ctx.endpoint.window_days is not None else result.missing
    for stable_id in missing:
        row = rows.get(stable_id)
        if row is None or row.gone_since is not None:
            continue
        row.missing_count += 1
        if row.missing_count >= ctx.removal_after:
            row.gone_since = now
            out.removed += 1
            out.new_changes.append(_removed_change(ctx, row, now))
    if rederived_previous is not None:  # ids only the old extractor produced are retired silently
        for sid, row in rows.items():
            if sid not in current_ids and sid not in previous and row.gone_since is None:
                row.gone_since = now
    # Everything still listed was seen now; a bulk UPDATE keeps the unchanged path cheap.
    present = [sid for sid in current_ids if sid in rows and sid not in touched]
    for chunk in _chunks(present, 500):
        session.execute(
            sa.update(Item)
            .where(col(Item.endpoint_key) == ctx.key, col(Item.stable_id).in_(chunk))
            .values(last_seen=now, missing_count=0)
        )
    return out


ItemJudge = Callable[[ExtractedItem], tuple[Relevance, str]]  # item -> (relevance, document type)


def known_items(session: Session, key: str) -> list[KnownItem]:
    """The items the endpoint still lists (not yet removed): what drift compares a new answer with."""
    rows = session.execute(
        select(Item.stable_id, Item.title, Item.published_at).where(
            col(Item.endpoint_key) == key, col(Item.gone_since).is_(None)
        )
    ).all()
    return [KnownItem(stable_id, title, published_at) for stable_id, title, published_at in rows]


def newest_item_id(engine: sa.Engine, key: str) -> str | None:
    """The stable id of the endpoint's newest listed item (by publication date, then id), or None."""
    with Session(engine) as session:
        row = session.execute(
            select(Item.stable_id)
            .where(col(Item.endpoint_key) == key, col(Item.gone_since).is_(None))
            .order_by(col(Item.published_at).desc().nulls_last(), col(Item.stable_id).desc())
            .limit(1)
        ).first()
    return row[0] if row else None


def already_alerted(session: Session, change: Change) -> bool:
    """Was a new item at this URL already alerted from another endpoint of the same source?"""
    return (
        session.exec(
            select(Change.id)
            .where(
                Change.source_id == change.source_id,
                Change.url == change.url,
                col(Change.alerted).is_(True),
                Change.id != change.id,
            )
            .limit(1)
        ).first()
        is not None
    )


def age_missing_items(session: Session, ctx: EndpointContext, now: datetime) -> list[Change]:
    """An unchanged list: the items missing last time are missing again; retire those missing long enough."""
    removed = []
    for row in session.exec(
        select(Item).where(
            Item.endpoint_key == ctx.key, col(Item.gone_since).is_(None), Item.missing_count > 0
        )
    ):
        row.missing_count += 1
        if row.missing_count >= ctx.removal_after:
            row.gone_since = now
            removed.append(_removed_change(ctx, row, now))
    return removed


def _removed_change(ctx: EndpointContext, row: Item, now: datetime) -> Change:
    return new_change(
        ctx,
        ChangeKind.REMOVED_ITEM,
        now,
        stable_id=row.stable_id,
        document_key=f"{ctx.key}#{row.stable_id}",
        title=row.title,
        url=row.url,
        doc_type=row.doc_type,
        relevance=row.relevance,
        relevance_score=row.relevance_score,
        matched=row.matched,
        published_at=row.published_at,
        summary=row.summary,
        headline=f"no longer listed for {row.missing_count} consecutive checks",
    )


def _chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _update_row(row: Item, item: ExtractedItem, rel: Relevance, doc_type: str, now: datetime) -> None:
    row.title = item.title
    row.url = item.url[:2048]
    row.summary = item.summary
    row.published_at = item.published_at or row.published_at
    row.content_hash = item_hash(item)
    row.relevance = rel.label.value
    row.relevance_score = rel.score
    row.matched = json.dumps(list(rel.matched), ensure_ascii=False)
    row.doc_type = doc_type
    row.meta = json.dumps(item.meta, ensure_ascii=False, sort_keys=True)
    row.last_seen = now


def _item_change(
    ctx: EndpointContext,
    kind: ChangeKind,
    item: ExtractedItem,
    rel: Relevance,
    doc_type: str,
    now: datetime,
    diff: str,
    headline: str = "",
) -> Change:
    return new_change(
        ctx,
        kind,
        now,
        stable_id=item.stable_id[:512],
        document_key=f"{ctx.key}#{item.stable_id}"[:600],
        title=item.title,
        url=item.url[:2048],
        doc_type=doc_type,
        relevance=rel.label.value,
        relevance_score=rel.score,
        matched=json.dumps(list(rel.matched), ensure_ascii=False),
        published_at=item.published_at,
        summary=item.summary,
        headline=headline,
        diff=diff,
    )


def _text_diff(before: str, after: str) -> str:
    import difflib

    return "\n".join(
        difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="")
    )

"""Database tables (SQLModel). Schema changes go through Alembic: tracker/store/migrations/versions.

Raw snapshots are kept apart from what was derived from them (extracted JSON + extractor version), so
history can be re-derived when an extractor changes, as Open Terms Archive does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite keeps no offset: without this, Beijing 17:00 would come back as a naive 17:00.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(**kw: Any) -> sa.Column:
    return sa.Column(UTCDateTime(), **kw)


class SourceState(SQLModel, table=True):
    """Health and HTTP validators of one endpoint."""

    __tablename__ = "source_state"

    endpoint_key: str = Field(primary_key=True, max_length=128)  # "eu_eurlex/oj_l"
    source_id: str = Field(index=True, max_length=64)
    last_attempt_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_success_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    status: str = Field(default="never", max_length=32)  # ResponseStatus or "never"
    error_class: str | None = Field(default=None, max_length=32)
    error_message: str | None = Field(default=None, max_length=2000)
    consecutive_failures: int = 0
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    last_good_size: int | None = None
    ops_alert_open: bool = False  # an operations alert for this failure streak was raised
    baseline_done: bool = False  # the first good check happened (silent baseline)
    # What the last good check saw, so an unchanged body is skipped by hash without parsing.
    last_raw_sha256: str | None = Field(default=None, max_length=64)
    last_content_hash: str | None = Field(default=None, max_length=64)
    last_extractor_version: str | None = Field(default=None, max_length=64)
    # JSON lists of the recent good checks (newest last): body sizes, the reference of the shrink rule
    # (a median, so one odd answer never becomes it), and item or block counts, the reference of drift.
    good_sizes: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False, server_default="[]"))
    item_counts: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False, server_default="[]"))
    # The encoding the last good body was decoded with: the stable choice when nothing declares one.
    last_encoding: str | None = Field(default=None, max_length=32)


class Snapshot(SQLModel, table=True):
    __tablename__ = "snapshot"
    __table_args__ = (sa.Index("ix_snapshot_endpoint_fetched", "endpoint_key", "fetched_at"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_key: str = Field(max_length=128)
    fetched_at: datetime = Field(sa_column=_ts(nullable=False))
    final_url: str = Field(max_length=2048)
    content_type: str = Field(default="", max_length=128)
    encoding: str = Field(default="", max_length=32)
    raw_gz: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))  # gzip of the body
    raw_sha256: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)  # of the normalised extraction
    extracted: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON of the Extraction
    extractor_version: str = Field(max_length=64)
    produced_change: bool = False


class Item(SQLModel, table=True):
    __tablename__ = "item"
    __table_args__ = (sa.UniqueConstraint("endpoint_key", "stable_id", name="uq_item_endpoint_stable"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_key: str = Field(max_length=128, index=True)
    source_id: str = Field(max_length=64, index=True)
    stable_id: str = Field(max_length=512)
    title: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    url: str = Field(max_length=2048)
    published_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    summary: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    language: str = Field(default="en", max_length=8)
    doc_type: str = Field(default="news", max_length=32)
    relevance: str = Field(default="not_ai", max_length=32)
    relevance_score: float = 0.0
    matched: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False, server_default="[]"))
    content_hash: str = Field(max_length=64)
    first_seen: datetime = Field(sa_column=_ts(nullable=False))
    last_seen: datetime = Field(sa_column=_ts(nullable=False))
    missing_count: int = 0
    gone_since: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    meta: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))


class Change(SQLModel, table=True):
    __tablename__ = "change"
    __table_args__ = (sa.Index("ix_change_detected", "detected_at"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_key: str = Field(max_length=128, index=True)
    source_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=32)  # ChangeKind
    detected_at: datetime = Field(sa_column=_ts(nullable=False))
    stable_id: str | None = Field(default=None, max_length=512)  # the item, for item changes
    document_key: str = Field(max_length=600)  # what threads group by: endpoint or item identity
    title: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    url: str = Field(max_length=2048)
    jurisdiction: str = Field(max_length=16)
    regulator: str = Field(max_length=128)
    language: str = Field(default="en", max_length=8)
    doc_type: str = Field(default="news", max_length=32)
    relevance: str = Field(default="not_ai", max_length=32)
    relevance_score: float = 0.0
    matched: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False, server_default="[]"))
    published_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    summary: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    headline: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    diff: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    added: int = 0
    removed: int = 0
    changed: int = 0
    snapshot_id: int | None = Field(default=None, foreign_key="snapshot.id")
    alerted: bool = False  # an alert was queued for it (relevance and policy allowed)
    # One event, one alert (tracker.store.events): the change this one's event started with (None: its own),
    # why they are one event, and the identifiers it carries (JSON {key: description}).
    event_id: int | None = Field(default=None, index=True)
    event_reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    identifiers: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))


class Alert(SQLModel, table=True):
    """The outbox: written in the same transaction as its change, sent afterwards."""

    __tablename__ = "alert"
    __table_args__ = (sa.Index("ix_alert_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    change_id: int | None = Field(default=None, foreign_key="change.id", index=True)
    # change | ops | diff | digest | test, and made at delivery: summary | summary_part | ops_group
    kind: str = Field(default="change", max_length=16)
    channel: str = Field(max_length=128)
    thread_key: str | None = Field(default=None, max_length=600)  # document_key for threading
    payload: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON: text/blocks or ops text
    status: str = Field(default="pending", max_length=16)  # pending|sending|sent|failed|skipped|folded
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_ts(nullable=False))
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    slack_ts: str | None = Field(default=None, max_length=64)
    # The channel id Slack answered with (config may name channels "#name"); the history check for
    # duplicates and file uploads into the thread need the id.
    slack_channel_id: str | None = Field(default=None, max_length=32)
    # Status "folded": shown inside this summary alert's message instead of on its own.
    folded_into: int | None = Field(default=None, index=True)
    # Who holds a "sending" claim (host, pid namespace, pid, start time): a dead holder's claim is void.
    lease_owner: str | None = Field(default=None, max_length=200)


class SlackThread(SQLModel, table=True):
    """The first message about a document, so later changes reply in its thread."""

    __tablename__ = "slack_thread"

    document_key: str = Field(primary_key=True, max_length=600)
    channel: str = Field(primary_key=True, max_length=128)
    ts: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=_ts(nullable=False))

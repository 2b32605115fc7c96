"""What the pages read: SELECT only, one short session per request.

The changes list filters in SQL (jurisdiction, source, label, kind, period, text in title and summary)
and pages with LIMIT/OFFSET on (detected_at, id) descending, so a URL names the same rows until new
changes arrive on top.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tracker.config import Config
from tracker.store.models import Alert, Change, Item, Snapshot, SourceState
from tracker.types import ChangeKind, RelevanceLabel

LABELS = ("relevant", "all", *(label.value for label in RelevanceLabel))
KINDS = tuple(kind.value for kind in ChangeKind)
PERIODS = {"24h": 1, "7d": 7, "14d": 14, "30d": 30, "90d": 90, "365d": 365}
QUERY_MAX = 200  # characters of a text search


@dataclass(frozen=True)
class ChangeFilters:
    jurisdiction: str = ""
    source: str = ""
    label: str = "relevant"
    kind: str = ""
    period: str = ""  # a key of PERIODS, or "" = any time
    from_day: date | None = None
    to_day: date | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ChangeFilters:
        """Unknown or malformed values fall back to the default (a hand-edited URL still shows a page)."""
        label = query.get("label", "relevant")
        kind = query.get("kind", "")
        period = query.get("period", "")
        try:
            page = max(1, min(int(query.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        return cls(
            jurisdiction=query.get("jurisdiction", "").strip()[:16],
            source=query.get("source", "").strip()[:64],
            label=label if label in LABELS else "relevant",
            kind=kind if kind in KINDS else "",
            period=period if period in PERIODS else "",
            from_day=_day(query.get("from", "")),
            to_day=_day(query.get("to", "")),
            q=" ".join(query.get("q", "").split())[:QUERY_MAX],
            page=page,
        )

    def query(self, **override: str | int) -> dict[str, str]:
        """The query string of these filters (defaults left out), with some values replaced."""
        values: dict[str, str | int] = {
            "jurisdiction": self.jurisdiction,
            "source": self.source,
            "label": "" if self.label == "relevant" else self.label,
            "kind": self.kind,
            "period": self.period,
            "from": self.from_day.isoformat() if self.from_day else "",
            "to": self.to_day.isoformat() if self.to_day else "",
            "q": self.q,
            "page": "" if self.page == 1 else self.page,
        }
        values.update(override)
        return {k: str(v) for k, v in values.items() if str(v) != "" and not (k == "page" and str(v) == "1")}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class ChangePage:
    changes: list[Change]
    total: int
    page: int
    pages: int


def list_changes(
    engine: Engine, filters: ChangeFilters, *, page_size: int, tz: ZoneInfo, now: datetime | None = None
) -> ChangePage:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.jurisdiction:
        conditions.append(col(Change.jurisdiction) == filters.jurisdiction)
    if filters.source:
        conditions.append(col(Change.source_id) == filters.source)
    if filters.label == "relevant":
        conditions.append(col(Change.relevance) != RelevanceLabel.NOT_AI.value)
    elif filters.label != "all":
        conditions.append(col(Change.relevance) == filters.label)
    if filters.kind:
        conditions.append(col(Change.kind) == filters.kind)
    if filters.period:
        since = (now or datetime.now(UTC)) - timedelta(days=PERIODS[filters.period])
        conditions.append(col(Change.detected_at) >= since)
    if filters.from_day:
        conditions.append(col(Change.detected_at) >= datetime.combine(filters.from_day, time(), tz))
    if filters.to_day:
        end = datetime.combine(filters.to_day + timedelta(days=1), time(), tz)
        conditions.append(col(Change.detected_at) < end)
    for word in filters.q.split()[:8]:  # every word, in the title or the summary
        pattern = _like(word)
        conditions.append(
            sa.or_(
                func.lower(col(Change.title)).like(pattern, escape="\\"),
                func.lower(col(Change.summary)).like(pattern, escape="\\"),
            )
        )
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(Change).where(*conditions)).one()
        pages = max(1, -(-total // page_size))
        page = min(filters.page, pages)
        rows = session.exec(
            select(Change)
            .where(*conditions)
            .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        for row in rows:  # the list never shows the diff: do not keep megabytes of it per row
            session.expunge(row)
    return ChangePage(list(rows), total, page, pages)


def filter_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """The jurisdictions and sources that have changes (the filters' options)."""
    with Session(engine) as session:
        jurisdictions = session.exec(select(Change.jurisdiction).distinct().order_by(Change.jurisdiction))
        sources = session.exec(select(Change.source_id).distinct().order_by(Change.source_id))
        return list(jurisdictions), list(sources)


@dataclass
class ChangeDetail:
    change: Change
    item: Item | None
    alerts: list[Alert]
    snapshot: Snapshot | None  # what the change was found in (raw body not loaded)
    previous_snapshot_id: int | None  # the endpoint's snapshot before it, if still kept
    same_check: list[Change] = field(default_factory=list)  # the endpoint's other changes of that check
    elsewhere: list[Change] = field(default_factory=list)  # the same document from other endpoints
    matched: list[str] = field(default_factory=list)


def change_detail(engine: Engine, change_id: int) -> ChangeDetail | None:
    with Session(engine) as session:
        change = session.get(Change, change_id)
        if change is None:
            return None
        item = None
        if change.stable_id:
            item = session.exec(
                select(Item).where(
                    Item.endpoint_key == change.endpoint_key, Item.stable_id == change.stable_id
                )
            ).first()
        alerts = list(session.exec(select(Alert).where(Alert.change_id == change_id).order_by(col(Alert.id))))
        snapshot = None
        previous_id = None
        if change.snapshot_id is not None:
            snapshot = session.exec(
                select(Snapshot)
                .where(Snapshot.id == change.snapshot_id)
                # SQLModel types the class attribute as its value (bytes); it is the column's attribute.
                .options(sa.orm.defer(cast("sa.orm.InstrumentedAttribute[bytes]", Snapshot.raw_gz)))
            ).first()
            if snapshot is not None:
                previous_id = session.exec(
                    select(Snapshot.id)
                    .where(
                        Snapshot.endpoint_key == change.endpoint_key,
                        Snapshot.fetched_at < snapshot.fetched_at,
                    )
                    .order_by(col(Snapshot.fetched_at).desc(), col(Snapshot.id).desc())
                    .limit(1)
                ).first()
        same_check = list(
            session.exec(
                select(Change)
                .where(
                    Change.endpoint_key == change.endpoint_key,
                    Change.detected_at == change.detected_at,
                    Change.id != change.id,
                )
                .order_by(col(Change.id))
                .limit(200)
            )
        )
        elsewhere = list(
            session.exec(
                select(Change)
                .where(
                    Change.source_id == change.source_id,
                    Change.url == change.url,
                    Change.endpoint_key != change.endpoint_key,
                )
                .order_by(col(Change.detected_at).desc())
                .limit(20)
            )
        )
        session.expunge_all()
    try:
        matched = [str(m) for m in json.loads(change.matched or "[]")]
    except ValueError:
        matched = []
    return ChangeDetail(change, item, alerts, snapshot, previous_id, same_check, elsewhere, matched)


@dataclass(frozen=True)
class RawSnapshot:
    id: int
    endpoint_key: str
    fetched_at: datetime
    final_url: str
    content_type: str
    encoding: str
    body: bytes


def raw_snapshot(engine: Engine, snapshot_id: int) -> RawSnapshot | None:
    with Session(engine) as session:
        snap = session.get(Snapshot, snapshot_id)
        if snap is None:
            return None
        return RawSnapshot(
            snap.id or snapshot_id, snap.endpoint_key, snap.fetched_at, snap.final_url, snap.content_type,
            snap.encoding, gzip.decompress(snap.raw_gz),
        )  # fmt: skip


@dataclass
class SourceRow:
    key: str
    source_id: str
    jurisdiction: str
    regulator: str
    url: str
    configured: bool
    status: str
    failures: int
    last_attempt: datetime | None
    last_success: datetime | None
    error: str | None
    error_class: str | None
    stale: bool
    staleness: str
    expects: str


def source_rows(engine: Engine, config: Config, now: datetime | None = None) -> list[SourceRow]:
    """Every configured endpoint, then endpoints the database knows that the configuration no longer has."""
    from tracker.pipeline.expectations import describe_expectations
    from tracker.pipeline.staleness import staleness_by_endpoint
    from tracker.redact import redact

    now = now or datetime.now(UTC)
    sources = config.enabled_sources()
    with Session(engine) as session:
        states = {s.endpoint_key: s for s in session.exec(select(SourceState))}
        staleness = staleness_by_endpoint(session, sources, now, config.check)
        session.expunge_all()
    rows: list[SourceRow] = []
    for source in sources:
        for endpoint in source.endpoints:
            key = f"{source.id}/{endpoint.id}"
            state = states.pop(key, None)
            fresh = staleness.get(key)
            rows.append(
                _row(key, source.id, source.jurisdiction, source.regulator, redact(endpoint.url), True, state)
            )
            rows[-1].stale = bool(fresh and fresh.stale)
            rows[-1].staleness = fresh.reason if fresh else ""
            rows[-1].expects = describe_expectations(endpoint)
    for key, state in sorted(states.items()):
        rows.append(_row(key, state.source_id, "", "", "", False, state))
    return rows


def _row(
    key: str, source_id: str, jurisdiction: str, regulator: str, url: str, configured: bool,
    state: SourceState | None,
) -> SourceRow:  # fmt: skip
    return SourceRow(
        key=key, source_id=source_id, jurisdiction=jurisdiction, regulator=regulator, url=url,
        configured=configured, status=state.status if state else "never",
        failures=state.consecutive_failures if state else 0,
        last_attempt=state.last_attempt_at if state else None,
        last_success=state.last_success_at if state else None,
        error=state.error_message if state else None, error_class=state.error_class if state else None,
        stale=False, staleness="", expects="",
    )  # fmt: skip


def oldest_relevant_change(engine: Engine) -> datetime | None:
    with Session(engine) as session:
        return session.exec(
            select(Change.detected_at)
            .where(col(Change.relevance) != RelevanceLabel.NOT_AI.value)
            .order_by(col(Change.detected_at))
            .limit(1)
        ).first()

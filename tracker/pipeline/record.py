"""The store stage of one endpoint's check, inside its transaction: drift against history, the diff
applied, the snapshot, the changes with their events and alerts, the endpoint's health.

Called by tracker.pipeline.check with an open session (one transaction per endpoint); everything here
writes, nothing fetches.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from tracker.alerts.outbox import enqueue_change_alert, enqueue_event_alert
from tracker.config import Config
from tracker.pipeline.endpoint_health import mark_failure, mark_success
from tracker.pipeline.expectations import Breach, check_drift, remember_count, unit_count
from tracker.relevance.classifier import RelevanceClassifier
from tracker.relevance.judge import Judge
from tracker.specs import SourceSpec
from tracker.store.apply import (
    EndpointContext,
    StoreOutcome,
    age_missing_items,
    already_alerted,
    apply_items,
    known_items,
    lock_state,
)
from tracker.store.apply_document import apply_document
from tracker.store.codec import json_ints
from tracker.store.events import change_identifiers, find_event
from tracker.store.models import Change
from tracker.store.snapshots import previous_extraction, record_snapshot
from tracker.types import ChangeKind, DocumentExtraction, FetchResult, ItemsExtraction, ResponseStatus


@dataclass
class EndpointReport:
    """One row of `tracker check`: what happened to one endpoint."""

    source: str
    endpoint: str
    status: str  # ResponseStatus value
    error_class: str | None = None
    reason: str = ""
    items: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    document_changed: bool = False
    baseline: bool = False
    unchanged: bool = False
    alerts: int = 0
    change_ids: list[int] = field(default_factory=list)
    http_status: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in (ResponseStatus.OK, ResponseStatus.NOT_MODIFIED)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Body:
    """What the check learnt of a good answer: the exchange, how it was decoded and what it contained
    (extraction None: the very same bytes as last time, nothing parsed)."""

    result: FetchResult
    sha256: str
    encoding: str = ""
    extraction: ItemsExtraction | DocumentExtraction | None = None
    content_hash: str | None = None


class EndpointRecorder:
    """Writes one endpoint's outcome in the caller's transaction."""

    def __init__(self, config: Config, classifier: RelevanceClassifier) -> None:
        self.config = config
        self.classifier = classifier

    def judge(self, ctx: EndpointContext) -> Judge:
        return Judge(self.config, self.classifier, ctx.source, ctx.endpoint)

    def record_failure(self, session: Session, source: SourceSpec, key: str, report: EndpointReport) -> None:
        state = lock_state(session, key, source.id, now_utc())
        mark_failure(
            session,
            state,
            status=report.status,
            error_class=report.error_class,
            reason=report.reason,
            config=self.config,
        )

    def record_breach(
        self, session: Session, source: SourceSpec, key: str, breach: Breach, report: EndpointReport
    ) -> None:
        """Not what the endpoint's healthy answers look like: broken or drift, nothing diffed or stored."""
        report.status, report.error_class, report.reason = (
            breach.status.value,
            breach.error_class.value,
            breach.reason,
        )
        self.record_failure(session, source, key, report)

    def store(self, session: Session, ctx: EndpointContext, body: Body, report: EndpointReport) -> None:
        now = now_utc()
        state = lock_state(session, ctx.key, ctx.source.id, now)
        extraction = body.extraction
        if extraction is not None:
            drift = check_drift(
                ctx.endpoint,
                extraction,
                recent_counts=json_ints(state.item_counts),
                # only a list that had a baseline can be renumbered: no query otherwise
                known_items=(
                    known_items(session, ctx.key)
                    if state.baseline_done and isinstance(extraction, ItemsExtraction)
                    else ()
                ),
                check=self.config.check,
                key=ctx.key,
            )
            if drift is not None:
                self.record_breach(session, ctx.source, ctx.key, drift, report)
                return
            state.item_counts = json.dumps(
                remember_count(json_ints(state.item_counts), unit_count(extraction))
            )
        if extraction is None or (
            state.last_content_hash == body.content_hash
            and state.last_extractor_version == ctx.extractor_version
        ):
            # Same content as last time; only items already missing keep counting towards removal.
            outcome = StoreOutcome(unchanged=True, items=_count(extraction) if extraction else 0)
            outcome.new_changes = age_missing_items(session, ctx, now)
            outcome.removed = len(outcome.new_changes)
            self._persist_changes(session, ctx, outcome, None, report)
        else:
            assert body.content_hash is not None
            previous, rederived = previous_extraction(session, ctx, state)
            judge = self.judge(ctx)
            if isinstance(extraction, ItemsExtraction):
                prev_items = previous if rederived and isinstance(previous, ItemsExtraction) else None
                outcome = apply_items(session, ctx, state, extraction, prev_items, judge, now)
            else:
                prev_doc = previous if isinstance(previous, DocumentExtraction) else None
                label = functools.partial(judge.document, extraction)
                outcome = apply_document(
                    session, ctx, state, extraction, prev_doc, label, body.result.final_url, now
                )
            outcome.rederived = rederived
            snapshot_id = record_snapshot(
                session,
                ctx,
                body.result,
                body.encoding,
                extraction,
                body.content_hash,
                body.sha256,
                bool(outcome.new_changes),
                now,
            )
            self._persist_changes(session, ctx, outcome, snapshot_id, report)
            state.last_content_hash = body.content_hash
        state.baseline_done = True
        if body.encoding:  # the same-bytes path decodes nothing and knows no encoding: keep the last one
            state.last_encoding = body.encoding[:32]
        state.last_raw_sha256 = body.sha256
        state.last_extractor_version = ctx.extractor_version
        mark_success(session, state, body.result, now, self.config)
        report.items, report.new, report.changed = outcome.items, outcome.new, outcome.changed
        report.removed, report.document_changed = outcome.removed, outcome.document_changed
        report.baseline, report.unchanged = outcome.baseline, outcome.unchanged
        report.change_ids = list(outcome.change_ids)

    def _persist_changes(
        self,
        session: Session,
        ctx: EndpointContext,
        outcome: StoreOutcome,
        snapshot_id: int | None,
        report: EndpointReport,
    ) -> None:
        judge = self.judge(ctx)
        for change in outcome.new_changes:
            change.snapshot_id = snapshot_id
            if change.identifiers in ("", "{}"):
                change.identifiers = json.dumps(change_identifiers(change), ensure_ascii=False)
            session.add(change)
            session.flush()
            outcome.change_ids.append(change.id)  # type: ignore[arg-type]
            event = find_event(session, change)
            if event is not None:  # one event seen by several endpoints: recorded, and why
                change.event_id, change.event_reason = event.event_id, event.reason
            if change.kind == ChangeKind.REMOVED_ITEM or not judge.should_alert(change.relevance):
                continue
            if change.kind == ChangeKind.NEW_ITEM and already_alerted(session, change):
                continue  # the same release listed by another endpoint of this source (feed + topic page)
            change.alerted = True
            root = session.get(Change, event.event_id) if event is not None else None
            if root is not None and root.alerted:
                report.alerts += len(enqueue_event_alert(session, change, root, self.config))
            else:
                report.alerts += len(enqueue_change_alert(session, change, self.config))


def _count(extraction: ItemsExtraction | DocumentExtraction) -> int:
    return len(extraction.items) if isinstance(extraction, ItemsExtraction) else len(extraction.blocks)


__all__ = ["Body", "EndpointRecorder", "EndpointReport", "now_utc"]

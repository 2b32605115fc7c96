"""One check of endpoints: fetch -> classify -> derive -> diff -> relevance -> store -> (outbox).

`run_checks` is the single entry point: `tracker check` calls it once, the service calls it per source on
its schedule. Fetching is concurrent (politeness is the fetcher's business); every endpoint's writes are one
transaction, serialised by a lock on its source_state row, so a manual check racing the service creates no
duplicate change or alert.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar
from urllib.parse import quote, urljoin

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.alerts.outbox import enqueue_change_alert, enqueue_event_alert
from tracker.config import Config
from tracker.extract import extractor_version
from tracker.extract.derive import derive
from tracker.extract.normalise import content_hash
from tracker.net.fetch import Fetcher
from tracker.net.politeness import RobotsStore
from tracker.pipeline.classify_response import classify_response
from tracker.pipeline.endpoint_health import (
    KnownState,
    QuietSuccess,
    json_ints,
    mark_failure,
    mark_success,
    read_known_states,
    record_quiet_successes,
)
from tracker.pipeline.expectations import Breach, check_drift, check_expectations, remember_count, unit_count
from tracker.pipeline.selection import select_sources
from tracker.relevance.classifier import RelevanceClassifier
from tracker.relevance.judge import Judge
from tracker.specs import DocumentParser, EndpointSpec, SourceSpec, endpoint_key
from tracker.store.apply import (
    EndpointContext,
    StoreOutcome,
    age_missing_items,
    already_alerted,
    apply_document,
    apply_items,
    known_items,
    lock_state,
    newest_item_id,
)
from tracker.store.db import transaction
from tracker.store.events import change_identifiers, find_event
from tracker.store.models import Change
from tracker.store.snapshots import previous_extraction, raw_sha256, record_snapshot
from tracker.types import (
    ChangeKind,
    DecodedBody,
    DocumentExtraction,
    ErrorClass,
    ExtractionError,
    FetchRequest,
    FetchResult,
    ItemsExtraction,
    ResponseStatus,
    Verdict,
)
from tracker.worker import shared_worker

log = logging.getLogger("tracker.pipeline.check")
T = TypeVar("T")
Derived = tuple[DecodedBody, DocumentExtraction | ItemsExtraction]


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


ProgressCallback = Callable[[EndpointReport], None]
LARGE_BODY = 1 << 20  # bytes: classified in the worker thread
QUIET_BATCH = 100  # 304s recorded per transaction, in one executemany (see health.record_quiet_successes)


class Checker:
    def __init__(
        self, config: Config, engine: Engine, *, dry_run: bool = False, robots: RobotsStore | None = None
    ) -> None:
        self.config = config
        self.engine = engine
        self.dry_run = dry_run
        self.robots = robots  # robots.txt answers kept from earlier cycles (the service's), if any
        self.classifier = RelevanceClassifier(config.relevance)
        # Writes go one at a time: SQLite has one writer anyway, and it keeps PostgreSQL lock order simple.
        self._write_lock = asyncio.Lock()
        self._quiet: list[QuietSuccess] = []

    async def run(
        self, sources: Sequence[SourceSpec], progress: ProgressCallback | None = None
    ) -> list[EndpointReport]:
        pairs = [(s, e) for s in sources for e in s.endpoints]
        self._executor = shared_worker()
        # Fetching runs ahead of parsing; bound the bodies waiting in memory.
        in_flight = asyncio.Semaphore(2 * self.config.fetch.max_concurrency)
        keys = [endpoint_key(s.id, e.id) for s, e in pairs]
        self._states = await self._in_thread(read_known_states, self.engine, keys)
        async with Fetcher(self.config.fetch, self.config.user_agent(), robots=self.robots) as fetcher:

            async def one(source: SourceSpec, endpoint: EndpointSpec) -> EndpointReport:
                async with in_flight:
                    report = await self.check_endpoint(fetcher, source, endpoint)
                if progress:
                    progress(report)
                return report

            reports = list(await asyncio.gather(*(one(s, e) for s, e in pairs)))
        await self._flush_quiet()
        return reports

    async def _in_thread(self, fn: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, fn, *args)
        return await loop.run_in_executor(self._executor, call)

    async def check_endpoint(
        self, fetcher: Fetcher, source: SourceSpec, endpoint: EndpointSpec
    ) -> EndpointReport:
        started = time.monotonic()
        key = endpoint_key(source.id, endpoint.id)
        report = EndpointReport(source=source.id, endpoint=endpoint.id, status=ResponseStatus.ERROR.value)
        try:
            await self._check(fetcher, source, endpoint, key, report)
        except Exception as exc:  # one endpoint's bug must not stop the others
            log.exception("check of %s failed", key)
            report.status = ResponseStatus.ERROR.value
            report.error_class = ErrorClass.INTERNAL.value
            report.reason = f"{type(exc).__name__}: {exc}"[:500]
            await self._write(lambda s: self._record_failure(s, source, key, report, _now()))
        report.seconds = round(time.monotonic() - started, 3)
        log.info(
            "check %s status=%s items=%d new=%d changed=%d removed=%d doc_changed=%s %.2fs %s",
            key,
            report.status,
            report.items,
            report.new,
            report.changed,
            report.removed,
            report.document_changed,
            report.seconds,
            report.reason,
        )
        return report

    async def _check(
        self, fetcher: Fetcher, source: SourceSpec, endpoint: EndpointSpec, key: str, report: EndpointReport
    ) -> None:
        state = self._states.get(key)
        url = endpoint.resolved_url(date.today())
        if endpoint.url_from is not None:
            sibling = endpoint_key(source.id, endpoint.url_from.endpoint)
            newest = await self._in_thread(newest_item_id, self.engine, sibling)
            if newest is not None:
                url = urljoin(url, endpoint.url_from.template.format(id=quote(newest, safe="-_.")))
        request = FetchRequest(
            url=url,
            method=endpoint.method,
            headers=dict(endpoint.headers),
            form=endpoint.form,
            # A followed endpoint's items live behind its list: never skip it on a 304 or the same bytes.
            etag=state.etag if state and not endpoint.follow else None,
            last_modified=state.last_modified if state and not endpoint.follow else None,
        )
        result = await fetcher.fetch(request)
        report.http_status = result.status_code
        classify = functools.partial(
            classify_response,
            result,
            last_good_size=state.reference_size if state else None,
            shrink_ratio=self.config.check.shrink_ratio,
        )
        # A large page with a vendor's name in it is parsed to read its shape: not on the event loop.
        verdict = await self._in_thread(classify) if len(result.body) > LARGE_BODY else classify()
        if verdict.error_class is ErrorClass.SHRUNK:
            verdict = await self._judge_shrunk(source, endpoint, key, result, state, verdict)
        report.status, report.error_class, report.reason = (
            verdict.status.value,
            verdict.error_class.value if verdict.error_class else None,
            verdict.reason,
        )
        if verdict.status is ResponseStatus.NOT_MODIFIED:
            report.unchanged = True
            await self._quiet_success(QuietSuccess(source.id, key, result, _now()))
            return
        if verdict.status is not ResponseStatus.OK:
            await self._write(lambda s: self._record_failure(s, source, key, report, _now()))
            return

        ctx = EndpointContext(
            source=source,
            endpoint=endpoint,
            key=key,
            extractor_version=extractor_version(endpoint),
            removal_after=endpoint.removal_after or self.config.check.removal_after,
        )
        body_sha = raw_sha256(result.body)
        if (
            state
            and state.last_raw_sha256 == body_sha
            and state.last_extractor_version == ctx.extractor_version
            and endpoint.follow is None
        ):
            # The very same bytes as last time: nothing to parse. A document has no items to age, so
            # only its state changes: batched like a 304.
            if isinstance(endpoint.parser, DocumentParser):
                report.unchanged = True
                await self._quiet_success(QuietSuccess(source.id, key, result, _now()))
                return
            await self._write(lambda s: self._store(s, ctx, result, "", None, None, body_sha, report))
            return
        try:
            decoded, extraction = await self._in_thread(self._deriver(source, state), endpoint, result)
        except (ExtractionError, ValueError) as exc:
            broken = isinstance(exc, ExtractionError)
            report.status = (ResponseStatus.BROKEN if broken else ResponseStatus.ERROR).value
            report.error_class = (ErrorClass.PARSE if broken else ErrorClass.DECODE).value
            report.reason = str(exc)[:500]
            await self._write(lambda s: self._record_failure(s, source, key, report, _now()))
            return
        breach = check_expectations(endpoint, extraction)
        if breach is not None:
            await self._write(lambda s: self._record_breach(s, source, key, breach, report))
            return
        if isinstance(extraction, ItemsExtraction) and endpoint.follow is not None:
            from tracker.pipeline.detail import stored_items
            from tracker.pipeline.follow import follow_items

            known = await self._in_thread(stored_items, self.engine, ctx.key)
            list_url = result.final_url
            extraction = await follow_items(fetcher, ctx, extraction, known, self.classifier, list_url)
        if isinstance(extraction, ItemsExtraction) and endpoint.detail is not None:
            extraction = await self._complete_details(fetcher, ctx, extraction)
        chash = content_hash(extraction)
        await self._write(
            lambda s: self._store(s, ctx, result, decoded.encoding, extraction, chash, body_sha, report)
        )

    # -- writes ----------------------------------------------------------------------------------
    async def _quiet_success(self, quiet: QuietSuccess) -> None:
        """Nothing to report: batched (a crash loses timestamps only; the next check repeats them)."""
        self._quiet.append(quiet)
        if len(self._quiet) >= QUIET_BATCH:
            await self._flush_quiet()

    async def _flush_quiet(self) -> None:
        batch, self._quiet = self._quiet, []
        if batch:
            await self._write(lambda s: record_quiet_successes(s, batch, self.config))

    async def _write(self, fn: Callable[[Session], None]) -> None:
        async with self._write_lock:
            await self._in_thread(self._in_transaction, fn)

    def _in_transaction(self, fn: Callable[[Session], None]) -> None:
        with transaction(self.engine) as session:
            fn(session)
            if self.dry_run:
                session.rollback()

    def _store(
        self,
        session: Session,
        ctx: EndpointContext,
        result: FetchResult,
        encoding: str,
        extraction: ItemsExtraction | DocumentExtraction | None,
        chash: str | None,
        body_sha: str,
        report: EndpointReport,
    ) -> None:
        now = _now()
        state = lock_state(session, ctx.key, ctx.source.id, now)
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
                self._breach_in_session(session, ctx.source, ctx.key, drift, report, now)
                return
            state.item_counts = json.dumps(
                remember_count(json_ints(state.item_counts), unit_count(extraction))
            )
        if extraction is None or (
            state.last_content_hash == chash and state.last_extractor_version == ctx.extractor_version
        ):
            # Same content as last time; only items already missing keep counting towards removal.
            outcome = StoreOutcome(unchanged=True, items=_count(extraction) if extraction else 0)
            outcome.new_changes = age_missing_items(session, ctx, now)
            outcome.removed = len(outcome.new_changes)
            self._persist_changes(session, ctx, outcome, None, report)
        else:
            assert chash is not None
            previous, rederived = previous_extraction(session, ctx, state)
            if isinstance(extraction, ItemsExtraction):
                prev_items = previous if rederived and isinstance(previous, ItemsExtraction) else None
                outcome = apply_items(session, ctx, state, extraction, prev_items, self._judge(ctx), now)
            else:
                prev_doc = previous if isinstance(previous, DocumentExtraction) else None
                judge = functools.partial(self._judge(ctx).document, extraction)
                outcome = apply_document(
                    session, ctx, state, extraction, prev_doc, judge, result.final_url, now
                )
            outcome.rederived = rederived
            produced = bool(outcome.new_changes)
            snapshot_id = record_snapshot(
                session, ctx, result, encoding, extraction, chash, body_sha, produced, now
            )
            self._persist_changes(session, ctx, outcome, snapshot_id, report)
            state.last_content_hash = chash
        state.baseline_done = True
        if encoding:  # the same-bytes path decodes nothing and knows no encoding: keep the last one
            state.last_encoding = encoding[:32]
        state.last_raw_sha256 = body_sha
        state.last_extractor_version = ctx.extractor_version
        mark_success(session, state, result, now, self.config)
        report.items, report.new, report.changed = outcome.items, outcome.new, outcome.changed
        report.removed, report.document_changed = outcome.removed, outcome.document_changed
        report.baseline, report.unchanged = outcome.baseline, outcome.unchanged
        report.change_ids = list(outcome.change_ids)

    def _record_breach(
        self, session: Session, source: SourceSpec, key: str, breach: Breach, report: EndpointReport
    ) -> None:
        self._breach_in_session(session, source, key, breach, report, _now())

    def _breach_in_session(
        self,
        session: Session,
        source: SourceSpec,
        key: str,
        breach: Breach,
        report: EndpointReport,
        now: datetime,
    ) -> None:
        """Not what the endpoint's healthy answers look like: broken or drift, nothing diffed or stored."""
        report.status, report.error_class, report.reason = (
            breach.status.value,
            breach.error_class.value,
            breach.reason,
        )
        self._record_failure(session, source, key, report, now)

    @staticmethod
    def _deriver(
        source: SourceSpec, state: KnownState | None
    ) -> Callable[[EndpointSpec, FetchResult], Derived]:
        """derive, told what a body that declares no charset is most likely in: the encoding this endpoint
        was read in last time, the source's language (a CAC page is Chinese) - never a per-check guess."""

        def run(endpoint: EndpointSpec, result: FetchResult) -> Derived:
            return derive(
                endpoint,
                result.body,
                result.headers.get("content-type", ""),
                result.final_url,
                language=source.language,
                previous_encoding=state.last_encoding if state else None,
            )

        return run

    async def _judge_shrunk(
        self,
        source: SourceSpec,
        endpoint: EndpointSpec,
        key: str,
        result: FetchResult,
        state: KnownState | None,
        shrunk: Verdict,
    ) -> Verdict:
        """A body the shrink rule holds back, read once more: if it extracts as a whole answer (it meets
        the endpoint's expectations and its count is usual for its history) it is content, so one large
        answer never locks an endpoint out; if it extracts with too few items, say so (drift). Without
        enough history to tell what usual is, the shrink rule stands."""
        history = state.item_counts if state else ()
        if len(history) < self.config.check.drift_min_history:
            return shrunk
        try:
            _, extraction = await self._in_thread(self._deriver(source, state), endpoint, result)
        except (ExtractionError, ValueError):
            return shrunk
        breach = check_expectations(endpoint, extraction) or check_drift(
            endpoint, extraction, recent_counts=history, known_items=(), check=self.config.check, key=key
        )
        if breach is not None:
            return Verdict(breach.status, breach.error_class, f"{breach.reason}; {shrunk.reason}")
        return Verdict(ResponseStatus.OK, None, f"HTTP {result.status_code}, {len(result.body)} bytes")

    def _record_failure(
        self, session: Session, source: SourceSpec, key: str, report: EndpointReport, now: datetime
    ) -> None:
        state = lock_state(session, key, source.id, now)
        mark_failure(
            session,
            state,
            status=report.status,
            error_class=report.error_class,
            reason=report.reason,
            config=self.config,
        )

    def _persist_changes(
        self,
        session: Session,
        ctx: EndpointContext,
        outcome: StoreOutcome,
        snapshot_id: int | None,
        report: EndpointReport,
    ) -> None:
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
            if change.kind == ChangeKind.REMOVED_ITEM or not self._judge(ctx).should_alert(change.relevance):
                continue
            if change.kind == ChangeKind.NEW_ITEM and already_alerted(session, change):
                continue  # the same release listed by another endpoint of this source (feed + topic page)
            change.alerted = True
            root = session.get(Change, event.event_id) if event is not None else None
            if root is not None and root.alerted:
                report.alerts += len(enqueue_event_alert(session, change, root, self.config))
            else:
                report.alerts += len(enqueue_change_alert(session, change, self.config))

    def _judge(self, ctx: EndpointContext) -> Judge:
        return Judge(self.config, self.classifier, ctx.source, ctx.endpoint)

    async def _complete_details(
        self, fetcher: Fetcher, ctx: EndpointContext, extraction: ItemsExtraction
    ) -> ItemsExtraction:
        from tracker.pipeline.detail import complete_items, stored_items

        # The stored items, not only their ids: items completed before keep their completed fields.
        known = await self._in_thread(stored_items, self.engine, ctx.key)
        return await complete_items(fetcher, ctx, extraction, known, self.classifier)


def _count(extraction: ItemsExtraction | DocumentExtraction) -> int:
    return len(extraction.items) if isinstance(extraction, ItemsExtraction) else len(extraction.blocks)


def _now() -> datetime:
    return datetime.now(UTC)


def run_checks(
    config: Config,
    engine: Engine,
    names: Sequence[str] = (),
    *,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    robots: RobotsStore | None = None,
    sources: Sequence[SourceSpec] | None = None,
) -> list[EndpointReport]:
    """The function both `tracker check` and the service call: the sources `names` select, or the
    service's `sources` (the ones on one schedule) with its RobotsStore."""
    selected = select_sources(config, names) if sources is None else sources
    checker = Checker(config, engine, dry_run=dry_run, robots=robots)
    return asyncio.run(checker.run(selected, progress))


__all__ = ["Checker", "EndpointReport", "Verdict", "run_checks"]

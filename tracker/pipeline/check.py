"""One check of endpoints: fetch -> classify -> derive -> expectations -> store -> (outbox).

`run_checks` is the single entry point: `tracker check` calls it once, the service calls it per schedule.
Fetching is concurrent (politeness is the fetcher's business); every endpoint's writes are one
transaction (tracker.pipeline.record), serialised by a lock on its source_state row, so a manual check
racing the service creates no duplicate change or alert.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar
from urllib.parse import quote, urljoin

from sqlalchemy.engine import Engine
from sqlmodel import Session

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
    read_known_states,
    record_quiet_successes,
)
from tracker.pipeline.expectations import check_drift, check_expectations
from tracker.pipeline.record import Body, EndpointRecorder, EndpointReport, now_utc
from tracker.pipeline.selection import select_sources
from tracker.relevance.classifier import RelevanceClassifier
from tracker.specs import DocumentParser, EndpointSpec, SourceSpec, endpoint_key
from tracker.store.apply import EndpointContext, newest_item_id
from tracker.store.db import transaction
from tracker.store.snapshots import raw_sha256
from tracker.types import (
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
        self.recorder = EndpointRecorder(config, self.classifier)
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
            await self._write(lambda s: self.recorder.record_failure(s, source, key, report))
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
        result = await fetcher.fetch(await self._request(source, endpoint, state))
        report.http_status = result.status_code
        verdict, derived = await self._classify(source, endpoint, key, result, state)
        report.status, report.error_class, report.reason = (
            verdict.status.value,
            verdict.error_class.value if verdict.error_class else None,
            verdict.reason,
        )
        if verdict.status is ResponseStatus.NOT_MODIFIED:
            report.unchanged = True
            await self._quiet_success(QuietSuccess(source.id, key, result, now_utc()))
            return
        if verdict.status is not ResponseStatus.OK:
            await self._write(lambda s: self.recorder.record_failure(s, source, key, report))
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
                await self._quiet_success(QuietSuccess(source.id, key, result, now_utc()))
                return
            await self._write(lambda s: self.recorder.store(s, ctx, Body(result, body_sha), report))
            return
        if derived is None:
            try:
                derived = await self._in_thread(self._deriver(source, state), endpoint, result)
            except (ExtractionError, ValueError) as exc:
                broken = isinstance(exc, ExtractionError)
                report.status = (ResponseStatus.BROKEN if broken else ResponseStatus.ERROR).value
                report.error_class = (ErrorClass.PARSE if broken else ErrorClass.DECODE).value
                report.reason = str(exc)[:500]
                await self._write(lambda s: self.recorder.record_failure(s, source, key, report))
                return
        decoded, extraction = derived
        breach = check_expectations(endpoint, extraction)
        if breach is not None:
            await self._write(lambda s: self.recorder.record_breach(s, source, key, breach, report))
            return
        extraction = await self._complete(fetcher, ctx, extraction, result.final_url)
        body = Body(result, body_sha, decoded.encoding, extraction, content_hash(extraction))
        await self._write(lambda s: self.recorder.store(s, ctx, body, report))

    async def _request(
        self, source: SourceSpec, endpoint: EndpointSpec, state: KnownState | None
    ) -> FetchRequest:
        url = endpoint.resolved_url(date.today())
        if endpoint.url_from is not None:
            sibling = endpoint_key(source.id, endpoint.url_from.endpoint)
            newest = await self._in_thread(newest_item_id, self.engine, sibling)
            if newest is not None:
                url = urljoin(url, endpoint.url_from.template.format(id=quote(newest, safe="-_.")))
        # A followed endpoint's items live behind its list: never skip it on a 304 or the same bytes.
        validated = state is not None and endpoint.follow is None
        return FetchRequest(
            url=url,
            method=endpoint.method,
            headers=dict(endpoint.headers),
            form=endpoint.form,
            etag=state.etag if validated and state else None,
            last_modified=state.last_modified if validated and state else None,
        )

    async def _classify(
        self,
        source: SourceSpec,
        endpoint: EndpointSpec,
        key: str,
        result: FetchResult,
        state: KnownState | None,
    ) -> tuple[Verdict, Derived | None]:
        """What the answer amounted to; for a body the shrink rule held back and read again, also what it
        was read as (so it is not decoded and extracted twice)."""
        classify = functools.partial(
            classify_response,
            result,
            last_good_size=state.reference_size if state else None,
            shrink_ratio=self.config.check.shrink_ratio,
        )
        # A large page with a vendor's name in it is parsed to read its shape: not on the event loop.
        verdict = await self._in_thread(classify) if len(result.body) > LARGE_BODY else classify()
        if verdict.error_class is ErrorClass.SHRUNK:
            return await self._judge_shrunk(source, endpoint, key, result, state, verdict)
        return verdict, None

    async def _complete(
        self,
        fetcher: Fetcher,
        ctx: EndpointContext,
        extraction: DocumentExtraction | ItemsExtraction,
        list_url: str,
    ) -> DocumentExtraction | ItemsExtraction:
        """Items listed behind each item (followed lists), then each new item's own page (details)."""
        if not isinstance(extraction, ItemsExtraction):
            return extraction
        endpoint = ctx.endpoint
        if endpoint.follow is None and endpoint.detail is None:
            return extraction
        from tracker.pipeline.detail import complete_items, stored_items

        # The stored items, not only their ids: items completed before keep their completed fields.
        known = await self._in_thread(stored_items, self.engine, ctx.key)
        if endpoint.follow is not None:
            from tracker.pipeline.follow import follow_items

            extraction = await follow_items(fetcher, ctx, extraction, known, self.classifier, list_url)
        if endpoint.detail is not None:
            extraction = await complete_items(fetcher, ctx, extraction, known, self.classifier)
        return extraction

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
    ) -> tuple[Verdict, Derived | None]:
        """A body the shrink rule holds back, read once more: if it extracts as a whole answer (it meets
        the endpoint's expectations and its count is usual for its history) it is content, so one large
        answer never locks an endpoint out; if it extracts with too few items, say so (drift). Without
        enough history to tell what usual is, the shrink rule stands."""
        history = state.item_counts if state else ()
        if len(history) < self.config.check.drift_min_history:
            return shrunk, None
        try:
            derived = await self._in_thread(self._deriver(source, state), endpoint, result)
        except (ExtractionError, ValueError):
            return shrunk, None
        breach = check_expectations(endpoint, derived[1]) or check_drift(
            endpoint, derived[1], recent_counts=history, known_items=(), check=self.config.check, key=key
        )
        if breach is not None:
            return Verdict(breach.status, breach.error_class, f"{breach.reason}; {shrunk.reason}"), None
        ok = Verdict(ResponseStatus.OK, None, f"HTTP {result.status_code}, {len(result.body)} bytes")
        return ok, derived


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

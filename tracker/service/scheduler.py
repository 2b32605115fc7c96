"""The service's jobs on an APScheduler 3 BackgroundScheduler.

* one job per source: every `interval` (with up to `[check].jitter` seconds of random delay) or on a
  crontab in the source's time zone; the first run picks up where the last process left off (last attempt
  + interval), so a restart does not re-check everything at once;
* the outbox: `deliver_pending` every `[service].outbox_interval`, and straight after a check queued alerts;
* retention: `prune_snapshots` every `[service].retention_interval`;
* the digest, when `tracker.digest` is installed.

Every job has max_instances=1, coalescing and `[service].misfire_grace`. A job calls the same functions as
the CLI (`run_checks`, `deliver_pending`); everything it writes is committed per endpoint / per alert, so
stopping between two jobs, or killing the process, leaves the database consistent.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tracker.alerts.notifier import Notifier
from tracker.config import Config
from tracker.net.politeness import RobotsStore, host_key
from tracker.service.metrics import ServiceMetrics
from tracker.service.retention import prune_snapshots
from tracker.specs import SourceSpec, endpoint_key
from tracker.speedups import return_freed_memory
from tracker.store.models import SourceState

log = logging.getLogger("tracker.service")

OUTBOX_JOB, RETENTION_JOB, DIGEST_JOB = "outbox", "retention", "digest"
RETENTION_FIRST_DELAY = timedelta(minutes=5)  # not in the middle of the start-up burst of checks


def source_trigger(config: Config, source: SourceSpec) -> BaseTrigger:
    """Cron in the source's time zone when `[sources.X].cron` is set, else an interval with jitter."""
    override = config.sources.get(source.id)
    jitter = int(config.check.jitter) or None
    if override and override.cron:
        zone = ZoneInfo(override.timezone or config.tracker.timezone)
        return CronTrigger.from_crontab(override.cron, timezone=zone)
    return IntervalTrigger(seconds=config.source_interval(source), jitter=jitter, timezone=UTC)


def schedule_key(config: Config, source: SourceSpec) -> tuple[str, ...]:
    """Sources with equal keys fire on equal triggers: the cron line and its zone, or the interval."""
    override = config.sources.get(source.id)
    if override and override.cron:
        return ("cron", override.cron, override.timezone or config.tracker.timezone)
    return ("every", f"{config.source_interval(source):g}s")


def schedule_groups(config: Config, sources: Sequence[SourceSpec]) -> list[tuple[SourceSpec, ...]]:
    """Sources on one schedule, checked together in one job as `tracker check` does: a job of its own per
    source cost ~4.5 ms more per source than a shared cycle (an event loop, a client and a connection, the
    known states read and the unchanged ones recorded in a transaction of their own), which for a watch
    list of 500 single-page sources was 3-4x the cost of checking them together."""
    groups: dict[tuple[str, ...], list[SourceSpec]] = {}
    for source in sources:
        groups.setdefault(schedule_key(config, source), []).append(source)
    return [tuple(group) for group in groups.values()]


def first_run(
    config: Config, engine: Engine, sources: Sequence[SourceSpec], now: datetime
) -> datetime | None:
    """When a job's sources (one schedule) are next due: one interval after the oldest last attempt of
    their endpoints, at once if one was never tried; None = let the trigger decide (cron)."""
    override = config.sources.get(sources[0].id)
    if override and override.cron:
        return None
    interval = config.source_interval(sources[0])
    keys = [endpoint_key(s.id, e.id) for s in sources for e in s.endpoints]
    seen, oldest = 0, None
    with Session(engine) as session:
        for chunk in (keys[i : i + 500] for i in range(0, len(keys), 500)):  # as read_known_states
            count, low = session.exec(
                select(func.count(), func.min(SourceState.last_attempt_at)).where(
                    col(SourceState.endpoint_key).in_(chunk), col(SourceState.last_attempt_at).is_not(None)
                )
            ).one()
            seen += count
            if low is not None:
                low = low if low.tzinfo else low.replace(tzinfo=UTC)
                oldest = low if oldest is None else min(oldest, low)
    due = now
    if seen == len(keys) and oldest is not None:
        due = max(now, oldest + timedelta(seconds=interval))
    # Spread the start-up burst over the jitter window (never beyond one interval).
    spread = min(config.check.jitter, interval)
    return due + timedelta(seconds=random.uniform(0, spread)) if spread else due


class HostTurns:
    """Check jobs that share a host take turns, `per_host_delay` apart.

    Each check job (one per schedule) has its own fetcher, whose politeness covers only its own requests;
    without this, two sources on one host with different schedules (EUR-Lex feeds hourly, the AI Act
    text daily) could be fetched at the same moment.
    """

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_end: dict[str, float] = {}

    @contextmanager
    def turn(self, *sources: SourceSpec) -> Iterator[None]:
        hosts = sorted({host_key(e.url) for s in sources for e in s.endpoints})  # one order: no deadlock
        with self._guard:
            locks = [self._locks.setdefault(h, threading.Lock()) for h in hosts]
        with ExitStack() as stack:
            for lock in locks:
                stack.enter_context(lock)
            wait = max((self._last_end.get(h, 0.0) + self.delay - time.monotonic() for h in hosts), default=0)
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                now = time.monotonic()
                for h in hosts:
                    self._last_end[h] = now


class ServiceScheduler:
    def __init__(self, config: Config, engine: Engine, metrics: ServiceMetrics, notifier: Notifier) -> None:
        from tracker.pipeline.selection import select_sources

        self.config = config
        self.engine = engine
        self.metrics = metrics
        self.notifier = notifier
        self.sources = select_sources(config)
        self.groups = schedule_groups(config, self.sources)
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._running_jobs = 0
        self._outbox_again = threading.Event()
        self._outbox_busy = threading.Lock()
        self._host_turns = HostTurns(config.fetch.per_host_delay)
        # robots.txt once per host and TTL for the whole service, not once per run of a job.
        self.robots = RobotsStore()
        service = config.service
        self.scheduler = BackgroundScheduler(
            executors={
                "checks": ThreadPoolExecutor(max(2, min(8, len(self.groups)))),
                "default": ThreadPoolExecutor(3),  # outbox, retention, digest: never behind the checks
            },
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": max(1, int(service.misfire_grace)),
            },
            timezone=ZoneInfo(config.tracker.timezone),
        )

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.scheduler.running and not self._stopping.is_set()

    def start(self) -> None:
        now = datetime.now(UTC)
        for group in self.groups:
            key = schedule_key(self.config, group[0])
            name = f"check {' '.join(key[1:])}: {len(group)} source{'s' if len(group) > 1 else ''}"
            self.scheduler.add_job(
                self._guarded(name, functools.partial(self._check_sources, group)),
                trigger=source_trigger(self.config, group[0]),
                id="check:" + ":".join(key[1:]),
                name=name,
                executor="checks",
                **_next_run(first_run(self.config, self.engine, group, now)),
            )
        self.scheduler.add_job(
            self._guarded(OUTBOX_JOB, self._drain_outbox),
            IntervalTrigger(seconds=max(1.0, self.config.service.outbox_interval), timezone=UTC),
            id=OUTBOX_JOB,
            name="deliver alerts",
            next_run_time=now,  # alerts left by a previous process go out first
        )
        self.scheduler.add_job(
            self._guarded(RETENTION_JOB, self._retention),
            IntervalTrigger(seconds=max(60.0, self.config.service.retention_interval), timezone=UTC),
            id=RETENTION_JOB,
            name="snapshot retention",
            next_run_time=now
            + min(RETENTION_FIRST_DELAY, timedelta(seconds=self.config.service.retention_interval)),
        )
        self._add_digest_job()
        self.scheduler.start()
        self.metrics.scheduler_running.set(1)
        log.info(
            "scheduler started: %d sources in %d check jobs, outbox every %ss",
            len(self.sources),
            len(self.groups),
            self.config.service.outbox_interval,
        )
        for job in self.scheduler.get_jobs():
            log.info("job %s: %s, next run %s", job.name, job.trigger, _iso(job.next_run_time))

    def stop(self, timeout: float) -> bool:
        """No new job starts; wait up to `timeout` for running ones. True when none is left running."""
        self._stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.metrics.scheduler_running.set(0)
        with self._idle:
            drained = self._idle.wait_for(lambda: self._running_jobs == 0, timeout=timeout)
        return drained

    def run_once(self) -> None:
        """One pass of every job, in the calling thread (`tracker run --once`)."""
        from tracker.pipeline.check import run_checks

        reports = run_checks(self.config, self.engine, robots=self.robots)
        self.metrics.observe_checks(reports)
        self._drain_outbox()
        self._retention()  # the digest keeps to its own schedule: `tracker digest` sends one by hand

    # -- jobs ------------------------------------------------------------------------------------
    def _guarded(self, name: str, job: Callable[[], None]) -> Callable[[], None]:
        """Counts running jobs for a clean stop; a job that raises is logged, counted, and runs next time."""

        def run() -> None:
            with self._idle:
                if self._stopping.is_set():  # queued before the stop: do not start it
                    return
                self._running_jobs += 1
            try:
                job()
            except Exception:
                self.metrics.job_errors.labels(job=name.split()[0]).inc()
                log.exception("%s failed; it runs again at its next time", name)
            finally:
                with self._idle:
                    self._running_jobs -= 1
                    self._idle.notify_all()

        return run

    def _check_sources(self, sources: Sequence[SourceSpec]) -> None:
        from tracker.pipeline.check import run_checks

        with self._host_turns.turn(*sources):
            if self._stopping.is_set():  # stopped while waiting for the host
                return
            reports = run_checks(self.config, self.engine, sources=sources, robots=self.robots)
        return_freed_memory()
        self.metrics.observe_checks(reports)
        if any(r.alerts for r in reports):
            self.poke_outbox()

    def poke_outbox(self) -> None:
        """Deliver soon: now if the outbox job is idle, else once more when its current pass ends."""
        self._outbox_again.set()
        if self._stopping.is_set() or self._outbox_busy.locked():
            return
        try:
            self.scheduler.modify_job(OUTBOX_JOB, next_run_time=datetime.now(UTC))
        except Exception:  # the scheduler is shutting down: the next process delivers
            log.debug("could not wake the outbox job", exc_info=True)

    def _drain_outbox(self) -> None:
        from tracker.alerts.deliver import deliver_pending

        with self._outbox_busy:
            while True:
                self._outbox_again.clear()
                report = deliver_pending(self.engine, self.config, self.notifier)
                self.metrics.observe_delivery(report)
                if report.sent or report.failed:
                    log.info(
                        "outbox: %d sent, %d failed, %d pending", report.sent, report.failed, report.pending
                    )
                if not self._outbox_again.is_set() or self._stopping.is_set():
                    break

    def _retention(self) -> None:
        deleted = prune_snapshots(self.engine, self.config.check.keep_snapshots)
        self.metrics.snapshots_pruned.inc(deleted)
        self.metrics.observe_staleness(
            self.engine, self.config
        )  # a day-scale signal: read with the housekeeping

    def _digest_function(self) -> Callable[[Config, Engine], object] | None:
        try:
            if importlib.util.find_spec("tracker.digest") is None:
                return None
            module = importlib.import_module("tracker.digest")
        except Exception:
            log.warning("tracker.digest cannot be imported; no scheduled digest", exc_info=True)
            return None
        return getattr(module, "run_scheduled_digest", None)

    def _add_digest_job(self) -> None:
        digest = self.config.digest
        if not digest.cron or self._digest_function() is None:
            return
        self.scheduler.add_job(
            self._guarded(DIGEST_JOB, self._digest),
            CronTrigger.from_crontab(digest.cron, timezone=ZoneInfo(digest.timezone)),
            id=DIGEST_JOB,
            name="digest",
        )

    def _digest(self) -> None:
        run = self._digest_function()
        if run is None:
            return
        run(self.config, self.engine)  # decides itself whether this week is a digest week
        self.poke_outbox()


def _next_run(when: datetime | None) -> dict[str, datetime]:
    return {} if when is None else {"next_run_time": when}


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else "-"

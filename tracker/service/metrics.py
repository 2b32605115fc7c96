"""Prometheus metrics of one `tracker run`, in a registry of its own (no process-global state).

Fed from what the jobs return (EndpointReport, DeliveryReport), so the check pipeline knows nothing of
metrics. Counters start at zero with each process, as Prometheus expects; the last-success gauges and the
outbox depth are read from the database at start so a restart does not blank them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tracker.types import ChangeKind

if TYPE_CHECKING:
    from tracker.alerts.deliver import DeliveryReport
    from tracker.config import Config
    from tracker.pipeline.check import EndpointReport

# Most endpoints answer in well under a second; slow regulators and big PDFs take tens of seconds.
_DURATION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.checks = Counter(
            "tracker_checks", "Endpoint checks by outcome.", ["source", "endpoint", "status"], registry=r
        )
        self.changes = Counter("tracker_changes", "Changes detected.", ["source", "kind"], registry=r)
        self.alerts_sent = Counter("tracker_alerts_sent", "Alerts delivered.", registry=r)
        self.alerts_failed = Counter("tracker_alerts_failed", "Alerts that failed for good.", registry=r)
        self.outbox_depth = Gauge("tracker_outbox_depth", "Alerts waiting to be sent.", registry=r)
        self.check_duration = Histogram(
            "tracker_check_duration_seconds",
            "Time to fetch and process one endpoint (mostly the fetch).",
            ["source"],
            buckets=_DURATION_BUCKETS,
            registry=r,
        )
        self.last_success = Gauge(
            "tracker_last_success_timestamp_seconds",
            "Unix time of the last successful check of an endpoint.",
            ["endpoint"],
            registry=r,
        )
        self.job_errors = Counter(
            "tracker_job_errors", "Scheduled jobs that raised instead of finishing.", ["job"], registry=r
        )
        self.leader = Gauge("tracker_leader", "1 while this process runs the scheduler.", registry=r)
        self.scheduler_running = Gauge(
            "tracker_scheduler_running", "1 while the scheduler is running.", registry=r
        )
        self.stale = Gauge(
            "tracker_endpoint_stale",
            "1 when an endpoint's newest item is far older than its usual rhythm (has its list moved?).",
            ["endpoint"],
            registry=r,
        )
        self.snapshots_pruned = Counter(
            "tracker_snapshots_pruned", "Snapshots deleted by the retention job.", registry=r
        )

    def observe_checks(self, reports: Iterable[EndpointReport]) -> None:
        now = time.time()
        for report in reports:
            source, key = report.source, f"{report.source}/{report.endpoint}"
            self.checks.labels(source=source, endpoint=key, status=report.status).inc()
            self.check_duration.labels(source=source).observe(report.seconds)
            if report.ok:
                self.last_success.labels(endpoint=key).set(now)
            counts = {
                ChangeKind.NEW_ITEM: report.new,
                ChangeKind.CHANGED_ITEM: report.changed,
                ChangeKind.REMOVED_ITEM: report.removed,
                ChangeKind.DOCUMENT_CHANGED: int(report.document_changed),
            }
            for kind, count in counts.items():
                if count:
                    self.changes.labels(source=source, kind=kind.value).inc(count)

    def observe_delivery(self, report: DeliveryReport) -> None:
        self.alerts_sent.inc(report.sent)
        self.alerts_failed.inc(report.failed)
        self.outbox_depth.set(report.pending)

    def load_from_database(self, engine: Engine) -> None:
        from tracker.alerts.outbox import UNSENT
        from tracker.store.models import Alert, SourceState

        with Session(engine) as session:
            for key, at in session.exec(select(SourceState.endpoint_key, SourceState.last_success_at)):
                if at is not None:
                    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
                    self.last_success.labels(endpoint=key).set(aware.timestamp())
            depth = session.exec(
                select(func.count()).select_from(Alert).where(col(Alert.status).in_(UNSENT))
            ).one()
        self.outbox_depth.set(depth)

    def observe_staleness(self, engine: Engine, config: Config) -> None:
        from datetime import datetime

        from tracker.pipeline.staleness import staleness_by_endpoint

        sources = config.enabled_sources()
        with Session(engine) as session:
            found = staleness_by_endpoint(session, sources, datetime.now(UTC), config.check)
        for key, staleness in found.items():
            self.stale.labels(endpoint=key).set(1 if staleness.stale else 0)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

"""`tracker status`: the service's picture, read from the database (and the scheduler lock).

Works whether or not a `tracker run` is up, from any machine that reaches the database (the lock holder
of a SQLite database is only visible on its own machine).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tracker.alerts.outbox import as_utc
from tracker.config import Config
from tracker.service.leader import leadership_for
from tracker.store.models import Alert, Change, SourceState

RECENT_CHANGES = 10


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat(timespec="seconds") if value else None


def collect_status(config: Config, engine: Engine) -> dict[str, Any]:
    leadership = leadership_for(config.database_url(), program="tracker status")
    try:
        holder = leadership.probe()
    finally:
        leadership.release()
    from tracker.pipeline.staleness import staleness_by_endpoint

    sources = config.enabled_sources()
    with Session(engine) as session:
        states = {s.endpoint_key: s for s in session.exec(select(SourceState))}
        staleness = staleness_by_endpoint(session, sources, datetime.now(UTC), config.check)
        counts = dict(session.exec(select(Alert.status, func.count()).group_by(Alert.status)).all())
        oldest_unsent = session.exec(
            select(func.min(Alert.created_at)).where(col(Alert.status).in_(("pending", "sending")))
        ).one()
        changes = list(
            session.exec(
                select(Change)
                .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
                .limit(RECENT_CHANGES)
            )
        )
    endpoints = []
    for source in sources:
        for endpoint in source.endpoints:
            key = f"{source.id}/{endpoint.id}"
            st = states.get(key)
            fresh = staleness.get(key)
            endpoints.append(
                {
                    "endpoint": key,
                    "status": st.status if st else "never",
                    "failures": st.consecutive_failures if st else 0,
                    "last_attempt": _iso(st.last_attempt_at) if st else None,
                    "last_success": _iso(st.last_success_at) if st else None,
                    "error": st.error_message if st else None,
                    "stale": bool(fresh and fresh.stale),
                    "newest_item": fresh.reason if fresh else None,
                }
            )
    unsent = counts.get("pending", 0) + counts.get("sending", 0)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scheduler": {"running": holder is not None, "holder": holder},
        "endpoints": endpoints,
        "failing": sum(1 for e in endpoints if e["failures"]),
        "stale": [e["endpoint"] for e in endpoints if e["stale"]],
        "outbox": {
            "depth": unsent,
            "pending": counts.get("pending", 0),
            "sending": counts.get("sending", 0),
            "failed": counts.get("failed", 0),
            "sent": counts.get("sent", 0),
            "oldest_unsent": _iso(oldest_unsent),
        },
        "recent_changes": [
            {
                "id": c.id,
                "detected_at": _iso(c.detected_at),
                "endpoint": c.endpoint_key,
                "kind": c.kind,
                "relevance": c.relevance,
                "alerted": c.alerted,
                "title": c.title,
            }
            for c in changes
        ],
    }

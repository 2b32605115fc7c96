"""Snapshot retention: the last N snapshots of every endpoint, and every snapshot that produced a change.

A snapshot that a change points at is kept as well (whatever its flag says), so `tracker show` and
re-derivation keep their evidence. Each endpoint is pruned in its own short transaction, so a running
check never waits long for the SQLite write lock.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.store.db import transaction
from tracker.store.models import Change, Snapshot

log = logging.getLogger("tracker.service")

_CHUNK = 500  # ids per DELETE: well under SQLite's bound-parameter limit


def prune_snapshots(engine: Engine, keep: int) -> int:
    """Delete snapshots beyond the newest `keep` per endpoint that no change needs. Returns how many."""
    if keep < 1:
        raise ValueError("keep at least one snapshot per endpoint: the next check compares against it")
    with Session(engine) as session:
        endpoints = list(session.exec(select(Snapshot.endpoint_key).distinct()))
    deleted = 0
    for key in endpoints:
        deleted += _prune_endpoint(engine, key, keep)
    if deleted:
        log.info(
            "retention: deleted %d old snapshots (kept %d per endpoint and all that changed)", deleted, keep
        )
    return deleted


def _prune_endpoint(engine: Engine, key: str, keep: int) -> int:
    referenced = select(Change.snapshot_id).where(col(Change.snapshot_id).is_not(None))
    with transaction(engine) as session:
        newest = (
            select(Snapshot.id)
            .where(Snapshot.endpoint_key == key)
            .order_by(col(Snapshot.fetched_at).desc(), col(Snapshot.id).desc())
            .limit(keep)
        )
        doomed = list(
            session.exec(
                select(Snapshot.id).where(
                    Snapshot.endpoint_key == key,
                    col(Snapshot.produced_change).is_(False),
                    col(Snapshot.id).not_in(newest),
                    col(Snapshot.id).not_in(referenced),
                )
            )
        )
        for start in range(0, len(doomed), _CHUNK):
            chunk = doomed[start : start + _CHUNK]
            session.execute(sa.delete(Snapshot).where(col(Snapshot.id).in_(chunk)))
    return len(doomed)

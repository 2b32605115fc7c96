"""The operator's way out of a learnt history: `tracker sources reset X` forgets what an endpoint learnt.

What is learnt from good answers (the recent body sizes the shrink rule compares with, the item counts the
drift rule compares with, the encoding chosen when nothing declares one) can be wrong after a site moved
or after a run of odd answers. Resetting it lets the next good answers teach it again. Everything else of
the endpoint stays: its items, its validators, its baseline, its open operations alert (so the recovery
notice still goes out once the endpoint is healthy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.store.codec import json_ints
from tracker.store.models import SourceState

# What a reset writes: the learnt history, emptied, and the failure streak, ended.
RESET_VALUES: dict[str, object] = {
    "good_sizes": "[]",
    "item_counts": "[]",
    "last_good_size": None,
    "last_encoding": None,
    "consecutive_failures": 0,
}


@dataclass(frozen=True, slots=True)
class LearntHistory:
    """What an endpoint had learnt, as shown to the operator before it is forgotten."""

    endpoint_key: str
    good_sizes: tuple[int, ...]
    item_counts: tuple[int, ...]
    last_good_size: int | None
    last_encoding: str | None
    consecutive_failures: int


def learnt_history(session: Session, keys: Sequence[str]) -> list[LearntHistory]:
    """The stored history of those endpoints that have a state row, in the order of `keys`."""
    if not keys:
        return []
    rows = {
        s.endpoint_key: s
        for s in session.exec(select(SourceState).where(col(SourceState.endpoint_key).in_(keys)))
    }
    return [
        LearntHistory(
            endpoint_key=key,
            good_sizes=json_ints(rows[key].good_sizes),
            item_counts=json_ints(rows[key].item_counts),
            last_good_size=rows[key].last_good_size,
            last_encoding=rows[key].last_encoding,
            consecutive_failures=rows[key].consecutive_failures,
        )
        for key in dict.fromkeys(keys)
        if key in rows
    ]


def reset_learnt_history(session: Session, keys: Sequence[str]) -> int:
    """Forget the learnt history of these endpoints; the number of state rows reset.

    One UPDATE, so a check writing the same row meanwhile either sees the reset or is seen by it; the
    caller commits (a transaction of its own, or the CLI's).
    """
    if not keys:
        return 0
    statement = (
        update(SourceState)
        .where(col(SourceState.endpoint_key).in_(list(dict.fromkeys(keys))))
        .values(**RESET_VALUES)
    )
    result = session.exec(statement)
    return int(result.rowcount or 0)

"""Endpoint health: success and failure bookkeeping, and the operations alerts it raises.

An operations alert goes out once when consecutive failures reach the threshold and once on recovery,
never once per failed check.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from tracker.alerts.outbox import enqueue_ops_alert
from tracker.config import Config
from tracker.store.apply import lock_state
from tracker.store.codec import json_ints
from tracker.store.models import SourceState
from tracker.types import FetchResult, ResponseStatus


@dataclass(frozen=True, slots=True)
class KnownState:
    """The part of an endpoint's stored state a check reads before fetching."""

    etag: str | None
    last_modified: str | None
    last_good_size: int | None
    last_raw_sha256: str | None
    last_extractor_version: str | None
    good_sizes: tuple[int, ...] = ()  # recent good body sizes, newest last
    item_counts: tuple[int, ...] = ()  # recent item / article / block counts, newest last
    last_encoding: str | None = None

    @property
    def reference_size(self) -> int | None:
        """What the shrink rule compares with: the lower median of the recent good sizes, so one odd
        answer (a 10 MB page, a padded feed) never becomes the reference by itself."""
        if self.good_sizes:
            return int(statistics.median_low(self.good_sizes))
        return self.last_good_size


SIZES_KEPT = 9  # good body sizes remembered per endpoint


def remember_size(state: SourceState, size: int) -> None:
    state.good_sizes = json.dumps([*json_ints(state.good_sizes), size][-SIZES_KEPT:])


def read_known_states(engine: Engine, keys: list[str]) -> dict[str, KnownState]:
    """What every endpoint's state says before any fetch (validators, last body), in one query per 500
    endpoints: plain rows, not ORM objects (the rows a check locks and writes are read again then)."""
    found: dict[str, KnownState] = {}
    with Session(engine) as session:
        for chunk in (keys[i : i + 500] for i in range(0, len(keys), 500)):
            # SQLAlchemy's select, typed for up to ten columns: SQLModel's exec takes SQLModel's selects.
            rows = session.execute(
                select(
                    col(SourceState.endpoint_key),
                    col(SourceState.etag),
                    col(SourceState.last_modified),
                    col(SourceState.last_good_size),
                    col(SourceState.last_raw_sha256),
                    col(SourceState.last_extractor_version),
                    col(SourceState.good_sizes),
                    col(SourceState.item_counts),
                    col(SourceState.last_encoding),
                ).where(col(SourceState.endpoint_key).in_(chunk))
            )
            for key, etag, modified, size, raw_sha, version, sizes, counts, encoding in rows:
                found[key] = KnownState(
                    etag, modified, size, raw_sha, version, json_ints(sizes), json_ints(counts), encoding
                )
    return found


def success_values(result: FetchResult, now: datetime) -> dict[str, Any]:
    """The columns a successful check sets on its endpoint's state, for mark_success and the batched
    UPDATE of record_quiet_successes alike: one definition of what a success records."""
    not_modified = result.status_code == 304
    values: dict[str, Any] = {
        "status": (ResponseStatus.NOT_MODIFIED if not_modified else ResponseStatus.OK).value,
        "error_class": None,
        "error_message": None,
        "consecutive_failures": 0,
        "last_success_at": now,
    }
    if not not_modified:  # a 200 also brings new validators and a good size
        values["etag"] = result.headers.get("etag")
        values["last_modified"] = result.headers.get("last-modified")
        values["last_good_size"] = len(result.body)
    return values


def mark_success(
    session: Session, state: SourceState, result: FetchResult, now: datetime, config: Config
) -> None:
    if state.ops_alert_open:
        enqueue_ops_alert(
            session,
            endpoint_key=state.endpoint_key,
            config=config,
            recovered=True,
            text=f"{state.endpoint_key} recovered after {state.consecutive_failures} failed checks",
        )
        state.ops_alert_open = False
    for column, value in success_values(result, now).items():
        setattr(state, column, value)
    if result.status_code != 304:
        remember_size(state, len(result.body))
    session.add(state)


def mark_failure(
    session: Session, state: SourceState, *, status: str, error_class: str | None, reason: str, config: Config
) -> None:
    state.status = status
    state.error_class = error_class
    state.error_message = reason[:2000]
    state.consecutive_failures += 1
    # A broken or drifting endpoint is not a passing network error: it will not heal by retrying, and
    # every check until someone looks is a check that may miss a rule. Notify at once.
    blind = status in (ResponseStatus.BROKEN.value, ResponseStatus.DRIFT.value)
    threshold = 1 if blind else config.slack.ops_failure_threshold
    if state.consecutive_failures >= threshold and not state.ops_alert_open:
        if blind:
            text = f"{state.endpoint_key} no longer sees its site: {status} ({error_class}) {reason}"
        else:
            text = (
                f"{state.endpoint_key} failed {state.consecutive_failures} checks in a row: "
                f"{status} ({error_class}) {reason}"
            )
        enqueue_ops_alert(session, endpoint_key=state.endpoint_key, config=config, recovered=False, text=text)
        state.ops_alert_open = True
    session.add(state)


@dataclass(frozen=True)
class QuietSuccess:
    """A check with nothing to report (a 304, or a document's very same bytes): only state changes."""

    source_id: str
    key: str
    result: FetchResult
    at: datetime


def record_quiet_successes(session: Session, batch: Sequence[QuietSuccess], config: Config) -> None:
    """Many quiet checks in one transaction: an executemany UPDATE per kind (304 or 200), no ORM.

    The UPDATE only applies to an existing row with no operations alert open; any other row (an alert
    open, even one opened meanwhile by another process, or a first state) takes the full path, so a
    recovery notice is never skipped. The rows the UPDATE changed stay locked until commit.
    """
    # The model's Core table (`__table__` is missing from SQLModel's types).
    table = SourceState.metadata.tables[SourceState.__tablename__]
    ordered = sorted(batch, key=lambda q: q.key)  # two processes lock overlapping batches in one order
    unchanged = update(table).where(
        table.c.endpoint_key == bindparam("key"), table.c.ops_alert_open.is_(False)
    )
    # One executemany per kind (304 or 200): the rows of a kind set the same columns. The size history
    # (good_sizes) is left as it is: the same bytes as the last body teach it nothing new.
    for not_modified in (True, False):
        rows = [
            {"key": q.key, "last_attempt_at": q.at, **success_values(q.result, q.at)}
            for q in ordered
            if (q.result.status_code == 304) is not_modified
        ]
        if rows:
            columns = [name for name in rows[0] if name != "key"]
            statement = unchanged.values({name: bindparam(f"new_{name}") for name in columns})
            session.execute(statement, [_renamed(row) for row in rows])
    # Whatever the UPDATE could not apply (an ops alert open, or no state row yet) takes the full path.
    applied = set(
        session.execute(
            select(table.c.endpoint_key).where(
                table.c.endpoint_key.in_([quiet.key for quiet in ordered]), table.c.ops_alert_open.is_(False)
            )
        ).scalars()
    )
    for quiet in ordered:
        if quiet.key not in applied:
            state = lock_state(session, quiet.key, quiet.source_id, quiet.at)
            mark_success(session, state, quiet.result, quiet.at, config)


def _renamed(row: dict[str, Any]) -> dict[str, Any]:
    """Bind names apart from the column names (SQLAlchemy reserves a column's own name in UPDATE)."""
    return {name if name == "key" else f"new_{name}": value for name, value in row.items()}

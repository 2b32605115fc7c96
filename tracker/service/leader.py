"""One active scheduler per database.

SQLite: an exclusive `flock` on `<database file>.lock`, next to the database. PostgreSQL: a session-level
advisory lock (`pg_try_advisory_lock`) held on a connection of its own, keyed by database and schema. Both
are released by the operating system or the server when the holder dies, even by `kill -9`, so a standby
that polls takes over within one poll.

The holder writes who it is (pid, host, since) where others can read it: into the lock file for SQLite,
into `application_name` of its lock connection for PostgreSQL.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

log = logging.getLogger("tracker.service")


def _who() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class Leadership(Protocol):
    """The lock that makes one `tracker run` the active scheduler."""

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never blocks."""
        ...

    def holder(self) -> str | None:
        """Who holds the lock ("pid 123 on host since ..."), None when nobody does or it cannot be told."""
        ...

    def probe(self) -> str | None:
        """Like holder(), but None unless the lock is held right now (for `tracker status`)."""
        ...

    def still_held(self) -> bool:
        """False when the lock was lost (e.g. the PostgreSQL connection dropped)."""
        ...

    def release(self) -> None: ...


class FileLeadership:
    """`flock` on a file beside the SQLite database. Local file systems only (as SQLite itself)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        since = datetime.now(UTC).isoformat(timespec="seconds")
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": since}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return True

    def holder(self) -> str | None:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return None
        if not info.get("pid"):
            return None
        return f"pid {info['pid']} on {info.get('host', '?')} since {info.get('since', '?')}"

    def probe(self) -> str | None:
        """The holder when the lock is held right now, else None (for `tracker status`)."""
        if self._fd is not None:
            return self.holder()
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return self.holder() or "another process (holder unknown)"
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def still_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # no stale holder for `tracker status` to report
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


class PostgresLeadership:
    """A session advisory lock on a dedicated connection, keyed by current database and schema."""

    def __init__(self, url: str, program: str = "tracker run") -> None:
        self.engine = sa.create_engine(
            url,
            poolclass=NullPool,
            connect_args={
                "application_name": f"{program} {_who()}"[:63],
                "connect_timeout": 10,
                # A dead server or network is noticed within about a minute, not hours.
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
            },
        )
        self._conn: sa.Connection | None = None
        self._key: int | None = None
        self._held = False
        self._since = ""

    def _connection(self) -> sa.Connection:
        if self._conn is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                scope = conn.execute(sa.text("select current_database() || '/' || current_schema()")).scalar()
            except Exception:
                conn.close()
                raise
            digest = hashlib.sha256(f"ai-reg-tracker scheduler {scope}".encode()).digest()
            self._key = int.from_bytes(digest[:8], "big", signed=True)
            self._conn = conn
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None
        self._held = False

    def try_acquire(self) -> bool:
        if self._held:
            return True
        try:
            conn = self._connection()
            got = bool(conn.execute(sa.text("select pg_try_advisory_lock(:k)"), {"k": self._key}).scalar())
        except Exception as exc:
            log.warning("cannot reach the database to take the scheduler lock: %s", _short(exc))
            self._drop_connection()
            return False
        self._held = got
        if got:
            self._since = datetime.now(UTC).isoformat(timespec="seconds")
        return got

    def _lock_filter(self) -> tuple[str, dict[str, int]]:
        assert self._key is not None
        unsigned = self._key & 0xFFFFFFFFFFFFFFFF
        # A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32), objsubid 1.
        where = (
            "l.locktype = 'advisory' and l.granted and l.objsubid = 1 "
            "and l.classid::bigint = :hi and l.objid::bigint = :lo "
            "and l.database = (select oid from pg_database where datname = current_database())"
        )
        return where, {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}

    def holder(self) -> str | None:
        if self._held:
            return f"{_who()} since {self._since}"
        try:
            conn = self._connection()
            where, params = self._lock_filter()
            row = conn.execute(
                sa.text(
                    "select a.application_name, a.client_addr, a.backend_start, l.pid "
                    f"from pg_locks l left join pg_stat_activity a on a.pid = l.pid where {where}"
                ),
                params,
            ).first()
        except Exception:
            self._drop_connection()
            return None
        if row is None:
            return None
        name, addr, started, backend = row
        who = name.removeprefix("tracker run ") if name and name.startswith("tracker run ") else None
        if who is None:  # another role's backend: pg_stat_activity hides its details
            who = f"database backend {backend}" + (f" from {addr}" if addr else "")
        return who + (f" since {started.isoformat(timespec='seconds')}" if started else "")

    def probe(self) -> str | None:
        return self.holder()

    def still_held(self) -> bool:
        if not self._held:
            return False
        try:
            assert self._conn is not None
            where, params = self._lock_filter()
            found = self._conn.execute(
                sa.text(f"select 1 from pg_locks l where l.pid = pg_backend_pid() and {where}"), params
            ).first()
        except Exception as exc:
            log.error("lost the scheduler lock's database connection: %s", _short(exc))
            self._drop_connection()
            return False
        if found is None:
            self._held = False
        return found is not None

    def release(self) -> None:
        if self._held and self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(sa.text("select pg_advisory_unlock(:k)"), {"k": self._key})
        self._drop_connection()
        self.engine.dispose()


class NoLeadership:
    """An in-memory SQLite database belongs to one process: nothing to share."""

    def try_acquire(self) -> bool:
        return True

    def holder(self) -> str | None:
        return None

    def probe(self) -> str | None:
        return None

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        pass


def leadership_for(database_url: str, program: str = "tracker run") -> Leadership:
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return NoLeadership()
        return FileLeadership(Path(url.database + ".lock").resolve())
    if backend == "postgresql":
        return PostgresLeadership(database_url, program)
    raise ValueError(f"no scheduler lock for {backend!r} databases; use SQLite or PostgreSQL")


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]

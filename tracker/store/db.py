"""Engine, sessions and migrations. SQLite by default (WAL), PostgreSQL through DATABASE_URL."""

from __future__ import annotations

import ast
import functools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """The database cannot be reached or is at an unknown schema; the message says what to do."""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"{path}: cannot create its directory ({exc.strerror or exc}); create "
                    f"{Path(path).parent} writable by this user, or set [tracker].database or DATABASE_URL "
                    "to a writable place"
                ) from exc
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _alembic_config(connection: sa.Connection) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


# How often a start that SQLite answers "database is locked" at once tries again (see upgrade).
_LOCKED_RETRIES = 5


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent)."""
    for attempt in range(_LOCKED_RETRIES):
        try:
            return _upgrade(engine, revision)
        except DatabaseError as exc:
            # SQLite answers "database is locked" at once, without waiting, to break a deadlock between
            # processes opening one new file together (journal mode switch, read upgraded to write).
            if "database is locked" not in str(exc) or attempt == _LOCKED_RETRIES - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def _upgrade(engine: Engine, revision: str) -> None:
    try:
        if revision == "head":
            stored, empty = _stored_revision(engine)
            # The fast path of every start: a database already at head loads no Alembic (with Mako and
            # Pygments, ~0.15 s CPU and 11 MB in each short-lived `tracker check`).
            if stored == versions_head():
                return
            if empty:
                _build_at_head(engine)
                return
        from alembic import command

        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(describe_failure(engine, exc)) from exc


@functools.cache
def versions_head() -> str:
    """The newest migration in the versions folder: the revision no other one names as its parent.

    Read from the files' `revision` / `down_revision` assignments, without importing Alembic, once per
    process; tests/test_migrations.py checks it equals Alembic's own ScriptDirectory head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value_node = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value_node = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name) or target.id not in ("revision", "down_revision"):
                continue
            value = ast.literal_eval(value_node)
            if target.id == "revision":
                revisions.add(value)
            elif target.id == "down_revision" and value is not None:
                parents.update(value if isinstance(value, tuple | list) else (value,))
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseError(f"{MIGRATIONS / 'versions'}: expected one head revision, found {sorted(heads)}")
    return heads.pop()


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database, None for PostgreSQL or an in-memory database."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    return Path(engine.url.database)


_NOT_A_DATABASE = ("file is not a database", "file is encrypted")
_CORRUPT = ("malformed", "corrupt")
_CANNOT_WRITE = ("unable to open database file", "readonly database", "read-only")


def describe_failure(engine: Engine, exc: sa.exc.DBAPIError) -> str:
    """What is wrong with the database, where, and what to do: for an operator, not a developer."""
    reason = str(exc.orig).strip()
    path = sqlite_path(engine)
    if path is None:
        where = engine.url.render_as_string(hide_password=True)
        return f"cannot reach the database {where}: {reason}"
    lowered = reason.lower()
    if any(s in lowered for s in _NOT_A_DATABASE):
        return (
            f"{path}: not a SQLite database ({reason}); move it aside (mv {path} {path}.bad) to start a new "
            "one, or restore a backup, or point [tracker].database or DATABASE_URL at the right file"
        )
    if any(s in lowered for s in _CORRUPT):
        return corrupt_message(path, reason)
    if any(s in lowered for s in _CANNOT_WRITE):
        if path.exists() and not os.access(path, os.W_OK):
            what = f"the file {path} is not writable by this user"
        elif not os.access(path.parent, os.W_OK | os.X_OK):
            what = f"the directory {path.parent} is not writable by this user"
        else:
            what = reason
        return (
            f"{path}: cannot open the database: {what} (SQLite also writes -wal and -shm files beside it); "
            "fix the permissions, or set [tracker].database or DATABASE_URL to a writable place"
        )
    return f"{path}: cannot open the database: {reason}"


def corrupt_message(path: Path, detail: str) -> str:
    return (
        f"{path}: the database is corrupt ({detail}); stop `tracker run`, restore a backup, or move it "
        f"aside (mv {path} {path}.corrupt) to start a new one (its history is then lost)"
    )


def integrity_problem(engine: Engine) -> str | None:
    """SQLite's PRAGMA quick_check (reads every page, much faster than integrity_check): None when the
    file is sound or is not there yet, else what is wrong and what to do. PostgreSQL checks itself."""
    path = sqlite_path(engine)
    if path is None or not path.exists():
        return None
    try:
        with engine.connect() as conn:
            rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    except sa.exc.DBAPIError as exc:
        return describe_failure(engine, exc)
    if rows == ["ok"]:
        return None
    first = rows[0].removeprefix("*** in database main ***").strip().splitlines()[0] if rows else "?"
    return corrupt_message(path, f"quick_check: {first}")


def _stored_revision(engine: Engine) -> tuple[str | None, bool]:
    """(the revision Alembic recorded, whether the database holds no table at all)."""
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        if "alembic_version" not in tables:
            return None, not tables
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar(), False


def _build_at_head(engine: Engine) -> None:
    try:
        _create_at_head(engine)
    except sa.exc.DBAPIError as exc:
        # Another process built it between our look and our transaction (ours rolled back): use theirs.
        if _stored_revision(engine)[0] != versions_head():
            raise DatabaseError(
                f"cannot create the schema in the empty database ({exc.orig}); a table appeared while it "
                "was being created: check what else writes to this database"
            ) from exc


def _create_at_head(engine: Engine) -> None:
    """Alembic's cookbook recipe for a new database: the models' tables, then `stamp head`, in one
    transaction (replaying every migration would build the same schema, more slowly)."""
    from alembic import command  # imported before the transaction: the lock is held for the DDL only

    from tracker.store.models import SQLModel

    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # pysqlite opens no transaction for DDL: without this each CREATE would commit on its own, and
            # a failed build would leave half a schema. IMMEDIATE also makes a second starter wait here.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        # No checkfirst: a table that appeared since our look (another process, or one that is not ours)
        # must stop this build rather than be silently taken as ours.
        SQLModel.metadata.create_all(conn, checkfirst=False)
        command.stamp(_alembic_config(conn), "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """Alembic's own reading of the newest migration (versions_head reads it without Alembic)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

"""Shared fixtures: a real loopback HTTP server, and a migrated database on SQLite and on PostgreSQL.

Every test that takes `db_url` runs twice, once per backend. PostgreSQL is the machine's
(127.0.0.1:5432, database `test`, or TEST_POSTGRES_URL); each test gets its own schema, dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.fake_slack import FakeSlack
from tests.fixture_server import FixtureServer
from tests.service_support import ServiceProcess

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
_BACKENDS = [b for b in os.environ.get("TRACKER_TEST_DB", "sqlite,postgresql").split(",") if b]
_pg_reason: str | None = None


def _postgres_unavailable() -> str | None:
    global _pg_reason
    if _pg_reason is None:
        try:
            engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
            engine.dispose()
            _pg_reason = ""
        except Exception as exc:  # any failure means: skip, and say why
            _pg_reason = f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}"[:300]
    return _pg_reason or None


@pytest.fixture
def http_server() -> Iterator[FixtureServer]:
    server = FixtureServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=_BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of an empty database (no table at all): a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
        return
    reason = _postgres_unavailable()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"create schema {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"drop schema {schema} cascade"))
        admin.dispose()


@pytest.fixture
def db_url(empty_db_url: str) -> Iterator[str]:
    """A database URL with the schema migrated to head."""
    from tracker.store.db import make_engine, upgrade

    engine = make_engine(empty_db_url)
    upgrade(engine)
    engine.dispose()
    yield empty_db_url


@pytest.fixture
def services() -> Iterator[list[ServiceProcess]]:
    """`tracker run` processes a test starts; any still running at its end is killed."""
    started: list[ServiceProcess] = []
    yield started
    for service in started:
        service.close()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1 (#ai-regulation, #ops), reached with a bot token: the alert
    tests' Slack. A test file may define its own `fake` for another set-up."""
    for name in ("SLACK_WEBHOOK_URL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    server = FakeSlack(channels=["ai-regulation", "ops"]).start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", server.token)
    try:
        yield server
    finally:
        server.stop()

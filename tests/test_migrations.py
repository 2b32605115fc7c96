"""The migrations create exactly the schema the models describe, on SQLite and PostgreSQL.

An empty database is built from the models and stamped at head by Alembic (db._create_at_head); one that
exists goes through the migrations. Both must end at the same schema and the same recorded revision. A
database already at head is recognised without importing Alembic.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tracker.store.db import (
    DatabaseError,
    _alembic_config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
    versions_head,
)
from tracker.store.models import SQLModel


def _schema_diff(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(context, SQLModel.metadata)


def test_an_empty_database_is_built_at_head_with_the_models_schema(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _schema_diff(engine) == []
    # Alembic itself then sees nothing to do.
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    assert current_revision(engine) == head_revision()


def test_replayed_migrations_match_models(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    assert current_revision(engine) == head_revision()
    assert _schema_diff(engine) == []


def test_the_version_table_is_alembics_own(empty_db_url: str) -> None:
    """The bookkeeping table of a database built from the models has the columns and key Alembic creates."""
    built = make_engine(empty_db_url)
    upgrade(built)
    with built.connect() as conn:
        ours = sa.inspect(conn)
        columns = [(c["name"], str(c["type"]), c["nullable"]) for c in ours.get_columns("alembic_version")]
        key = ours.get_pk_constraint("alembic_version")
    with built.begin() as conn:
        conn.execute(sa.text("drop table alembic_version"))
        command.stamp(_alembic_config(conn), "head")  # Alembic's own creation of it
        alembic_made = sa.inspect(conn)
        assert [
            (c["name"], str(c["type"]), c["nullable"]) for c in alembic_made.get_columns("alembic_version")
        ] == columns
        alembic_key = alembic_made.get_pk_constraint("alembic_version")
        assert alembic_key["constrained_columns"] == key["constrained_columns"] == ["version_num"]


def test_an_old_database_is_migrated_not_rebuilt(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(
            sa.text(
                "insert into source_state (endpoint_key, source_id, status, consecutive_failures,"
                " ops_alert_open, baseline_done) values ('x/y', 'x', 'ok', 0, false, true)"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(sa.text("select endpoint_key from source_state")).scalars().all() == ["x/y"]
        assert "slack_channel_id" in {c["name"] for c in sa.inspect(conn).get_columns("alert")}


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_the_head_read_from_the_versions_folder_is_alembics_head() -> None:
    assert versions_head() == head_revision()


def test_a_start_on_a_database_at_head_does_not_import_alembic(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    upgrade(make_engine(url))  # built and stamped (this process imports Alembic)
    code = (
        "import sys; from tracker.store.db import make_engine, upgrade; "
        f"upgrade(make_engine({url!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako', 'pygments')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_database_built_by_another_process_meanwhile_is_accepted(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first starts at once: both see an empty database, one builds it; the other's create fails
    and it goes on with the database the first one built, instead of stopping with an error."""
    import tracker.store.db as db

    engine = make_engine(empty_db_url)
    upgrade(engine)  # the other process, done first
    looks: list[tuple[str | None, bool]] = []
    real_look = db._stored_revision

    def look_then_race(eng: sa.Engine) -> tuple[str | None, bool]:
        result = (None, True) if not looks else real_look(eng)  # our first look predates its commit
        looks.append(result)
        return result

    monkeypatch.setattr(db, "_stored_revision", look_then_race)
    upgrade(engine)
    assert looks == [(None, True), (head_revision(), False)]
    assert current_revision(engine) == head_revision()


def test_a_failing_build_of_an_empty_database_is_not_hidden(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.store.db as db

    engine = make_engine(empty_db_url)
    with engine.begin() as conn:  # a table in the way that is not ours, created after our look
        conn.execute(sa.text("create table change (x integer)"))
    monkeypatch.setattr(db, "_stored_revision", lambda eng: (None, True))
    with pytest.raises(DatabaseError, match="cannot create the schema in the empty database"):
        upgrade(engine)
    with engine.connect() as conn:  # nothing half-built left behind: the build was one transaction
        assert sa.inspect(conn).get_table_names() == ["change"]


def test_first_starts_at_once_all_end_at_head(empty_db_url: str, tmp_path) -> None:
    """Four processes open the same new database at the same moment: each ends with the schema at head."""
    go = tmp_path / "go"
    code = (
        "import sys, time, pathlib\n"
        "from tracker.store.db import make_engine, upgrade\n"
        "engine = make_engine(sys.argv[1])\n"
        "while not pathlib.Path(sys.argv[2]).exists():\n    time.sleep(0.005)\n"
        "upgrade(engine)\n"
    )
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", code, empty_db_url, str(go)], stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    import time

    time.sleep(1.5)  # all four have imported and are waiting
    go.touch()
    errors = [p.communicate(timeout=120)[1] for p in starters]
    assert [p.returncode for p in starters] == [0, 0, 0, 0], errors
    engine = make_engine(empty_db_url)
    assert current_revision(engine) == head_revision()
    assert _schema_diff(engine) == []

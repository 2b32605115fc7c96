"""The migrations create exactly the schema the models describe, on SQLite and PostgreSQL.

An empty database is built from the models at head without Alembic (db._create_at_head); one that
exists goes through the migrations. Both must end at the same schema and the same recorded revision.
"""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tracker.db import HEAD_REVISION, _alembic_config, current_revision, head_revision, make_engine, upgrade
from tracker.models import SQLModel


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
    """The bookkeeping table written without Alembic has the columns and key Alembic creates."""
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
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as conn:
        assert conn.execute(sa.text("select endpoint_key from source_state")).scalars().all() == ["x/y"]
        assert "slack_channel_id" in {c["name"] for c in sa.inspect(conn).get_columns("alert")}


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_head_revision_constant_is_the_real_head() -> None:
    assert head_revision() == HEAD_REVISION


def test_a_first_check_on_an_empty_database_does_not_import_alembic(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    code = (
        "import sys; from tracker.db import make_engine, upgrade; "
        f"upgrade(make_engine({url!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako', 'pygments')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

"""Alembic environment: the connection is handed in by tracker.store.db.upgrade (no alembic.ini needed)."""

from alembic import context

from tracker.store.models import SQLModel

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not supported
    raise RuntimeError("run migrations with `tracker db upgrade`")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

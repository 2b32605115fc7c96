"""store: the database.

Takes diffs and fetch results, gives stored items, changes, snapshots and endpoint state, in one
transaction per endpoint; the schema is Alembic's (store/migrations).
"""

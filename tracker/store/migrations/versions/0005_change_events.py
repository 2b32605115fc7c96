"""change: event grouping (event_id, event_reason, identifiers)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("event_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("identifiers", sa.Text(), nullable=False, server_default="{}"))
        batch_op.create_index("ix_change_event_id", ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_event_id")
        batch_op.drop_column("identifiers")
        batch_op.drop_column("event_reason")
        batch_op.drop_column("event_id")

"""source_state: recent good sizes and item counts, the last encoding

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("good_sizes", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("item_counts", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("last_encoding", sa.String(length=32), nullable=True))
    # The one size known so far seeds the history of the shrink rule.
    op.execute(
        "UPDATE source_state SET good_sizes = '[' || CAST(last_good_size AS VARCHAR(20)) || ']' "
        "WHERE last_good_size IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("source_state", schema=None) as batch_op:
        batch_op.drop_column("last_encoding")
        batch_op.drop_column("item_counts")
        batch_op.drop_column("good_sizes")

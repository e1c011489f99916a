"""dynamic interviews

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:10:42.336867
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_by", sa.String(length=32), nullable=True))

    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompted_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("prompt_ts", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.drop_column("prompted_position")
        batch_op.drop_column("position")


def downgrade() -> None:
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.INTEGER(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("prompted_position", sa.INTEGER(), server_default="-1", nullable=False)
        )
        batch_op.drop_column("paused")
        batch_op.drop_column("prompt_ts")
        batch_op.drop_column("prompted_key")

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("answered_by")
